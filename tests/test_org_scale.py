"""A report over many repositories on an engine teams already run, their CI's matrix
jobs: `report --json` in each repository is a shard, and `report --merge SHARD...` gives
the text, JSON and HTML that `report --repo` over those clones gives. 1,000 shards of 20
hotfixes merge in under 10 s."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import dashboard_screenshots as shots
from tests.conftest import unmeasured_env
from tests.test_report_repos import NAMES, NOW, REPO_ARGS, REPOS, clones, report

pytestmark = pytest.mark.slow
__all__ = ["clones"]  # the fixture, built once for this module too


def shards_of(clones: Path, out: Path) -> list[Path]:
    """Each repository's shard, written as a matrix job writes it (`--name` as the job
    names the repository)."""
    out.mkdir(exist_ok=True)
    found = []
    for name in REPOS:
        proc = report(clones / name, "--json", "--name", NAMES[name])
        assert proc.returncode == 0, proc.stderr
        shard = out / f"report-{NAMES[name].replace('/', '-')}.json"
        shard.write_text(proc.stdout, encoding="utf-8")
        found.append(shard)
    return found


def test_merge_gives_what_repo_gives(clones: Path, tmp_path: Path) -> None:
    shards = [str(s) for s in shards_of(clones, tmp_path / "shards")]
    header = json.loads(Path(shards[0]).read_text())["repository"]
    assert header == {
        "format": 1,
        "name": "team-a/api",
        "path": os.path.realpath(clones / "team-a" / "api"),
        "target_minutes": 120,
    }
    for args in ((), ("--json",), ("--since", "2026-11-03")):
        merged = report(tmp_path, "--merge", *shards, *args)
        direct = report(clones, *REPO_ARGS, *args)
        assert merged.returncode == direct.returncode == 0, merged.stderr + direct.stderr
        assert merged.stdout == direct.stdout, args
    merged_html, direct_html = tmp_path / "merged.html", tmp_path / "direct.html"
    assert report(tmp_path, "--merge", *shards, "--html", str(merged_html)).returncode == 0
    assert report(clones, *REPO_ARGS, "--html", str(direct_html)).returncode == 0
    assert merged_html.read_text() == direct_html.read_text()


def test_merge_usage_and_hostile_shards(clones: Path, tmp_path: Path) -> None:
    shard = shards_of(clones, tmp_path / "shards")[0]
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"hotfixes": []}')
    (tmp_path / "rows.json").write_text(
        json.dumps(
            {"hotfixes": [{"hotfix": 1}], "repository": json.loads(shard.read_text())["repository"]}
        )
    )
    cases = {
        ("--merge",): "--merge needs the shards",
        (str(shard),): "shards go with --merge",
        ("--merge", str(shard), "--repo", "x"): "--merge reads shards only",
        ("--merge", str(fifo)): "not a regular file",
        ("--merge", str(tmp_path / "bad.json")): "not JSON",
        ("--merge", str(tmp_path / "other.json")): "no 'repository' object",
        ("--merge", str(tmp_path / "rows.json")): "'hotfix' is not text",
        ("--merge", str(tmp_path / "missing.json")): "No such file",
    }
    for args, message in cases.items():
        proc = report(tmp_path, *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert message in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_two_shards_of_the_same_name_stay_apart(clones: Path, tmp_path: Path) -> None:
    """Two repositories both called `api` (matrix jobs that named neither): told apart by
    their paths, as --repo tells them apart."""
    out = tmp_path / "shards"
    out.mkdir()
    paths = []
    for name in ("team-a/api", "team-b/api"):
        proc = report(clones / name, "--json")
        assert json.loads(proc.stdout)["repository"]["name"] == "api"
        paths.append(out / f"{name.replace('/', '-')}.json")
        paths[-1].write_text(proc.stdout)
    proc = report(tmp_path, "--merge", *map(str, paths), "--json")
    assert proc.returncode == 0, proc.stderr
    names = [r["repository"] for r in json.loads(proc.stdout)["repositories"]]
    assert names == ["team-a/api", "team-b/api"]


def test_a_thousand_shards_of_twenty_hotfixes_merge_under_ten_seconds(tmp_path: Path) -> None:
    rows, summary = shots.data(20)
    out = tmp_path / "shards"
    out.mkdir()
    for i in range(1000):
        header = {
            "format": 1,
            "name": f"svc-{i:04d}",
            "path": f"/ci/svc-{i:04d}",
            "target_minutes": 120,
        }
        document = {"hotfixes": rows, "summary": summary.as_json(), "repository": header}
        (out / f"report-svc-{i:04d}.json").write_text(json.dumps(document))
    html = tmp_path / "org.html"
    env = {**unmeasured_env(), "HOTFIX_HOOKS_NOW": NOW}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        (sys.executable, "-m", "hotfix_hooks", "report", "--merge", *map(str, sorted(out.iterdir())),
         "--json", "--html", str(html)),
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert len(data["hotfixes"]) == 20_000 and data["summary"]["repositories"] == 1000
    assert html.stat().st_size > 0
    print(f"merged 1,000 shards of 20 hotfixes (JSON and HTML): {cpu:.2f} s CPU, {elapsed:.2f} s")
    # CPU time: the machine's other work (CI shares its two cores) does not count
    assert cpu < 10, (cpu, elapsed)
