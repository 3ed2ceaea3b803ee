"""The documented GitHub workflows, run by `act` in host mode (`-P ubuntu-latest=-self-hosted`):
the README's hotfix-hooks workflow word for word, on `pull_request` and `push`, with a
passing and a failing hotfix; and the report's matrix workflow (docs/org-scale.md) over
three repositories. GitHub is a directory of bare repositories here: a git `insteadOf`
sends https://github.com/ORG/REPO to it, and act's `--local-repository` maps each pinned
action to a local folder: ours (`YOUR-ORG/hotfix-hooks@...`) to a copy of this checkout,
GitHub's own to the stand-ins in tests/data/realtools/actions (CI cannot reach GitHub).
`merge_group` is not emulated by act: tests/test_ci_integrations.py runs its step in bash.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests import realtools, snippets
from tests.conftest import BIN
from tests.test_ci_integrations import FAIL, PASS, Origin
from tests.test_report_repos import NOW, REPOS, document

pytestmark = [pytest.mark.slow, pytest.mark.needs("act")]

STANDINS = realtools.PROJECT / "tests" / "data" / "realtools" / "actions"
OURS = "YOUR-ORG/hotfix-hooks@0123456789abcdef0123456789abcdef01234567"
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"  # no venv of ours: the action brings its own


def pinned_actions(*workflows: str) -> dict[str, str]:
    """Every `uses: actions/NAME@SHA` of the workflows, mapped to its stand-in."""
    found = {}
    for text in workflows:
        for name, sha in re.findall(r"uses: actions/([\w-]+)@([0-9a-f]{40})", text):
            found[f"actions/{name}@{sha}"] = str(STANDINS / name)
    return found


def action_copy(root: Path) -> Path:
    """This checkout as `uses: YOUR-ORG/hotfix-hooks@SHA` would fetch it."""
    return realtools.copy_project(root / "hotfix-hooks-action")


def github_is_here(home: Path, repos: dict[str, Path]) -> None:
    """https://github.com/OWNER/NAME fetches from the local bare repository."""
    with (home / ".gitconfig").open("a", encoding="utf-8") as config:
        for name, bare in repos.items():
            config.write(f'[url "{bare.as_uri()}"]\n\tinsteadOf = https://github.com/{name}\n')


def act(
    tmp_path: Path,
    workdir: Path,
    event: str,
    payload: dict[str, object],
    workflow: str,
    local: dict[str, str],
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    wf = tmp_path / f"workflow-{event}.yml"
    wf.write_text(workflow, encoding="utf-8")
    event_file = tmp_path / f"event-{event}.json"
    event_file.write_text(json.dumps(payload), encoding="utf-8")
    argv = [
        str(realtools.path_of("act")),
        event,
        "-W", str(wf),
        "-e", str(event_file),
        "-C", str(workdir),
        "-P", "ubuntu-latest=-self-hosted",
        "--no-skip-checkout",
        "--action-cache-path", str(tmp_path / "act-cache"),
        "--cache-server-path", str(tmp_path / "act-cache-server"),
        "--no-cache-server",
        "--defaultbranch", "main",
    ]  # fmt: skip
    for name, path in local.items():
        argv += ["--local-repository", f"{name}={path}"]
    run_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "VIRTUAL_ENV"))
    }
    run_env |= {"PATH": PLAIN_PATH, "HOTFIX_HOOKS_NOW": NOW, **(env or {})}
    return subprocess.run(
        argv, capture_output=True, text=True, env=run_env, timeout=600, check=False
    )


def local_clone(
    origin: Origin, name: str, *, ref: str | None = None, sha: str | None = None
) -> Path:
    """The directory act runs from (it takes GITHUB_SHA from its HEAD, GITHUB_REPOSITORY
    from its origin)."""
    path = origin.checkout(name, ref=ref, sha=sha)
    subprocess.run(
        ("git", "remote", "set-url", "origin", "https://github.com/org/app"), cwd=path, check=True
    )
    return path


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    return Origin(tmp_path_factory.mktemp("github"))


