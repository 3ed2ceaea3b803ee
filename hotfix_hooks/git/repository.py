"""The one repository object: a working tree's root and its git directory, and the
questions commands and hooks ask about it, answered by plain git.

Hooks make one from the files (:meth:`Repository.here`, no git process); commands get one
from :mod:`~hotfix_hooks.git.discover` (one ``git rev-parse``), which also opens GitPython's
``Repo`` for it where a command uses GitPython. Revisions, ancestry and merge bases are asked of git
itself, as ``git rev-parse``/``merge-base`` answer them: the same answers in a hook and a
command, and exact git semantics (GitPython's own revision parser differs at the edges).
"""

from __future__ import annotations

import os
from pathlib import Path

from hotfix_hooks.core.ui import command
from hotfix_hooks.git import lean
from hotfix_hooks.git.run import ok, run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

    import git as gitpython


HOOKS_DIR = ("rev-parse", "--path-format=absolute", "--git-path", "hooks")


class Repository:
    """A working tree (``root``) and its private git directory."""

    __slots__ = ("_handle", "_memo", "_started", "git_dir", "root")

    def __init__(self, root: Path, git_dir: Path) -> None:
        self.root = root
        self.git_dir = git_dir
        self._handle: gitpython.Repo | None = None  # discover.gitpython opens it
        self._memo: dict[tuple[str, ...], str | None] = {}  # answers that a command asks twice
        self._started: dict[tuple[str, ...], lean.Started] = {}  # asked early (prefetch)

    @classmethod
    def here(cls) -> Repository | None:
        """The repository a hook runs in (git runs client hooks at the top of the working
        tree), read from the files; None outside one."""
        found = lean.locate()
        return None if found is None else cls(Path(found[0]), Path(found[1]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Repository):
            return NotImplemented
        return (self.root, self.git_dir) == (other.root, other.git_dir)

    def __hash__(self) -> int:
        return hash((self.root, self.git_dir))

    def __repr__(self) -> str:
        return f"Repository(root={self.root!r}, git_dir={self.git_dir!r})"

    def git(self, *args: str, check: bool = True) -> str:
        """``git ARGS`` in the working tree: its stdout, without the final newline."""
        return run(*args, cwd=self.root, check=check)

    def in_progress(self) -> str | None:
        """Name of an in-progress rebase/merge/cherry-pick/revert/bisect, if any."""
        return lean.in_progress(str(self.git_dir))

    def head_branch(self) -> str | None:
        """Short name of the checked-out branch; None when detached."""
        return lean.head_branch(str(self.git_dir))

    def resolve(self, rev: str) -> str | None:
        """The commit ``rev`` names; None when it names none."""
        return self.git("rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False) or None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return ok("merge-base", "--is-ancestor", ancestor, descendant, cwd=self.root)

    def merge_base(self, a: str, b: str) -> str | None:
        return self.git("merge-base", a, b, check=False).split("\n")[0] or None

    def commit_time(self, rev: str) -> datetime:
        """When ``rev`` was committed, with its committer's UTC offset."""
        from datetime import datetime

        return datetime.fromisoformat(self.git("log", "-1", "--format=%cI", rev, "--"))

    def object_format(self) -> str:
        """``sha1`` or ``sha256`` (``git rev-parse --show-object-format``)."""
        return self.git("rev-parse", "--show-object-format", check=False) or "sha1"

    def common_dir(self) -> Path:
        """Where the refs shared by every worktree of this repository live."""
        return Path(os.path.realpath(lean.common_dir(str(self.git_dir))))

    def ask(self, *args: str) -> str | None:
        """``git ARGS``'s output (None when empty), asked once per command: the answer of
        :meth:`prefetch` when that started it."""
        if args not in self._memo:
            started = self._started.pop(args, None)
            if started is not None:
                out = started.finish()[1]
                self._memo[args] = out.decode("utf-8", "surrogateescape").rstrip("\n") or None
            else:
                self._memo[args] = self.git(*args, check=False) or None
        return self._memo[args]

    def prefetch(self, *questions: tuple[str, ...]) -> None:
        """Start asking git ``questions`` (each the args of an :meth:`ask` to come), so
        that they run beside what the command does meanwhile. :meth:`settle` ends those
        that were never asked."""
        for args in questions:
            if args not in self._memo and args not in self._started:
                started = lean.start_git(*args, cwd=str(self.root))
                if started is not None:
                    self._started[args] = started

    def settle(self) -> None:
        """Wait for every question started and never asked."""
        while self._started:
            self._started.popitem()[1].finish()

    def remember(self, args: tuple[str, ...], answer: str) -> None:
        """What ``git ARGS`` answered, asked together with something else."""
        self._memo[args] = answer or None

    def hooks_dir(self) -> Path:
        """Where git looks for this repository's hooks (``core.hooksPath`` included)."""
        return Path(self.ask(*HOOKS_DIR) or self.git_dir / "hooks")

    def upstream(self, branch: str | None = None) -> str | None:
        """The upstream of ``branch`` (default: the checked-out one) as ``origin/x``, when
        it has one that resolves and is the remote's branch of the same name: a branch made
        with ``git checkout -b hotfix/002-x origin/main`` tracks origin/main, its start
        point, not its copy on the remote (and a plain ``git push`` refuses to push there)."""
        branch = branch or self.head_branch()
        if not branch:
            name = self.ask("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
            return name if name and self.ask("rev-parse", "-q", "--verify", name) else None
        full, short, present = self._branch_refs(branch)
        if not full or not short:
            return None
        if not (full.startswith("refs/remotes/") and full.endswith(f"/{branch}")):
            return None
        if full in present or self.ask("rev-parse", "-q", "--verify", full):
            return short
        return None

    def default_remote(self) -> str:
        """``checkout.defaultRemote``, else origin."""
        return self.ask("config", "--get", "checkout.defaultRemote") or "origin"

    def tracking(self, branch: str) -> str | None:
        """The remote-tracking copy of ``branch``: its upstream, else ``<remote>/<branch>``
        on the default remote; None when there is neither."""
        found = self.upstream(branch)
        if found:
            return found
        remote = self.default_remote()
        ref = f"refs/remotes/{remote}/{branch}"
        # the listing's `*` is one path component: a remote named team/a is asked of git
        exists = ref in self._branch_refs(branch)[2] or (
            "/" in remote and self.ask("rev-parse", "-q", "--verify", ref) is not None
        )
        return f"{remote}/{branch}" if exists else None

    @staticmethod
    def branch_refs_question(branch: str) -> tuple[str, ...]:
        """What :meth:`upstream` and :meth:`tracking` ask git about ``branch`` (for
        :meth:`prefetch`)."""
        return (
            "for-each-ref",
            "--format=%(refname)%00%(upstream)%00%(upstream:short)",
            f"refs/heads/{branch}",
            f"refs/remotes/*/{branch}",
        )

    def _branch_refs(self, branch: str) -> tuple[str, str, set[str]]:
        """(the upstream ref of ``branch``, its short name, the refs named
        ``refs/remotes/<any remote>/<branch>`` that exist), in one ``for-each-ref``."""
        listed = self.ask(*self.branch_refs_question(branch))
        full = short = ""
        present = set()
        for line in (listed or "").split("\n"):
            ref, _, rest = line.partition("\0")
            upstream, _, upstream_short = rest.partition("\0")
            present.add(ref)
            if ref == f"refs/heads/{branch}":
                full, short = upstream, upstream_short
        return full, short, present

    def pull_command(self, branch: str | None = None) -> str:
        """The pull that brings in what the team pushed to ``branch`` (default: the
        checked-out one), diverged or not, whatever ``pull.rebase`` says: a merge
        (``--no-rebase``: a plain ``git pull`` stops at "divergent branches" unless the
        user configured how to reconcile), from the remote-tracking copy when there is no
        upstream (``git pull`` alone then has nothing to pull from)."""
        pull = ["git", "pull", "--no-rebase"]
        if self.upstream(branch):
            return command(pull)
        name = branch or self.head_branch()
        return command([*pull, self.default_remote(), name] if name else pull)

    def push_command(self, branch: str | None = None, remote: str | None = None) -> str:
        """The push that works for ``branch`` (default: the checked-out one): ``git push``
        when it has an upstream, else one that sets it (``git push`` alone fails on a new
        branch) to ``remote`` (default: ``checkout.defaultRemote``, else origin)."""
        if self.upstream(branch):
            return "git push"
        return command(["git", "push", "-u", remote or self.default_remote(), "HEAD"])
