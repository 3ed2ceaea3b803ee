"""What git knows about a range of commits that a subject or a trailer only claims: whether a
merge brings history, whether a revert undoes the commit it names, which commits touch a
directory, which carry a trailer. Each answer is asked of git, in bulk where it can be."""

from __future__ import annotations

import os
from collections.abc import Sequence

from hotfix_hooks.core.branch import format_number
from hotfix_hooks.core.oid import is_oid
from hotfix_hooks.git.run import ok, run_bytes

Cwd = str | os.PathLike[str]


def brings_history(cwd: Cwd, parent_ids: Sequence[str]) -> bool:
    """A merge brings history when a parent beyond the first is not already in the first
    (``git commit-tree -p HEAD -p origin/main`` on a branch that has main brings none)."""
    first, *others = parent_ids
    return any(not ok("merge-base", "--is-ancestor", other, first, cwd=cwd) for other in others)


def merge_edits(cwd: Cwd, sha: str, parent_ids: Sequence[str]) -> tuple[str, ...] | None:
    """The files a two-parent merge changes beyond what git merges by itself (an edit made
    while merging, outside the conflicts it had to resolve): its tree against ``git
    merge-tree``'s, every path git left in conflict excepted (names as git stores them:
    ``-z``, never quoted). None when git cannot redo the merge; nothing for other merges,
    and where git is older than 2.38 (no ``merge-tree --write-tree``)."""
    if len(parent_ids) != 2:
        return ()
    merged = run_bytes(
        "merge-tree", "--write-tree", "--name-only", "--no-messages", "-z",
        "--allow-unrelated-histories", *parent_ids, cwd=cwd, check=False,
    )  # fmt: skip
    if merged.returncode == 129:  # an option this git does not know: it cannot tell
        return ()
    if merged.returncode not in (0, 1):
        return None
    tree, *conflicted = merged.stdout.decode("utf-8", "surrogateescape").split("\0")
    diff = run_bytes(
        "diff-tree", "-r", "--name-only", "--no-renames", "-z", tree, f"{sha}^{{tree}}",
        cwd=cwd, check=False,
    )  # fmt: skip
    if diff.returncode != 0:
        return ()
    changed = diff.stdout.decode("utf-8", "surrogateescape").split("\0")
    left = set(conflicted)
    return tuple(path for path in changed if path and path not in left)


_REVERTS = b"This reverts commit "


def reverted(message: bytes) -> str | None:
    """The commit a revert's message names (``This reverts commit <id>.``), if any."""
    at = message.find(_REVERTS)
    if at < 0:
        return None
    rest = message[at + len(_REVERTS) :]
    end = 0
    while end < len(rest) and rest[end : end + 1] in b"0123456789abcdef":
        end += 1
    sha = rest[:end].decode("ascii")
    return sha if is_oid(sha) else None


def _patch_id(cwd: Cwd, *args: str) -> bytes | None:
    # --no-prefix: -R swaps the a/ and b/ of the header, which the patch id would see
    diff = run_bytes(
        "diff-tree", "-p", "--no-color", "--binary", "--no-prefix", *args, cwd=cwd, check=False
    )
    if diff.returncode != 0 or not diff.stdout.strip():
        return None
    # --verbatim: whitespace counts (a dedent changes what Python runs)
    found = run_bytes("patch-id", "--verbatim", cwd=cwd, input=diff.stdout, check=False)
    return found.stdout.split(b" ", 1)[0] or None if found.returncode == 0 else None


def reverts(cwd: Cwd, sha: str, message: bytes) -> bool:
    """Whether commit ``sha`` undoes exactly the change of the commit its message names
    (that commit an ancestor of it): its diff is the other's, reversed."""
    target = reverted(message)
    if target is None or target == sha:
        return False
    if not ok("merge-base", "--is-ancestor", target, sha, cwd=cwd):
        return False
    undone = _patch_id(cwd, "--root", "-R", sha)
    if undone is None or undone != _patch_id(cwd, "--root", target):
        return False
    # what patch-id does not see: modes, and files with no lines (an empty file added)
    theirs = _raw_changes(cwd, target)
    ours = _raw_changes(cwd, sha)
    return ours.keys() == theirs.keys() and all(
        ours[path] == (new, old) for path, (old, new) in theirs.items()
    )


