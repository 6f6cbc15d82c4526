# Generated from src/haulmer/_async/__init__.py by scripts/unasync.py: do not edit.
"""One face of the clients and their resources: ``_async`` by hand, ``_sync`` generated from it."""
