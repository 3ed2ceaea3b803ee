"""Rendering the shipped or repository-overridden Jinja2 templates, sandboxed.

A template gets no loader (so no include/import/extends of files), renders in
Jinja2's SandboxedEnvironment with StrictUndefined, and cannot build huge
strings or ranges.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from hotfix_hooks.config import Config
from hotfix_hooks.document.location import relative_inside
from hotfix_hooks.errors import UsageError
from hotfix_hooks.safe_files import check_no_symlinks

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
        if not override.is_file():
            raise TemplateProblem(f"{label}: template override is not a regular file")
        data = override.read_bytes()
        if len(data) > _MAX_TEMPLATE_BYTES:
            raise TemplateProblem(f"{label}: template override is larger than 256 KiB")
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


def render(root: Path, config: Config, name: str, context: Mapping[str, Any]) -> str:
    source, label = template_source(root, config, name)
    return render_text(source, label, context)
