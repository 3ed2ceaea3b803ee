"""The Python code an installed hook runs (``install/installer.isolated_code``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hotfix_hooks.install.installer import isolated_code, isolated_path


@pytest.mark.parametrize("fail", [0, 1])
def test_a_package_gone_since_install_is_one_line_and_the_hooks_exit_code(fail: int) -> None:
    """Uninstalled, or reinstalled another way (``pip install -e`` over ``pip install .``):
    the hook says what to do in one line, with its exit code (post-checkout's is 0)."""
    code = isolated_code(
        "hotfix_hooks_gone.hooks.entry.main_installed", isolated_path(sys.executable), fail
    )
    proc = subprocess.run(
        (sys.executable, "-I", "-S", "-c", code), capture_output=True, text=True, check=False
    )
    assert proc.returncode == fail
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "run 'hotfix-hooks install' again" in proc.stderr
    assert sys.executable in proc.stderr


def test_another_missing_module_is_not_taken_for_it() -> None:
    code = isolated_code("no_such_module.main", None)
    proc = subprocess.run(
        (sys.executable, "-I", "-c", code), capture_output=True, text=True, check=False
    )
    assert (
        proc.returncode == 1
        and "ModuleNotFoundError: No module named 'no_such_module'" in proc.stderr
    )


def test_the_package_found_runs_the_call() -> None:
    code = isolated_code("hotfix_hooks.install.version.version_text", None)
    proc = subprocess.run(
        (sys.executable, "-I", "-c", code), capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1 and "hotfix-hooks" in proc.stderr  # sys.exit(a string): printed
