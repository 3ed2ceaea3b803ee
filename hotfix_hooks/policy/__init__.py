"""Pure policy rules: no git, no click, no I/O; a document or bytes in, a verdict out."""
