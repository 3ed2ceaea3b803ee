"""Parsing what git feeds pre-push and pre-receive on stdin, strictly.

A line that cannot be parsed is reported; one that might name a hotfix
branch is never let through unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from hotfix_hooks.core.oid import is_oid, is_zero


class RefUpdate(NamedTuple):
    local_ref: str
    local_sha: str  # for pre-receive: the new value
    remote_ref: str
    remote_sha: str  # for pre-receive: the old value

    @property
    def deletes(self) -> bool:
        return is_zero(self.local_sha)


class Malformed(NamedTuple):
    line: str


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


# hook: (fields per line, split from the right, positions of the object ids)
_LAYOUTS = {
    "pre-push": (4, True, (1, 3)),  # <local ref> <local sha> <remote ref> <remote sha>
    "pre-receive": (3, False, (0, 1)),  # <old sha> <new sha> <ref>
}


def _fields(data: bytes, hook: str) -> Iterator[list[str] | Malformed]:
    count, from_right, shas = _LAYOUTS[hook]
    for raw in data.split(b"\n"):
        line = _decode(raw.rstrip(b"\r"))
        if not line.strip():
            continue
        parts = line.rsplit(" ", count - 1) if from_right else line.split(" ", count - 1)
        well_formed = (
            "\0" not in line
            and len(parts) == count
            and all(parts)
            and all(is_oid(parts[i]) for i in shas)
        )
        yield parts if well_formed else Malformed(line)


def parse_pre_push(data: bytes) -> Iterator[RefUpdate | Malformed]:
    for item in _fields(data, "pre-push"):
        yield item if isinstance(item, Malformed) else RefUpdate(*item)


def parse_pre_receive(data: bytes) -> Iterator[RefUpdate | Malformed]:
    for item in _fields(data, "pre-receive"):
        if isinstance(item, Malformed):
            yield item
        else:
            old, new, ref = item
            yield RefUpdate(ref, new, ref, old)
