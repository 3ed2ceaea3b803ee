"""Creating a hotfix's missing documents from the templates."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath, PurePosixPath

from hotfix_hooks import __version__
from hotfix_hooks.config.settings import Config
from hotfix_hooks.core import clock
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import (
    check_no_symlinks,
    create_exclusive,
    describe_os_error,
    make_dirs,
)
from hotfix_hooks.core.value import Value
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.git.run import run_bytes
from hotfix_hooks.incident.location import HOTFIX_DOC, TASKS_DOC, hotfix_directory

DOCS = (HOTFIX_DOC, TASKS_DOC)


class ScaffoldResult(Value):
    __slots__ = ("created", "directory", "staged", "started", "warnings")

    def __init__(self, directory: PurePosixPath) -> None:
        self.directory = directory
        self.created: list[str] = []
        self.staged = False
        self.warnings: list[str] = []
        # hotfix.md was created: its Created stamp, as written
        self.started: datetime | None = None


def author_ident(repo: Repository) -> str:
    proc = run_bytes("var", "GIT_AUTHOR_IDENT", cwd=repo.root, check=False)
    ident = proc.stdout.decode("utf-8", "replace").strip()
    if proc.returncode != 0 or not ident:
        return "[author]"
    return ident.rsplit(" ", 2)[0]


def missing_docs(repo: Repository, directory: PurePosixPath) -> list[str]:
    base = repo.root / directory
    return [n for n in DOCS if not ((base / n).is_symlink() or (base / n).exists())]


def scaffold(
    repo: Repository,
    config: Config,
    number: str,
    *,
    branch: str,
    title: str,
    base_commit: str,
) -> ScaffoldResult:
    """Create whichever of hotfix.md/tasks.md is missing; never touch one that exists.

    Every template renders before anything is written, so a broken override
    leaves nothing half-made.
    """
    from hotfix_hooks.document.templates import render

    directory = hotfix_directory(repo, config, number)
    check_no_symlinks(repo.root, directory)
    result = ScaffoldResult(directory)
    missing = missing_docs(repo, directory)
    if not missing:
        return result
    created = clock.format_stamp(clock.stamp_now())
    context = {
        "number": number,
        "title": title,
        "created": created,
        "status": "Active",
        "branch": branch,
        "base_commit": base_commit,
        "author": author_ident(repo),
        "version": __version__,
    }
    rendered = {name: render(repo.root, config, name, context) for name in missing}
    try:
        target = make_dirs(repo.root, directory)
        for name, text in rendered.items():
            try:
                create_exclusive(target / name, text.encode("utf-8"))
            except FileExistsError:
                continue
            result.created.append(str(directory / name))
            if name == HOTFIX_DOC:
                result.started = clock.parse(created)
    except OSError as exc:
        made = f" (created: {', '.join(result.created)})" if result.created else ""
        raise UsageError(describe_os_error(exc, f"the docs in {directory}") + made) from None
    if config.stage_scaffold and result.created:
        proc = run_bytes("add", "--", *result.created, cwd=repo.root, check=False)
        if proc.returncode == 0:
            result.staged = True
        else:
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            result.warnings.append(
                "could not stage the new files" + (f": {reason[0]}" if reason else "")
            )
    return result


def print_scaffold(
    number: str, branch: str, result: ScaffoldResult, *, next_steps: bool = True
) -> None:
    """The seed's banner: what was made, and what to do next."""
    import sys

    from hotfix_hooks.core import ui

    for warning in result.warnings:
        ui.warn(warning)
    if not result.created:
        return
    names = ", ".join(PurePosixPath(p).name for p in result.created)
    staged = " (staged)" if result.staged else ""
    hotfix_md = result.directory / HOTFIX_DOC
    lines = [
        ui.paint(f"🚨 Hotfix Workflow - EMERGENCY MODE - Hotfix {number}", "bold", sys.stdout),
        f"✓ Branch: {branch}",
        f"✓ Feature directory: {result.directory}",
        f"✓ Created: {names}{staged}",
    ]
    for line in lines:
        ui.emit(line)
    if next_steps:
        print_next(hotfix_md, number, staged=result.staged)


def opening_message(number: str) -> str:
    """The subject of the commit that holds a hotfix's docs on their own."""
    return f"{OPENING_TASK}: open the record of hotfix {number}"


OPENING_TASK = "T001"


def opening_step(number: str, add: str | None = None) -> str:
    """The step that commits a hotfix's docs on their own (the banner's and ``status``'s);
    ``add``: the folder to stage first, when the docs may not be staged."""
    from hotfix_hooks.core import ui

    stage = f"{ui.command(['git', 'add', '--', add])} && " if add else ""
    return (
        f"commit the {'' if add else 'staged '}docs on their own (a cherry-pick or revert of "
        f'the fix then leaves the record alone): {stage}git commit -m "{opening_message(number)}"'
    )


def print_next(
    hotfix_md: str | PurePath,
    number: str,
    *,
    staged: bool,
    plan_written: bool = False,
    committed: bool = False,
) -> None:
    """The one Next block of a hotfix's start, after ``git checkout -b`` (post-checkout),
    ``hotfix-hooks new`` and ``hotfix-hooks scaffold`` alike. The docs go in a commit of
    their own (``new`` makes it): a cherry-pick of the fix to another branch never carries
    the record, and a revert of the fix never takes it away."""
    from hotfix_hooks.core import ui

    steps = []
    if staged and not committed:
        step = opening_step(number)
        steps.append(step[0].upper() + step[1:])
    if not plan_written:
        steps.append(f"Write the Rollback Plan in {hotfix_md} (pushing is refused until you do).")
    steps += [
        'Fix, then commit naming a task: git commit -am "T001: <what you fixed>"',
        "Push: git push -u origin HEAD",
    ]
    ui.emit("⚡ Next:")
    for index, step in enumerate(steps, 1):
        ui.emit(f"  {index}. {step}")
    ui.emit("  See where you stand: hotfix-hooks status")
