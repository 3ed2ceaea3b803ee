from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None, stdin: bytes | None = None) -> int:
    return 0
