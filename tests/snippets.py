"""The CI snippets users copy, read from where they copy them (README.md and docs/*.md),
word for word: the GitHub workflows (a fenced ``yaml`` block with ``on:`` and ``jobs:``) and
the GitLab ``.gitlab-ci.yml`` blocks (one with ``include:``)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.realtools import PROJECT

FENCE = re.compile(r"^```ya?ml\n(.*?)^```", re.S | re.M)


def documents() -> list[Path]:
    docs = PROJECT / "docs"
    return [PROJECT / "README.md", *(sorted(docs.rglob("*.md")) if docs.is_dir() else [])]


def yaml_blocks() -> list[tuple[Path, str]]:
    return [(doc, m.group(1)) for doc in documents() for m in FENCE.finditer(doc.read_text())]


def github_workflows() -> dict[str, str]:
    """Each documented workflow by its ``name:`` (the first line that starts with it)."""
    out = {}
    for _, text in yaml_blocks():
        if re.search(r"^on:", text, re.M) and re.search(r"^jobs:", text, re.M):
            name = re.search(r"^name:\s*(.+)$", text, re.M)
            out[name.group(1).strip() if name else f"workflow-{len(out)}"] = text
    return out


def gitlab_includes() -> list[str]:
    return [text for _, text in yaml_blocks() if re.search(r"^include:", text, re.M)]


def gitlab_pipelines() -> dict[str, str]:
    """Each documented .gitlab-ci.yml block whose jobs have a ``script:``, by its first
    job's name."""
    import yaml

    out = {}
    for _, text in yaml_blocks():
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or "jobs" in data:
            continue
        jobs = [k for k, v in data.items() if isinstance(v, dict) and "script" in v]
        if jobs:
            out[jobs[0]] = text
    return out


def workflow(name: str) -> str:
    found = github_workflows()
    assert name in found, f"no documented workflow named {name!r}: {sorted(found)}"
    return found[name]