CASES = {
    "pull_request-pass": ("pull_request", PASS, 1, 0, "has a rollback plan"),
    "pull_request-fail": ("pull_request", FAIL, 2, 1, "has no real rollback plan"),
    "push-pass": ("push", PASS, 0, 0, "has a rollback plan"),
    "push-fail": ("push", FAIL, 0, 1, "has no real rollback plan"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_readme_workflow_under_act(
    case: str, origin: Origin, tmp_path: Path, isolated_env: Path
) -> None:
    event, branch, pr, code, said = CASES[case]
    workflow = snippets.workflow("hotfix-hooks")  # the README's, verbatim
    github_is_here(isolated_env, {"org/app": origin.bare})
    action = (realtools.PROJECT / "action.yml").read_text(encoding="utf-8")
    local = {**pinned_actions(workflow, action), OURS: str(action_copy(tmp_path))}
    assert set(local) == {
        "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
        "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97",
        OURS,
    }
    payload: dict[str, object] = {"repository": {"default_branch": "main", "full_name": "org/app"}}
    if event == "pull_request":
        workdir = local_clone(origin, f"pr-{pr}", sha=origin.merges[branch])
        payload |= {
            "number": pr,
            "pull_request": {
                "number": pr,
                "head": {"ref": branch, "sha": origin.heads[branch]},
                "base": {"ref": "main", "sha": origin.main},
            },
        }
    else:
        workdir = local_clone(origin, f"push-{branch.replace('/', '-')}", ref=branch)
        payload |= {"ref": f"refs/heads/{branch}", "after": origin.heads[branch]}
    proc = act(tmp_path, workdir, event, payload, workflow, local)
    out = proc.stdout + proc.stderr
    assert (proc.returncode == 0) == (code == 0), out[-6000:]
    assert said in out, out[-6000:]
    assert "checked out" in out  # the stand-in checkout ran, over the insteadOf server
    assert "Traceback" not in out


# -- the report's matrix workflow (docs/org-scale.md) -----------------------------------------


def server_repositories(root: Path) -> dict[str, Path]:
    """org/api, org/web and org/billing on "GitHub", from test_report_repos' histories:
    hotfixes on main and on hotfix branches."""
    out = {}
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    for hotfixes, name in zip(REPOS.values(), ("api", "web", "billing"), strict=True):
        work = root / "src" / name
        subprocess.run(("git", "init", "-q", "-b", "main", str(work)), check=True, env=env)
        (work / "app.py").write_text("print('hi')\n")
        for number, (created, resolved, rollback, where) in hotfixes.items():
            if where == "tree":
                rel = work / f".specswarm/features/{number}-hotfix/hotfix.md"
                rel.parent.mkdir(parents=True, exist_ok=True)
                rel.write_text(document(number, created, resolved, rollback))
        subprocess.run(("git", "add", "-A"), cwd=work, check=True, env=env)
        subprocess.run(("git", "commit", "-q", "-m", "initial"), cwd=work, check=True, env=env)
        for number, (created, resolved, rollback, where) in hotfixes.items():
            if where != "tree":
                branch = where.rsplit("/", 2)[-2] + "/" + where.rsplit("/", 1)[-1]
                subprocess.run(
                    ("git", "checkout", "-q", "-b", branch, "main"), cwd=work, check=True, env=env
                )
                rel = work / f".specswarm/features/{number}-hotfix/hotfix.md"
                rel.parent.mkdir(parents=True, exist_ok=True)
                rel.write_text(document(number, created, resolved, rollback))
                subprocess.run(("git", "add", "-A"), cwd=work, check=True, env=env)
                subprocess.run(
                    ("git", "commit", "-q", "-m", f"T001: {number}"), cwd=work, check=True, env=env
                )
                subprocess.run(("git", "checkout", "-q", "main"), cwd=work, check=True, env=env)
        bare = root / "github" / "org" / name
        subprocess.run(("git", "clone", "-q", "--bare", str(work), str(bare)), check=True, env=env)
        out[f"org/{name}"] = bare
    return out


def hotfix_report(clones: dict[str, Path], tmp_path: Path) -> str:
    """What `report --merge` of shards made here says: the expected report."""
    shards = []
    for name, bare in clones.items():
        clone = tmp_path / "expected" / name
        subprocess.run(("git", "clone", "-q", str(bare), str(clone)), check=True)
        proc = subprocess.run(
            (str(BIN / "hotfix-hooks"), "report", "--json", "--name", name.split("/")[1]),
            cwd=clone, capture_output=True, text=True, env={**os.environ, "HOTFIX_HOOKS_NOW": NOW},
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        shards.append(clone.parent / f"shard-{name.split('/')[1]}.json")
        shards[-1].write_text(proc.stdout)
    proc = subprocess.run(  # in the order the merge job's shards/*.json globs them
        (str(BIN / "hotfix-hooks"), "report", "--merge", *map(str, sorted(shards))),
        capture_output=True, text=True, env={**os.environ, "HOTFIX_HOOKS_NOW": NOW}, check=True,
    )  # fmt: skip
    return proc.stdout


def test_org_report_matrix_under_act(
    tmp_path: Path, isolated_env: Path, hook_repo_rev: tuple[Path, str]
) -> None:
    repos = server_repositories(tmp_path)
    source, sha = hook_repo_rev
    documented = snippets.workflow("hotfix-report")
    workflow = documented.replace("repository: YOUR-ORG/", "repository: org/").replace(
        "0123456789abcdef0123456789abcdef01234567", sha
    )
    assert workflow.count(sha) == 2 and "org/billing" in workflow
    github_is_here(isolated_env, {**repos, "YOUR-ORG/hotfix-hooks": source})
    reporting = tmp_path / "reporting"
    subprocess.run(("git", "init", "-q", "-b", "main", str(reporting)), check=True)
    subprocess.run(
        ("git", "remote", "add", "origin", "https://github.com/org/reporting"),
        cwd=reporting,
        check=True,
    )
    subprocess.run(
        ("git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "x"),
        cwd=reporting, check=True,
    )  # fmt: skip
    artifacts = tmp_path / "artifacts"
    proc = act(
        tmp_path, reporting, "workflow_dispatch", {}, workflow, pinned_actions(workflow),
        env={"HH_ARTIFACTS": str(artifacts)},
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-8000:]
    shards = sorted(p.name for p in artifacts.glob("hotfix-report-shard-*/*.json"))
    assert shards == ["shard-api.json", "shard-billing.json", "shard-web.json"], out[-4000:]
    text = (artifacts / "hotfix-report" / "hotfix-report.txt").read_text()
    assert text == hotfix_report(repos, tmp_path)
    assert (artifacts / "hotfix-report" / "hotfix-report.html").stat().st_size > 10_000
