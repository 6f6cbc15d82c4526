"""One face of the clients and their resources: ``_async`` by hand, ``_sync`` generated from it."""
