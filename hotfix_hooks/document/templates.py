"""Rendering the shipped or repository-overridden Jinja2 templates, sandboxed.

A template gets no loader (so no include/import/extends of files), renders in
Jinja2's SandboxedEnvironment with StrictUndefined, and cannot build huge
strings or ranges.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from hotfix_hooks.config.features import relative_inside
from hotfix_hooks.config.settings import Config
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import (
    FileTooLarge,
    NotRegularFile,
    check_no_symlinks,
    read_regular,
)

_MAX_TEMPLATE_BYTES = 256 * 1024
_MAX_OUTPUT_CHARS = 1024 * 1024


class TemplateProblem(UsageError):
    pass


def shipped_dir() -> Path:
    """``templates/`` inside the wheel, or beside the package in a source checkout."""
    here = Path(__file__).resolve().parent.parent  # the package
    inside = here / "templates"
    return inside if inside.is_dir() else here.parent / "templates"


def template_source(root: Path, config: Config, name: str) -> tuple[str, str]:
    """(text, label) of a template: the repository's override, else ours."""
    rel = relative_inside(config.templates_dir, file=config.source, key="templates_dir")
    override = root / rel / name
    label = str(PurePosixPath(rel, name))
    if override.is_symlink() or override.exists():
        check_no_symlinks(root, rel / name)
        try:
            data = read_regular(override, _MAX_TEMPLATE_BYTES, shown=label)
        except NotRegularFile:
            raise TemplateProblem(f"{label}: template override is not a regular file") from None
        except FileTooLarge:
            raise TemplateProblem(f"{label}: template override is larger than 256 KiB") from None
        if data is None:  # gone since
            return template_source(root, config, name)
        try:
            return data.decode("utf-8"), label
        except UnicodeDecodeError:
            raise TemplateProblem(f"{label}: template override is not UTF-8 text") from None
    shipped = shipped_dir() / name
    return shipped.read_text(encoding="utf-8"), f"(built-in) {name}"


def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class _Env(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            if op == "**" and isinstance(right, int) and right > 64:
                raise OverflowError("exponent too large")
            if op == "*":
                for seq, count in ((left, right), (right, left)):
                    sized = isinstance(seq, (str, list, tuple)) and isinstance(count, int)
                    if sized and len(seq) * count > _MAX_OUTPUT_CHARS:
                        raise OverflowError("repetition too large")
            return super().call_binop(context, op, left, right)

    return _Env(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        loader=None,
    )


def render_text(source: str, label: str, context: Mapping[str, Any]) -> str:
    env = _environment()
    try:
        output = str(env.from_string(source).render(**context))
    except Exception as exc:  # a repository's template may fail in any way: name it
        kind = type(exc).__name__
        raise TemplateProblem(f"{label}: template failed to render ({kind}: {exc})") from None
    if len(output) > _MAX_OUTPUT_CHARS:
        raise TemplateProblem(f"{label}: template rendered more than 1 MiB")
    return output


# ``{{ name }}`` or ``{{ name or "text" }}``, nothing else: what the shipped hotfix.md and
# tasks.md use. A template made only of these renders without importing Jinja2 (55 ms of a
# post-checkout hook's 90); the result is Jinja2's, which tests/unit/document checks.
_PLAIN_FIELD = re.compile(r'\{\{ *([A-Za-z_][A-Za-z0-9_]*)(?: +or +"([^"\\{}]*)")? *\}\}')
_JINJA_NAMES = frozenset(
    {"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if"}
)


def substitute_plain(source: str, context: Mapping[str, Any], label: str = "") -> str | None:
    """The template rendered by plain substitution, or None when it needs Jinja2 (any
    other syntax, an unknown name, a carriage return Jinja2 would rewrite). Its output is
    bounded as Jinja2's is (a field repeated over a long value would grow as their product)."""
    if "\r" in source:
        return None
    parts: list[str] = []
    start = size = 0
    for field in _PLAIN_FIELD.finditer(source):
        name, default = field.group(1), field.group(2)
        if name not in context or name in _JINJA_NAMES:
            return None
        parts.append(source[start : field.start()])
        value = context[name]
        parts.append(str(value if default is None or value else default))
        size += len(parts[-2]) + len(parts[-1])
        if size > _MAX_OUTPUT_CHARS:
            raise TemplateProblem(f"{label or 'template'}: template rendered more than 1 MiB")
        start = field.end()
    parts.append(source[start:])
    literals = parts[0::2]  # the text between the fields
    text = "".join(literals)
    if "{{" in text or "{%" in text or "{#" in text:
        return None
    if any(part.endswith("{") or part.startswith("}") for part in literals):
        return None
    return "".join(parts)


# What rendering a repository's own template may cost: it runs on a colleague's checkout.
_RENDER_SECONDS = 3
_RENDER_MEMORY = 512 * 1024 * 1024


def render(root: Path, config: Config, name: str, context: Mapping[str, Any]) -> str:
    source, label = template_source(root, config, name)
    plain = substitute_plain(source, context, label)
    if plain is not None:
        return plain
    if label.startswith("(built-in)") or not hasattr(os, "fork"):
        return render_text(source, label, context)
    return _render_bounded(source, label, context)


def _render_bounded(source: str, label: str, context: Mapping[str, Any]) -> str:
    """A repository's override, rendered in a child process with a CPU, memory and wall
    time limit: anyone who can commit writes it, and a template like nested ``range`` loops
    or a doubling ``~`` would otherwise hang or exhaust the checkout that renders it."""
    import json
    import select
    import signal

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child leaves by os._exit, unseen by coverage
        os.close(read_end)
        code = 0
        try:
            _limit_child()
            reply = {"output": render_text(source, label, context)}
        except BaseException as exc:
            reply = {"error": str(exc) if isinstance(exc, TemplateProblem) else repr(exc)}
            code = 1
        try:
            with os.fdopen(write_end, "w", encoding="utf-8") as out:
                out.write(json.dumps(reply))
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + _RENDER_SECONDS + 2
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    try:
        reply = json.loads(b"".join(chunks).decode("utf-8"))
    except ValueError:
        reply = {}
    if "output" in reply:
        return str(reply["output"])
    if "error" in reply and str(reply["error"]).startswith(label):
        raise TemplateProblem(str(reply["error"]))
    raise TemplateProblem(
        f"{label}: template took more than {_RENDER_SECONDS} s or "
        f"{_RENDER_MEMORY // (1024 * 1024)} MiB to render: simplify it"
    )


def _limit_child() -> None:  # pragma: no cover - runs in the forked child only
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (_RENDER_SECONDS, _RENDER_SECONDS + 1))
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return
    limit = in_use + _RENDER_MEMORY
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
