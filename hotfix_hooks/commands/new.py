from __future__ import annotations

import click

from hotfix_hooks.commands.common import interactive, number_option
from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import ui
from hotfix_hooks.core.branch import format_number, parse_branch, slugify, title_from_slug
from hotfix_hooks.core.errors import GitError, UsageError
from hotfix_hooks.core.safe_files import replace_file
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.events import dispatch
from hotfix_hooks.events import hotfix as events
from hotfix_hooks.git.refs import hotfix_refs
from hotfix_hooks.incident.location import HOTFIX_DOC, hotfix_directory, read_worktree_bytes
from hotfix_hooks.incident.production import (
    fetch,
    production_branch,
    remote_for,
    start_point,
)
from hotfix_hooks.incident.record import CurrentDoc
from hotfix_hooks.incident.scaffold import (
    DOCS,
    OPENING_TASK,
    missing_docs,
    opening_message,
    print_next,
    print_scaffold,
    scaffold,
)
from hotfix_hooks.policy.rollback_plan import block_is_real
from hotfix_hooks.report.inventory import hotfix_dirs

# (option, hotfix.md field, prompt)
FIELDS = (
    ("summary", "What's Broken", "What's broken (summary)"),
    ("impact", "Impact", "Impact (users affected, service status)"),
    ("rollback", "3. Rollback Plan", "Rollback plan (how to undo this hotfix)"),
    ("trigger", "Rollback Trigger", "Rollback trigger (when to roll back)"),
)
PROMPTED = ("summary", "impact", "rollback")  # and the trigger where the rules require one


def taken_numbers(ctx: Context) -> dict[str, str]:
    """Hotfix number -> where it is taken: a hotfix branch (here or on a remote), a record
    in the working tree or on the production branch (here or on its remote), or a
    finished hotfix's tag. A number is taken for the life of the repository."""
    from hotfix_hooks.config.features import features_rel
    from hotfix_hooks.git.run import ok
    from hotfix_hooks.incident.numbers import finished_numbers, tree_numbers
    from hotfix_hooks.incident.production import production_refs

    root = str(ctx.repo.root)
    taken: dict[str, str] = {}
    for found in hotfix_refs(ctx.config.branch_prefix, cwd=root):
        taken.setdefault(found.hotfix.number, found.ref)
    for number, directory in hotfix_dirs(ctx):
        taken.setdefault(number, str(directory))
    for ref in production_refs(ctx.repo, ctx.config.base_branch):

        def exists(rel: str, at: str = ref) -> bool:
            return ok("cat-file", "-e", f"{at}:{rel}", cwd=root)

        features = str(features_rel(ctx.config, exists))
        for number in tree_numbers(ref, features, cwd=root):
            taken.setdefault(number, f"a record on {ref.removeprefix('refs/')}")
    for number, tag in finished_numbers(ctx.config.tag_format, cwd=root).items():
        taken.setdefault(number, f"finished: tag {tag}")
    return taken


def next_number(taken: dict[str, str]) -> str:
    highest = max((int(n) for n in taken), default=0)
    return format_number(highest + 1)


