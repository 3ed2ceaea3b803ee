"""commit-msg: every commit on a hotfix branch names one of its tasks.

A named task is stamped as ``Hotfix: NNN`` and ``Task: TNNN`` trailers; the
message is otherwise left byte for byte as it was.
"""

from __future__ import annotations

import os
import sys

from hotfix_hooks.config.settings import could_be_hotfix
from hotfix_hooks.git import lean
from hotfix_hooks.hooks.skeleton import OK, POLICY_FAILED, USAGE, guarded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.core.trailers import Rules


def main(argv: Sequence[str] | None = None, stdin: bytes | None = None) -> int:
    args = list(argv or ())
    if len(args) != 1:
        from hotfix_hooks.core import ui

        ui.error("commit-msg: expected one argument, the commit message file")
        return USAGE
    found = lean.locate()
    if found is None:
        return OK
    root, git_dir = found
    branch = lean.head_branch(git_dir) or lean.rebased_branch(git_dir)
    if lean.in_progress(git_dir, ("MERGE_HEAD",)):
        return OK
    if not could_be_hotfix(root, branch):
        return _tie_elsewhere(root, args[0], branch)
    return guarded("commit-msg", lambda: _check(root, git_dir, args[0], branch or ""))


def _tie_elsewhere(root: str, message_file: str, branch: str | None) -> int:
    """Off a hotfix branch, a subject ``042/T007: ...`` ties the commit to that hotfix's
    task (post-mortem work after finish): stamped with the trailers, once the hotfix and
    the task are known. Any other message: nothing read beyond its first bytes."""
    try:
        with open(message_file, "rb") as handle:
            head = handle.read(64)
    except OSError:
        return OK  # git reports an unreadable message itself
    from hotfix_hooks.core.tie import looks_tied

    if not looks_tied(head):
        return OK
    return guarded("commit-msg", lambda: _stamp_tie(root, message_file, branch))


def _stamp_tie(root: str, message_file: str, branch: str | None) -> int:
    from hotfix_hooks.config import settings as config_mod
    from hotfix_hooks.core import ui
    from hotfix_hooks.core.branch import parse_branch
    from hotfix_hooks.core.tie import subject_tie
    from hotfix_hooks.core.trailers import add_trailers, content_end
    from hotfix_hooks.incident.location import load_tasks

    config = config_mod.load(root)
    if parse_branch(branch, config.branch_prefix) is not None:
        return OK  # a hotfix branch after all (an unusual prefix): _check's business
    path = os.path.abspath(message_file)
    with open(path, "rb") as handle:
        data = handle.read()
    rules = _git_rules(data)
    subject = data[: content_end(data, rules)].decode("utf-8", "replace").strip()
    tie = subject_tie(subject.split("\n", 1)[0])
    if tie is None:
        return OK
    number, task = tie
    if not _known_hotfix(root, config, number):
        ui.error(
            f"commit refused: {number}/{task} ties this commit to hotfix {number}, which this "
            "repository does not know (no record of it here, no hotfix branch, no tag)"
        )
        ui.emit(f"  message: git kept yours in {_display(path)}", sys.stderr)
        return POLICY_FAILED
    tasks, _warning = load_tasks(root, config, number)
    if task not in {t for t, _ in tasks}:
        ui.error(f"commit refused: {task} is not a task of hotfix {number}.")
        for line in _task_lines(tasks):
            ui.emit(line, sys.stderr)
        ui.emit(f"  message: git kept yours in {_display(path)}", sys.stderr)
        return POLICY_FAILED
    updated = add_trailers(data, [("Hotfix", number), ("Task", task)], rules)
    if updated != data:
        _write_back(path, data, updated)
    return OK


def _known_hotfix(root: str, config: Config, number: str) -> bool:
    """Hotfix ``number`` has a record in this working tree, a hotfix branch or a tag."""
    from hotfix_hooks.config.features import worktree_features
    from hotfix_hooks.git.refs import hotfix_refs

    record = os.path.join(root, worktree_features(root, config), f"{number}-hotfix", "hotfix.md")
    if os.path.isfile(record):
        return True
    from hotfix_hooks.core.branch import tag_name

    tag = tag_name(config.tag_format, number)
    code, _out, _err = lean.run_git("rev-parse", "-q", "--verify", f"refs/tags/{tag}", cwd=root)
    if code == 0:
        return True
    return any(r.hotfix.number == number for r in hotfix_refs(config.branch_prefix, cwd=root))


def _git_rules(data: bytes) -> Rules:
    from hotfix_hooks.core.trailers import rules_from_config

    _, out = lean.git_output(
        "config", "-z", "--get-regexp", r"^(core\.commentchar|trailer\.|commit\.cleanup)"
    )
    entries = []
    for item in out.decode("utf-8", "replace").split("\0"):
        key, _, value = item.partition("\n")
        if key:
            entries.append((key.lower(), value))
    # git sets GIT_EDITOR=: for the hook when no editor was opened (``commit -m``/``-F``)
    editor = os.environ.get("GIT_EDITOR") != ":"
    return rules_from_config(entries, data, editor=editor, cleanup=_cleanup_option())


