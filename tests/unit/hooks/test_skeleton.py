"""The one hook skeleton: errors become one line and the right exit code, never a traceback."""

from __future__ import annotations

import pytest

from hotfix_hooks.core.errors import OK, POLICY_FAILED, USAGE, ConfigError, GitError
from hotfix_hooks.hooks.skeleton import guarded


def boom(exc: Exception) -> int:
    raise exc


@pytest.mark.parametrize(
    ("exc", "code", "words"),
    [
        (ConfigError(".hotfix-hooks.toml", "features_dir", "bad"), USAGE, "features_dir: bad"),
        (GitError(("log",), 128, "fatal: bad object"), USAGE, "fatal: bad object"),
        (ValueError("odd"), POLICY_FAILED, "internal error (ValueError: odd)"),
    ],
)
@pytest.mark.parametrize("hook", ["commit-msg", "pre-push", "pre-receive", "update"])
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], hook: str, exc: Exception, code: int, words: str
) -> None:
    assert guarded(hook, lambda: boom(exc)) == code
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err
    assert ("rejected" in err) == (hook in ("pre-receive", "update"))


def test_post_checkout_always_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert guarded("post-checkout", lambda: boom(OSError("disk full")), always_ok=True) == OK
    assert "post-checkout: nothing done: disk full" in capsys.readouterr().err
    assert guarded("post-checkout", lambda: boom(RuntimeError("bug")), always_ok=True) == OK
    assert "nothing done: internal error (RuntimeError: bug)" in capsys.readouterr().err
    assert guarded("post-checkout", lambda: POLICY_FAILED, always_ok=True) == OK


def test_policy_code_passes_through() -> None:
    assert guarded("commit-msg", lambda: POLICY_FAILED) == POLICY_FAILED
    assert guarded("pre-push", lambda: OK) == OK
