"""pre-receive (server): the rules ``--no-verify`` cannot skip, for every pushed branch.
``judge_update`` is also the per-ref ``update`` hook's (hooks/update.py).

A push to a hotfix branch is judged by that hotfix's rules. A push to any other branch (the
production branch first of all) is judged by the rules of every hotfix whose commits it
brings (policy/rules; enforce/reach says which). The rules come from the server
(``hotfix-hooks.toml`` in the git directory, recorded by ``install --server``), never from
a pushed commit, and so does the production branch the new commits are counted from.
"""

from __future__ import annotations

import sys

from hotfix_hooks.hooks.skeleton import OK, POLICY_FAILED, USAGE, guarded, read_ref_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.core.branch import HotfixBranch
    from hotfix_hooks.git.ref_updates import RefUpdate
    from hotfix_hooks.policy.rules import Violation


def main(argv: Sequence[str] | None = None, stdin: bytes | None = None) -> int:
    data = read_ref_lines("pre-receive") if stdin is None else stdin
    if data is None:
        return USAGE
    if b"refs/heads/" not in data and b"refs/tags/" not in data:
        return OK
    return guarded("pre-receive", lambda: _check(data))


def server_side() -> tuple[Config, str]:
    """(the server's recorded configuration (see ``server_config.rules``), its git
    directory)."""
    from hotfix_hooks.config import server as server_config
    from hotfix_hooks.git.run import run

    git_dir = run("rev-parse", "--absolute-git-dir")
    return server_config.rules(git_dir), git_dir


def _check(data: bytes) -> int:
    from hotfix_hooks.core import ui
    from hotfix_hooks.git.ref_updates import Malformed, parse_pre_receive
    from hotfix_hooks.git.refs import branch_name

    config, git_dir = server_side()
    failed = False
    updates = list(parse_pre_receive(data))
    pushed = [
        (name, u.local_sha)
        for u in updates
        if not isinstance(u, Malformed) and not u.deletes
        if (name := branch_name(u.local_ref)) is not None
    ]
    for update in updates:
        if isinstance(update, Malformed):
            if "refs/heads/" in update.line:
                ui.error(f"pre-receive: cannot parse {update.line!r}; rejecting to be safe")
                failed = True
            continue
        lines = judge_update(update, config, git_dir, pushed=pushed)
        for line in lines:
            ui.emit(line, sys.stderr)
        failed = failed or bool(lines)
    return POLICY_FAILED if failed else OK


class Production:
    """The production branch as this server knows it, and its commit ("" when it does not
    resolve): ``base_branch`` as recorded by ``install --server`` (or set with
    ``server-config``), and nothing else when it is; else the branch HEAD names, ``main``
    or ``master``, the first that exists (an empty repository's HEAD names ``master`` to
    the end of its days when the team pushes ``main``)."""

    __slots__ = ("name", "sha")

    def __init__(self, config: Config) -> None:
        from hotfix_hooks.git import history
        from hotfix_hooks.git.run import run

        head = run("symbolic-ref", "-q", "--short", "HEAD", check=False)
        names = [config.base_branch] if config.base_branch else [head, "main", "master"]
        self.name, self.sha = names[0] or "", ""
        for name in filter(None, names):
            sha = history.resolve(".", f"refs/heads/{name}")
            if sha:
                self.name, self.sha = name, sha
                break

    def unresolved(self) -> tuple[str, str] | None:
        """Why the commits new to a branch cannot be told, and the command that would tell
        them (None when they can)."""
        import shlex

        from hotfix_hooks.git.run import run

        if self.sha:
            return None
        branches = run("for-each-ref", "--format=%(refname:short)", "refs/heads/", check=False)
        if not branches:
            return None  # an empty server: everything pushed is new
        names = branches.split("\n")
        likely = next((n for n in ("main", "master") if n in names), names[0])
        return (
            f"this server's production branch ({self.name or 'HEAD'}) names no branch here, "
            "so what is already in production cannot be told, and nothing is taken on trust",
            f"hotfix-hooks server-config --set base_branch={shlex.quote(likely)}",
        )


