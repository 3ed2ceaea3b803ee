"""action.yml and ci/gitlab-hotfix-hooks.yml, run here as GitHub and GitLab would run them.

GitHub and GitLab cannot be reached from here, so the shell of each step is taken out of the
YAML and run with bash under the variables the CI sets, in real clones made the way
actions/checkout (fetch-depth: 0) and the GitLab runner make them: a pull request's head,
its refs/pull/N/merge merge commit, a push to a hotfix branch, a merge queue entry, a merge
request pipeline and a branch pipeline; each with a hotfix whose plan passes and one whose
plan is still the template's placeholder (and one commit that names no task).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from hotfix_hooks.enforce.github import (
    command,
    escape_data,
    escape_property,
    violation_annotations,
)

from .conftest import BIN, PROJECT

yaml = pytest.importorskip("yaml")

TEMPLATE = (PROJECT / "templates" / "hotfix.md").read_text(encoding="utf-8")
PASS, FAIL = "hotfix/042-login", "hotfix/043-cache"
BUILD_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "CI",
    "GIT_AUTHOR_EMAIL": "ci@example.com",
    "GIT_COMMITTER_NAME": "CI",
    "GIT_COMMITTER_EMAIL": "ci@example.com",
}


def sh(cwd: Path, *args: str) -> str:
    proc = subprocess.run(args, cwd=cwd, env=BUILD_ENV, capture_output=True, text=True)
    assert proc.returncode == 0, f"{args}: {proc.stdout}{proc.stderr}"
    return proc.stdout.strip()


def hotfix_md(number: str, branch: str, plan: str | None) -> str:
    text = (
        TEMPLATE.replace('{{ title or "[Title]" }}', "Outage")
        .replace("{{ number }}", number)
        .replace("{{ created }}", "2026-11-26 03:12 +00:00")
        .replace("{{ status }}", "Active")
        .replace("{{ branch }}", branch)
    )
    return text.replace("[How to rollback if hotfix fails]", plan) if plan else text


class Origin:
    """A bare "GitHub" repository: main, a passing and a failing hotfix branch, their
    pull requests' merge refs and merge queue branches."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bare = root / "origin.git"
        work = root / "author"
        sh(root, "git", "init", "-q", "--bare", "-b", "main", str(self.bare))
        sh(root, "git", "init", "-q", "-b", "main", str(work))
        (work / "app.py").write_text("print('hello')\n", encoding="utf-8")
        sh(work, "git", "add", "app.py")
        sh(work, "git", "commit", "-q", "-m", "initial")
        self.heads: dict[str, str] = {}
        for branch, number, plan, second in (
            (PASS, "042", "Revert the release tag and redeploy v1.4.2", "T002: guard null user"),
            (FAIL, "043", None, "quick fix"),  # the placeholder plan, and no task named
        ):
            sh(work, "git", "checkout", "-q", "-b", branch, "main")
            docs = work / f".specswarm/features/{number}-hotfix"
            docs.mkdir(parents=True)
            (docs / "hotfix.md").write_text(hotfix_md(number, branch, plan), encoding="utf-8")
            sh(work, "git", "add", "-A")
            sh(work, "git", "commit", "-q", "-m", f"T001: docs\n\nHotfix: {number}\nTask: T001")
            (work / "app.py").write_text(f"print('fixed {number}')\n", encoding="utf-8")
            sh(work, "git", "commit", "-q", "-am", f"{second}\n\nHotfix: {number}")
            self.heads[branch] = sh(work, "git", "rev-parse", "HEAD")
        sh(work, "git", "checkout", "-q", "main")  # main moves on after the branches left
        (work / "README").write_text("docs\n", encoding="utf-8")
        sh(work, "git", "add", "README")
        sh(work, "git", "commit", "-q", "-m", "readme")
        self.main = sh(work, "git", "rev-parse", "HEAD")
        sh(work, "git", "push", "-q", str(self.bare), "main", PASS, FAIL)
        self.merges: dict[str, str] = {}
        self.queues: dict[str, str] = {}
        for pr, branch in ((1, PASS), (2, FAIL)):
            tree = sh(work, "git", "merge-tree", "--write-tree", "main", branch)
            head = self.heads[branch]
            merge = sh(
                work, "git", "commit-tree", "-p", self.main, "-p", head, "-m",
                f"Merge {head} into {self.main}", tree,
            )  # fmt: skip
            queued = sh(
                work, "git", "commit-tree", "-p", self.main, "-p", head, "-m",
                f"Merge pull request #{pr} from org/{branch}", tree,
            )  # fmt: skip
            queue_branch = f"gh-readonly-queue/main/pr-{pr}-{self.main}"
            sh(work, "git", "push", "-q", str(self.bare), f"{merge}:refs/pull/{pr}/merge")
            sh(work, "git", "push", "-q", str(self.bare), f"{queued}:refs/heads/{queue_branch}")
            self.merges[branch] = merge
            self.queues[branch] = queue_branch

    def checkout(self, name: str, *, ref: str | None = None, sha: str | None = None) -> Path:
        """A workspace as actions/checkout makes it with fetch-depth: 0 (every branch as
        refs/remotes/origin/*), then HEAD at ``ref`` (-B, a branch) or ``sha`` (detached)."""
        path = self.root / name
        sh(self.root, "git", "init", "-q", str(path))
        sh(path, "git", "remote", "add", "origin", str(self.bare))
        sh(path, "git", "fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*")
        if ref is not None:
            sh(path, "git", "checkout", "-q", "--force", "-B", ref, f"refs/remotes/origin/{ref}")
        else:
            assert sha is not None
            sh(path, "git", "fetch", "-q", "origin", f"+{sha}:refs/remotes/pull/tmp")
            sh(path, "git", "checkout", "-q", "--force", "--detach", sha)
        return path


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    return Origin(tmp_path_factory.mktemp("ci"))


