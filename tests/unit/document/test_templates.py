from __future__ import annotations

import re
from pathlib import Path

import pytest

from hotfix_hooks.config.settings import Config
from hotfix_hooks.document import templates
from hotfix_hooks.document.templates import TemplateProblem, render, render_text, shipped_dir

CONTEXT = {
    "number": "042",
    "title": "Login 500",
    "created": "2026-11-26 15:30 +00:00",
    "status": "Active",
    "branch": "hotfix/042-login-500",
    "base_commit": "a" * 40,
    "author": "Zoë Ångström <zoe@example.com>",
    "version": "0.0",
}
SEED = Path(__file__).resolve().parents[2] / "data" / "seed-templates.md"  # vendored
USER_PLACEHOLDERS = [
    "[Critical/High Priority]",
    "[Brief description]",
    "[scope]",
    "[degraded/down]",
    "[Yes/No]",
    "[Immediate/Within hours/Within day]",
    "[Temporary mitigation in place? Describe]",
    "[What needs to be fixed immediately]",
    "[How to rollback if hotfix fails]",
    "[Quick analysis]",
    "[Minimal changes to resolve emergency]",
    "[List critical files]",
    "[Minimal essential tests - what MUST pass?]",
    "[Immediate/Phased]",
    "[When to rollback]",
]


def test_hotfix_md_keeps_seed_structure(tmp_path: Path) -> None:
    text = render(tmp_path, Config(), "hotfix.md", CONTEXT)
    assert text.startswith("# Hotfix 042: Login 500\n")
    for placeholder in USER_PLACEHOLDERS:
        assert placeholder in text
    for heading in (
        "## Emergency Summary",
        "## Immediate Actions",
        "**3. Rollback Plan**:",
        "## Technical Details",
        "## Deployment Plan",
        "**Rollback Trigger**:",
        "## Post-Mortem Required",
        "## Metadata",
    ):
        assert heading in text
    assert "YYYY" not in text and "**Status**: Active" in text
    assert "**Created**: 2026-11-26 15:30 +00:00" in text


def test_tasks_md_has_t001_to_t007(tmp_path: Path) -> None:
    text = render(tmp_path, Config(), "tasks.md", CONTEXT)
    ids = re.findall(r"^### (T\d{3}):", text, re.M)
    assert ids == [f"T00{i}" for i in range(1, 8)]
    assert "${" not in text and "YYYY" not in text


def test_every_seed_heading_and_field_is_in_the_templates(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    blocks = re.findall(r"```markdown\n(.*?)```", seed, re.S)
    rendered = render(tmp_path, Config(), "hotfix.md", CONTEXT) + render(
        tmp_path, Config(), "tasks.md", CONTEXT
    )
    for block in blocks[:2]:
        for line in block.splitlines():
            if line.startswith("#") and "$" not in line:
                assert line.split(":")[0] in rendered, line
            field = re.match(r"^\*\*([^*]+)\*\*", line)
            if field:
                assert f"**{field.group(1)}**" in rendered, line


def test_override_is_used(tmp_path: Path) -> None:
    override = tmp_path / ".specswarm" / "templates"
    override.mkdir(parents=True)
    (override / "hotfix.md").write_text("custom {{ number }} ☃\n", encoding="utf-8")
    assert render(tmp_path, Config(), "hotfix.md", CONTEXT) == "custom 042 ☃\n"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}",
        "{{ self._TemplateReference__context }}",
        "{{ lipsum.__globals__['os'].system('touch pwned') }}",
        "{% include '/etc/passwd' %}",
        "{% import 'hotfix.md' as x %}",
        "{{ 'x' * 100000000 }}",
        "{% for i in range(10**9) %}{% endfor %}",
        "{{ 1 / 0 }}",
        "{{ undefined_name }}",
        "{% if %}",
        "{{ number.__class__.__base__.__subclasses__() }}",
    ],
)
def test_hostile_overrides_run_nothing(
    tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TemplateProblem) as info:
        render_text(source, ".specswarm/templates/hotfix.md", CONTEXT)
    assert str(info.value).startswith(".specswarm/templates/hotfix.md: template failed")
    assert not (tmp_path / "pwned").exists()