def _commit_argv() -> list[bytes] | None:
    """The arguments of the ``git commit`` that runs this hook (``lean.git_command_args``:
    read from /proc on Linux, up every parent a hook manager puts between); None elsewhere."""
    return lean.git_command_args(b"commit")


def _cleanup_option() -> str | None:
    """``--cleanup=MODE`` given to the ``git commit`` that runs this hook; None if none."""
    argv = _commit_argv() or []
    for i, arg in enumerate(argv):
        if arg.startswith(b"--cleanup="):
            return arg[len(b"--cleanup=") :].decode("ascii", "replace")
        if arg == b"--cleanup" and i + 1 < len(argv):
            return argv[i + 1].decode("ascii", "replace")
    return None


def _check(root: str, git_dir: str, message_file: str, branch: str) -> int:
    from hotfix_hooks.config import settings as config_mod
    from hotfix_hooks.core import ui
    from hotfix_hooks.core.branch import parse_branch
    from hotfix_hooks.core.trailers import add_trailers
    from hotfix_hooks.incident.location import load_tasks
    from hotfix_hooks.policy import task_tie

    config = config_mod.for_branches(root, [branch])
    hotfix = parse_branch(branch, config.branch_prefix) if config is not None else None
    if config is None or hotfix is None:
        return OK
    path = os.path.abspath(message_file)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        ui.error(f"commit-msg: cannot read the message file {message_file}: {exc.strerror}")
        return USAGE
    rules = _git_rules(data)
    # no merge is in progress (checked above): "Merge branch ..." is an ordinary message
    if task_tie.screen(data, rules=rules, merge=False) is not None:
        return OK  # exempt; or empty, and git aborts the commit itself
    if _number_conflict(root, git_dir, config, branch, hotfix.number):
        return POLICY_FAILED
    tasks, warning = load_tasks(root, config, hotfix.number)
    if warning:
        ui.warn(warning)
    verdict = task_tie.judge(
        data,
        {task for task, _ in tasks},
        require_task=config.require_task,
        default_task=config.default_task,
        rules=rules,
        merge=False,
    )
    if verdict.kind in (task_tie.UNKNOWN, task_tie.UNNAMED):
        from hotfix_hooks.config.features import worktree_features
        from hotfix_hooks.incident.location import TASKS_DOC

        tasks_file = f"{worktree_features(root, config)}/{hotfix.number}-hotfix/{TASKS_DOC}"
        if verdict.kind == task_tie.UNKNOWN:
            _refuse_unknown(
                hotfix.number, verdict.unknown, tasks, tasks_file, verdict.subject, path
            )
        else:
            _refuse_unnamed(hotfix.number, branch, tasks, tasks_file, verdict.subject, path)
        return POLICY_FAILED
    named = verdict.named
    if not named:  # require_task = false and nothing named
        return OK
    stamps = [("Hotfix", hotfix.number)] + [("Task", task) for task in named]
    updated = add_trailers(data, stamps, rules)
    if updated != data:
        try:
            _write_back(path, data, updated)
        except OSError as exc:
            ui.error(
                f"commit-msg: cannot write the trailers into {_display(path)} "
                f"({exc.strerror or exc}); your message is unchanged and the commit was stopped"
            )
            return USAGE
    return OK


def _number_conflict(root: str, git_dir: str, config: Config, branch: str, number: str) -> bool:
    """Refuse (after saying why and how to move) when another incident holds the number.
    The branch list is read from the ref files; git runs only when another branch carries
    the same number."""
    from hotfix_hooks.core import ui
    from hotfix_hooks.incident import numbers
    from hotfix_hooks.policy.numbers import conflict_lines

    prefix = config.branch_prefix
    verdict = numbers.worktree_judgement(root, config, branch, number, git_dir)
    if not verdict.others:
        return False
    lines = conflict_lines(branch, number, verdict.others, verdict.free, prefix, "commit refused")
    ui.error(lines[0])
    for line in lines[1:]:
        ui.emit(line, sys.stderr)
    return True


def _write_back(path: str, original: bytes, data: bytes) -> None:
    """Trailers that go at the very end (``commit -m``, the usual case) are appended to the
    message file; anywhere else (before git's comments or a scissors line) the file is
    replaced whole: the new message goes to a temporary file beside it, is flushed to disk
    and renamed over the original. Either way a full disk or a crash leaves the original
    message intact, never a truncated one."""
    from hotfix_hooks.core.safe_files import append_exactly, replace_file

    if not append_exactly(path, original, data):
        replace_file(path, data)


def _task_lines(tasks: Sequence[tuple[str, str]]) -> list[str]:
    from hotfix_hooks.document.tasks import EMERGENCY, emergency_first

    out = []
    heading = ""
    for task, title in emergency_first(tasks):
        section = "Emergency tasks:" if task in EMERGENCY else "Post-emergency tasks:"
        if section != heading:
            out.append(f"    {section}")
            heading = section
        out.append(f"      {task}  {title}")
    return out


