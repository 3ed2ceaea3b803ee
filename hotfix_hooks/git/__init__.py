"""Everything that talks to git: the lean hook-path helpers, blobs, refs, the log, trailers,
and the repository object commands use."""