def _raw_changes(cwd: Cwd, sha: str) -> dict[bytes, tuple[bytes, bytes]]:
    """Path -> (mode before, mode after) of every file commit ``sha`` changes."""
    out = run_bytes(
        "diff-tree", "-r", "--root", "--raw", "-z", "--no-renames", sha, cwd=cwd, check=False
    ).stdout
    fields = out.split(b"\0")
    changes = {}
    at = 0
    while at < len(fields) - 1:  # a header, then its path (the commit's id first, with --root)
        head = fields[at]
        if not head.startswith(b":"):
            at += 1
            continue
        modes = head[1:].split(b" ")
        changes[fields[at + 1]] = (modes[0], modes[1] if len(modes) > 1 else b"")
        at += 2
    return changes


def subjects(cwd: Cwd, revs: Sequence[str]) -> list[tuple[str, str]]:
    """(id, subject) of every commit ``git log REVS`` lists."""
    out = run_bytes("log", "-z", "--format=%H %s", *revs, "--", cwd=cwd, check=False)
    pairs = []
    for record in out.stdout.split(b"\0"):
        sha, _, subject = record.decode("utf-8", "replace").strip("\n").partition(" ")
        if is_oid(sha):
            pairs.append((sha, subject))
    return pairs


def commit_ids(cwd: Cwd, revs: Sequence[str]) -> set[str]:
    out = run_bytes("rev-list", *revs, "--", cwd=cwd, check=False).stdout
    return {line for line in out.decode("ascii", "replace").split() if is_oid(line)}


def hotfix_dirs_touched(cwd: Cwd, revs: Sequence[str], features: str) -> dict[str, set[str]]:
    """Hotfix number -> the commits of ``revs`` that change ``<features>/<NNN>-hotfix/``
    (merges aside: what they change, their parents brought)."""
    out = run_bytes(
        "log", "-z", "--no-merges", "--full-history", "--no-renames", "--format=%x01%H",
        "--name-only", *revs, "--", f"{features}/", cwd=cwd, check=False,
    ).stdout  # fmt: skip
    found: dict[str, set[str]] = {}
    prefix = f"{features}/"
    sha = ""
    for item in out.decode("utf-8", "surrogateescape").split("\0"):
        item = item.strip("\n")
        if item.startswith("\x01"):
            sha, _, item = item[1:].partition("\n")
        if not item.startswith(prefix) or not is_oid(sha):
            continue
        directory = item[len(prefix) :].split("/", 1)[0]
        number = directory[: -len("-hotfix")]
        if directory.endswith("-hotfix") and number.isdigit() and number.isascii():
            found.setdefault(format_number(number), set()).add(sha)
    return found


def trailer_numbers(cwd: Cwd, revs: Sequence[str]) -> dict[str, set[str]]:
    """Hotfix number -> the commits of ``revs`` whose ``Hotfix:`` trailer names it."""
    out = run_bytes(
        "log", "-z", "--format=%H %(trailers:key=Hotfix,valueonly,separator=%x2C)",
        *revs, "--", cwd=cwd, check=False,
    ).stdout  # fmt: skip
    found: dict[str, set[str]] = {}
    for record in out.decode("utf-8", "replace").split("\0"):
        sha, _, values = record.strip("\n").partition(" ")
        if not is_oid(sha):
            continue
        for value in values.split(","):
            value = value.strip()
            if value.isdigit() and value.isascii():
                found.setdefault(format_number(value), set()).add(sha)
    return found


def ref_tips(cwd: Cwd, refs: Sequence[str]) -> dict[str, str]:
    """Ref -> the commit it points at (peeled), for the refs that exist."""
    if not refs:
        return {}
    out = run_bytes(
        "for-each-ref", "--format=%(refname)%00%(objectname)%00%(*objectname)", *refs,
        cwd=cwd, check=False,
    ).stdout  # fmt: skip
    tips = {}
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        ref, _, rest = line.partition("\0")
        direct, _, peeled = rest.partition("\0")
        sha = peeled or direct
        if ref in refs and is_oid(sha):
            tips[ref] = sha
    return tips


def resolve(cwd: Cwd, ref: str) -> str:
    """The commit ``ref`` names ("" when none)."""
    out = run_bytes("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", cwd=cwd, check=False)
    sha = out.stdout.decode("ascii", "replace").strip()
    return sha if out.returncode == 0 and is_oid(sha) else ""
