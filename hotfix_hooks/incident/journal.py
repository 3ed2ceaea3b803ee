"""The journal of a ``finish`` under way: what it planned and which steps are done.

``finish`` writes it into the git directory (``<git dir>/hotfix-hooks/finish.json``,
like git's own ``rebase-merge/``) before its first change and after each step, and
removes it when the last step is done. While it exists a finish is in progress:
``finish --continue`` completes it, ``finish --abort`` undoes what was done here, and
``status`` says so. Written atomically; a journal that does not read is reported, never
guessed at.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import describe_os_error, make_dirs, replace_file

VERSION = 1
FOLDER = "hotfix-hooks"
NAME = "finish.json"


@dataclass
class TargetPlan:
    """A branch that gets the fix: where it was when finish planned, and why it is one."""

    name: str
    old: str  # its tip then: the local branch, else the remote-tracking one
    local: bool  # refs/heads/<name> existed then
    merged: bool  # it contained the fix already
    why: str  # why this branch gets the fix, as the plan says it
    remote_tip: str | None = None  # the remote's copy then (None: the remote has none)

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.name}"


@dataclass
class Journal:
    number: str
    branch: str  # the hotfix branch
    title: str
    rel: str  # its hotfix.md, repository-relative
    tip: str  # the hotfix branch's tip when finish began
    resolution: list[tuple[str, str]]  # the fields recorded first; empty when resolved already
    targets: list[TargetPlan]  # the production branch first, then develop (when it gets it)
    tag: str
    tag_message: str
    remote: str | None  # the remote the fix is published to (None: this clone has none)
    push: bool  # --push: finish pushes; else it prints the push
    lease: str | None  # the remote hotfix branch's commit, deleted there only if still that
    done: list[str] = field(default_factory=list)
    fix_tip: str = ""  # the hotfix branch's tip once the resolution is recorded

    @property
    def base(self) -> TargetPlan:
        return self.targets[0]

    def as_json(self) -> dict[str, object]:
        return {"version": VERSION, **asdict(self)}


def path(git_dir: Path) -> Path:
    return git_dir / FOLDER / NAME


def load(git_dir: Path) -> Journal | None:
    """The journal of the finish in progress; None when there is none."""
    where = path(git_dir)
    try:
        data = where.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(describe_os_error(exc, str(where))) from None
    try:
        raw = json.loads(data)
        if raw.pop("version") != VERSION:
            raise ValueError("another version")
        raw["targets"] = [TargetPlan(**t) for t in raw["targets"]]
        raw["resolution"] = [(str(k), str(v)) for k, v in raw["resolution"]]
        return Journal(**raw)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise UsageError(
            f"{where} does not read as a finish journal ({exc}): "
            f"remove it ({ui.command(['rm', str(where)])}) once you have checked the branches "
            "by hand"
        ) from None


def save(git_dir: Path, journal: Journal) -> None:
    where = path(git_dir)
    make_dirs(git_dir, PurePosixPath(FOLDER))
    text = json.dumps(journal.as_json(), indent=1, ensure_ascii=False) + "\n"
    replace_file(where, text.encode("utf-8"))


def remove(git_dir: Path) -> None:
    path(git_dir).unlink(missing_ok=True)
