"""ci/gitlab-hotfix-hooks.yml as a user includes it, run by gitlab-ci-local (npm, on Node 22)
with the shell executor: the README's `.gitlab-ci.yml` block (the remote include and the
pinned HOTFIX_HOOKS_PIP_SPEC, YOUR-ORG and the commit filled in as a user fills them) on a
branch pipeline that passes and one that fails, a merge request pipeline, a merged results
pipeline, a shallow clone and the placeholder spec; and the report's `parallel:` jobs
(docs/org-scale.md) over three repositories.

GitLab and GitHub are directories of bare repositories here, reached through git
`insteadOf`; the remote include is placed in gitlab-ci-local's include cache, where it
looks before downloading. Only the placeholders (YOUR-ORG, the pinned commit, the
repository list) are replaced in the documented blocks."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests import realtools, snippets
from tests.conftest import BIN
from tests.test_ci_integrations import FAIL, PASS, Origin
from tests.test_real_github import server_repositories
from tests.test_report_repos import NOW

pytestmark = [pytest.mark.slow, pytest.mark.needs("node22", "gitlab-ci-local")]

PLACEHOLDER = "0123456789abcdef0123456789abcdef01234567"
ORG = "acme"  # what a user writes for YOUR-ORG
TEMPLATE = realtools.PROJECT / "ci" / "gitlab-hotfix-hooks.yml"
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"
APP_URL = "https://gitlab.example.com/group/app.git"


def insteadof(home: Path, mapping: dict[str, Path]) -> None:
    with (home / ".gitconfig").open("a", encoding="utf-8") as config:
        for url, path in mapping.items():
            config.write(f'[url "{path.as_uri()}"]\n\tinsteadOf = {url}\n')


def gitlab_ci_local(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    node = realtools.path_of("node22")
    script = realtools.path_of("gitlab-ci-local")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "VIRTUAL_ENV"))}
    env |= {"PATH": PLAIN_PATH, "HOTFIX_HOOKS_NOW": NOW}
    return subprocess.run(
        (str(node), str(script), "--force-shell-executor", "--no-color", *args),
        cwd=project, capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip


def seed_include(project: Path, sha: str) -> None:
    """The template where gitlab-ci-local keeps a downloaded remote include."""
    cache = project / ".gitlab-ci-local" / "includes" / "raw.githubusercontent.com"
    where = cache / ORG / "hotfix-hooks" / sha / "ci"
    where.mkdir(parents=True)
    (where / TEMPLATE.name).write_text(TEMPLATE.read_text())


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    return Origin(tmp_path_factory.mktemp("gitlab"))


def project(
    origin: Origin, tmp_path: Path, *, ref: str | None = None, sha: str | None = None
) -> Path:
    """The project's checkout as the runner leaves it (all history, origin = GitLab)."""
    path = origin.checkout(f"{tmp_path.name}-project", ref=ref, sha=sha)
    subprocess.run(("git", "remote", "set-url", "origin", APP_URL), cwd=path, check=True)
    return path


