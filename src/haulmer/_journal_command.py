"""``haulmer journal FILE.db``: read an emission journal, and settle a sale whose outcome it lacks.

A sale first sent 23 hours ago or more whose answer was never learnt is not sent again by
``emit-batch`` (OpenFactura forgets an Idempotency-Key after 24 h, so it could be issued twice):
the operator looks for it among the documents issued, then records here what was found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from haulmer._cli_choices import choice_word
from haulmer._files import home_expanded
from haulmer._shown import shown
from haulmer._token import TOKEN
from haulmer.errors import HaulmerError

__all__ = ["SETTLED_NOT_ISSUED", "add_journal_command"]

SETTLED_NOT_ISSUED = "settled by hand: not issued (haulmer journal --not-issued)"
"""The error ``--not-issued`` records: the next run of the batch sends the sale again."""

_STATES = ("attempted", "issued", "failed")


def add_journal_command(commands: Any) -> None:
    """Register ``journal`` on the ``haulmer`` command line."""
    parser = commands.add_parser(
        "journal",
        help="list an emit-batch journal's sales, or record what came of a sale it lacks",
        description="Without options, print every sale of the journal as a JSON line (its id, "
        "state, attempts, token, folio, error, first_sent: when a sale whose outcome is unknown "
        "was first sent, and next: null for an issued sale, rerun for one emit-batch sends "
        "again, settle for one to settle by hand, counted on stderr; judged by this machine's "
        "clock, as emit-batch judges it). emit-batch does not send "
        "again a sale first sent 23 hours ago or more whose answer was never learnt (OpenFactura "
        "forgets an Idempotency-Key after 24 hours): look for it among the documents issued "
        "since (documents.list_issued), then record it with --issued ID --token TOKEN (the "
        "batch then answers it from the journal) or --not-issued ID (the next run sends it). "
        "Exit status: 0 done, 2 the journal or the sale cannot be used as asked (the message "
        "says why; nothing is recorded).",
    )
    parser.add_argument(
        "journal", type=home_expanded, metavar="FILE.db", help="the SQLite journal of emit-batch"
    )
    parser.add_argument(
        "--state",
        type=choice_word,
        choices=_STATES,
        help="list only the sales in this state (default: every one)",
    )
    settle = parser.add_mutually_exclusive_group()
    settle.add_argument(
        "--issued", metavar="ID", help="record that the sale ID was issued (needs --token)"
    )
    settle.add_argument(
        "--not-issued", metavar="ID", help="record that the sale ID was not issued: rerun sends it"
    )
    parser.add_argument("--token", help="with --issued: the document's OpenFactura token")
    parser.add_argument(
        "--folio", type=_folio, help="with --issued: the document's folio, when known"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="accepted and ignored: the sales are always listed as JSON lines (for scripts "
        "that pass --json to every command)",
    )
    parser.set_defaults(handler=_journal)


def _folio(text: str) -> int:
    """``--folio``: a folio, a whole number from 1."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1 or len(text) > 10:
        raise argparse.ArgumentTypeError(f"a folio is a whole number from 1, not {shown(text)}")
    return int(text)