@click.command(short_help="Start a hotfix: branch, docs, fields filled.")
@click.argument("title", nargs=-1)
@click.option("--number", "-n", help="Hotfix number (default: the next free one).")
@click.option(
    "--base",
    metavar="REF",
    help="Where the branch starts (default: the production branch: config base_branch, "
    "else the remote's HEAD, else main/master).",
)
@click.option("--summary", help="What's broken.")
@click.option("--impact", help="Who and what is affected.")
@click.option("--rollback", help="How to roll back if the hotfix fails.")
@click.option("--trigger", help="When to roll back.")
def new(title: tuple[str, ...], number: str | None, base: str | None, **texts: str | None) -> None:
    """Start a hotfix: create and check out hotfix/NNN-<slug>, scaffold its docs,
    fill the fields given, and leave them staged for the first commit.

    On a terminal, asks for the title (when no TITLE is given), then the summary,
    impact and rollback plan (Enter skips each); off a terminal it asks nothing.

    Examples:

    \b
        hotfix-hooks new "Login returns 500"
        hotfix-hooks new "Login returns 500" --rollback "revert and redeploy v1.4.2"
    """
    ctx = context()
    name = " ".join(title).strip()
    taken = taken_numbers(ctx)
    given = number_option(number)
    if given is not None and given in taken:
        raise UsageError(f"hotfix {given} is taken ({taken[given]}): pick another --number")
    if not _index_clean(ctx):
        raise UsageError(
            "the index has staged changes: a hotfix starts clean from the production branch. "
            "Commit them, or put them aside with git stash, then run hotfix-hooks new again"
        )
    if not name and interactive():
        name = click.prompt("Title (what is broken, a few words)", default="").strip()
    chosen = given or next_number(taken)
    slug = slugify(name)
    branch = f"{ctx.config.branch_prefix}{chosen}" + (f"-{slug}" if slug else "")
    if ctx.repo.resolve(f"refs/heads/{branch}"):
        raise UsageError(f"branch {branch} already exists: check it out, or choose another title")
    if base is None:
        base = production_base(ctx)
    base_sha = ctx.repo.resolve(base)
    if not base_sha:
        raise UsageError(f"--base {base!r} is not a commit")
    _no_record_at(ctx, chosen, base, base_sha)
    if interactive():
        asked = PROMPTED + (("trigger",) if ctx.config.rollback_trigger_required else ())
        for option, _field, prompt in FIELDS:
            if option in asked and not texts.get(option):
                texts[option] = click.prompt(prompt, default="", show_default=False).strip() or None
    before = ctx.branch or ctx.repo.resolve("HEAD") or ""
    try:
        with dispatch.quiet():  # on_start fires below, once, with the fields filled in
            ctx.repo.git("checkout", "-q", "-b", branch, base_sha)
    except GitError as exc:
        raise UsageError(
            f"{ui.command(['git', 'checkout', '-b', branch])} failed, nothing was changed: "
            f"{exc.stderr.strip()}"
        ) from None
    try:
        _start(ctx, chosen, branch, base, base_sha, slug, name, texts)
    except (UsageError, OSError) as exc:
        _undo_start(ctx, branch, before)
        if isinstance(exc, UsageError):
            raise
        raise UsageError(f"{exc.strerror or exc}: hotfix {chosen} was not started") from None


def _no_record_at(ctx: Context, number: str, base: str, base_sha: str) -> None:
    """A new hotfix never takes over the record of another incident at its start point
    (a backport starting from a branch that has the record of the hotfix it backports)."""
    from hotfix_hooks.config.features import features_rel, hotfix_rel
    from hotfix_hooks.git.run import ok

    def exists(rel: str) -> bool:
        return ok("cat-file", "-e", f"{base_sha}:{rel}", cwd=ctx.repo.root)

    record = hotfix_rel(features_rel(ctx.config, exists), number) / HOTFIX_DOC
    if exists(str(record)):
        raise UsageError(
            f"{base} holds the record of hotfix {number} already ({record}): a new incident "
            "takes a number of its own; pick another --number, or leave it out"
        )


def _index_clean(ctx: Context) -> bool:
    from hotfix_hooks.git.run import ok

    return ok("diff", "--cached", "--quiet", cwd=ctx.repo.root)


