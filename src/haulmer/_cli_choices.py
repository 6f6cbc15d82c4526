"""A command line's choice words (``--environment``, ``--state``, ``--paper``) read in any
case, as ``HAULMER_ENVIRONMENT`` is: what a person types says nothing by its case."""

from __future__ import annotations

__all__ = ["choice_word"]


def choice_word(text: str) -> str:
    """``text`` as the lowercase word argparse then checks against its choices: ``Sandbox`` is
    ``sandbox``, ``80MM`` is ``80mm``; blanks around it (a quoted ``" sandbox"``) are dropped."""
    return text.strip().lower()
