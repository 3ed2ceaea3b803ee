"""hotfix-hooks: an emergency hotfix process that happens by itself, as git hooks."""

__version__ = "0.1.0"
