from __future__ import annotations

COMMANDS: tuple[()] = ()
