"""The metrics file as JSON whose values we do not own stay as they were written.

``json`` would turn ``1e400`` into ``Infinity``, round a long decimal, and keep only
the last of two duplicate keys. Here a number keeps its text, an object keeps every
pair in order (duplicates too), and only the keys we set are rewritten.
"""

from __future__ import annotations

import json
from typing import Any


class RawNumber(str):
    """A JSON number (or NaN/Infinity constant) exactly as written."""


class JsonObject:
    """A JSON object as its pairs, in order, duplicates kept; the last one of a key is
    the value (as every JSON reader takes it)."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[list[Any]] | None = None) -> None:
        self.pairs: list[list[Any]] = pairs if pairs is not None else []

    def _index(self, key: str) -> int | None:
        for i in range(len(self.pairs) - 1, -1, -1):
            if self.pairs[i][0] == key:
                return i
        return None

    def __contains__(self, key: str) -> bool:
        return self._index(key) is not None

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index(key)
        return default if i is None else self.pairs[i][1]

    def set(self, key: str, value: Any) -> None:
        i = self._index(key)
        if i is None:
            self.pairs.append([key, value])
        else:
            self.pairs[i][1] = value

    def setdefault(self, key: str, default: Any) -> Any:
        i = self._index(key)
        if i is None:
            self.pairs.append([key, default])
            return default
        return self.pairs[i][1]


def loads(text: str) -> Any:
    return json.loads(
        text,
        object_pairs_hook=lambda pairs: JsonObject([list(p) for p in pairs]),
        parse_float=RawNumber,
        parse_int=RawNumber,
        parse_constant=RawNumber,
    )


def dumps(value: Any, indent: int = 2) -> str:
    return _dump(value, indent, 0)


def _dump(value: Any, indent: int, level: int) -> str:
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(value, RawNumber):
        return str(value)
    if isinstance(value, JsonObject):
        if not value.pairs:
            return "{}"
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(v, indent, level + 1)}"
            for k, v in value.pairs
        ]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, dict):
        return _dump(JsonObject([[k, v] for k, v in value.items()]), indent, level)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = [f"{pad}{_dump(v, indent, level + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return json.dumps(value, ensure_ascii=False)
