"""ui: what reaches a terminal or a CI log is shown, never obeyed."""

from __future__ import annotations

import pytest

from hotfix_hooks import ui


def test_terminal_escapes_from_content_are_shown_not_sent() -> None:
    hostile = "plan\x1b]0;PWNED\x07\x1b[2J \x1b[8mhidden\x1b[0m\r\x9b2J\ttab"
    assert ui.shown(hostile) == "plan^[]0;PWNED^G^[[2J ^[[8mhidden\x1b[0m^M\\x9b2J\ttab"


def test_our_own_colours_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    painted = ui.paint("ok", "green") + ui.paint("!", "bold")
    assert ui.shown(painted) == painted == "\x1b[32mok\x1b[0m\x1b[1m!\x1b[0m"


def test_old_workflow_commands_are_broken_under_github_actions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "  05f252afa1 ##[stop-commands]pwn3d  [no task]"
    assert ui.shown(line) == line
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert "##[" not in ui.shown(line)
