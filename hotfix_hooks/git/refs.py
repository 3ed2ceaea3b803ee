"""Branch refs: what a ref name says, and the one listing of hotfix branches.

A hotfix branch is ``refs/heads/<prefix>…`` or ``refs/remotes/<remote>/<prefix>…`` (a
remote's name is one path component) whose name :func:`~hotfix_hooks.core.branch.parse_branch`
accepts, a ``/`` in its slug included (``hotfix/001-db/failover``). Every listing (number
claims, ``new``, ``status``, ``report``, the server) goes through :func:`hotfix_refs`.

Import-light: the commit-msg hook lists hotfix branches from the ref files, without
starting git, whenever the files tell the whole story.
"""

from __future__ import annotations

import os

from hotfix_hooks.core.branch import HotfixBranch, parse_branch
from hotfix_hooks.core.errors import GitError
from hotfix_hooks.core.oid import is_oid
from hotfix_hooks.git import lean

HEADS = "refs/heads/"
REMOTES = "refs/remotes/"
_GLOB_CHARS = frozenset("*?[\\")


def branch_name(ref: str) -> str | None:
    """The branch a full ref names; None for anything but ``refs/heads/...``."""
    return ref[len("refs/heads/") :] if ref.startswith("refs/heads/") else None


def short_ref(ref: str) -> str:
    """``refs/heads/x`` is ``x``, ``refs/remotes/origin/x`` is ``origin/x``."""
    for start in ("refs/heads/", "refs/remotes/"):
        if ref.startswith(start):
            return ref[len(start) :]
    return ref


def branch_of_ref(ref: str) -> str:
    """``refs/heads/x``, ``refs/remotes/origin/x`` and ``origin/x`` are all branch ``x``
    (``origin/`` only as the remote's prefix)."""
    short = short_ref(ref)
    if (ref.startswith("refs/remotes/") or ref.startswith("origin/")) and "/" in short:
        short = short.split("/", 1)[1]
    return short


def split_branch_ref(ref: str) -> tuple[str, str | None] | None:
    """(branch, remote) of ``refs/heads/<branch>`` (remote None) or
    ``refs/remotes/<remote>/<branch>``; None for any other ref."""
    if ref.startswith(HEADS):
        return (ref[len(HEADS) :], None) if len(ref) > len(HEADS) else None
    if ref.startswith(REMOTES):
        remote, slash, branch = ref[len(REMOTES) :].partition("/")
        return (branch, remote) if remote and slash and branch else None
    return None


class HotfixRef:
    """One hotfix branch git has: its full ref, the branch name, the remote it tracks
    (None for a local branch) and the hotfix it names. (A plain class: the commit-msg
    hook makes these, and a NamedTuple costs start-up time.)"""

    __slots__ = ("branch", "hotfix", "ref", "remote")

    def __init__(self, ref: str, branch: str, remote: str | None, hotfix: HotfixBranch) -> None:
        self.ref = ref
        self.branch = branch
        self.remote = remote
        self.hotfix = hotfix

    @property
    def where(self) -> str:
        return "local branch" if self.remote is None else f"remote {self.remote}"

    @property
    def short(self) -> str:
        """``hotfix/042-x``, or ``origin/hotfix/042-x`` for a remote-tracking branch."""
        return short_ref(self.ref)

    def __repr__(self) -> str:
        return f"HotfixRef({self.ref!r})"


def hotfix_refs(
    prefix: str, *, remotes: bool = True, cwd: str | None = None, git_dir: str | None = None
) -> list[HotfixRef]:
    """Every hotfix branch git has, sorted by ref: local ones and, unless ``remotes`` is
    false (the server), remote-tracking ones. Read from the ref files when ``git_dir`` is
    known and they tell the whole story, else from one ``git for-each-ref``."""
    names = _from_files(git_dir, prefix, remotes) if git_dir is not None else None
    if names is None:
        bases = [HEADS, REMOTES] if remotes else [HEADS]
        code, out, err = lean.run_git("for-each-ref", "--format=%(refname)", *bases, cwd=cwd)
        if code != 0:
            raise GitError(("for-each-ref", *bases), code, err.decode("utf-8", "replace"))
        names = sorted(set(out.decode("utf-8", "surrogateescape").splitlines()))
    found = []
    for ref in names:
        split = split_branch_ref(ref)
        if split is None or (split[1] is not None and not remotes):
            continue
        hotfix = parse_branch(split[0], prefix)
        if hotfix is not None:
            found.append(HotfixRef(ref, split[0], split[1], hotfix))
    return found


