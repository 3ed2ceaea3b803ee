"""pre-push: no hotfix branch leaves without a real rollback plan in the pushed commit."""

from __future__ import annotations

import os
import sys

from hotfix_hooks.config.settings import cheap_prefix, could_be_hotfix
from hotfix_hooks.git import lean
from hotfix_hooks.hooks.skeleton import OK, POLICY_FAILED, USAGE, guarded, read_ref_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.enforce.engine import Judgment


def _pre_commit_lines() -> bytes | None:
    """pre-commit passes one ref through the environment instead of stdin."""
    env = os.environ
    local = env.get("PRE_COMMIT_LOCAL_BRANCH")
    remote = env.get("PRE_COMMIT_REMOTE_BRANCH")
    if local is None or remote is None:
        return None
    sha = env.get("PRE_COMMIT_TO_REF")  # absent on a root push
    if not sha:
        from hotfix_hooks.git.run import run

        sha = run("rev-parse", "--verify", "-q", f"{local}^{{commit}}", check=False)
    if not sha:
        return b""
    from hotfix_hooks.core.oid import zero_like

    zero = zero_like(sha)
    return f"{local} {sha} {remote} {env.get('PRE_COMMIT_FROM_REF') or zero}\n".encode(
        "utf-8", "surrogateescape"
    )


def _has_ref_lines(data: bytes) -> bool:
    return any(line.strip() for line in data.split(b"\n"))


def _checked_out_lines(root: str, git_dir: str, remote: str | None, bare: bool) -> bytes:
    """A ref line for the checked-out branch, for a hook manager that swallowed stdin
    (lefthook without ``use_stdin: true``): its tip is gated unless the remote-tracking
    branch already has it (git runs pre-push, with nothing on stdin, for an up-to-date
    push too)."""
    branch = lean.head_branch(git_dir)
    if not branch or (not bare and not could_be_hotfix(root, branch)):
        return b""
    code, out = lean.git_output("rev-parse", "--verify", "-q", f"refs/heads/{branch}^{{commit}}")
    sha = out.decode("ascii", "replace").strip()
    if code != 0 or not sha:
        return b""
    if remote:
        _, tracked = lean.git_output(
            "rev-parse", "--verify", "-q", f"refs/remotes/{remote}/{branch}^{{commit}}"
        )
        if tracked.decode("ascii", "replace").strip() == sha:
            return b""
    ref = f"refs/heads/{branch}"
    from hotfix_hooks.core.oid import zero_like

    return f"{ref} {sha} {ref} {zero_like(sha)}\n".encode("utf-8", "surrogateescape")


def main(argv: Sequence[str] | None = None, stdin: bytes | None = None) -> int:
    args = list(argv or ())
    data = _pre_commit_lines() if not args else None
    if data is None:
        data = read_ref_lines("pre-push") if stdin is None else stdin
    if data is None:
        return USAGE
    found = lean.locate()
    bare = False
    if found is None:
        git_dir = lean.bare_git_dir()  # a push from a bare clone runs pre-push too
        if git_dir is None:
            return OK
        found, bare = (git_dir, git_dir), True
    root, git_dir = found
    if not _has_ref_lines(data):
        data = _checked_out_lines(root, git_dir, args[0] if args else None, bare)
    prefix = None if bare else cheap_prefix(root)
    if prefix is not None and prefix.encode() not in data:
        return OK
    remote = args[0] if args else os.environ.get("PRE_COMMIT_REMOTE_NAME")
    return guarded("pre-push", lambda: _check(root, data, bare, remote, git_dir))


def _push_command(root: str, git_dir: str, local_ref: str, remote: str | None, old: str) -> str:
    """The push to advise: the repository's (``git push`` with an upstream, else one that
    sets it). ``git push origin HEAD`` sends ``HEAD`` as the local ref: the checked-out
    branch's upstream decides. Pushing a commit, not a branch, to a ref the remote has:
    ``git push`` again. The remote's old value says nothing of an upstream: pre-commit hands
    the hook the parent of the first new commit for a branch the remote does not have yet."""
    from pathlib import Path

    from hotfix_hooks.core.oid import is_zero
    from hotfix_hooks.git.repository import Repository

    branch = local_ref[len("refs/heads/") :] if local_ref.startswith("refs/heads/") else None
    if branch is None and local_ref != "HEAD" and not is_zero(old):
        return "git push"
    return Repository(Path(root), Path(git_dir)).push_command(branch, remote)


