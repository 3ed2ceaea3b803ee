from __future__ import annotations

import click

from hotfix_hooks import ui
from hotfix_hooks.branch import format_number, parse_branch, slugify, title_from_slug
from hotfix_hooks.commands.common import interactive, number_option
from hotfix_hooks.commands.lifecycle import CurrentDoc, events_quiet, fire_event
from hotfix_hooks.context import Context, context
from hotfix_hooks.document.location import HOTFIX_DOC, read_worktree_bytes
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.document.scaffold import (
    DOCS,
    hotfix_directory,
    missing_docs,
    print_scaffold,
    scaffold,
)
from hotfix_hooks.errors import GitError, UsageError
from hotfix_hooks.report.inventory import hotfix_dirs, hotfix_refs
from hotfix_hooks.safe_files import replace_file

# (option, hotfix.md field, prompt)
FIELDS = (
    ("summary", "What's Broken", "What's broken (summary)"),
    ("impact", "Impact", "Impact (users affected, service status)"),
    ("rollback", "3. Rollback Plan", "Rollback plan (how to undo this hotfix)"),
    ("trigger", "Rollback Trigger", "Rollback trigger (when to roll back)"),
)
PROMPTED = ("summary", "impact", "rollback")


def taken_numbers(ctx: Context) -> dict[str, str]:
    """Hotfix number -> where it is taken (a branch or a directory)."""
    taken: dict[str, str] = {}
    for ref, hotfix in hotfix_refs(ctx):
        taken.setdefault(hotfix.number, ref)
    for number, directory in hotfix_dirs(ctx):
        taken.setdefault(number, str(directory))
    return taken


def next_number(taken: dict[str, str]) -> str:
    highest = max((int(n) for n in taken), default=0)
    return format_number(highest + 1)


@click.command(short_help="Start a hotfix: branch, docs, fields filled.")
@click.argument("title", nargs=-1)
@click.option("--number", "-n", help="Hotfix number (default: the next free one).")
@click.option("--base", default="HEAD", show_default=True, help="Where the branch starts.")
@click.option("--summary", help="What's broken.")
@click.option("--impact", help="Who and what is affected.")
@click.option("--rollback", help="How to roll back if the hotfix fails.")
@click.option("--trigger", help="When to roll back.")
def new(title: tuple[str, ...], number: str | None, base: str, **texts: str | None) -> None:
    """Start a hotfix: create and check out hotfix/NNN-<slug>, scaffold its docs,
    fill the fields given, and leave them staged for the first commit.

    On a terminal, asks for the summary, impact and rollback plan (Enter skips).
    """
    ctx = context()
    name = " ".join(title).strip()
    taken = taken_numbers(ctx)
    chosen = number_option(number) or next_number(taken)
    if number is not None and chosen in taken:
        raise UsageError(f"hotfix {chosen} is taken ({taken[chosen]}): pick another --number")
    slug = slugify(name)
    branch = f"{ctx.config.branch_prefix}{chosen}" + (f"-{slug}" if slug else "")
    if ctx.repo.resolve(f"refs/heads/{branch}"):
        raise UsageError(f"branch {branch} already exists: check it out, or choose another title")
    base_sha = ctx.repo.resolve(base)
    if not base_sha:
        if base == "HEAD":
            raise UsageError(
                "this repository has no commits yet: make a first commit, then start the hotfix"
            )
        raise UsageError(f"--base {base!r} is not a commit")
    if interactive():
        for option, _field, prompt in FIELDS:
            if option in PROMPTED and not texts.get(option):
                texts[option] = click.prompt(prompt, default="", show_default=False).strip() or None
    try:
        with events_quiet():  # on_start fires below, once, with the fields filled in
            ctx.repo.git("checkout", "-q", "-b", branch, base_sha)
    except GitError as exc:
        raise UsageError(
            f"git checkout -b {branch} failed, nothing was changed: {exc.stderr.strip()}"
        ) from None
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
        print_scaffold(chosen, branch, result)
    rel = directory / HOTFIX_DOC
    data = read_worktree_bytes(ctx.repo.root, rel)
    if data is None:
        raise UsageError(f"{rel} could not be created: see the messages above")
    updated = HotfixDocument.parse(data, str(rel)).with_title(name) if name else data
    for option, field, _prompt in FIELDS:
        value = texts.get(option)
        if value:
            updated = HotfixDocument.parse(updated, str(rel)).with_section_body(field, value)
    if updated != data:
        replace_file(ctx.repo.root / rel, updated)
    if ctx.config.stage_scaffold:
        docs = [str(directory / doc) for doc in DOCS]
        ctx.repo.git("add", "--", *docs, check=False)
    ui.emit(f"✓ Hotfix {chosen} started on {branch}")
    started = parse_branch(branch, ctx.config.branch_prefix)
    if started is not None:
        fire_event(
            CurrentDoc(ctx, started, rel, HotfixDocument.parse(updated, str(rel))), "on_start"
        )
    filled = [field.split(". ")[-1] for option, field, _ in FIELDS if texts.get(option)]
    if filled:
        ui.emit(f"✓ Filled in {rel}: {', '.join(filled)}")
    if not texts.get("rollback"):
        ui.emit(f"Next: write the Rollback Plan in {rel} (pushing is refused until you do),")
        ui.emit('      then git commit -m "T001: <what you fixed>"  (the docs go with it)')
    else:
        ui.emit('Next: git commit -m "T001: <what you fixed>"  (the docs are staged)')


COMMANDS = (new,)
