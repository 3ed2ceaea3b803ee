"""The rule book at every enforcement point, through real git: several clones of one bare
server with ``install --server`` (issues 20, 24.1-2, 19.3-4, 18.4).

- every point runs exactly the rules its row of policy/rules.WHERE says;
- a push that brings a hotfix's commits into any branch (production first) is judged by
  that hotfix's rules, at the server and in CI;
- a fixup!, a revert or a merge is exempt from the task tie only when git confirms it;
- the server counts new commits from the production branch it recorded, never from --all;
- a cancelled hotfix needs no plan, anywhere, and its number is claimed by pushing it.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from hotfix_hooks.policy.rules import POINTS, RULES, WHERE, rules_at
from tests.conftest import fill_plan, git, hh, unmeasured_env

RULE = re.compile(r"rule: (HH\d{3}) ")


def ids(text: str) -> set[str]:
    return set(RULE.findall(text))


def clone(server: Path, where: Path) -> Path:
    git(server.parent, "clone", "-q", str(server), str(where))
    assert hh(where, "install", env=unmeasured_env()).returncode == 0
    return where


def serve(server: Path, *flags: str) -> None:
    proc = hh(server, "install", "--server", *flags, env=unmeasured_env())
    assert proc.returncode == 0, proc.stderr


def push(repo: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return git(repo, "push", *args, check=False, **kw)


def on_server(server: Path, ref: str) -> str:
    return git(server, "rev-parse", "-q", "--verify", ref, check=False).stdout.strip()


def start(repo: Path, branch: str, plan: str | None = None) -> None:
    """A hotfix branch from main, its docs committed (with a plan, if given): setup, its
    hooks run unmeasured."""
    git(repo, "checkout", "-q", "-b", branch, "main", env=unmeasured_env())
    number = branch.split("/")[1][:3]
    if plan is not None:
        fill_plan(repo, number, plan)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T001: docs", env=unmeasured_env())


def untied(repo: Path, message: str = "no task here") -> str:
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


# -- the table -----------------------------------------------------------------------------


def test_the_table_has_every_rule_and_ci_runs_what_the_server_runs() -> None:
    assert [rule.id for rule in RULES] == sorted(WHERE)
    server = {rule.id for rule in rules_at("pre-receive")}
    assert server == {rule.id for rule in rules_at("update")} == set(WHERE)
    assert {rule.id for rule in rules_at("check")} >= server
    for point in POINTS:
        assert {r.id for r in rules_at(point)} == {i for i, at in WHERE.items() if point in at}


def test_rules_command_prints_the_table_and_explains_one(tmp_path: Path) -> None:
    proc = hh(tmp_path, "rules")
    assert proc.returncode == 0
    for rule in RULES:
        assert f"{rule.id}  {rule.name}" in proc.stdout and rule.summary in proc.stdout
    assert all(point in proc.stdout.splitlines()[0] for point in POINTS)
    proc = hh(tmp_path, "rules", "hh001")
    assert proc.returncode == 0 and proc.stdout.startswith("HH001 rollback-plan")
    assert "runs at: pre-push, pre-receive, update, check, finish, status" in proc.stdout
    assert json.loads(hh(tmp_path, "rules", "task-tie", "--json").stdout)[0]["id"] == "HH003"
    proc = hh(tmp_path, "rules", "HH999")
    assert proc.returncode == 2 and "HH001 (rollback-plan)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.fixture
def everything_wrong(tmp_path: Path, remote: Path, repo: Path) -> tuple[Path, Path, Path]:
    """hotfix/007-b breaking every rule: no plan (HH001), no trigger where one is required
    (HH002), a commit naming no task (HH003), the number of the server's hotfix/007-a
    (HH004), a change to the configuration (HH005), a branch of a number whose tag exists
    (HH006). Returns (clone, server, per-ref server)."""
    setup = unmeasured_env()
    (repo / ".hotfix-hooks.toml").write_text("rollback_trigger_required = true\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "config")
    git(repo, "push", "-q", "origin", "main")
    per_ref = tmp_path / "per-ref.git"
    git(tmp_path, "clone", "-q", "--bare", str(remote), str(per_ref))
    serve(remote)
    serve(per_ref, "--per-ref")
    assert hh(repo, "install", env=unmeasured_env()).returncode == 0
    other = clone(remote, tmp_path / "b")
    start(repo, "hotfix/007-a", "Revert the release tag and redeploy v1.4.2")
    fill_trigger(repo, "007")
    git(repo, "commit", "-q", "-am", "T003: trigger", env=setup)
    assert push(repo, "-q", "origin", "hotfix/007-a", env=setup).returncode == 0
    assert push(repo, "-q", str(per_ref), "hotfix/007-a", env=setup).returncode == 0
    # and a tag hotfix-007 (HH006): as if a hotfix 007 had been finished already (made on
    # the servers, as finish's push would: a tag on an unresolved record is refused there)
    tip = git(repo, "rev-parse", "hotfix/007-a").stdout.strip()
    for server in (remote, per_ref):
        git(server, "tag", "hotfix-007", tip)
    start(other, "hotfix/007-b")  # its docs scaffolded before it knew of 007-a
    (other / ".hotfix-hooks.toml").write_text(
        "rollback_trigger_required = true\ntarget_minutes = 60\n", "utf-8"
    )
    git(other, "commit", "-q", "-am", "T001: config", env=setup)
    untied(other)
    git(other, "remote", "add", "per-ref", str(per_ref))
    git(other, "fetch", "-q", "--tags", "origin")
    git(other, "fetch", "-q", "per-ref")
    return other, remote, per_ref


def fill_trigger(repo: Path, number: str) -> None:
    path = repo / f".specswarm/features/{number}-hotfix/hotfix.md"
    text = path.read_text(encoding="utf-8").replace("[When to rollback]", "5xx > 2 % for 5 min")
    path.write_text(text, encoding="utf-8")


def test_every_point_runs_exactly_the_rules_its_row_says(
    everything_wrong: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, _server, _per_ref = everything_wrong

    def row(point: str) -> set[str]:
        return {rule.id for rule in rules_at(point)}

    proc = push(repo, "origin", "hotfix/007-b")
    assert proc.returncode == 1 and ids(proc.stderr) == row("pre-push"), proc.stderr
    proc = push(repo, "--no-verify", "origin", "hotfix/007-b")
    assert proc.returncode == 1 and ids(proc.stderr) == row("pre-receive"), proc.stderr
    proc = push(repo, "--no-verify", "per-ref", "hotfix/007-b")
    assert proc.returncode == 1 and ids(proc.stderr) == row("update"), proc.stderr
    monkeypatch.setenv("GITHUB_HEAD_REF", "hotfix/007-b")
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    proc = hh(repo, "check", "--json")
    assert proc.returncode == 1
    found = {v["rule"] for v in json.loads(proc.stdout)["violations"] if v["severity"] == "error"}
    assert found == row("check")
    monkeypatch.delenv("GITHUB_HEAD_REF")
    monkeypatch.delenv("GITHUB_BASE_REF")
    proc = hh(repo, "finish")
    assert proc.returncode == 1 and ids(proc.stderr) == row("finish"), proc.stderr
    # status: in process, the engine is asked for its row, and no more
    from hotfix_hooks.main import main
    from hotfix_hooks.policy import rules

    asked: list[tuple[str, list[str]]] = []
    real_run = rules.run

    def spy(point: str, facts: rules.Facts) -> list[rules.Violation]:
        found = real_run(point, facts)
        asked.append((point, [v.rule for v in found]))
        return found

    monkeypatch.setattr(rules, "run", spy)
    monkeypatch.chdir(repo)
    assert main(["status"]) == 0
    assert [point for point, _ in asked] == ["status"]
    assert set(asked[0][1]) == row("status")  # HH001 and HH002 at HEAD, both failing


# -- a hotfix's commits are judged wherever they land ----------------------------------------


@pytest.fixture
def team(tmp_path: Path, remote: Path, repo: Path) -> tuple[Path, Path, Path]:
    """Two clones of one server with install --server: (alice, bob, server)."""
    serve(remote)
    alice = clone(remote, tmp_path / "alice")
    bob = clone(remote, tmp_path / "bob")
    return alice, bob, remote


def test_production_is_a_destination_too(team: tuple[Path, Path, Path]) -> None:
    alice, bob, server = team
    assert hh(alice, "new", "x").returncode == 0
    (alice / "app.py").write_text("fixed\n", encoding="utf-8")
    git(alice, "commit", "-q", "-am", "T001: fix")
    assert push(alice, "-u", "origin", "HEAD").returncode == 1  # no plan
    for args in (("origin", "HEAD:main"), ("--no-verify", "origin", "HEAD:main")):
        proc = push(alice, *args)
        assert proc.returncode == 1, proc.stderr
        assert "remote: push of main (hotfix 001) refused" in proc.stderr
        assert "has no real rollback plan" in proc.stderr and "rule: HH001" in proc.stderr
    assert "T001: fix" not in git(server, "log", "--format=%s", "main").stdout
    # a teammate's ordinary work lands as before
    (bob / "feature.py").write_text("x\n", encoding="utf-8")
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "feature work")
    assert push(bob, "origin", "main").returncode == 0
    # the plan written, the hotfix lands on its branch and (merged) on production
    git(alice, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    fill_plan(alice, "001")
    git(alice, "commit", "-q", "-am", "T003: rollback plan")
    assert push(alice, "-u", "origin", "HEAD").returncode == 0
    git(alice, "checkout", "-q", "main")
    git(alice, "pull", "-q", "--ff-only", "origin", "main")
    git(alice, "merge", "-q", "--no-ff", "--no-edit", "hotfix/001-x")
    proc = push(alice, "origin", "main")
    assert proc.returncode == 0, proc.stderr


def test_a_hotfix_commit_on_any_branch_is_judged_by_its_hotfix(
    team: tuple[Path, Path, Path],
) -> None:
    alice, bob, _server = team
    start(alice, "hotfix/002-cart")
    (alice / "cart.py").write_text("fix\n", encoding="utf-8")
    git(alice, "add", "-A")
    git(alice, "commit", "-q", "-m", "T001: cart fix")
    fix = git(alice, "rev-parse", "HEAD").stdout.strip()
    # a backport of the fix alone (its trailer names 002) to a release branch: judged by 002,
    # whose record is nowhere with a plan yet
    git(alice, "checkout", "-q", "-b", "release/1.x", "main")
    git(alice, "cherry-pick", "-x", fix)
    proc = push(alice, "--no-verify", "origin", "release/1.x")
    assert proc.returncode == 1 and "push of release/1.x (hotfix 002) refused" in proc.stderr
    # once hotfix/002 has a plan on the server, its record there counts for the backport
    git(alice, "checkout", "-q", "hotfix/002-cart")
    fill_plan(alice, "002")
    git(alice, "commit", "-q", "-am", "T003: plan")
    assert push(alice, "origin", "hotfix/002-cart").returncode == 0
    proc = push(alice, "--no-verify", "origin", "release/1.x")
    assert proc.returncode == 0, proc.stderr
    # a change to the hotfix's directory is a hotfix commit: it names a task of 002
    git(bob, "fetch", "-q")
    git(bob, "checkout", "-q", "-b", "docs-typo", "origin/hotfix/002-cart")
    doc = bob / ".specswarm/features/002-hotfix/hotfix.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\ntypo fixed\n", encoding="utf-8")
    git(bob, "commit", "-q", "--no-verify", "-am", "typo")
    proc = push(bob, "--no-verify", "origin", "docs-typo")
    assert proc.returncode == 1 and "docs-typo (hotfix 002) refused" in proc.stderr
    assert "[no task]" in proc.stderr and "rule: HH003" in proc.stderr


# -- exemptions are checked, not trusted ----------------------------------------------------


def test_exemptions_are_checked_not_trusted(team: tuple[Path, Path, Path]) -> None:
    alice, bob, _server = team
    branch = "hotfix/003-api"
    start(alice, branch, "Revert the release tag and redeploy v1.4.2")
    (alice / "api.py").write_text("one\n", encoding="utf-8")
    git(alice, "add", "-A")
    git(alice, "commit", "-q", "-m", "T002: guard the api")
    assert push(alice, "-q", "origin", branch).returncode == 0

    def attempt(message: str, *, change: bool = True) -> subprocess.CompletedProcess[str]:
        if change:
            (alice / "api.py").write_text(message + "\n", encoding="utf-8")
        git(alice, "commit", "-q", "-a", "--allow-empty", "--no-verify", "-m", message)
        proc = push(alice, "--no-verify", "origin", branch)
        if proc.returncode:
            git(alice, "reset", "-q", "--hard", "HEAD~1")
        return proc

    refused = attempt("fixup! no such commit")
    assert refused.returncode == 1 and "fixup! of no commit of this hotfix" in refused.stderr
    refused = attempt("fixup! T")  # a prefix of every tied subject is no commit's
    assert refused.returncode == 1 and "fixup! of no commit of this hotfix" in refused.stderr
    assert attempt("fixup! T002: guard the api").returncode == 0
    refused = attempt('Revert "nothing"\n\nThis reverts commit ' + "0" * 39 + "1.")
    assert refused.returncode == 1 and "does not exactly undo the commit it names" in refused.stderr
    git(alice, "revert", "--no-edit", "HEAD")  # a real revert undoes the fixup
    assert push(alice, "--no-verify", "origin", branch).returncode == 0, "real revert"
    # a "merge" whose second parent is already in the first brings nothing: it needs a task
    tree = git(alice, "rev-parse", "HEAD^{tree}").stdout.strip()
    fake = git(
        alice, "commit-tree", tree, "-p", "HEAD", "-p", "origin/main", "-m", "Merge main"
    ).stdout.strip()
    git(alice, "reset", "-q", "--hard", fake)
    proc = push(alice, "--no-verify", "origin", branch)
    assert proc.returncode == 1 and "a merge that brings nothing new" in proc.stderr
    git(alice, "reset", "-q", "--hard", "HEAD~1")
    # a real merge of production, which moved on, brings history: exempt
    (bob / "other.py").write_text("x\n", encoding="utf-8")
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "elsewhere")
    assert push(bob, "-q", "origin", "main").returncode == 0
    git(alice, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert git(alice, "rev-list", "--count", "--merges", "HEAD~1..HEAD").stdout.strip() == "1"
    assert push(alice, "--no-verify", "origin", branch).returncode == 0


# -- CI enforces what the server does ---------------------------------------------------------


def test_a_second_hotfix_007_fails_check_in_ci(
    team: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob, _server = team
    start(alice, "hotfix/007-a", "Revert the release tag and redeploy v1.4.2")
    assert push(alice, "-q", "origin", "hotfix/007-a").returncode == 0
    start(bob, "hotfix/007-b", "Redeploy v1.4.1 from the release pipeline")
    git(bob, "fetch", "-q")  # CI has every branch (fetch-depth: 0)
    git(bob, "checkout", "-q", "--detach")
    monkeypatch.setenv("GITHUB_HEAD_REF", "hotfix/007-b")
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    proc = hh(bob, "check")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "gate for hotfix/007-b refused: hotfix number 007" in proc.stderr
    assert "rule: HH004" in proc.stderr and "hotfix/007-a" in proc.stderr


def test_merge_queue_judges_the_merged_branches_not_a_trailer(
    team: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan-less hotfix/042 whose tip claims ``Hotfix: 041`` (a finished hotfix with a
    plan) must not pass as 041; --strict refuses what only a trailer names."""
    alice, _, _server = team
    start(alice, "hotfix/041-old", "Revert the release tag and redeploy v1.4.2")
    git(alice, "checkout", "-q", "main")
    git(alice, "merge", "-q", "--no-ff", "--no-edit", "hotfix/041-old")
    start(alice, "hotfix/042-new")
    git(alice, "commit", "-q", "--allow-empty", "--no-verify", "-m", "T001: x\n\nHotfix: 041")
    git(alice, "checkout", "-q", "--detach", "main")
    git(alice, "merge", "-q", "--no-ff", "--no-verify", "--no-edit", "hotfix/042-new")
    monkeypatch.setenv("GITHUB_REF_NAME", "gh-readonly-queue/main/pr-7-0123456789abcdef")
    proc = hh(alice, "check", "--range", "HEAD^1..HEAD", "--json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    judged = {h["hotfix"]: h for h in data["hotfixes"]}
    assert judged["042"]["evidence"] == ["branch", "directory", "trailer"]
    assert [v["hotfix"] for v in data["violations"] if v["rule"] == "HH001"] == ["042"]
    # a commit that only a trailer ties to a hotfix: --strict refuses to take its word
    git(alice, "checkout", "-q", "--detach", "main")
    git(alice, "commit", "-q", "--allow-empty", "--no-verify", "-m", "T001: y\n\nHotfix: 041")
    monkeypatch.delenv("GITHUB_REF_NAME")
    proc = hh(alice, "check", "--range", "HEAD^..HEAD", "--config-from", "main", "--strict")
    assert proc.returncode == 1 and "only a Hotfix: trailer ties" in proc.stderr


def test_a_failing_tie_names_the_hotfix_not_a_line(team: tuple[Path, Path, Path]) -> None:
    alice, _, _ = team
    start(alice, "hotfix/005-x", "Revert the release tag and redeploy v1.4.2")
    sha = untied(alice, "quick fix")
    proc = hh(alice, "check", "--range", "main..HEAD", "--branch", "hotfix/005-x")
    assert proc.returncode == 1
    assert "gate for hotfix/005-x refused: 1 of 2 new commit(s)" in proc.stderr
    assert f"{sha[:10]} quick fix  [no task]" in proc.stderr
    assert "hotfix.md, line" not in proc.stderr.split("refused: 1 of 2")[1]


def test_gitlab_code_quality_report(team: tuple[Path, Path, Path]) -> None:
    alice, _, _ = team
    start(alice, "hotfix/006-x")
    untied(alice, "quick fix")
    report = alice.parent / "gl-code-quality-report.json"
    proc = hh(alice, "check", "--range", "main..HEAD", "--gitlab-codequality", str(report))
    assert proc.returncode == 1
    issues = json.loads(report.read_text(encoding="utf-8"))
    names = [issue["check_name"] for issue in issues]
    assert names == [
        "hotfix-hooks/HH001-rollback-plan",
        "hotfix-hooks/HH002-rollback-trigger",
        "hotfix-hooks/HH003-task-tie",
    ]
    assert [i["severity"] for i in issues] == ["critical", "minor", "critical"]
    assert issues[0]["location"] == {
        "path": ".specswarm/features/006-hotfix/hotfix.md",
        "lines": {"begin": 30},
    }
    assert issues[2]["location"]["path"] == ".specswarm/features/006-hotfix/hotfix.md"
    assert len({i["fingerprint"] for i in issues}) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", i["fingerprint"]) for i in issues)
    git(alice, "commit", "-q", "--amend", "--allow-empty", "--no-verify", "-m", "T001: fix")
    fill_plan(alice, "006")
    git(alice, "commit", "-q", "-am", "T003: plan")
    assert hh(alice, "check", "--range", "main..HEAD", "--gitlab-codequality", str(report))
    assert [i["severity"] for i in json.loads(report.read_text("utf-8"))] == ["minor"]


# -- the server's production branch -----------------------------------------------------------


def test_the_server_records_its_production_branch(repo: Path, remote: Path) -> None:
    serve(remote)
    recorded = (remote / "hotfix-hooks.toml").read_text(encoding="utf-8")
    assert 'base_branch = "main"' in recorded  # what HEAD named at install


def test_the_server_never_widens_what_it_accepts(repo: Path, remote: Path) -> None:
    # gitolite's way: the repository's HEAD names master; the team pushes main
    git(remote, "symbolic-ref", "HEAD", "refs/heads/master")
    serve(remote)
    assert hh(repo, "install", env=unmeasured_env()).returncode == 0
    # a task-less commit parked first on another branch, then brought to a hotfix branch
    git(repo, "checkout", "-q", "-b", "wip")
    untied(repo, "parked, no task")
    assert push(repo, "-q", "--no-verify", "origin", "wip").returncode == 0
    start(repo, "hotfix/008-x", "Revert the release tag and redeploy v1.4.2")
    git(repo, "merge", "-q", "--ff", "--no-edit", "wip")
    proc = push(repo, "--no-verify", "origin", "hotfix/008-x")
    assert proc.returncode == 1 and "parked, no task  [no task]" in proc.stderr  # not --all
    # a production branch recorded that names nothing: said, and nothing is accepted
    assert hh(remote, "server-config", "--set", "base_branch=trunk").returncode == 0
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    proc = push(repo, "--no-verify", "origin", "hotfix/008-x")
    assert proc.returncode == 1, proc.stderr
    assert "production branch (trunk) names no branch here" in proc.stderr
    assert not on_server(remote, "refs/heads/hotfix/008-x")
    fix = next(line for line in proc.stderr.splitlines() if "server-config --set" in line)
    command = fix.split("remote:", 1)[1].strip()
    assert command == "hotfix-hooks server-config --set base_branch=main"
    done = subprocess.run(command, shell=True, cwd=remote, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert push(repo, "--no-verify", "origin", "hotfix/008-x").returncode == 0


def test_an_empty_server_finds_main_when_head_names_master(tmp_path: Path, remote: Path) -> None:
    git(remote, "symbolic-ref", "HEAD", "refs/heads/master")
    serve(remote)  # empty: nothing is recorded as the production branch
    assert "base_branch" not in (remote / "hotfix-hooks.toml").read_text(encoding="utf-8")
    work = tmp_path / "w"
    git(tmp_path, "init", "-q", str(work))
    (work / "app.py").write_text("x\n", encoding="utf-8")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "initial")
    git(work, "remote", "add", "origin", str(remote))
    assert push(work, "-q", "origin", "main").returncode == 0
    assert hh(work, "install", env=unmeasured_env()).returncode == 0
    start(work, "hotfix/009-x", "Revert the release tag and redeploy v1.4.2")
    assert push(work, "origin", "hotfix/009-x").returncode == 0


# -- a cancelled hotfix keeps its number --------------------------------------------------------


def test_a_cancelled_hotfix_is_pushed_and_claims_its_number(
    team: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob, server = team
    assert hh(alice, "new", "false alarm").returncode == 0
    git(alice, "commit", "-q", "--allow-empty", "-m", "T001: looked into it")
    proc = hh(alice, "abort", "--reason", "not an incident", "--yes")
    if proc.returncode == 2 and "--yes" in proc.stderr:  # before abort took --yes
        proc = hh(alice, "abort", "--reason", "not an incident")
    assert proc.returncode == 0, proc.stderr
    git(alice, "commit", "-q", "-am", "T001: cancelled")
    proc = push(alice, "-u", "origin", "HEAD")  # no plan: none needed
    assert proc.returncode == 0, proc.stderr
    assert on_server(server, "refs/heads/hotfix/001-false-alarm")
    assert hh(alice, "check").returncode == 0
    # its commits are still tied to its tasks
    untied(alice, "stray")
    proc = push(alice, "--no-verify", "origin", "HEAD")
    assert proc.returncode == 1 and "[no task]" in proc.stderr
    # the number is claimed: another clone's next hotfix is 002
    git(bob, "fetch", "-q")
    proc = hh(bob, "new", "real one")
    assert (
        proc.returncode == 0
        and "hotfix/002-real-one" in git(bob, "branch", "--show-current").stdout
    ), proc.stdout + proc.stderr


def test_what_the_server_says_is_one_clear_refusal_never_a_traceback(
    team: tuple[Path, Path, Path],
) -> None:
    alice, _, _ = team
    start(alice, "hotfix/010-x")
    proc = push(alice, "--no-verify", "origin", "hotfix/010-x")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = [line.removeprefix("remote: ").rstrip() for line in proc.stderr.splitlines()]
    start_at = lines.index(next(line for line in lines if "refused" in line))
    assert lines[start_at].startswith("push of hotfix/010-x refused: commit ")
    assert lines[start_at + 1].startswith("  file: .specswarm/features/010-hotfix/hotfix.md")
    assert any(line.startswith("  rule: HH001 rollback-plan") for line in lines)


def test_the_documented_table_is_the_table() -> None:
    from tests.conftest import PROJECT

    rows = [
        line
        for line in (PROJECT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| HH")
    ]
    documented = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        rule_id, name = cells[0].split()
        documented[rule_id] = (
            name,
            tuple(p for p, c in zip(POINTS, cells[2:], strict=True) if c == "yes"),
        )
    assert documented == {rule.id: (rule.name, WHERE[rule.id]) for rule in RULES}
