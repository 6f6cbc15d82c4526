"""The emission journal that makes batches resumable: the interface and its SQLite store.

See docs/scale.md.
"""

from haulmer.journal._journal import Journal, JournalEntry, SaleState
from haulmer.journal._sqlite import SQLiteJournal

__all__ = ["Journal", "JournalEntry", "SQLiteJournal", "SaleState"]