def _commit_flags() -> list[str]:
    """The options of the ``git commit`` that runs this hook that the advice must repeat:
    ``-a`` stages what it staged, ``--allow-empty`` and ``--amend`` make the commit it
    made."""
    argv = _commit_argv()
    if argv is None:
        return []
    long, short = _options(argv)
    flags = ["-a"] if _stages_all(long, short) else []
    return flags + [flag for flag in ("--allow-empty", "--amend") if flag.encode() in long]


def _options(args: Sequence[bytes]) -> tuple[set[bytes], set[str]]:
    """(the long options, the short option letters) among ``git commit ARGS``; an
    option's value (``-m "-a note"``, ``--author -a``) never counts."""
    long: set[bytes] = set()
    short: set[str] = set()
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == b"--":
            break
        if arg.startswith(b"--"):
            long.add(arg.split(b"=", 1)[0])
            skip = arg in _VALUED_LONG
        elif arg.startswith(b"-") and len(arg) > 1:
            letters = arg[1:].decode("ascii", "replace")
            for index, letter in enumerate(letters):
                if letter in _VALUED_SHORT or letter in "Su":  # the rest is this option's value
                    skip = letter in _VALUED_SHORT and index == len(letters) - 1
                    break
                short.add(letter)
    return long, short


def _stages_all(long: set[bytes], short: set[str]) -> bool:
    return b"--all" in long or "a" in short


def _all_given(args: Sequence[bytes]) -> bool:
    """Whether ``git commit ARGS`` stages every tracked change (``-a``/``--all``)."""
    return _stages_all(*_options(args))


# git commit's options whose value may be the next word (``-m MSG``, ``--author WHO``)
_VALUED_SHORT = "mFcCt"
_VALUED_LONG = (
    b"--message",
    b"--file",
    b"--reuse-message",
    b"--reedit-message",
    b"--fixup",
    b"--squash",
    b"--author",
    b"--date",
    b"--template",
    b"--cleanup",
    b"--trailer",
    b"--pathspec-from-file",
)


def _refusal(
    what: str,
    number: str,
    tasks: Sequence[tuple[str, str]],
    tasks_file: str,
    suggestion: str,
    path: str,
) -> None:
    """Every commit refusal has the same parts: what is wrong; the file the hotfix's tasks
    come from, with them; one command that fixes it; where git kept the message."""
    from hotfix_hooks.core import ui

    err = sys.stderr
    flags = _commit_flags()
    ui.error(f"commit refused: {what}")
    ui.emit(f"  file: {tasks_file} (the tasks of hotfix {number}):", err)
    for line in _task_lines(tasks):
        ui.emit(line, err)
    rebasing = _rebasing()
    if rebasing:  # a reword or squash git stopped on: amend it, then let the rebase go on
        flags = [flag for flag in flags if flag != "--amend"] + ["--amend"]
    then = " && git rebase --continue" if rebasing else ""
    longs = [flag for flag in flags if flag != "-a"]
    short = "-am" if "-a" in flags else "-m"
    fix = ui.command(["git", "commit", *longs, short, suggestion])
    ui.emit(f"  fix: {fix}{then}", err)
    kept = _display(path)
    edit = ui.command(["git", "commit", *flags, "-e", "-F", kept])
    ui.emit(f"  message: git kept yours in {kept}; to edit it instead: {edit}{then}", err)


def _rebasing() -> bool:
    """A rebase is under way (git runs this hook for a reword or a squash it stops on)."""
    found = lean.locate()
    return found is not None and lean.in_progress(found[1], lean.REBASE_DIRS) is not None


def _subject(subject: bytes) -> str:
    summary = subject.decode("utf-8", "replace").strip()
    return summary if summary.isprintable() else ""


def _refuse_unknown(
    number: str,
    unknown: Sequence[str],
    tasks: Sequence[tuple[str, str]],
    tasks_file: str,
    subject: bytes,
    path: str,
) -> None:
    first = tasks[0][0] if tasks else "T001"
    names = ", ".join(unknown)
    verb = "is not a task" if len(unknown) == 1 else "are not tasks"
    summary = _subject(subject)
    for task in unknown:  # the same message, with a task the hotfix has
        summary = _replace_word(summary, task, first)
    _refusal(
        f"{names} {verb} of hotfix {number}.",
        number,
        tasks,
        tasks_file,
        summary or f"{first}: <your message>",
        path,
    )


def _replace_word(text: str, word: str, by: str) -> str:
    """``text`` with each whole-word ``word`` (any case) replaced (no ``re``: lean)."""
    lowered, target, out, start = text.lower(), word.lower(), [], 0
    at = lowered.find(target)
    while at >= 0:
        end = at + len(target)
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            out += [text[start:at], by]
            start = end
        at = lowered.find(target, end)
    return "".join(out) + text[start:]


def _refuse_unnamed(
    number: str,
    branch: str,
    tasks: Sequence[tuple[str, str]],
    tasks_file: str,
    subject: bytes,
    path: str,
) -> None:
    first = tasks[0][0] if tasks else "T001"
    summary = _subject(subject)
    _refusal(
        f"on {branch}, every commit must name a task of hotfix {number}; this one names none.",
        number,
        tasks,
        tasks_file,
        f"{first}: {summary}" if summary else f"{first}: <your message>",
        path,
    )


def _display(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
