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
from pathlib import Path, PurePosixPath

from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import describe_os_error, make_dirs, read_regular, replace_file
from hotfix_hooks.core.value import Value

VERSION = 1
FOLDER = "hotfix-hooks"
NAME = "finish.json"


class TargetPlan(Value):
    """A branch that gets the fix: where it was when finish planned, and why it is one."""

    __slots__ = ("local", "merged", "name", "old", "remote_tip", "why")

    def __init__(
        self,
        name: str,
        old: str,
        local: bool,
        merged: bool,
        why: str,
        remote_tip: str | None = None,
    ) -> None:
        self.name = name
        self.old = old  # its tip then: the local branch, else the remote-tracking one
        self.local = local  # refs/heads/<name> existed then
        self.merged = merged  # it contained the fix already
        self.why = why  # why this branch gets the fix, as the plan says it
        self.remote_tip = remote_tip  # the remote's copy then (None: the remote has none)

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.name}"


class Journal(Value):
    """What a finish planned, and the steps it has done (``finish.json``)."""

    __slots__ = (
        "branch",
        "done",
        "fix_tip",
        "lease",
        "number",
        "push",
        "rel",
        "remote",
        "resolution",
        "tag",
        "tag_message",
        "targets",
        "tip",
        "title",
    )

    def __init__(
        self,
        number: str,
        branch: str,
        title: str,
        rel: str,
        tip: str,
        resolution: list[tuple[str, str]],
        targets: list[TargetPlan],
        tag: str,
        tag_message: str,
        remote: str | None,
        push: bool,
        lease: str | None,
        done: list[str] | None = None,
        fix_tip: str = "",
    ) -> None:
        self.number = number
        self.branch = branch  # the hotfix branch
        self.title = title
        self.rel = rel  # its hotfix.md, repository-relative
        self.tip = tip  # the hotfix branch's tip when finish began
        self.resolution = resolution  # the fields recorded first; empty when resolved already
        self.targets = targets  # the production branch first, then develop (when it gets it)
        self.tag = tag
        self.tag_message = tag_message
        self.remote = remote  # the remote the fix is published to (None: this clone has none)
        self.push = push  # --push: finish pushes; else it prints the push
        self.lease = lease  # the remote hotfix branch's commit, deleted there only if still it
        self.done: list[str] = [] if done is None else done
        self.fix_tip = fix_tip  # the hotfix branch's tip once the resolution is recorded

    @property
    def base(self) -> TargetPlan:
        return self.targets[0]

    def as_json(self) -> dict[str, object]:
        values: dict[str, object] = {"version": VERSION}
        for name in self.__slots__:
            value = getattr(self, name)
            if name == "targets":
                value = [{slot: getattr(t, slot) for slot in t.__slots__} for t in value]
            elif name == "resolution":
                value = [list(pair) for pair in value]
            values[name] = value
        return values


def path(git_dir: Path) -> Path:
    return git_dir / FOLDER / NAME


def load(git_dir: Path) -> Journal | None:
    """The journal of the finish in progress; None when there is none."""
    where = path(git_dir)
    try:  # a regular file of ours: a FIFO or a link to a device there is refused, never read
        data = read_regular(where)
    except OSError as exc:
        raise UsageError(describe_os_error(exc, str(where))) from None
    if data is None:
        return None
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
