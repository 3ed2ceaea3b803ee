"""Pure verdicts over the document model: no git, no click, no I/O."""
