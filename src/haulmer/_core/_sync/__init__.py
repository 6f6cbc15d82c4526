# Generated from src/haulmer/_core/_async/__init__.py by scripts/unasync.py: do not edit.
"""One face of the call engine: ``_async`` is written by hand, ``_sync`` generated from it."""
