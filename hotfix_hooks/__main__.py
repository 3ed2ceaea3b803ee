from __future__ import annotations

from hotfix_hooks.cli import main

raise SystemExit(main())
