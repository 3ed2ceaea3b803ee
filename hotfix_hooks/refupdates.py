"""Parsing what git feeds pre-push and pre-receive on stdin, strictly.

A line that cannot be parsed is reported; one that might name a hotfix
branch is never let through unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hotfix_hooks.gitcmd import ZERO_SHAS

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


@dataclass(frozen=True)
class RefUpdate:
    local_ref: str
    local_sha: str  # for pre-receive: the new value
    remote_ref: str
    remote_sha: str  # for pre-receive: the old value

    @property
    def deletes(self) -> bool:
        return self.local_sha in ZERO_SHAS


@dataclass(frozen=True)
class Malformed:
    line: str


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def parse_pre_push(data: bytes) -> Iterator[RefUpdate | Malformed]:
    """``<local ref> SP <local sha> SP <remote ref> SP <remote sha>`` lines."""
    for raw in data.split(b"\n"):
        line = _decode(raw.rstrip(b"\r"))
        if not line.strip():
            continue
        parts = line.rsplit(" ", 3)
        if "\0" in line or len(parts) != 4:
            yield Malformed(line)
            continue
        local_ref, local_sha, remote_ref, remote_sha = parts
        if not (_SHA.fullmatch(local_sha) and _SHA.fullmatch(remote_sha)) or not remote_ref:
            yield Malformed(line)
            continue
        yield RefUpdate(local_ref, local_sha, remote_ref, remote_sha)


def parse_pre_receive(data: bytes) -> Iterator[RefUpdate | Malformed]:
    """``<old sha> SP <new sha> SP <ref>`` lines."""
    for raw in data.split(b"\n"):
        line = _decode(raw.rstrip(b"\r"))
        if not line.strip():
            continue
        parts = line.split(" ", 2)
        if "\0" in line or len(parts) != 3:
            yield Malformed(line)
            continue
        old, new, ref = parts
        if not (_SHA.fullmatch(old) and _SHA.fullmatch(new)) or not ref:
            yield Malformed(line)
            continue
        yield RefUpdate(ref, new, ref, old)


def branch_name(ref: str) -> str | None:
    return ref[len("refs/heads/") :] if ref.startswith("refs/heads/") else None
