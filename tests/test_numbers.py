"""One number, one incident (issue 1): through the real hooks, CLI and git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hotfix_hooks.policy.numbers import Claim, holder, must_move, next_free, renamed
from tests.conftest import fill_plan, git, hh, unmeasured_env

DOC = ".specswarm/features/001-hotfix/hotfix.md"


def start_first(repo: Path, branch: str = "hotfix/001-checkout-500", number: str = "001") -> None:
    """A first incident, its docs committed and pushed (setup: its hooks run unmeasured)."""
    env = unmeasured_env()
    git(repo, "checkout", "-q", "-b", branch, env=env)
    fill_plan(repo, number)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T001: guard null cart", env=env)
    git(repo, "push", "-q", "-u", "origin", branch, env=env)
    git(repo, "checkout", "-q", "main", env=env)


@pytest.mark.parametrize("where", ["local", "remote-only"])
def test_checkout_warns_commit_refused_rename_works(installed: Path, where: str) -> None:
    start_first(installed)
    if where == "remote-only":
        git(installed, "branch", "-q", "-D", "hotfix/001-checkout-500")
    proc = git(installed, "checkout", "-b", "hotfix/001-other")
    assert "hotfix number 001 is already used by another incident" in proc.stderr
    assert "hotfix/001-checkout-500" in proc.stderr
    renumber = "git checkout hotfix/001-other -- && hotfix-hooks renumber 002"
    assert renumber in proc.stderr
    assert "Traceback" not in proc.stderr
    # nothing scaffolded into the first incident's folder
    assert not (installed / DOC).exists()
    assert git(installed, "status", "--porcelain").stdout == ""

    (installed / "app.py").write_text("fixed\n", encoding="utf-8")
    proc = git(installed, "commit", "-am", "T001: other fix", check=False)
    assert proc.returncode != 0
    assert "commit refused: hotfix number 001 is already used" in proc.stderr
    assert renumber in proc.stderr

    # the remedy, as printed, works
    done = subprocess.run(renumber, shell=True, cwd=installed, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert git(installed, "symbolic-ref", "--short", "HEAD").stdout.strip() == "hotfix/002-other"
    git(installed, "commit", "-q", "-am", "T001: other fix")
    assert (installed / ".specswarm/features/002-hotfix/hotfix.md").exists()


def test_padding_does_not_make_another_number(installed: Path) -> None:
    start_first(installed, "hotfix/42-x", "042")
    proc = git(installed, "checkout", "-b", "hotfix/0042-y")
    assert "hotfix number 042 is already used" in proc.stderr
    assert "hotfix/42-x" in proc.stderr
    assert "hotfix-hooks renumber 043" in proc.stderr
    assert "(moves the branch, its folder and fields to hotfix/043-y" in proc.stderr


def test_the_holder_keeps_working(installed: Path) -> None:
    start_first(installed)
    git(installed, "branch", "hotfix/001-other")  # the newcomer exists
    git(installed, "checkout", "-q", "hotfix/001-checkout-500")
    (installed / "app.py").write_text("more\n", encoding="utf-8")
    proc = git(installed, "commit", "-am", "T001: more", check=False)
    assert proc.returncode == 0, proc.stderr
    assert "already used" not in proc.stderr
    assert git(installed, "push", "-q", check=False).returncode == 0


def test_branch_field_of_a_finished_incident_holds_the_number(installed: Path) -> None:
    start_first(installed)
    git(installed, "merge", "-q", "--no-edit", "hotfix/001-checkout-500")
    git(installed, "branch", "-q", "-D", "hotfix/001-checkout-500")
    git(installed, "push", "-q", "origin", "main", ":hotfix/001-checkout-500")
    git(installed, "fetch", "-q", "--prune")
    proc = git(installed, "checkout", "-b", "hotfix/001-again")
    assert "already used by another incident" in proc.stderr
    assert "hotfix/001-checkout-500" in proc.stderr
    assert "hotfix/002-again" in proc.stderr
    (installed / "app.py").write_text("again\n", encoding="utf-8")
    proc = git(installed, "commit", "-am", "T001: again", check=False)
    assert proc.returncode == 1
    assert "commit refused" in proc.stderr


def test_push_and_server_refuse_a_shared_number(installed: Path, remote: Path) -> None:
    start_first(installed)
    assert hh(remote, "install", "--server").returncode == 0
    git(installed, "branch", "-q", "-D", "hotfix/001-checkout-500")
    git(installed, "checkout", "-q", "-b", "hotfix/001-other")
    (installed / "app.py").write_text("x\n", encoding="utf-8")
    git(installed, "commit", "-q", "--no-verify", "-am", "T001: x")
    proc = git(installed, "push", "-u", "origin", "hotfix/001-other", check=False)
    assert proc.returncode != 0
    assert "push of hotfix/001-other refused: hotfix number 001" in proc.stderr
    assert "git push -u origin hotfix/002-other" in proc.stderr
    proc = git(installed, "push", "--no-verify", "origin", "hotfix/001-other", check=False)
    assert proc.returncode != 0
    assert "remote: push of hotfix/001-other refused: hotfix number 001" in proc.stderr
    assert (
        git(
            remote, "rev-parse", "-q", "--verify", "refs/heads/hotfix/001-other", check=False
        ).returncode
        != 0
    )


def test_report_and_status_show_both_incidents(installed: Path) -> None:
    start_first(installed)
    # a second 001, made with every hook skipped
    git(installed, "checkout", "-q", "-b", "hotfix/001-other")
    assert hh(installed, "scaffold").returncode == 0
    git(installed, "commit", "-q", "--no-verify", "-m", "T001: other")
    git(installed, "push", "-q", "--no-verify", "origin", "hotfix/001-other")
    git(installed, "checkout", "-q", "main")

    data = json.loads(hh(installed, "report", "--json").stdout)
    mine = [r for r in data["hotfixes"] if r["hotfix"] == "001"]
    assert sorted(r["branch"] for r in mine) == ["hotfix/001-checkout-500", "hotfix/001-other"]
    assert all(r["conflict"] for r in mine)
    assert data["summary"]["number_conflicts"] == ["001"]
    assert data["summary"]["count"] == 2

    text = hh(installed, "report").stdout
    assert text.count("CONFLICT") >= 3
    status = hh(installed, "status")
    assert "hotfix/001-checkout-500" in status.stdout and "hotfix/001-other" in status.stdout
    assert "conflict: hotfix 001" in status.stdout

    proc = hh(installed, "report", "--write")
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads((installed / ".specswarm/workflow-metrics.json").read_text("utf-8"))
    keys = [k for k in metrics["features"] if k.startswith("001-hotfix")]
    assert len(keys) == 2


# -- the rule on its own ---------------------------------------------------------------


def test_policy_holder_is_the_first_committed() -> None:
    a = Claim("001", "hotfix/001-a", "local", since=100.0, names_itself=True)
    b = Claim("001", "hotfix/001-b", "local", since=200.0, names_itself=True)
    assert holder([b, a]) is a
    assert must_move("hotfix/001-a", [a, b]) == []
    assert [c.branch for c in must_move("hotfix/001-b", [a, b])] == ["hotfix/001-a"]
    # nobody committed: everybody is told
    c = Claim("001", "hotfix/001-c", "local")
    d = Claim("001", "hotfix/001-d", "local")
    assert must_move("hotfix/001-c", [c, d]) and must_move("hotfix/001-d", [c, d])
    # same commit: the document that names its branch wins
    e = Claim("001", "hotfix/001-e", "x", since=100.0, names_itself=False)
    assert holder([a, e]) is a


def test_policy_next_free_and_rename() -> None:
    assert next_free(["001", "007", "1234"]) == "1235"
    assert next_free([]) == "001"
    assert renamed("hotfix/0042-y", "hotfix/", "043") == "hotfix/043-y"
    assert renamed("hotfix/7", "hotfix/", "008") == "hotfix/008"


def test_a_slash_in_the_slug_is_a_hotfix_in_every_listing(installed: Path, remote: Path) -> None:
    """hotfix/001-db/failover is a hotfix to parse_branch, so it is one to every listing:
    status and report show it, new skips its number, the server refuses a second 001."""
    branch = "hotfix/001-db/failover"
    start_first(installed, branch)
    assert hh(remote, "install", "--server").returncode == 0
    other = remote.parent / "other"
    git(remote.parent, "clone", "-q", str(remote), str(other))
    assert hh(other, "install").returncode == 0
    report = json.loads(hh(other, "report", "--json").stdout)
    assert [row["hotfix"] for row in report["hotfixes"]] == ["001"], report
    proc = hh(other, "new", "second incident")
    assert proc.returncode == 0, proc.stderr
    assert git(other, "symbolic-ref", "--short", "HEAD").stdout.strip().startswith("hotfix/002-")
    git(other, "checkout", "-q", "main")
    proc = git(other, "checkout", "-b", "hotfix/001-another")
    assert f"hotfix number 001 is already used by another incident ({branch}" in proc.stderr
    git(other, "commit", "-q", "--no-verify", "--allow-empty", "-m", "T001: x")
    pushed = git(other, "push", "--no-verify", "origin", "hotfix/001-another", check=False)
    assert pushed.returncode != 0 and branch in pushed.stderr, pushed.stderr