def judge_update(
    update: RefUpdate,
    config: Config,
    git_dir: str,
    point: str = "pre-receive",
    pushed: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """Why one ref update is refused (nothing when it is not), as text. ``git_dir``: the
    server's, whose ref files say which branches and tags exist without asking git;
    ``pushed``: every branch the same push brings, (name, commit): one number is one
    incident's within a push too."""
    from hotfix_hooks.core.branch import parse_branch
    from hotfix_hooks.enforce.render import refusal_lines
    from hotfix_hooks.git.refs import branch_name

    name = branch_name(update.local_ref)
    if name is None:
        return refusal_lines(_tag(update, config, point))
    if update.deletes:
        return []
    production = Production(config)
    hotfix = parse_branch(name, config.branch_prefix)
    if hotfix is not None:
        others = [(n, sha) for n, sha in pushed if n != name]
        violations = _hotfix_branch(
            update, name, hotfix, config, production, git_dir, point, others
        )
    else:
        violations = _other_branch(update, name, config, production, point)
    return refusal_lines(violations)


def _tag(update: RefUpdate, config: Config, point: str) -> list[Violation]:
    """A push that deletes or moves a finished hotfix's tag (the one ``tag_format`` names
    for its number), or creates it where ``finish`` would not: on a commit whose record of
    that hotfix does not say it was resolved."""
    from hotfix_hooks.core.branch import tag_name, tag_number
    from hotfix_hooks.core.oid import is_zero
    from hotfix_hooks.policy import rules

    tag = update.local_ref.removeprefix("refs/tags/")
    number = tag_number(config.tag_format, tag) if tag != update.local_ref else None
    if number is None or tag != tag_name(config.tag_format, number):
        return []  # not a hotfix's tag (hotfix-1 is not hotfix-001's)
    if update.local_sha == update.remote_sha:
        return []
    if is_zero(update.remote_sha):
        from hotfix_hooks.core.state import HotfixState

        state = _record_state(update.local_sha, number, config)
        if state == HotfixState.RESOLVED.value:
            return []
        change = f"creates it on {update.local_sha[:10]}, whose record of it says {state}"
    elif update.deletes:
        change = "deletes it"
    else:
        change = f"moves it to {update.local_sha[:10]}"
    finished = rules.FinishedFacts(tag, update.remote_sha, change)
    facts = rules.Facts(number, "", update.local_sha, finished=finished)
    return [v for v in rules.run(point, facts) if v.severity == "error"]


def _record_state(rev: str, number: str, config: Config) -> str:
    """What the record of hotfix ``number`` in ``rev`` says of its state ("no record")."""
    from hotfix_hooks.enforce.gate import read_plan
    from hotfix_hooks.git.blobs import CommitFiles

    with CommitFiles(".", rev) as files:
        found = read_plan(files, number, config)
    if found.facts.state != "ok":
        return "nothing (no record)"
    return found.facts.status or "nothing"


def _hotfix_branch(
    update: RefUpdate,
    name: str,
    hotfix: HotfixBranch,
    config: Config,
    production: Production,
    git_dir: str,
    point: str,
    pushed: Sequence[tuple[str, str]] = (),
) -> list[Violation]:
    """A push to a hotfix branch: its plan, trigger, number and configuration, and the
    task tie on every commit it adds over the production branch that it did not have
    before: never "new to the server", which commits first parked on another ref (a
    branch, a tag, refs/tmp/..., or a ref the same ``--per-ref`` push created a moment
    earlier) would escape."""
    from hotfix_hooks.core.oid import is_zero
    from hotfix_hooks.enforce import engine
    from hotfix_hooks.git.run import run

    tip, old = update.local_sha, update.remote_sha
    base = [production.sha] if production.sha else []
    if not is_zero(old):
        base.append(old)  # judged when it was pushed
    config_base = old if not is_zero(old) else ""
    if not config_base and production.sha:
        config_base = run("merge-base", tip, production.sha, check=False).split("\n")[0]
    scope = engine.Scope(
        ".", hotfix.number, tip, config, branch=name,
        push="git push -u origin HEAD" if is_zero(old) else "git push origin HEAD",
        new=[tip, "--not", *base],
        context=[tip, "--not", production.sha] if production.sha else [tip],
        unbounded=production.unresolved(), claims=True, remotes=False,
        config_base=config_base, creates=is_zero(old), git_dir=git_dir, pushed=pushed,
        creating=is_zero(old),
    )  # fmt: skip
    return engine.judge(point, scope).errors


def _other_branch(
    update: RefUpdate, name: str, config: Config, production: Production, point: str
) -> list[Violation]:
    """A push to any other branch: every hotfix whose commits it brings (by trailer, by
    its directory, by its branch), judged by that hotfix's rules; the record is read from
    the pushed tip, else from the hotfix's branch here, else from production."""
    from hotfix_hooks.config.features import features_rel
    from hotfix_hooks.core.oid import is_zero
    from hotfix_hooks.enforce import engine
    from hotfix_hooks.enforce.reach import hotfixes_brought
    from hotfix_hooks.git.blobs import CommitFiles
    from hotfix_hooks.git.refs import hotfix_refs

    tip, old = update.local_sha, update.remote_sha
    if not is_zero(old):
        exclude = [old]
    elif production.sha:
        exclude = [production.sha]
    else:  # every ref here was judged as it arrived, this one excepted
        exclude = ["--all"]
    new = [tip, "--not", *exclude]
    refs = hotfix_refs(config.branch_prefix, remotes=False, cwd=".")
    out: list[Violation] = []
    with CommitFiles(".", tip) as files:
        features = str(features_rel(config, files.is_dir))
        brought = hotfixes_brought(".", new, exclude, features, refs)
        for number, evidence in sorted(brought.items()):
            own = [ref for ref in refs if ref.hotfix.number == number]
            records = [(ref.ref, f"as recorded on {ref.branch}") for ref in own]
            if production.sha:
                records.append((production.sha, f"as recorded on {production.name}"))
            scope = engine.Scope(
                ".", number, tip, config, branch=own[0].branch if own else "", into=name,
                records=records, new=new, only=evidence.commits, context=new, files=files,
            )  # fmt: skip
            out += engine.judge(point, scope).errors
    return out