def ref_in_files(git_dir: str, ref: str) -> bool | None:
    """Whether ``ref`` (``refs/tags/hotfix-042``) exists, read from the loose ref file and
    packed-refs, whatever their size; None when the files may not tell (reftable, an
    unusual ref): ask git."""
    common = _files_backend(git_dir)
    if common is None:
        return None
    path = os.path.join(common, *ref.split("/"))
    if os.path.isfile(path) and not os.path.islink(path):
        return True
    if os.path.lexists(path):
        return None  # a directory, a symlink: git knows what it means
    packed = _packed_refs(common)
    return None if packed is None else ref in packed


def _files_backend(git_dir: str) -> str | None:
    """The common git directory when its refs are plain files (not reftable, no
    ``GIT_COMMON_DIR`` pointing elsewhere); None: ask git."""
    if os.environ.get("GIT_COMMON_DIR"):
        return None
    common = lean.common_dir(git_dir)
    config = lean.read_text(os.path.join(common, "config"))
    if config is None or "refstorage" in config.lower():
        return None
    if os.path.exists(os.path.join(common, "reftable")):
        return None
    return common


def _from_files(git_dir: str, prefix: str, remotes: bool) -> list[str] | None:
    """The refs under ``refs/heads/<prefix>`` and ``refs/remotes/*/<prefix>``, read from
    the loose ref files and packed-refs: a superset of the hotfix branches, for
    :func:`hotfix_refs` to filter. None whenever the files may not tell the whole story
    (reftable, a glob character in the prefix, a symbolic or unreadable ref): ask git."""
    if not prefix or _GLOB_CHARS.intersection(prefix):
        return None
    common = _files_backend(git_dir)
    if common is None:
        return None
    bases = [HEADS]
    if remotes:
        try:
            bases += [f"{REMOTES}{r}/" for r in os.listdir(os.path.join(common, "refs", "remotes"))]
        except FileNotFoundError:
            pass
        except OSError:
            return None
    found: set[str] = set()
    for base in bases:
        if not _walk(common, base, prefix, found):
            return None
    packed = _packed_refs(common)
    if packed is None:
        return None
    for ref in packed:
        split = split_branch_ref(ref)
        if split is not None and split[0].startswith(prefix) and (remotes or split[1] is None):
            found.add(ref)
    return sorted(found)


def _walk(common: str, base: str, prefix: str, found: set[str]) -> bool:
    """Add every loose ref below ``base`` whose branch name starts with ``prefix``
    (``hotfix/001-db/failover`` included); False when one is not a plain ref file."""
    folder, _, leaf = prefix.rpartition("/")
    where = os.path.join(common, base + folder) if folder else os.path.join(common, base)
    start = f"{base}{folder}/" if folder else base
    try:
        names = os.listdir(where)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    pending = [(where, start, name) for name in names if name.startswith(leaf)]
    while pending:
        directory, ref_dir, name = pending.pop()
        path = os.path.join(directory, name)
        if name.endswith(".lock"):
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            try:
                inner = os.listdir(path)
            except OSError:
                return False
            pending += [(path, f"{ref_dir}{name}/", child) for child in inner]
            continue
        text = (lean.read_text(path) or "").strip()
        if not is_oid(text):  # a symbolic ref (git resolves it) or anything unusual
            return False
        found.add(ref_dir + name)
    return True


def _packed_refs(common: str) -> list[str] | None:
    try:
        with open(
            os.path.join(common, "packed-refs"), encoding="utf-8", errors="surrogateescape"
        ) as handle:
            packed = handle.read()
    except FileNotFoundError:
        return []
    except OSError:
        return None
    out = []
    for line in packed.splitlines():
        if line[:1] in ("#", "^", ""):
            continue
        out.append(line.partition(" ")[2])
    return out
