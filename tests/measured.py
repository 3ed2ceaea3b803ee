"""Choose the tests whose subprocesses coverage.py measures (``MEASURED_SUBPROCESSES`` in
tests/conftest.py) again, after tests or code have moved::

    python tests/measured.py

runs the fast loop twice (about five minutes): once measuring no subprocess, once measuring
every test's subprocesses into a data file of the test's own. What only subprocesses reach is
then covered by the fewest tests, weighed by the processes each starts, and the set is printed
to paste into tests/conftest.py."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
EACH = "each:"


def per_test_config(config: str, directory: Path, nodeid: str) -> str:
    """coverage.py's serialized configuration (``COVERAGE_PROCESS_CONFIG``) with its data
    file moved into ``directory``'s folder for this test (``HOTFIX_HOOKS_TEST_MEASURE=each:``)."""
    folder = Path(tempfile.mkdtemp(dir=directory))
    (folder / "test").write_text(nodeid, encoding="utf-8")
    data = json.loads(base64.b64decode(config))
    data["data_file"] = str(folder / ".coverage")
    return base64.b64encode(json.dumps(data).encode()).decode()


def _run(measure: str, data_file: Path) -> None:
    env = {**os.environ, "HOTFIX_HOOKS_TEST_MEASURE": measure, "COVERAGE_FILE": str(data_file)}
    argv = (
        *(sys.executable, "-m", "pytest", "-q", "-m", "not slow"),
        *("--cov=hotfix_hooks", "--cov-report=", "--cov-fail-under=0"),  # a part: no bar
    )
    subprocess.run(argv, cwd=PROJECT, env=env, check=True)


def _reached(data_files: list[Path]) -> set[tuple[str, object]]:
    import coverage

    reached: set[tuple[str, object]] = set()
    for path in data_files:
        data = coverage.CoverageData(str(path))
        data.read()
        for name in data.measured_files():
            reached.update((name, line) for line in data.lines(name) or ())
            reached.update((name, arc) for arc in data.arcs(name) or ())
    return reached


def choose(in_process: set[tuple[str, object]], each: Path) -> list[str]:
    reach: dict[str, set[tuple[str, object]]] = {}
    cost: dict[str, int] = {}
    for folder in each.iterdir():
        files = sorted(folder.glob(".coverage.*"))
        if files:
            nodeid = (folder / "test").read_text(encoding="utf-8")
            reach[nodeid] = _reached(files) - in_process
            cost[nodeid] = len(files)
    left = set().union(*reach.values())
    chosen: list[str] = []
    while left:
        best = max(reach, key=lambda t: len(reach[t] & left) / cost[t])
        chosen.append(best)
        left -= reach[best]
    for nodeid in list(chosen):  # a test whose reach the others cover is dropped
        others = set().union(*(reach[t] for t in chosen if t != nodeid))
        if reach[nodeid] <= others:
            chosen.remove(nodeid)
    return sorted(chosen)


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "each").mkdir()
        _run("none", root / "in-process")
        _run(EACH + str(root / "each"), root / "all")
        for nodeid in choose(_reached([root / "in-process"]), root / "each"):
            print(f'        "{nodeid}",')
    return 0


if __name__ == "__main__":
    sys.exit(main())
