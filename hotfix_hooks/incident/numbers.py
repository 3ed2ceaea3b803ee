"""Who claims a hotfix number, from git: hotfix branches (local, remote-tracking, or the
server's), finished hotfixes (their tag, ``tag_format``), and when each one's hotfix.md was
first committed. A finished hotfix holds its number for the life of the repository: its
branch is gone, its tag stays.

Hook path: ``lean.run_git`` only, no pathlib or dataclasses. The cheap part is one
``git for-each-ref``; the dating (``git log``/``cat-file``) runs only when another branch
carries the same number. The rule itself is ``policy.numbers``.
"""

from __future__ import annotations

import os

from hotfix_hooks.core.branch import format_number, parse_branch, tag_number
from hotfix_hooks.core.oid import is_oid
from hotfix_hooks.git import lean
from hotfix_hooks.git.refs import hotfix_refs
from hotfix_hooks.policy.numbers import Claim, must_move, next_free

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hotfix_hooks.config.settings import Config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def branch_claims(
    prefix: str, *, remotes: bool = True, cwd: str | None = None, git_dir: str | None = None
) -> list[tuple[Claim, str]]:
    """(claim, ref) for every hotfix branch git has; dates not filled in yet."""
    out = []
    for found in hotfix_refs(prefix, remotes=remotes, cwd=cwd, git_dir=git_dir):
        where = found.where if remotes else "a branch of this repository"
        out.append((Claim(found.hotfix.number, found.branch, where), found.ref))
    return out


def doc_added(rev: str, path: str, cwd: str | None = None) -> float | None:
    """When ``path`` was first committed in ``rev``'s history (commit time); None if never."""
    code, out, _ = lean.run_git("log", "--diff-filter=A", "--format=%ct", rev, "--", path, cwd=cwd)
    lines = _text(out).split()
    if code != 0 or not lines:
        return None
    return float(lines[-1])


# What may stand around a branch name within one word: [\w/.-] of a bytes pattern.
_NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/.-")


def names_branch(data: bytes, branch: str) -> bool:
    """Whether a hotfix.md names ``branch`` as a whole word (``hotfix/001-a`` is not in
    ``hotfix/001-ab``). By hand: the commit-msg hook calls it, and ``re`` costs more to
    import than the rest of that hook."""
    needle = branch.encode("utf-8", "surrogateescape")
    if not needle:
        return False
    start = data.find(needle)
    while start >= 0:
        end = start + len(needle)
        if (start == 0 or data[start - 1] not in _NAME_BYTES) and (
            end == len(data) or data[end] not in _NAME_BYTES
        ):
            return True
        start = data.find(needle, start + 1)
    return False


def doc_at(rev: str, path: str, cwd: str | None = None) -> bytes | None:
    code, out, _ = lean.run_git("cat-file", "blob", f"{rev}:{path}", cwd=cwd)
    return out if code == 0 else None


# What a commit's history says of a record, by (commit id, path, cwd): a commit never
# changes, so a server judging many branches of one push reads each once (a ref name moves,
# and is never kept).
_DATED: dict[tuple[str, str, str | None], tuple[float | None, bytes | None]] = {}


def _date(claim: Claim, rev: str, path: str, cwd: str | None) -> None:
    key = (rev, path, cwd)
    found = _DATED.get(key)
    if found is None:
        since = doc_added(rev, path, cwd)
        found = (since, doc_at(rev, path, cwd) if since is not None else None)
        if is_oid(rev):
            _DATED[key] = found
    claim.since, data = found
    if claim.since is not None:
        claim.names_itself = data is not None and names_branch(data, claim.branch)


DEFAULT_TAG_FORMAT = "hotfix-{number}"
PUSHED_WITH_IT = "pushed with it"  # where a claim by another branch of the same push was seen


