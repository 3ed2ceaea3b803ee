"""Names shared by the installed hook scripts (hooks/entry.py) and their installer."""

from __future__ import annotations

# A hook that was in place before ours is kept as <name>.local and still runs first.
LOCAL_SUFFIX = ".local"
