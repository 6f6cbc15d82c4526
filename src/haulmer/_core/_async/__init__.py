"""One face of the call engine: ``_async`` is written by hand, ``_sync`` generated from it."""