def tag_exists(tag: str, cwd: str | None = None, git_dir: str | None = None) -> bool:
    """Whether ``refs/tags/<tag>`` exists: from the ref files when ``git_dir`` is known
    (no git process on a hook's path; ``git.refs.ref_in_files``), else asked of git."""
    if git_dir is not None:
        from hotfix_hooks.git.refs import ref_in_files

        found = ref_in_files(git_dir, f"refs/tags/{tag}")
        if found is not None:
            return found
    code, _out, _err = lean.run_git("rev-parse", "-q", "--verify", f"refs/tags/{tag}", cwd=cwd)
    return code == 0


def finished_claim(
    number: str, prefix: str, features: str, tag_format: str, cwd: str | None, git_dir: str | None
) -> Claim | None:
    """The claim of a finished hotfix ``number`` (its tag exists): the branch its record
    names (the incident it was), holding the number before any other."""
    from hotfix_hooks.core.branch import tag_name

    tag = tag_name(tag_format, number)
    if not tag_exists(tag, cwd, git_dir):
        return None
    data = doc_at(f"refs/tags/{tag}^{{commit}}", f"{features}/{number}-hotfix/hotfix.md", cwd)
    branch = f"the hotfix tagged {tag}"
    for name in named_branches(data or b"", prefix):
        parsed = parse_branch(name, prefix)
        if parsed is not None and parsed.number == number:
            branch = name
            break
    return Claim(number, branch, f"finished: tag {tag}", 0.0, True)


def finished_numbers(tag_format: str, cwd: str | None = None) -> dict[str, str]:
    """Number -> tag of every finished hotfix (a tag ``tag_format`` names)."""
    head = tag_format.partition("{number}")[0]
    code, out, _ = lean.run_git(
        "for-each-ref", "--format=%(refname:strip=2)", f"refs/tags/{head}*", cwd=cwd
    )
    found: dict[str, str] = {}
    for name in _text(out).splitlines() if code == 0 else []:
        number = tag_number(tag_format, name)
        if number is not None:
            found.setdefault(number, name)
    return found


def tree_numbers(rev: str, features: str, cwd: str | None = None) -> list[str]:
    """Numbers of the ``NNN-hotfix`` directories in ``rev``'s tree (the records a branch
    holds, say the production branch's finished ones)."""
    code, out, _ = lean.run_git("ls-tree", "--name-only", "-d", f"{rev}:{features}", cwd=cwd)
    if code != 0:
        return []
    names = _text(out).splitlines()
    return [
        format_number(n[: -len("-hotfix")])
        for n in names
        if n.endswith("-hotfix") and n[:-7].isdigit() and n[:-7].isascii()
    ]


def worktree_numbers(root: str, features: str) -> list[str]:
    """Numbers of the ``NNN-hotfix`` directories in the working tree."""
    try:
        names = os.listdir(os.path.join(root, features))
    except OSError:
        return []
    return [n[: -len("-hotfix")] for n in names if n.endswith("-hotfix") and n[:-7].isdigit()]


class Judgement:
    """Whether a branch may keep its number: the rivals that make it move, and the next
    free number to move to."""

    __slots__ = ("free", "others")

    def __init__(self, others: list[Claim], free: str) -> None:
        self.others = others
        self.free = free


