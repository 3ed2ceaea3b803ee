"""`report --repo PATH ... / --repos-from FILE`: one report over several clones, through the
real command line, on real repositories (built once for the module)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import BIN

NOW = "2026-11-26T12:00:00+00:00"
BUILD_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}
# repository: {number: (created, resolved or None, rollback, where)}; where is "tree", or a
# ref the document is committed on only
REPOS: dict[str, dict[str, tuple[str, str | None, bool, str]]] = {
    "team-a/api": {
        "001": ("2026-11-01 10:00 +00:00", "2026-11-01 10:30 +00:00", False, "tree"),
        "002": ("2026-11-05 09:00 +00:00", "2026-11-05 12:00 +00:00", True, "tree"),
        "003": ("2026-11-26 09:00 +00:00", None, False, "refs/remotes/origin/hotfix/003-db"),
    },
    "team-a/web": {
        "001": ("2026-11-02 10:00 +00:00", "2026-11-02 11:30 +00:00", False, "tree"),
        "002": (
            "2026-11-20 10:00 +00:00",
            "2026-11-20 11:00 +00:00",
            False,
            "refs/heads/hotfix/002-css",
        ),
    },
    "team-b/api": {
        "007": ("2026-11-10 10:00 +00:00", "2026-11-10 10:20 +00:00", False, "tree"),
    },
}


# a repository's name: its directory's, with parents where two share one
NAMES = {"team-a/api": "team-a/api", "team-a/web": "web", "team-b/api": "team-b/api"}


def sh(cwd: Path, *args: str) -> str:
    proc = subprocess.run(args, cwd=cwd, env=BUILD_ENV, capture_output=True, text=True)
    assert proc.returncode == 0, f"{args}: {proc.stderr}"
    return proc.stdout.strip()


def document(number: str, created: str, resolved: str | None, rollback: bool) -> str:
    lines = [
        f"# Hotfix {number}: Outage {number}",
        f"**Created**: {created}",
        f"**Status**: {'Resolved' if resolved else 'Active'}",
        "## Metadata",
    ]
    if resolved:
        lines.append(f"**Resolved**: {resolved}")
    if rollback:
        lines.append(f"**Rollback Triggered**: yes ({created})")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clones")
    for name, hotfixes in REPOS.items():
        repo = root / name
        sh(root, "git", "init", "-q", "-b", "main", str(repo))
        (repo / "app.py").write_text("print('hi')\n", encoding="utf-8")
        sh(repo, "git", "add", "app.py")
        sh(repo, "git", "commit", "-q", "-m", "initial")
        for number, (created, resolved, rollback, where) in hotfixes.items():
            rel = f".specswarm/features/{number}-hotfix/hotfix.md"
            text = document(number, created, resolved, rollback)
            if where == "tree":
                (repo / rel).parent.mkdir(parents=True, exist_ok=True)
                (repo / rel).write_text(text, encoding="utf-8")
                continue
            blob = subprocess.run(
                ("git", "hash-object", "-w", "--stdin"), cwd=repo, env=BUILD_ENV,
                input=text, capture_output=True, text=True, check=True,
            ).stdout.strip()  # fmt: skip
            index = {**BUILD_ENV, "GIT_INDEX_FILE": str(root / "index.tmp")}
            subprocess.run(("git", "read-tree", "HEAD"), cwd=repo, env=index, check=True)
            subprocess.run(
                ("git", "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}"),
                cwd=repo, env=index, check=True,
            )  # fmt: skip
            tree = subprocess.run(
                ("git", "write-tree"), cwd=repo, env=index, capture_output=True, text=True
            ).stdout.strip()
            commit = sh(repo, "git", "commit-tree", "-p", "HEAD", "-m", f"T001: {number}", tree)
            sh(repo, "git", "update-ref", where, commit)
            os.unlink(root / "index.tmp")
    sh(root, "git", "init", "-q", "--bare", str(root / "server.git"))
    (root / "plain").mkdir()
    (root / "list.txt").write_text(
        "# our services\n\nteam-a/api\n  team-a/web  \n# team-c/gone\n"
        f"{root / 'team-b' / 'api'}\nteam-a/api/.specswarm\n",
        encoding="utf-8",
    )
    (root / "empty-list.txt").write_text("# nothing yet\n\n", encoding="utf-8")
    return root


def report(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOTFIX_HOOKS_NOW": NOW}
    return subprocess.run(
        (str(BIN / "hotfix-hooks"), "report", *args),
        cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip


REPO_ARGS = ("--repo", "team-a/api", "--repo", "team-a/web", "--repo", "team-b/api")


def test_json_over_several_repositories(clones: Path) -> None:
    proc = report(
        clones, *REPO_ARGS, "--repo", "team-a/api/", "--repo", "team-a/web/.specswarm", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    rows = [(r["repository"], r["hotfix"], r["source"]) for r in data["hotfixes"]]
    assert rows == [  # duplicates and paths inside a repository counted once
        ("team-a/api", "001", "working tree"),
        ("team-a/api", "002", "working tree"),
        ("team-a/api", "003", "origin/hotfix/003-db"),
        ("web", "001", "working tree"),
        ("web", "002", "hotfix/002-css"),
        ("team-b/api", "007", "working tree"),
    ]
    assert all(r["conflict"] == [] for r in data["hotfixes"])  # 001 twice: two hotfixes
    summary = data["summary"]
    assert summary["repositories"] == 3 and summary["count"] == 6 and summary["resolved"] == 5
    # 30, 180, 90, 60, 20 minutes: the figures are over every repository's hotfixes
    assert summary["median_minutes"] == 60.0 and summary["mean_minutes"] == 76.0
    assert summary["rollback_rate"] == round(1 / 6, 4)
    assert summary["active_over_target"] == ["team-a/api:003"]
    assert "web:001" in summary["overdue_postmortems"]
    assert data["repositories"] == [
        {"repository": NAMES[key], "path": str((clones / key).resolve()), "hotfixes": len(docs)}
        for key, docs in REPOS.items()
    ]
    since = json.loads(report(clones, *REPO_ARGS, "--json", "--since", "2026-11-10").stdout)
    assert [(r["repository"], r["hotfix"]) for r in since["hotfixes"]] == [
        ("team-a/api", "003"),
        ("web", "002"),
        ("team-b/api", "007"),
    ]


def test_repos_from_file_is_the_same_report(clones: Path, tmp_path: Path) -> None:
    by_args = json.loads(report(clones, *REPO_ARGS, "--json").stdout)
    proc = report(tmp_path, "--repos-from", str(clones / "list.txt"), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == by_args
    both = report(clones, "--repo", "team-b/api", "--repos-from", "list.txt", "--json")
    names = [r["repository"] for r in json.loads(both.stdout)["repositories"]]
    assert names == ["team-b/api", "team-a/api", "web"]


def test_one_repository_without_repo_is_unchanged(clones: Path) -> None:
    data = json.loads(report(clones / "team-a" / "api", "--json").stdout)
    assert "repositories" not in data and "repositories" not in data["summary"]
    assert all("repository" not in r for r in data["hotfixes"])
    assert data["summary"]["active_over_target"] == ["003"]
    text = report(clones / "team-a" / "api").stdout
    assert text.startswith("Hotfix  Status") and "Repositories" not in text


def test_text_has_a_repository_column(clones: Path) -> None:
    proc = report(clones, *REPO_ARGS)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Repository  Hotfix  Status")
    assert lines[1].startswith("team-a/api  001     Resolved")
    assert lines[6].startswith("team-b/api  007     Resolved")
    assert "Repositories: 3; Hotfixes: 6 (5 resolved)" in proc.stdout
    assert "Active past the target: team-a/api:003" in proc.stdout


def test_html_has_a_repository_column(clones: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    proc = report(clones, *REPO_ARGS, "--html", str(page))
    assert proc.returncode == 0, proc.stderr
    html = page.read_text(encoding="utf-8")
    assert "<th>Repository</th><th>Hotfix</th>" in html
    for name, hotfixes in REPOS.items():
        for number in hotfixes:
            assert f"<td>{NAMES[name]}</td><td>{number}</td>" in html
    one = tmp_path / "one.html"
    assert report(clones / "team-b" / "api", "--html", str(one)).returncode == 0
    assert "Repository" not in one.read_text(encoding="utf-8")


def test_bad_repositories_are_one_line_and_exit_2(clones: Path) -> None:
    cases = {
        ("--repo", "nowhere"): "--repo nowhere: no such directory",
        ("--repo", "plain"): "--repo plain: not in a git working tree",
        ("--repo", "server.git"): "--repo server.git: not in a git working tree",
        ("--repo", "team-a/api", "--write"): "--write refreshes one repository's",
        ("--repos-from", "missing.txt"): "--repos-from missing.txt: cannot read it",
        ("--repos-from", "empty-list.txt"): "--repos-from empty-list.txt: names no repository",
    }
    for args, message in cases.items():
        proc = report(clones, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("hotfix-hooks: ") and message in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and proc.stdout == ""
    (clones / "bad-list.txt").write_text("team-a/api\nplain\n", encoding="utf-8")
    proc = report(clones, "--repos-from", "bad-list.txt", "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "bad-list.txt:2: plain: not in a git working tree" in proc.stderr


def test_a_repository_with_a_bad_configuration_is_named(clones: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    sh(tmp_path, "git", "init", "-q", str(bad))
    (bad / ".hotfix-hooks.toml").write_text("target_minutes = 'soon'\n", encoding="utf-8")
    proc = report(clones, "--repo", "team-b/api", "--repo", str(bad))
    assert (
        proc.returncode == 2 and f"--repo {bad}: .hotfix-hooks.toml: target_minutes" in proc.stderr
    )
    assert "007" in proc.stdout  # the others are still reported (issue 19)


def test_worker_processes_read_what_one_process_reads(clones: Path) -> None:
    from hotfix_hooks.report.inventory import (
        RepoArg,
        collect_repositories,
        open_repositories,
    )

    contexts = open_repositories([RepoArg(clones / name, name) for name in REPOS])
    alone = collect_repositories(contexts, workers=1)
    pooled = collect_repositories(contexts, workers=2)
    assert [r.name for r in pooled] == list(NAMES.values())
    assert pooled == alone and sum(len(r.records) for r in pooled) == 6
    assert {rec.repository for rec in pooled[1].records} == {"web"}


def test_one_document_read_twice_is_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A branch and its remote-tracking twin at one commit, plus the same file in the
    working tree: one parse, one record, each reading its own copy."""
    from hotfix_hooks.config import settings as config
    from hotfix_hooks.config.context import Context
    from hotfix_hooks.document.model import HotfixDocument
    from hotfix_hooks.git.discover import require_repo
    from hotfix_hooks.report import inventory

    repo = tmp_path / "twin"
    sh(tmp_path, "git", "init", "-q", "-b", "main", str(repo))
    rel = Path(".specswarm/features/042-hotfix/hotfix.md")
    (repo / rel).parent.mkdir(parents=True)
    (repo / rel).write_text(
        document("042", "2026-11-01 10:00 +00:00", "2026-11-01 10:30 +00:00", False)
        + "**Branch**: hotfix/042-x\n",
        encoding="utf-8",
    )
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", "T001: docs\n\nHotfix: 042\nTask: T001")
    sh(repo, "git", "branch", "hotfix/042-x")
    sh(repo, "git", "update-ref", "refs/remotes/origin/hotfix/042-x", "HEAD")
    sh(repo, "git", "commit", "-q", "--allow-empty", "-m", "T007: held\n\nHotfix: 042\nTask: T007")
    parsed = []
    real_parse = HotfixDocument.parse

    def counting(data: bytes, name: str = "hotfix.md") -> HotfixDocument:
        parsed.append(name)
        return real_parse(data, name)

    monkeypatch.setattr(HotfixDocument, "parse", staticmethod(counting))
    handle = require_repo(repo)
    (record,) = inventory.collect(Context(handle, config.load(handle.root)))
    assert parsed == [str(rel)]
    assert record.source == "working tree" and record.branch == "hotfix/042-x"
    assert len(record.postmortem_commits) == 1 and record.postmortem_done


def test_a_linked_worktree_is_the_same_repository(clones: Path, tmp_path: Path) -> None:
    worktree = tmp_path / "api-wt"
    sh(clones / "team-a" / "api", "git", "worktree", "add", "-q", "--detach", str(worktree))
    try:
        both = report(clones, "--repo", "team-a/api", "--repo", str(worktree), "--json")
        one = report(clones, "--repo", "team-a/api", "--json")
        assert both.returncode == 0, both.stderr
        assert json.loads(both.stdout)["repositories"] == json.loads(one.stdout)["repositories"]
    finally:
        sh(clones / "team-a" / "api", "git", "worktree", "remove", "--force", str(worktree))


def test_a_home_of_no_such_user_is_one_line(clones: Path, tmp_path: Path) -> None:
    listing = tmp_path / "users.txt"
    listing.write_text("~no-such-user-hh/api\n", encoding="utf-8")
    proc = report(clones, "--repos-from", str(listing))
    assert proc.returncode == 2 and "no such user's home" in proc.stderr
    assert "Traceback" not in proc.stderr
