"""A report over many repositories, fanned out where teams already fan work out: each CI
matrix job runs ``report --json`` in one repository (a *shard*), and one job runs
``report --merge SHARD...`` over the shards, for the same text, JSON and HTML a report
over all those repositories at once (``--repo``) gives.

A shard is ``report --json``'s document: its rows carry everything a record needs, and its
``repository`` object (or, from a report over several, each row's ``repository`` and the
``repositories`` list) names where they came from. Shards are files another job wrote:
each is read only if it is a regular file of at most ``MAX_SHARD_BYTES``, and anything
that is not a shard is one clear error naming the file.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

from hotfix_hooks.core import clock
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.incident.record import HotfixRecord
from hotfix_hooks.report.inventory import RepositoryReport, repository_names

MAX_SHARD_BYTES = 64 * 1024 * 1024
FORMAT = 1  # the shard's "repository" object's "format"


def shard_header(name: str, root: Path, target_minutes: int) -> dict[str, object]:
    """What ``report --json`` in one repository says about it, for ``--merge``."""
    return {"format": FORMAT, "name": name, "path": str(root), "target_minutes": target_minutes}


def _read(path: Path) -> Any:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise UsageError(f"--merge {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"--merge {path}: not a regular file")
        if info.st_size > MAX_SHARD_BYTES:
            raise UsageError(
                f"--merge {path}: {info.st_size} bytes, over the "
                f"{MAX_SHARD_BYTES // (1024 * 1024)} MiB a shard may hold"
            )
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    try:
        return json.loads(b"".join(chunks))
    except ValueError as exc:
        raise UsageError(f"--merge {path}: not JSON ({exc})") from None


def _stamp(value: object, path: Path, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"--merge {path}: {field} is not a timestamp: {value!r}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        try:
            return clock.parse(value, assume_local=False)
        except clock.BadTimestampError:
            raise UsageError(f"--merge {path}: {field} is not a timestamp: {value!r}") from None


def _text(row: dict[str, Any], key: str, path: Path) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise UsageError(f"--merge {path}: a hotfix's {key!r} is not text: {value!r}")
    return value


def _record(row: object, path: Path, repository: str) -> HotfixRecord:
    if not isinstance(row, dict):
        raise UsageError(f"--merge {path}: a hotfix is not an object: {row!r}"[:300])
    conflict = row.get("conflict") or []
    if not isinstance(conflict, list) or not all(isinstance(c, str) for c in conflict):
        raise UsageError(f"--merge {path}: a hotfix's 'conflict' is not a list of branches")
    done = row.get("postmortem_done")
    return HotfixRecord(
        number=_text(row, "hotfix", path),
        title=_text(row, "title", path),
        status=_text(row, "status", path),
        created=_stamp(row.get("created"), path, "created"),
        resolved=_stamp(row.get("resolved"), path, "resolved"),
        rollback_triggered=row.get("rollback_triggered") is True,
        checklist_done=done is True,
        source=str(row.get("source") or ""),
        path="",
        branch=_text(row, "branch", path),
        conflict=list(conflict),
        repository=str(row.get("repository") or repository),
    )


def read_shard(path: Path) -> list[RepositoryReport]:
    """The repositories one shard reports on, with their hotfixes."""
    data = _read(path)
    if not isinstance(data, dict) or not isinstance(data.get("hotfixes"), list):
        raise UsageError(f"--merge {path}: not a `hotfix-hooks report --json` document")
    summary = data.get("summary")
    target = summary.get("target_minutes") if isinstance(summary, dict) else None
    header = data.get("repository")
    if isinstance(header, dict):
        name, root = header.get("name"), header.get("path")
        target = header.get("target_minutes", target)
        if not isinstance(name, str) or not name or not isinstance(root, str):
            raise UsageError(f"--merge {path}: its 'repository' has no name or path")
        repos = {name: RepositoryReport(name, Path(root), _minutes(target, path))}
    elif isinstance(data.get("repositories"), list):  # a report over several
        repos = {}
        for entry in data["repositories"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("repository"), str):
                raise UsageError(f"--merge {path}: an entry of 'repositories' has no name")
            name = entry["repository"]
            repos[name] = RepositoryReport(
                name, Path(str(entry.get("path", name))), _minutes(target, path)
            )
    else:
        raise UsageError(
            f"--merge {path}: no 'repository' object (written by a hotfix-hooks before "
            "shards: run `hotfix-hooks report --json` again with this version)"
        )
    only = next(iter(repos)) if len(repos) == 1 else ""
    for row in data["hotfixes"]:
        record = _record(row, path, only)
        if record.repository not in repos:
            raise UsageError(
                f"--merge {path}: a hotfix of unknown repository {record.repository!r}"
            )
        repos[record.repository].records.append(record)
    return list(repos.values())


def _minutes(value: object, path: Path) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise UsageError(f"--merge {path}: target_minutes is not a positive whole number: {value!r}")


def merge(paths: list[Path]) -> list[RepositoryReport]:
    """Every shard's repositories, each named uniquely (as ``--repo`` names clones of the
    same directory name: with as many parent directories as it takes)."""
    found = [repo for path in paths for repo in read_shard(path)]
    names = [repo.name for repo in found]
    if len(set(names)) != len(names):
        unique = repository_names([repo.root for repo in found])
        seen: dict[str, int] = {}
        for repo in found:
            name = unique[repo.root]
            seen[name] = seen.get(name, 0) + 1
            repo.name = name if seen[name] == 1 else f"{name} ({seen[name]})"
            for record in repo.records:
                record.repository = repo.name
    return found