def _config(root: str, data: bytes, bare: bool) -> Config | None:
    """The rules this push is judged by: a bare repository has no working tree, so its
    default branch's; else the work tree's, None when no branch pushed is a hotfix."""
    if bare:
        from hotfix_hooks.config import server as server_config

        return server_config.from_default_branch(root)
    from hotfix_hooks.config import settings as config_mod

    names = _branches(data)
    return config_mod.load(root) if names is None else config_mod.for_branches(root, names)


def _branches(data: bytes) -> list[str] | None:
    """The branches a push updates or creates, by both names (tags and deletions aside);
    None when a line does not parse (the gate then refuses it if it may name a hotfix)."""
    from hotfix_hooks.git.ref_updates import Malformed, parse_pre_push
    from hotfix_hooks.git.refs import branch_name

    names = []
    for update in parse_pre_push(data):
        if isinstance(update, Malformed):
            return None
        if update.deletes:
            continue
        if not update.remote_ref.startswith("refs/tags/"):
            local = branch_name(update.local_ref) or update.local_ref
            names += [branch_name(update.remote_ref) or "", local]
    return [name for name in names if name]


def _check(
    root: str,
    data: bytes,
    bare: bool = False,
    remote: str | None = None,
    git_dir: str | None = None,
) -> int:
    from hotfix_hooks.core import ui
    from hotfix_hooks.core.branch import parse_branch
    from hotfix_hooks.enforce import engine
    from hotfix_hooks.enforce.gate import VerdictCache
    from hotfix_hooks.enforce.render import refusal_lines, warning_lines
    from hotfix_hooks.git.blobs import CommitFiles
    from hotfix_hooks.git.ref_updates import Malformed, parse_pre_push
    from hotfix_hooks.git.refs import branch_name

    config = _config(root, data, bare)
    if config is None:
        return OK  # no hotfix branch in this push (its configuration may be broken)
    prefix = config.branch_prefix
    cache = VerdictCache(git_dir) if git_dir else None
    failed = False
    passed: list[engine.Judgment] = []
    for update in parse_pre_push(data):
        if isinstance(update, Malformed):
            if prefix in update.line:
                ui.error(f"pre-push: cannot parse {update.line!r}; refusing the push to be safe")
                failed = True
            continue
        # judged by where it lands: a tag pushed to refs/heads/hotfix/... is a hotfix branch
        if update.deletes or update.remote_ref.startswith("refs/tags/"):
            continue
        destination = branch_name(update.remote_ref)
        hotfix = parse_branch(destination, prefix) or parse_branch(
            branch_name(update.local_ref) or update.local_ref, prefix
        )
        if hotfix is None:
            continue
        with CommitFiles(root, update.local_sha) as files:
            scope = engine.Scope(
                root, hotfix.number, update.local_sha, config,
                branch=destination or hotfix.name, files=files, cache=cache, claims=True,
                remotes=not bare, git_dir=git_dir,
            )  # fmt: skip
            judgment = engine.judge("pre-push", scope)
        if judgment.passed:  # a refusal says what blocks the push, and only that
            for line in warning_lines(judgment.warnings):
                ui.warn(line)
            passed.append(judgment)
            continue
        failed = True
        push = _push_command(root, git_dir or root, update.local_ref, remote, update.remote_sha)
        for line in refusal_lines(judgment.pushed_with("pre-push", push).errors):
            ui.emit(line, sys.stderr)
    if failed:
        return POLICY_FAILED
    if not bare:  # a bare clone has no working tree, and no config of its own to trust
        for judgment in passed:
            _pushed(root, judgment, git_dir)
    return OK


def _pushed(root: str, judgment: Judgment, git_dir: str | None = None) -> None:
    """on_push: the gate passed for a hotfix ref (never blocks or fails the push); not for
    ``git push --dry-run``, which pushes nothing."""
    from hotfix_hooks.events import dispatch as events

    if events.command_for(root, "on_push", git_dir) is None or lean.dry_run_push():
        return
    from hotfix_hooks.document.model import HotfixDocument
    from hotfix_hooks.events.hotfix import from_record
    from hotfix_hooks.git.blobs import CommitFiles

    facts = judgment.facts
    path = facts.plan.path if facts.plan is not None else ""
    with CommitFiles(root, facts.commit) as files:
        data = (files.read(path) if path else None) or b""
        logged = files.read(path.rsplit("/", 1)[0] + "/events.md") if path else None
    doc = HotfixDocument.parse(data, path or "hotfix.md")
    build = {
        **from_record(doc, facts.number, facts.branch, events=logged),
        "commit": facts.commit,
    }
    events.fire("on_push", root, build, git_dir)