def test_override_symlink_refused(tmp_path: Path) -> None:
    override = tmp_path / ".specswarm" / "templates"
    override.mkdir(parents=True)
    secret = tmp_path.parent / "secret.txt"
    secret.write_text("s3cret", encoding="utf-8")
    (override / "hotfix.md").symlink_to(secret)
    with pytest.raises(Exception, match="symlink"):
        render(tmp_path, Config(), "hotfix.md", CONTEXT)


def test_shipped_templates_exist() -> None:
    for name in ("hotfix.md", "tasks.md", "post-mortem.md"):
        assert (shipped_dir() / name).is_file()


@pytest.mark.parametrize(
    "source",
    [
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        '{% set ns = namespace(s="a") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
        "{% endfor %}{{ ns.s|length }}",
        '{{ "%900000000d"|format(1) }}',
        "{{ '{:>900000000}'.format(1) }}",
    ],
)
def test_a_costly_override_is_cut_off(
    tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the same cut at one CPU second instead of three: the loops would run for hours either way
    monkeypatch.setattr(templates, "_RENDER_SECONDS", 1)
    override = tmp_path / ".specswarm" / "templates"
    override.mkdir(parents=True)
    (override / "hotfix.md").write_text(source, encoding="utf-8")
    with pytest.raises(TemplateProblem) as info:
        render(tmp_path, Config(), "hotfix.md", CONTEXT)
    assert str(info.value).startswith(".specswarm/templates/hotfix.md: ")


PLAIN_CONTEXTS = [CONTEXT, {**CONTEXT, "title": ""}, {**CONTEXT, "title": None, "number": 7}]


@pytest.mark.parametrize("context", PLAIN_CONTEXTS)
@pytest.mark.parametrize("name", ["hotfix.md", "tasks.md"])
def test_the_shipped_scaffold_templates_render_without_jinja2_as_jinja2_does(
    name: str, context: dict[str, object]
) -> None:
    source = (shipped_dir() / name).read_text(encoding="utf-8")
    plain = templates.substitute_plain(source, context)
    assert plain is not None
    assert plain == render_text(source, name, context)


@pytest.mark.parametrize(
    "source",
    [
        "{{ number }}{{ title }}",
        '{{title or "[Title]"}} and {{  branch  }}',
        "{ {{ number }} }",
        "text } { only",
        "",
    ],
)
def test_plain_substitution_is_jinja2s_result(source: str) -> None:
    for context in PLAIN_CONTEXTS:
        assert templates.substitute_plain(source, context) == render_text(source, "t", context)


@pytest.mark.parametrize(
    "source",
    [
        "{{ number }}\r\n",  # Jinja2 rewrites the line ending
        "{{- number }}",
        "{{ number -}}",
        "{{{ number }}",
        "{{ number }}}",
        "{{ number|upper }}",
        "{{ missing }}",
        "{{ none }}",
        "{{ title or 'x' }}",
        '{{ title or "{{ x }}" }}',
        "{# note #}{{ number }}",
        "{% if title %}{{ title }}{% endif %}",
        "{{ number }} {{ '{{' }}",
        "{{\nnumber }}",
    ],
)
def test_anything_else_is_left_to_jinja2(source: str) -> None:
    assert templates.substitute_plain(source, CONTEXT) is None


def test_plain_substitution_agrees_with_jinja2_on_any_text() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from(
        [
            "{{",
            "}}",
            "{",
            "}",
            "{%",
            "%}",
            "{#",
            "#}",
            " ",
            "-",
            '"',
            "or",
            "number",
            "title",
            "x",
            "\n",
            "\r",
            "[T]",
            "'",
        ]
    )

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.lists(pieces, max_size=12).map("".join))
    def agree(source: str) -> None:
        for context in PLAIN_CONTEXTS:
            plain = templates.substitute_plain(source, context)
            if plain is not None:
                assert plain == render_text(source, "t", context)

    agree()


def test_plain_substitution_is_bounded_as_jinja2_is(tmp_path: Path) -> None:
    """A field repeated over a long value grows as their product: cut at 1 MiB, before it
    is built, as Jinja2's output is."""
    override = tmp_path / ".specswarm" / "templates"
    override.mkdir(parents=True)
    (override / "hotfix.md").write_text("{{ title }}\n" * 2000, encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"hotfix\.md: template rendered more than 1 MiB"):
        render(tmp_path, Config(), "hotfix.md", {**CONTEXT, "title": "A" * 50_000})
