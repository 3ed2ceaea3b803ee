"""Pure policy rules: no git, no click; given bytes and settings, a verdict."""