# name: (how the project is checked out, variables, expected exit, expected words)
MR = {
    "CI_PIPELINE_SOURCE": "merge_request_event",
    "CI_MERGE_REQUEST_IID": "1",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
}
CASES = {
    "branch-pass": ("branch", PASS, {}, 0, "has a rollback plan"),
    "branch-fail": ("branch", FAIL, {}, 1, "has no real rollback plan"),
    "merge-request": (
        "branch",
        FAIL,
        {**MR, "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": FAIL},
        1,
        "has no real rollback plan",
    ),
    "merged-results": (
        "merge",
        PASS,
        {**MR, "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": PASS},
        0,
        "has a rollback plan",
    ),
    "shallow": ("shallow", PASS, {}, 2, "set GIT_DEPTH to 0 for this job"),
    "placeholder-spec": ("placeholder", PASS, {}, 2, "set HOTFIX_HOOKS_PIP_SPEC"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_template_as_included(
    case: str, origin: Origin, tmp_path: Path, isolated_env: Path, hook_repo_rev: tuple[Path, str]
) -> None:
    how, branch, variables, code, said = CASES[case]
    source, sha = hook_repo_rev
    insteadof(
        isolated_env, {APP_URL: origin.bare, f"https://github.com/{ORG}/hotfix-hooks": source}
    )
    block = snippets.gitlab_includes()[0]  # the README's, with the commit pinned here
    if how == "merge":
        path = project(origin, tmp_path, sha=origin.merges[branch])
    elif how == "shallow":
        path = tmp_path / "shallow"
        subprocess.run(
            ("git", "clone", "-q", "--depth", "1", "-b", branch, origin.bare.as_uri(), str(path)),
            check=True,
        )
    else:
        path = project(origin, tmp_path, ref=branch)
    if how == "placeholder":  # the include alone: HOTFIX_HOOKS_PIP_SPEC left as the template's
        block = block.split("\nhotfix-hooks:")[0] + "\n"
    (path / ".gitlab-ci.yml").write_text(block.replace(PLACEHOLDER, sha).replace("YOUR-ORG", ORG))
    seed_include(path, sha)
    args = [arg for name, value in variables.items() for arg in ("--variable", f"{name}={value}")]
    proc = gitlab_ci_local(path, *args, "hotfix-hooks")
    out = proc.stdout + proc.stderr
    assert (proc.returncode == 0) == (code == 0), out[-5000:]
    assert said in out, out[-5000:]
    if code == 2:
        assert "FAIL 2" in out, out[-3000:]
    assert "Traceback" not in out
    if how != "placeholder" and code != 2:  # the job's Code Quality report, every rule named
        import json

        report = next(path.glob("**/gl-code-quality-report.json"))  # the job's artifact
        issues = json.loads(report.read_text(encoding="utf-8"))
        names = {issue["check_name"] for issue in issues if issue["severity"] == "critical"}
        assert ("hotfix-hooks/HH001-rollback-plan" in names) == (code == 1), issues


# -- the report's parallel: jobs (docs/org-scale.md) ------------------------------------------


def test_org_report_parallel_jobs(
    tmp_path: Path, isolated_env: Path, hook_repo_rev: tuple[Path, str]
) -> None:
    repos = server_repositories(tmp_path)
    source, sha = hook_repo_rev
    token = "test-job-token"
    insteadof(
        isolated_env,
        {
            **{
                f"https://gitlab-ci-token:{token}@gitlab.com/{name}.git": bare
                for name, bare in repos.items()
            },
            f"https://github.com/{ORG}/hotfix-hooks": source,
        },
    )
    documented = snippets.gitlab_pipelines()["hotfix-report-shard"]
    pipeline = (
        documented.replace(
            "[your-group/api, your-group/web, your-group/billing]",
            "[org/api, org/web, org/billing]",
        )
        .replace(PLACEHOLDER, sha)
        .replace("YOUR-ORG", ORG)
    )
    assert pipeline.count(sha) == 2
    reporting = tmp_path / "reporting"
    subprocess.run(("git", "init", "-q", "-b", "main", str(reporting)), check=True)
    (reporting / ".gitlab-ci.yml").write_text(pipeline)
    subprocess.run(("git", "add", "-A"), cwd=reporting, check=True)
    subprocess.run(("git", "commit", "-q", "-m", "reporting"), cwd=reporting, check=True)
    proc = gitlab_ci_local(
        reporting, "--shell-isolation", "--artifacts-to-source",
        "--variable", "CI_PIPELINE_SOURCE=schedule", "--variable", f"CI_JOB_TOKEN={token}",
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-8000:]
    assert out.count("PASS ") >= 4, out[-3000:]  # three shard jobs and the merge
    text = (reporting / "hotfix-report.txt").read_text()
    assert (reporting / "hotfix-report.html").stat().st_size > 10_000
    # what shards made here merge to (named by their repository, as the jobs name them)
    shards = []
    for index, (name, bare) in enumerate(repos.items(), 1):
        clone = tmp_path / "expected" / name
        subprocess.run(("git", "clone", "-q", str(bare), str(clone)), check=True)
        shard = subprocess.run(
            (str(BIN / "hotfix-hooks"), "report", "--json", "--name", name), cwd=clone,
            capture_output=True, text=True, env={**os.environ, "HOTFIX_HOOKS_NOW": NOW}, check=True,
        ).stdout  # fmt: skip
        shards.append(tmp_path / f"shard-{index}.json")
        shards[-1].write_text(shard)
    expected = subprocess.run(
        (str(BIN / "hotfix-hooks"), "report", "--merge", *map(str, shards)),
        capture_output=True, text=True, env={**os.environ, "HOTFIX_HOOKS_NOW": NOW}, check=True,
    ).stdout  # fmt: skip
    assert text == expected
