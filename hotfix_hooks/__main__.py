from __future__ import annotations

from hotfix_hooks.main import main

raise SystemExit(main())
