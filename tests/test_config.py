from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_hooks.config.settings import Config, load, parse
from hotfix_hooks.core.errors import ConfigError
from tests.conftest import git, hh


def test_defaults(tmp_path: Path) -> None:
    assert load(tmp_path) == Config()


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname="x"\n[tool.hotfix-hooks]\nbranch_prefix = "hf/"\nstage_scaffold = false\n'
        'default_task = "t002"\n',
        encoding="utf-8",
    )
    config = load(tmp_path)
    assert config.branch_prefix == "hf/"
    assert config.stage_scaffold is False
    assert config.default_task == "T002"
    assert config.source == "pyproject.toml"


def test_pyproject_without_our_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.other]\nx = "hotfix-hooks"\n', encoding="utf-8")
    assert load(tmp_path) == Config()


def test_dedicated_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".hotfix-hooks.toml").write_text(
        'features_dir = "docs/hotfixes"\n', encoding="utf-8"
    )
    assert load(tmp_path).features_dir == "docs/hotfixes"


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("colour = 1\n", "colour", "unknown key"),
        ("stage_scaffold = 'yes'\n", "stage_scaffold", "true or false"),
        ("target_minutes = true\n", "target_minutes", "whole number"),
        ("target_minutes = 0\n", "target_minutes", "positive"),
        ("branch_prefix = ''\n", "branch_prefix", "prefix"),
        ("branch_prefix = 'a b/'\n", "branch_prefix", "prefix"),
        ("default_task = 'X1'\n", "default_task", "task ID"),
        ("features_dir = 7\n", "features_dir", "a string"),
    ],
)
def test_bad_values_name_file_and_key(text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(text, ".hotfix-hooks.toml", in_pyproject=False)
    message = str(info.value)
    assert message.startswith(f".hotfix-hooks.toml: {key}: ")
    assert words in message


def test_bad_toml() -> None:
    with pytest.raises(ConfigError, match=r"^pyproject.toml: invalid TOML"):
        parse("[tool.hotfix-hooks\n", "pyproject.toml", in_pyproject=True)


def test_pyproject_key_is_dotted() -> None:
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool.hotfix-hooks.nope: unknown key"):
        parse("[tool.hotfix-hooks]\nnope = 1\n", "pyproject.toml", in_pyproject=True)


def test_table_must_be_table() -> None:
    with pytest.raises(ConfigError, match="must be a table"):
        parse('[tool]\n"hotfix-hooks" = 3\n', "pyproject.toml", in_pyproject=True)


@pytest.mark.parametrize("value", ["../outside", "/etc", "a/../../b", "C:/x", "  "])
def test_features_dir_escaping_repo_exits_2(repo: Path, value: str) -> None:
    (repo / ".hotfix-hooks.toml").write_text(f'features_dir = "{value}"\n', encoding="utf-8")
    proc = hh(repo, "scaffold", "--number", "1")
    assert proc.returncode == 2
    assert ".hotfix-hooks.toml: features_dir:" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (repo.parent / "outside").exists()


@pytest.mark.parametrize(
    "text",
    [
        "[tool.hotfix-hooks]\nbogus = 1\n",
        "[tool.hotfix-hooks]\nstage_scaffold = 3\n",
        "[tool.hotfix-hooks\n",
    ],
)
def test_bad_config_cli_exit_2(repo: Path, text: str) -> None:
    (repo / "pyproject.toml").write_text(text, encoding="utf-8")
    for args in (("scaffold", "--number", "1"), ("check",), ("status",)):
        proc = hh(repo, *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert proc.stderr.startswith("hotfix-hooks: pyproject.toml")
        assert "Traceback" not in proc.stderr


def test_bad_config_post_checkout_still_exits_0(installed: Path) -> None:
    (installed / ".hotfix-hooks.toml").write_text("bogus = 1\n", encoding="utf-8")
    proc = git(installed, "checkout", "-b", "hotfix/042-x")
    assert ".hotfix-hooks.toml: bogus: unknown key" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('features_dir = "../x"\n', "features_dir"),
        ('features_dir = "/etc"\n', "features_dir"),
        ('features_dir = "a\\u0000b"\n', "features_dir"),
        ('templates_dir = "x/../../y"\n', "templates_dir"),
        ("target_minutes = 99999999999999999\n", "target_minutes"),
        ('features_dir = ".git/refs/heads"\n', "features_dir"),
        ('features_dir = "./.GIT"\n', "features_dir"),
        ('templates_dir = "vendor/.git/x"\n', "templates_dir"),
        ('tag_format = "{number}{number:>200000000}"\n', "tag_format"),
        ('tag_format = "{number!r}-{number}"\n', "tag_format"),
        ('tag_format = "' + "x" * 200 + '{number}"\n', "tag_format"),
    ],
)
def test_paths_and_bounds_are_checked_where_they_are_read(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(text, ".hotfix-hooks.toml", in_pyproject=False)
    assert str(info.value).startswith(f".hotfix-hooks.toml: {key}: ")


def test_deeply_nested_toml_is_one_error(repo: Path) -> None:
    (repo / ".hotfix-hooks.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    for command in (("status",), ("check",), ("report",)):
        proc = hh(repo, *command)
        assert proc.returncode == 2, proc.stderr
        assert "nested too deeply" in proc.stderr and "Traceback" not in proc.stderr


def test_server_config_refuses_what_the_hook_would(remote: Path) -> None:
    assert hh(remote, "install", "--server").returncode == 0
    before = (remote / "hotfix-hooks.toml").read_bytes()
    for bad in ("features_dir=../x", "target_minutes=99999999999999999999999"):
        proc = hh(remote, "server-config", "--set", bad)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert (remote / "hotfix-hooks.toml").read_bytes() == before


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("require_tasks = false\n", "did you mean 'require_task'?"),
        ("target_minute = 60\n", "did you mean 'target_minutes'?"),
        ("[events]\non_pushed = 'x'\n", "did you mean 'on_push'?"),
        ("colour = true\n", ""),
    ],
)
def test_unknown_keys_suggest_the_nearest_name(text: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(text, ".hotfix-hooks.toml", in_pyproject=False)
    message = str(caught.value)
    assert ("did you mean" in message) == bool(hint) and hint in message
    assert "known" in message


def test_server_config_suggests_the_nearest_key(remote: Path) -> None:
    proc = hh(remote, "server-config", "--set", "require_tasks=false")
    assert proc.returncode == 2
    assert "require_tasks: unknown key (did you mean 'require_task'?" in proc.stderr
    proc = hh(remote, "server-config", "--unset", "require_tasks")
    assert proc.returncode == 2 and "did you mean 'require_task'?" in proc.stderr


def test_a_costly_tag_format_costs_nothing_anywhere(installed: Path) -> None:
    """A 40-byte tag_format with a huge width is refused by reading it, never formatted:
    a commit off the hotfix branches gets one short warning line, not gigabytes."""
    from tests.conftest import git

    (installed / ".hotfix-hooks.toml").write_text(
        'tag_format = "{number}{number:>200000000}"\n', encoding="utf-8"
    )
    git(installed, "add", ".hotfix-hooks.toml")
    proc = git(installed, "commit", "-q", "--no-verify", "-m", "config")
    proc = git(installed, "commit", "-q", "--allow-empty", "-m", "x")
    assert len(proc.stderr) < 400 and "tag_format" in proc.stderr, proc.stderr[:400]


def test_features_dir_never_leads_into_git_s_own_files(installed: Path) -> None:
    from tests.conftest import git

    (installed / ".hotfix-hooks.toml").write_text(
        'features_dir = ".git/refs/heads"\n', encoding="utf-8"
    )
    git(installed, "add", ".hotfix-hooks.toml")
    git(installed, "commit", "-q", "--no-verify", "-m", "config")
    proc = git(installed, "checkout", "-b", "hotfix/001-x")
    assert "features_dir" in proc.stderr and ".git" in proc.stderr, proc.stderr
    assert not (installed / ".git/refs/heads/001-hotfix").exists()
    assert git(installed, "gc", "-q").returncode == 0


def test_a_time_zone_the_system_cannot_use_is_no_traceback(repo: Path) -> None:
    import os

    from tests.conftest import git, hh_process

    env = {**os.environ, "TZ": "UTC-30"}
    git(repo, "checkout", "-q", "-b", "hotfix/002-tz")
    proc = hh_process(repo, "status", env=env)
    assert "Traceback" not in proc.stderr and proc.returncode in (0, 1), proc.stderr
