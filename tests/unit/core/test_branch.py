from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotfix_hooks.core.branch import format_number, parse_branch, slugify, title_from_slug


@pytest.mark.parametrize(
    ("name", "number", "slug"),
    [
        ("hotfix/42-x", "042", "x"),
        ("hotfix/042-x", "042", "x"),
        ("hotfix/0042-x", "042", "x"),
        ("hotfix/1234-x", "1234", "x"),
        ("hotfix/7", "007", ""),
        ("hotfix/000", "000", ""),
        ("hotfix/010-login-500", "010", "login-500"),
        ("hotfix/042-ünïcode-ß", "042", "ünïcode-ß"),
        ("hotfix/042-a/b", "042", "a/b"),
        ("hotfix/" + "9" * 5000, "9" * 5000, ""),
    ],
)
def test_hotfix_branches(name: str, number: str, slug: str) -> None:
    parsed = parse_branch(name)
    assert parsed is not None
    assert (parsed.number, parsed.slug, parsed.name) == (number, slug, name)


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "main",
        "hotfix/",
        "hotfix/x",
        "hotfix/x-042",
        "hotfix/042x",
        "hotfix/042-",
        "hotfix/042--",
        "hotfix/-042",
        "hotfix/٤٢-arabic-digits",
        "hotfix/４２-fullwidth",
        "feature/042-x",
        "Hotfix/042-x",
        "hotfix042-x",
        "x/hotfix/042-x",
    ],
)
def test_not_hotfix_branches(name: str | None) -> None:
    assert parse_branch(name) is None


def test_custom_prefix() -> None:
    assert parse_branch("hf-9-db", "hf-") is not None
    assert parse_branch("hotfix/9-db", "hf-") is None


_SLUG_START = "abcdefghijklmnopqrstuvwxyz0123456789"


@given(
    st.integers(min_value=0, max_value=10**12),
    # [a-z0-9][a-z0-9-]{0,20}, built directly: st.from_regex made this the slowest unit test
    st.tuples(st.sampled_from(_SLUG_START), st.text(_SLUG_START + "-", max_size=20)).map("".join),
)
def test_number_roundtrip(value: int, slug: str) -> None:
    for padding in ("", "0", "00"):
        parsed = parse_branch(f"hotfix/{padding}{value}-{slug}")
        assert parsed is not None
        assert int(parsed.number) == value
        assert len(parsed.number) == max(3, len(str(value)))
        assert parsed.slug == slug


@settings(max_examples=50)
@given(st.text())
def test_parse_never_crashes_and_only_accepts_ascii_digits(name: str) -> None:
    parsed = parse_branch(name)
    if parsed is not None:
        assert name.startswith("hotfix/")
        assert parsed.number.isdigit() and parsed.number.isascii()
        assert len(parsed.number) >= 3


def test_format_number() -> None:
    assert format_number(5) == "005"
    assert format_number("0042") == "042"
    assert format_number("1234") == "1234"


@pytest.mark.parametrize(
    ("slug", "title"),
    [("login-500", "Login 500"), ("db_pool", "Db Pool"), ("", ""), ("élan-vital", "Élan Vital")],
)
def test_title_from_slug(slug: str, title: str) -> None:
    assert title_from_slug(slug) == title


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Login returns 500!", "login-returns-500"),
        ("Zoë's café ☕ outage", "zoe-s-cafe-outage"),
        ("日本語のみ", ""),
        ("  --a--b--  ", "a-b"),
        ("x" * 60, "x" * 40),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