def production_base(ctx: Context) -> str:
    """Where a hotfix starts: the production branch as the remote has it, else the local
    one (incident/production says which branch that is)."""
    if not ctx.repo.resolve("HEAD"):
        raise UsageError(
            "this repository has no commits yet: make a first commit, then start the hotfix"
        )
    remote = remote_for(ctx.repo, ctx.config.base_branch)
    problem = fetch(ctx.repo, remote) if remote else None
    try:
        name = production_branch(ctx.repo, ctx.config.base_branch, remote)
    except UsageError as exc:
        raise UsageError(f"{exc}, or pass --base REF") from None
    start = start_point(ctx.repo, name, remote)
    if problem is not None:
        sha = (ctx.repo.resolve(start) or "")[:10]
        ui.warn(
            f"could not fetch from {remote} ({problem}): starting from {start} ({sha}) as "
            "this clone last saw it; production may be ahead of it"
        )
    return start


def _undo_start(ctx: Context, branch: str, before: str) -> None:
    """A start that failed half-way leaves no branch behind."""
    from hotfix_hooks.git.run import ok

    if not before:
        return
    root = ctx.repo.root
    if ok("checkout", "-q", before, cwd=root) and ok("branch", "-q", "-D", branch, cwd=root):
        return
    ui.warn(
        f"could not undo the start: {branch} is left; once the problem is fixed run "
        + ui.commands(["git", "checkout", before], ["git", "branch", "-D", branch])
    )


def _start(
    ctx: Context,
    chosen: str,
    branch: str,
    base: str,
    base_sha: str,
    slug: str,
    name: str,
    texts: dict[str, str | None],
) -> None:
    directory = hotfix_directory(ctx.repo, ctx.config, chosen)
    if missing_docs(ctx.repo, directory):
        result = scaffold(
            ctx.repo,
            ctx.config,
            chosen,
            branch=branch,
            title=title_from_slug(slug),
            base_commit=base_sha,
        )
        print_scaffold(chosen, branch, result, next_steps=False)
    rel = directory / HOTFIX_DOC
    data = read_worktree_bytes(ctx.repo.root, rel)
    if data is None:
        raise UsageError(f"{rel} could not be created: see the messages above")
    updated = HotfixDocument.parse(data, str(rel)).with_title(name) if name else data
    for option, field, _prompt in FIELDS:
        value = texts.get(option)
        if value:
            updated = HotfixDocument.parse(updated, str(rel)).with_section_body(
                field, value, is_real=block_is_real
            )
    if updated != data:
        replace_file(ctx.repo.root / rel, updated)
    committed = False
    if ctx.config.stage_scaffold:
        docs = [str(directory / doc) for doc in DOCS]
        ctx.repo.git("add", "--", *docs, check=False)
        committed = _commit_docs(ctx, chosen, docs)
    ui.emit(f"✓ Hotfix {chosen} started on {branch}, from {base} ({base_sha[:10]})")
    started = parse_branch(branch, ctx.config.branch_prefix)
    if started is not None:
        events.fire_for(
            CurrentDoc(ctx, started, rel, HotfixDocument.parse(updated, str(rel))), "on_start"
        )
    filled = [field.split(". ")[-1] for option, field, _ in FIELDS if texts.get(option)]
    if filled:
        ui.emit(f"✓ Filled in {rel}: {', '.join(filled)}")
    print_next(
        rel,
        chosen,
        staged=ctx.config.stage_scaffold,
        plan_written=bool(texts.get("rollback")),
        committed=committed,
    )


def _commit_docs(ctx: Context, number: str, docs: list[str]) -> bool:
    """The docs in a commit of their own; False (a warning said why, the docs stay staged)
    when the commit could not be made."""
    message = opening_message(number)
    try:
        with dispatch.quiet():
            ctx.repo.git(
                "commit",
                "-q",
                "-m",
                message,
                "--trailer",
                f"Hotfix: {number}",
                "--trailer",
                f"Task: {OPENING_TASK}",
                "--",
                *docs,
            )
    except GitError as exc:
        ui.warn(
            f"the docs are staged, not committed ({' '.join(exc.stderr.split())[:200]}): "
            f"commit them on their own: {ui.command(['git', 'commit', '-m', message])}"
        )
        return False
    ui.emit(f'✓ Committed the docs on their own: "{message}"')
    return True