def judge(
    branch: str,
    number: str,
    prefix: str,
    features: str,
    *,
    tip: str = "HEAD",
    remotes: bool = True,
    cwd: str | None = None,
    extra: Sequence[Claim] = (),
    taken: Iterable[str] = (),
    git_dir: str | None = None,
    tag_format: str = DEFAULT_TAG_FORMAT,
    pushed: Sequence[tuple[str, str]] = (),
    creating: bool | None = None,
) -> Judgement:
    """May ``branch`` (hotfix ``number``, its tip ``tip``) keep its number?

    ``cwd``: where git runs (None: here; hooks run at the top of the working tree, and
    a subprocess costs them start-up time). ``extra``: claims found elsewhere (the
    ``Branch`` field of an existing hotfix.md, dated by the caller). ``taken``: more
    numbers in use (directories), for the next
    free one. ``git_dir``: the repository's git directory, when known, to read the branch
    list from its files. ``tag_format``: how a finished hotfix's tag is named (its tag
    holds the number for good). ``pushed``: (branch, commit) of the other hotfix branches
    the same push brings (a server judges each against the refs from before the push).
    ``creating``: on a server, whether this push creates ``branch``: a branch the server
    has keeps its number against any the push creates, whatever their records' dates (a
    commit date is the pusher's to write).
    """
    listed = branch_claims(prefix, remotes=remotes, cwd=cwd, git_dir=git_dir)
    names = {claim.branch for claim, _ in listed}
    newcomers = set()  # branches the push creates, not yet on the server
    for name, sha in pushed:
        other = parse_branch(name, prefix)
        if other is not None and name not in names:
            listed.append((Claim(other.number, name, PUSHED_WITH_IT), sha))
            newcomers.add(name)
    same = [(c, ref) for c, ref in listed if c.number == number and c.branch != branch]

    def move(others: list[Claim]) -> Judgement:
        """``branch`` must move for ``others``: to the number after every one in use."""
        in_use = [c.number for c, _ in listed] + [c.number for c in extra] + list(taken)
        return Judgement(others, next_free(in_use + list(finished_numbers(tag_format, cwd))))

    if creating is not None:
        held = [(c, ref) for c, ref in same if c.branch not in newcomers]
        if creating and held:
            return move([c for c, _ in held])
        if not creating:
            same = held
    finished = finished_claim(number, prefix, features, tag_format, cwd, git_dir)
    extra = [*extra, *([finished] if finished else [])]
    foreign = [c for c in extra if c.branch != branch]
    if not same and not foreign:
        return Judgement([], "")
    path = f"{features}/{number}-hotfix/hotfix.md"
    own = Claim(number, branch, "this branch")
    _date(own, tip, path, cwd)
    for claim, ref in same:
        _date(claim, ref, path, cwd)
    claims = [own, *(c for c, _ in same), *foreign]
    others = must_move(branch, claims)
    return move(others) if others else Judgement([], "")


def named_branches(data: bytes, prefix: str) -> list[str]:
    """The hotfix branch names a hotfix.md mentions (its Branch field among them)."""
    import re  # only when the document does not name the branch checked out

    pattern = (
        rb"(?<![\w/.-])"
        + re.escape(prefix.encode("utf-8", "surrogateescape"))
        + rb"[0-9]+(?:-[\w.-]*[\w])?(?![\w/-])"
    )
    return list(dict.fromkeys(_text(m.group(0)) for m in re.finditer(pattern, data)))


def worktree_doc_claims(
    root: str, features: str, number: str, branch: str, prefix: str, cwd: str | None = None
) -> list[Claim]:
    """Claims by the branches the hotfix.md already in this number's folder names, when
    it does not name ``branch`` (the hooks' cheap reading of its ``Branch`` field: a file
    read, and git only when another branch is named)."""
    path = f"{features}/{number}-hotfix/hotfix.md"
    from hotfix_hooks.core.safe_files import UnreadableFile, read_inside

    try:
        data = read_inside(root, path)
    except UnreadableFile:
        return []
    if data is None:
        return []
    if names_branch(data, branch):
        return []
    out = []
    for name in named_branches(data, prefix):
        hotfix = parse_branch(name, prefix)
        if hotfix is not None and hotfix.number == number and name != branch:
            out.append(Claim(number, name, f"named in {path}", None, True))
    if out:
        since = doc_added("HEAD", path, cwd)
        for claim in out:
            claim.since = since
    return out


def worktree_judgement(
    root: str, config: Config, branch: str, number: str, git_dir: str | None = None
) -> Judgement:
    """Who else holds ``number``, as the client hooks see it from the working tree: hotfix
    branches here and on remotes, and the hotfix.md already in that number's folder."""
    from hotfix_hooks.config.features import worktree_features

    prefix = config.branch_prefix
    features = worktree_features(root, config)
    return judge(
        branch,
        number,
        prefix,
        features,
        extra=worktree_doc_claims(root, features, number, branch, prefix),
        taken=worktree_numbers(root, features),
        git_dir=git_dir,
        tag_format=config.tag_format,
    )