def _journal(args: argparse.Namespace) -> int:
    settling = args.issued is not None or args.not_issued is not None
    wrong = _wrong_options(args, settling)
    if wrong:
        print(f"haulmer journal: {wrong}", file=sys.stderr)
        return 2
    path = Path(args.journal)
    try:
        there = path.is_file()
    except OSError as exc:  # a folder one may not enter, a name too long: exit 2, as documented
        print(
            f"haulmer journal: cannot look at the journal {shown(args.journal)}: "
            f"{exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    if not there and path.is_dir():  # emit-batch --journal says so of a folder too
        print(
            f"haulmer journal: {shown(args.journal, 300)} is a folder, not a journal: give the "
            "file emit-batch was given as --journal",
            file=sys.stderr,
        )
        return 2
    if not there:  # SQLiteJournal would create an empty journal there
        print(
            f"haulmer journal: there is no journal at {shown(args.journal)}: give the file "
            "emit-batch was given as --journal",
            file=sys.stderr,
        )
        return 2
    from haulmer.journal import SQLiteJournal

    try:
        # only to list it, a journal is read as it is: a file this user may not write is read
        journal = SQLiteJournal._named_by(path, naming="FILE.db", read_only=not settling)
    except HaulmerError as exc:
        print(f"haulmer journal: {exc}", file=sys.stderr)
        return 2
    try:
        if settling:
            return _settle(journal, args)
        from haulmer._json_output import json_text

        to_settle = ahead = 0
        now = _now()
        for entry in journal.entries():
            if args.state is None or entry.state == args.state:
                row = _row(entry, now)
                to_settle += row["next"] == "settle"
                since = entry.attempted_at if row["first_sent"] is not None else None
                ahead += since is not None and since > now
                print(json_text(row, sys.stdout))
        if ahead:
            sys.stdout.flush()
            print(_clock_note(ahead, now), file=sys.stderr)
        if to_settle:
            sys.stdout.flush()
            print(
                f'haulmer journal: {to_settle} sale(s) to settle by hand ("next": "settle"): '
                "first sent 23 hours ago or more, their answer never learnt, emit-batch no "
                "longer sends them. Look for each among the documents issued since "
                "(documents.list_issued), then record it with --issued ID --token TOKEN, or "
                "--not-issued ID",
                file=sys.stderr,
            )
        return 0
    except HaulmerError as exc:
        print(f"haulmer journal: {exc}", file=sys.stderr)
        return 2
    finally:
        journal.close()


def _clock_note(ahead: int, now: float) -> str:
    """The line saying whose clock judged the sales' ages, when some were first sent after this
    machine's now: a journal stamped by another clock (a fake's, another machine's)."""
    when = dt.datetime.fromtimestamp(now, dt.timezone.utc).isoformat(timespec="seconds")
    return (
        f"haulmer journal: {ahead} sale(s) first sent after {when}, now by this machine's "
        "clock: the journal was stamped by another clock (a fake's, or another machine's). "
        '"next" is judged by this machine\'s clock, as emit-batch judges it, so they show '
        '"rerun" until 23 hours after their first_sent'
    )


def _wrong_options(args: argparse.Namespace, settling: bool) -> str | None:
    """What is wrong with the options given together, or None."""
    if settling and args.state is not None:
        return "--state lists sales; give it without --issued or --not-issued"
    if args.issued is not None and not (args.token or "").strip():
        return "--issued needs --token: the token of the document found (documents.list_issued)"
    if args.issued is None and (args.token is not None or args.folio is not None):
        return "--token and --folio go with --issued ID"
    if args.token is not None:
        args.token = args.token.strip()
        if not TOKEN.fullmatch(args.token):
            return (
                "--token: the TOKEN OpenFactura returned at emission (letters, digits, - and _), "
                f"got {shown(args.token, 80)}"
            )
    return None


def _settle(journal: Any, args: argparse.Namespace) -> int:
    """Record what the operator found of one sale; refuse what would contradict the journal."""
    sale_id = args.issued if args.issued is not None else args.not_issued
    entry = journal.lookup(sale_id)
    name = shown(sale_id, 300)
    if entry is None:
        print(
            f"haulmer journal: the journal has no sale {name}: it was never sent (emit-batch "
            "sends it), or the id is written differently (haulmer journal FILE.db lists them)",
            file=sys.stderr,
        )
        return 2
    if entry.state == "issued":
        if args.issued is not None and entry.token == args.token:
            print(f"haulmer journal: {name} is recorded as issued with that token already")
            return 0
        print(
            f"haulmer journal: {name} is recorded as issued (token {entry.token}): the journal "
            "keeps it; a document issued twice is voided with a nota de crédito",
            file=sys.stderr,
        )
        return 2
    if args.issued is not None:
        other = next(
            (
                e.sale_id
                for e in journal.entries()
                if e.token == args.token and e.sale_id != sale_id
            ),
            None,
        )
        if other is not None:
            print(
                f"haulmer journal: the token {shown(args.token, 80)} is recorded for the sale "
                f"{shown(other, 300)} already: one document answers one sale, and {name} would "
                "be answered with that sale's document. Look for the document of "
                f"{name} itself (documents.list_issued) and give its token",
                file=sys.stderr,
            )
            return 2
        journal.record_issued(sale_id, token=args.token, folio=args.folio)
        print(f"haulmer journal: {name} recorded as issued; emit-batch answers it from the journal")
    else:
        journal.record_failed(sale_id, SETTLED_NOT_ISSUED)
        print(f"haulmer journal: {name} recorded as not issued; the next emit-batch run sends it")
    return 0


def _row(entry: Any, now: float) -> dict[str, Any]:
    """One journal entry as a JSON object (no document identity: it is the journal's own), with
    what comes ``next`` for it: nothing (issued), ``rerun`` (emit-batch sends it again) or
    ``settle`` (first sent too long ago for that: the operator records what came of it)."""
    since = entry.attempted_at if entry.state == "attempted" else None
    first_sent = (
        None
        if since is None
        else dt.datetime.fromtimestamp(since, dt.timezone.utc).isoformat(timespec="seconds")
    )
    return {
        "id": entry.sale_id,
        "state": entry.state,
        "attempts": entry.attempts,
        "token": entry.token,
        "folio": entry.folio,
        "error": entry.error,
        "first_sent": first_sent,
        "next": _next(entry.state, since, now),
    }


def _next(state: str, since: float | None, now: float) -> str | None:
    """What comes next for a sale in ``state`` first sent at ``since`` (see ``_row``)."""
    from haulmer.openfactura.batch import RESEND_WINDOW

    if state == "issued":
        return None
    if state == "attempted" and since is not None and now - since >= RESEND_WINDOW:
        return "settle"
    return "rerun"


_now = time.time
"""The clock a sale's ``first_sent`` is measured against (replaced in tests)."""