def shallow_clone(origin: Origin, name: str) -> Path:
    """A depth-1 clone of the passing hotfix branch, as CI runners check out by default."""
    path = origin.root / name
    sh(
        origin.root,
        "git",
        "clone",
        "-q",
        "--depth",
        "1",
        "-b",
        PASS,
        origin.bare.as_uri(),
        str(path),
    )
    return path


# -- GitHub Actions ---------------------------------------------------------------------------

ACTION: Any = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def action_step(step_id_or_name: str) -> dict[str, Any]:
    for step in ACTION["runs"]["steps"]:
        if step_id_or_name in (step.get("id"), step.get("name")):
            return dict(step)
    raise AssertionError(f"no step {step_id_or_name} in action.yml")


def evaluate(value: str, inputs: Mapping[str, str]) -> str:
    """The ``${{ }}`` expressions the action's steps use: inputs and github.action_path."""
    defaults = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}

    def one(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr == "github.action_path":
            return str(PROJECT)
        if expr == "steps.install.outputs.bin":  # the install step's output (its own test)
            return str(BIN / "hotfix-hooks")
        assert expr.startswith("inputs."), f"unexpected expression {expr!r} in a step's env"
        name = expr[len("inputs.") :]
        return str(inputs.get(name, defaults[name]))

    return EXPRESSION.sub(one, value)


def run_action_step(
    step: dict[str, Any],
    workspace: Path,
    event: str,
    payload: dict[str, Any],
    variables: Mapping[str, str],
    inputs: Mapping[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run one `run:` step as the runner does (bash --noprofile --norc -eo pipefail), with
    the variables GitHub sets; (the process, what it wrote to GITHUB_OUTPUT)."""
    given = inputs or {}
    assert "${{" not in step["run"], "the script reads inputs only through env"
    runner = workspace.parent / f"runner-{workspace.name}"
    runner.mkdir(exist_ok=True)
    event_path = runner / "event.json"
    event_path.write_text(json.dumps(payload), encoding="utf-8")
    for name in ("output", "path", "env"):
        (runner / name).write_text("", encoding="utf-8")
    script = runner / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    env = {
        **os.environ,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_PATH": str(runner / "path"),
        "GITHUB_ENV": str(runner / "env"),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(PROJECT),
        "GITHUB_REPOSITORY": "org/app",
        "RUNNER_TEMP": str(runner),
        **variables,
        **{k: evaluate(str(v), given) for k, v in step.get("env", {}).items()},
    }
    cwd = workspace / evaluate(step.get("working-directory", "."), given)
    proc = subprocess.run(
        ("bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = dict(
        line.split("=", 1)
        for line in (runner / "output").read_text(encoding="utf-8").splitlines()
        if "=" in line
    )
    return proc, output


def pull_request(origin: Origin, branch: str, pr: int, sha: str) -> tuple[dict[str, str], Any]:
    head = origin.heads[branch]
    variables = {
        "GITHUB_HEAD_REF": branch,
        "GITHUB_BASE_REF": "main",
        "GITHUB_REF": f"refs/pull/{pr}/merge",
        "GITHUB_REF_NAME": f"{pr}/merge",
        "GITHUB_SHA": sha,
    }
    payload = {
        "number": pr,
        "pull_request": {
            "number": pr,
            "head": {"ref": branch, "sha": head},
            "base": {"ref": "main", "sha": origin.main},
        },
        "repository": {"default_branch": "main"},
    }
    return variables, payload


CHECK = action_step("check")


def assert_verdict(
    proc: subprocess.CompletedProcess[str], output: dict[str, str], branch: str
) -> None:
    if branch == PASS:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "✓ hotfix 042" in proc.stdout and "::error" not in proc.stdout
        assert output == {"passed": "true"}
        return
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert output == {"passed": "false"}
    assert "has no real rollback plan" in proc.stderr
    errors = [line for line in proc.stdout.splitlines() if line.startswith("::error ")]
    plan_line = 1 + hotfix_md("043", FAIL, None).splitlines().index("**3. Rollback Plan**:")
    assert errors[0].startswith(
        f"::error file=.specswarm/features/043-hotfix/hotfix.md,line={plan_line},"
        "title=hotfix-hooks HH001 rollback-plan::"
    ), errors
    assert "Rollback Plan holds only a placeholder" in errors[0]
    assert len(errors) == 2 and "(quick fix) names no task of hotfix 043" in errors[1], errors


@pytest.mark.parametrize("branch", [PASS, FAIL])
def test_action_pull_request_merge_commit(origin: Origin, branch: str) -> None:
    """actions/checkout's default for pull_request: the refs/pull/N/merge commit."""
    pr = 1 if branch == PASS else 2
    merge = origin.merges[branch]
    workspace = origin.checkout(f"pr-merge-{pr}", sha=merge)
    variables, payload = pull_request(origin, branch, pr, merge)
    proc, output = run_action_step(CHECK, workspace, "pull_request", payload, variables)
    assert_verdict(proc, output, branch)


@pytest.mark.parametrize("branch", [PASS, FAIL])
def test_action_pull_request_head(origin: Origin, branch: str) -> None:
    """A workflow that checks out the pull request's head (ref: ...head.sha) instead."""
    pr = 1 if branch == PASS else 2
    workspace = origin.checkout(f"pr-head-{pr}", sha=origin.heads[branch])
    variables, payload = pull_request(origin, branch, pr, origin.merges[branch])
    proc, output = run_action_step(CHECK, workspace, "pull_request", payload, variables)
    assert_verdict(proc, output, branch)


@pytest.mark.parametrize("branch", [PASS, FAIL])
def test_action_push_to_a_hotfix_branch(origin: Origin, branch: str) -> None:
    workspace = origin.checkout(f"push-{branch.replace('/', '-')}", ref=branch)
    variables = {
        "GITHUB_REF": f"refs/heads/{branch}",
        "GITHUB_REF_NAME": branch,
        "GITHUB_REF_TYPE": "branch",
        "GITHUB_SHA": origin.heads[branch],
    }
    payload = {
        "ref": f"refs/heads/{branch}",
        "before": "0" * 40,
        "after": origin.heads[branch],
        "repository": {"default_branch": "main"},
    }
    proc, output = run_action_step(CHECK, workspace, "push", payload, variables)
    assert_verdict(proc, output, branch)


@pytest.mark.parametrize("branch", [PASS, FAIL])
def test_action_merge_group(origin: Origin, branch: str) -> None:
    queue = origin.queues[branch]
    workspace = origin.checkout(f"queue-{branch.replace('/', '-')}", ref=queue)
    sha = sh(workspace, "git", "rev-parse", "HEAD")
    variables = {
        "GITHUB_REF": f"refs/heads/{queue}",
        "GITHUB_REF_NAME": queue,
        "GITHUB_SHA": sha,
    }
    payload = {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": sha,
            "head_ref": f"refs/heads/{queue}",
            "base_sha": origin.main,
            "base_ref": "refs/heads/main",
        },
        "repository": {"default_branch": "main"},
    }
    proc, output = run_action_step(CHECK, workspace, "merge_group", payload, variables)
    assert_verdict(proc, output, branch)


def test_action_push_of_main_and_a_shallow_checkout(origin: Origin) -> None:
    workspace = origin.checkout("push-main", ref="main")
    variables = {"GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main"}
    payload = {"repository": {"default_branch": "main"}}
    proc, output = run_action_step(CHECK, workspace, "push", payload, variables)
    assert proc.returncode == 0 and "not on a hotfix branch" in proc.stdout, proc.stderr
    assert output == {"passed": "true"}

    shallow = shallow_clone(origin, "shallow")
    variables = {"GITHUB_REF": f"refs/heads/{PASS}", "GITHUB_REF_NAME": PASS}
    proc, output = run_action_step(CHECK, shallow, "push", payload, variables)
    assert proc.returncode == 2 and output == {"passed": "false"}
    assert "fetch-depth: 0" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout.startswith("::error title=hotfix-hooks::this checkout is shallow")


def test_action_inputs_strict_and_args(origin: Origin) -> None:
    workspace = origin.checkout("push-args", ref=PASS)
    variables = {"GITHUB_REF": f"refs/heads/{PASS}", "GITHUB_REF_NAME": PASS}
    payload = {"repository": {"default_branch": "no-such-branch"}}
    proc, _ = run_action_step(
        CHECK, workspace, "push", payload, variables, {"base-branch": "main", "strict": "true"}
    )
    assert proc.returncode == 0, proc.stderr
    proc, _ = run_action_step(CHECK, workspace, "push", payload, variables, {"args": "--json"})
    assert proc.returncode == 2 and "no-such-branch is not in this checkout" in proc.stderr
    proc, _ = run_action_step(
        CHECK, workspace, "push", payload, variables, {"base-branch": "main", "args": "--json"}
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)["passed"] is True


def test_action_metadata() -> None:
    assert ACTION["runs"]["using"] == "composite"
    install = action_step("Install hotfix-hooks (this action's own ref)")
    assert install["env"]["HOTFIX_HOOKS_SOURCE"] == "${{ github.action_path }}"
    assert ACTION["outputs"]["passed"]["value"] == "${{ steps.check.outputs.passed }}"
    for step in ACTION["runs"]["steps"]:
        assert "run" not in step or step["shell"] == "bash"


def plant_hostile_modules(workspace: Path, marker: Path) -> None:
    """A checkout that holds pip.py, venv.py and json.py: a `python -m` run from it would
    import them (the directory first on sys.path) and leave ``marker``."""
    for name in ("pip", "venv", "json", "ensurepip"):
        (workspace / f"{name}.py").write_text(
            f"open({str(marker)!r}, 'a').write({name!r})\n", encoding="utf-8"
        )


@pytest.mark.slow
def test_action_install_step_installs_this_package(tmp_path: Path) -> None:
    """The install step, for real: a fresh venv with this project installed from the
    action's own directory, named in the step's output `bin`; the job's PATH untouched (a
    later `pip install` in the user's job must not install into it)."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    marker = tmp_path / "ran-from-the-checkout"
    plant_hostile_modules(workspace, marker)
    step = action_step("Install hotfix-hooks (this action's own ref)")
    env_path = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc, output = run_action_step(step, workspace, "push", {}, env_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not marker.exists(), marker.read_text(encoding="utf-8")
    assert (tmp_path / "runner-ws" / "path").read_text(encoding="utf-8") == ""
    installed = Path(output["bin"])
    assert installed.name == "hotfix-hooks" and installed.is_file()
    assert installed.parent != BIN
    assert "hotfix-hooks" in proc.stdout


# -- annotations ------------------------------------------------------------------------------


def test_annotation_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = command("error", "plan: 50%\nmissing", file="docs/a,b:c.md", line=7, title="x: y")
    assert line == "::error file=docs/a%2Cb%3Ac.md,line=7,title=x%3A y::plan: 50%25%0Amissing"
    assert command("warning", "w") == "::warning::w"


def test_annotations_only_under_github_actions(origin: Origin) -> None:
    workspace = origin.checkout("plain", ref=FAIL)
    hh = str(BIN / "hotfix-hooks")
    env = {**os.environ, "GITHUB_REF_NAME": FAIL}
    proc = subprocess.run(
        (hh, "check", "--range", f"{origin.main}..HEAD"), cwd=workspace, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1 and "::error" not in proc.stdout + proc.stderr
    env["GITHUB_ACTIONS"] = "true"
    env["GITHUB_WORKSPACE"] = str(workspace.parent)  # the repository in a subdirectory
    proc = subprocess.run(
        (hh, "check", "--json", "--range", f"{origin.main}..HEAD"), cwd=workspace, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1 and json.loads(proc.stdout)["passed"] is False
    assert "::error file=plain/.specswarm/features/043-hotfix/hotfix.md,line=" in proc.stderr


def test_no_old_workflow_command_reaches_the_log(origin: Origin) -> None:
    """A commit subject (or hotfix.md text) holding `##[stop-commands]`, the old form of a
    workflow command GitHub obeys anywhere in a line, is printed broken, in text and JSON."""
    workspace = origin.checkout("hostile", ref=FAIL)
    sh(workspace, "git", "commit", "-q", "--no-verify", "--allow-empty", "-m", "##[stop-commands]x")
    hh = str(BIN / "hotfix-hooks")
    env = {**os.environ, "GITHUB_REF_NAME": FAIL, "GITHUB_ACTIONS": "true"}
    for json_flag in ((), ("--json",)):
        proc = subprocess.run(
            (hh, "check", *json_flag, "--range", f"{origin.main}..HEAD"), cwd=workspace,
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert proc.returncode == 1, proc.stderr
        assert "##[" not in proc.stdout + proc.stderr
        assert "stop-commands" in proc.stdout + proc.stderr
        if json_flag:
            assert "##[stop-commands]x" in json.dumps(json.loads(proc.stdout), ensure_ascii=False)


# -- GitLab CI --------------------------------------------------------------------------------

GITLAB: Any = yaml.safe_load((PROJECT / "ci" / "gitlab-hotfix-hooks.yml").read_text("utf-8"))
JOB = GITLAB["hotfix-hooks"]


def run_gitlab(
    lines: list[str], workspace: Path, variables: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """The job's script lines as one bash script, as the runner runs them (set -eo pipefail),
    with the job's variables and the ones GitLab sets."""
    env = {
        **os.environ,
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_DEFAULT_BRANCH": "main",
        "CI_PROJECT_DIR": str(workspace),
        "CI_JOB_ID": "4242",
        **{k: str(v) for k, v in JOB["variables"].items()},
        **variables,
    }
    return subprocess.run(
        ("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(lines)),
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def gitlab_checkout(origin: Origin, name: str, sha: str, branch: str) -> Path:
    """What the runner fetches: the pipeline's ref alone (so the script must fetch the
    target itself), checked out detached at the pipeline's commit."""
    path = origin.root / name
    sh(origin.root, "git", "init", "-q", str(path))
    sh(path, "git", "remote", "add", "origin", str(origin.bare))
    sh(path, "git", "fetch", "-q", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}")
    sh(path, "git", "fetch", "-q", "origin", f"+{sha}:refs/pipelines/7")
    sh(path, "git", "checkout", "-q", "--force", "--detach", sha)
    return path


@pytest.mark.parametrize("branch", [PASS, FAIL])
def test_gitlab_merge_request_pipeline(origin: Origin, branch: str) -> None:
    head = origin.heads[branch]
    workspace = gitlab_checkout(origin, f"gl-mr-{branch.replace('/', '-')}", head, branch)
    variables = {
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": branch,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_IID": "3",
        "CI_COMMIT_SHA": head,
        "CI_COMMIT_REF_NAME": branch,
    }
    proc = run_gitlab(JOB["script"], workspace, variables)
    if branch == PASS:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "✓ hotfix 042" in proc.stdout and "2 commit(s) each name a task" in proc.stdout
    else:
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "has no real rollback plan" in proc.stderr and "1 of 2 new commit" in proc.stderr
        assert "::error" not in proc.stdout  # annotations are GitHub's alone


def test_gitlab_merged_results_and_branch_pipelines(origin: Origin) -> None:
    merge = origin.merges[FAIL]  # a merged results pipeline runs on a merge commit
    workspace = gitlab_checkout(origin, "gl-merged", merge, FAIL)
    variables = {
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": FAIL,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_COMMIT_SHA": merge,
    }
    proc = run_gitlab(JOB["script"], workspace, variables)
    assert proc.returncode == 1 and f"gate for {FAIL} refused" in proc.stderr, proc.stderr

    workspace = gitlab_checkout(origin, "gl-branch", origin.heads[PASS], PASS)
    variables = {
        "CI_PIPELINE_SOURCE": "push",
        "CI_COMMIT_BRANCH": PASS,
        "CI_COMMIT_REF_NAME": PASS,
        "CI_COMMIT_SHA": origin.heads[PASS],
    }
    proc = run_gitlab(JOB["script"], workspace, variables)
    assert proc.returncode == 0 and "✓ hotfix 042" in proc.stdout, proc.stderr

    shallow = shallow_clone(origin, "gl-shallow")
    proc = run_gitlab(JOB["script"], shallow, variables)
    assert proc.returncode == 2 and "set GIT_DEPTH to 0" in proc.stderr


def test_gitlab_rules() -> None:
    rules = [rule["if"] for rule in JOB["rules"]]
    assert '$CI_PIPELINE_SOURCE == "merge_request_event"' in rules
    assert any("CI_COMMIT_BRANCH =~ /^hotfix" in rule for rule in rules)
    assert JOB["variables"]["GIT_DEPTH"] == "0"


@pytest.mark.slow
def test_gitlab_before_script_installs(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    marker = tmp_path / "ran-from-the-checkout"
    plant_hostile_modules(workspace, marker)
    lines = [*JOB["before_script"], "command -v hotfix-hooks", "hotfix-hooks --version"]
    variables = {"HOTFIX_HOOKS_PIP_SPEC": str(PROJECT), "TMPDIR": str(tmp_path)}
    proc = run_gitlab(lines, workspace, variables)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not marker.exists(), marker.read_text(encoding="utf-8")
    assert proc.stdout.startswith(str(tmp_path / "hotfix-hooks-4242" / "bin"))


def test_annotation_lines_for_plan_trigger_and_missing_file() -> None:
    from hotfix_hooks.document.model import HotfixDocument
    from hotfix_hooks.policy import rules
    from hotfix_hooks.policy.rollback_plan import judge

    lines = hotfix_md("042", PASS, "Revert the tag").splitlines()
    trigger_line = 1 + next(i for i, t in enumerate(lines) if t.startswith("**Rollback Trigger**"))
    doc = HotfixDocument.parse("\n".join(lines).encode())
    path = "docs/042-hotfix/hotfix.md"

    def annotations(plan: rules.PlanFacts, required: bool) -> list[str]:
        facts = rules.Facts("042", "", "a" * 40, plan=plan, trigger_required=required)
        return violation_annotations(Path("/nowhere"), rules.run("check", facts), {})

    (error,) = annotations(rules.PlanFacts(path, "ok", judge(doc, trigger_required=True)), True)
    assert error.startswith(f"::error file=docs/042-hotfix/hotfix.md,line={trigger_line},")
    assert "write when to roll back after '**Rollback Trigger**:'" in error
    (warning,) = annotations(rules.PlanFacts(path, "ok", judge(doc)), False)
    assert warning.startswith(f"::warning file=docs/042-hotfix/hotfix.md,line={trigger_line},")
    (error,) = annotations(rules.PlanFacts(path, "missing", None), False)
    assert error.startswith("::error title=hotfix-hooks HH001 rollback-plan::hotfix 042: ")
    assert "does not exist in this commit" in error


def test_gitlab_placeholder_spec_stops_with_one_line(tmp_path: Path) -> None:
    proc = run_gitlab(JOB["before_script"][:1], tmp_path, {})  # the template's YOUR-ORG spec
    assert proc.returncode == 2 and "set HOTFIX_HOOKS_PIP_SPEC" in proc.stderr
