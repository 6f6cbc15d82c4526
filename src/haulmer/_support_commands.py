"""The command-line tools for people who support an integration: verify, parse, rut and caf.

Each takes the parsed ``argparse`` arguments and returns the process exit code:
``0`` the input is good, ``1`` it was read and found wrong (a failed verification, an invalid
RUT, XML or CAF the SDK refuses), ``2`` it could not be read at all (a missing file) or holds
nothing (an empty one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import glob
import os
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from haulmer._files import read_limited, read_stream_limited
from haulmer._json_output import json_text
from haulmer._shown import shown
from haulmer.errors import HaulmerError, XMLError

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "LARGEST_FILE",
    "caf",
    "has_control_characters",
    "parse",
    "rut",
    "verify",
]

EXIT_OK = 0
"""The input is what it should be."""
EXIT_INVALID = 1
"""The input was read and is wrong: verification failed, an invalid RUT, refused XML."""
EXIT_UNREADABLE = 2
"""The input could not be read (a missing or unreadable file), or the command line is wrong."""


SHELL_EXPANDS_PATTERNS = os.name != "nt"
"""Whether the shell turns ``recibidos/*.xml`` into the files it matches: Unix shells do, and
Windows' cmd and PowerShell pass the pattern as it is written, for the command to expand."""


LARGEST_FILE = 64 * 1024 * 1024
"""The largest file the commands read: what ``haulmer.sii`` parses at most (a full envelope of
2,000 documents is far below it)."""


@dataclass(frozen=True)
class _Unreadable:
    """Why a file could not be read: the error's type name and the reason in words."""

    error: str
    reason: str


def _read(path: str) -> bytes | _Unreadable:
    """The file's bytes (standard input's for ``-``), or why it cannot be read (also said on
    stderr, for a person): an empty file too, which holds nothing to check."""
    try:
        if path == "-":
            if sys.stdin is None:  # started without one (pythonw, a closed descriptor)
                raise OSError(errno.EBADF, "there is no standard input")
            data = read_stream_limited(sys.stdin.buffer, LARGEST_FILE, path)
        else:
            data = read_limited(path, LARGEST_FILE)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = "standard input" if path == "-" else _named(path)
        print(f"haulmer: cannot read {where}: {reason}", file=sys.stderr)
        return _Unreadable(type(exc).__name__, f"cannot read it: {reason}")
    except ValueError:  # a NUL byte in the path: no file has that name
        print(f"haulmer: no file can have the name {shown(path, 300)}", file=sys.stderr)
        return _Unreadable("ValueError", "no file can have this name (it holds a NUL byte)")
    if not data.strip():  # a download that failed (curl -s URL | haulmer verify -), a 0-byte save
        where = "standard input" if path == "-" else _named(path)
        print(f"haulmer: {where} is {_EMPTY}", file=sys.stderr)
        return _Unreadable("XMLError", f"it is {_EMPTY}")
    return data


_EMPTY = "empty: there is nothing to check"


def _named(text: str) -> str:
    """A file name (a RUT, a CAF's RS) as a line for a person shows it: quoted and escaped when
    it holds a line break or another control character, so that a received file named
    ``"x.xml: verified (signature)\\nforged.xml"`` cannot print a line that looks like a verdict."""
    if has_control_characters(text):
        return repr(text)
    return text  # a name that is not UTF-8 (surrogates) is escaped as stdout writes it


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a character that moves or hides text (see ``_CONTROLS``)."""
    return any(unicodedata.category(char) in _CONTROLS for char in text)


_CONTROLS = frozenset({"Cc", "Cf", "Zl", "Zp"})
"""Unicode categories that move or hide text: control characters (a line break, an escape
sequence), format characters (a right-to-left override) and line or paragraph separators."""


def _unreadable_json(path: str, unreadable: _Unreadable) -> None:
    """The JSON of a file that could not be read, as ``parse`` and ``caf --json`` print it."""
    _print_json(
        {"file": path, "ok": False, "error": unreadable.error, "message": unreadable.reason}
    )


def _json_value(value: Any) -> Any:
    """JSON's form of what the SDK's models hold: dates ISO 8601, RUTs as text (``json_text``
    writes Decimals as numbers)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _print_json(data: Any) -> None:
    print(json_text(data, sys.stdout, indent=2, default=_json_value))


def _refused(path: str, error: HaulmerError, *, as_json: bool) -> int:
    """Report input the SDK refused (malformed or hostile XML, a model mismatch)."""
    if as_json:
        _print_json(
            {"file": path, "ok": False, "error": type(error).__name__, "message": str(error)}
        )
    else:
        print(f"{_named(path)}: {type(error).__name__}: {error}", file=sys.stderr)
    return EXIT_INVALID


def verify(args: argparse.Namespace) -> int:
    """Check signatures, timbres and (unless ``--no-schema``) the SII schema of each file."""
    from haulmer.sii import validate_schema
    from haulmer.sii import verify as verify_xml

    if args.allow_test_cafs and not args.check_caf:  # no CAF is checked: it would say nothing
        print(
            "haulmer verify: --allow-test-cafs counts only with --check-caf (which checks the "
            "CAFs' signatures); add --check-caf, or leave --allow-test-cafs out",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    if args.files.count("-") > 1:  # the second would meet the end of what the first read
        print(
            "haulmer verify: '-' (standard input) can be read only once; name it once",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    worst = EXIT_OK
    reports: list[dict[str, Any]] = []
    for path in _expanded(args.files):
        data = _read(path)
        if isinstance(data, _Unreadable):
            worst = max(worst, EXIT_UNREADABLE)
            failure = {"check": "read", "where": "", "reason": data.reason}
            reports.append({"file": path, "ok": False, "passed": [], "failures": [failure]})
            continue
        outcome = verify_xml(data, check_caf=args.check_caf, allow_test_cafs=args.allow_test_cafs)
        failures = [
            {"check": f.check, "where": f.where, "reason": f.reason} for f in outcome.failures
        ]
        passed = list(outcome.passed)
        if args.schema and not _is_xml_failure(outcome):
            try:
                validate_schema(data, restore_namespace=True)
                passed.append("schema")
            except HaulmerError as exc:
                failures.append({"check": "schema", "where": "", "reason": str(exc)})
        ok = not failures and bool(passed)
        reports.append({"file": path, "ok": ok, "passed": passed, "failures": failures})
        if not ok:
            worst = max(worst, EXIT_INVALID)
    if args.json:
        _print_json(reports)  # a list whatever the count: a glob matching one file included
        return worst
    for report in reports:
        if report["failures"] and report["failures"][0]["check"] == "read":
            continue  # said on stderr
        if report["ok"]:
            print(f"{_named(report['file'])}: verified ({', '.join(report['passed'])})")
            continue
        print(f"{_named(report['file'])}: NOT VERIFIED")
        for failure in report["failures"]:
            place = f" [{failure['where']}]" if failure["where"] else ""
            print(f"  - {failure['check']}{place}: {failure['reason']}")
        if report["passed"]:
            print(f"  held: {', '.join(report['passed'])}")
    return worst


def _expanded(paths: list[str]) -> list[str]:
    """``paths`` with each pattern (``recibidos\\*.xml``) as the files it matches, in order of
    name, where the shell leaves patterns to the command (Windows); one that names a file, or
    matches none, is kept as it is (then reported as a file that cannot be read)."""
    if SHELL_EXPANDS_PATTERNS:
        return paths
    expanded: list[str] = []
    for path in paths:
        matches = [] if path == "-" or os.path.exists(path) else glob.glob(path)
        expanded.extend(sorted(matches) or [path])
    return expanded


def _is_xml_failure(outcome: Any) -> bool:
    """Whether verification stopped at the XML itself (then a schema check adds nothing)."""
    return any(failure.check == "xml" for failure in outcome.failures)


def parse(args: argparse.Namespace) -> int:
    """Print every document of a DTE or envelope as the SII's nested dict, in JSON."""
    from haulmer.sii import parse_all

    data = _read(args.file)
    if isinstance(data, _Unreadable):
        _unreadable_json(args.file, data)
        return EXIT_UNREADABLE
    try:
        documents = parse_all(data)
        if not documents:  # an EnvioDTE or EnvioBOLETA with no DTE (the schema wants one)
            raise XMLError("the envelope holds no DTE: there is no document to print")
    except HaulmerError as exc:
        return _refused(args.file, exc, as_json=True)
    dumped = [document.to_sii_dict() for document in documents]
    _print_json(dumped[0] if len(dumped) == 1 and not args.all else dumped)
    return EXIT_OK


def rut(args: argparse.Namespace) -> int:
    """Check each RUT (or compute the check digit of a bare number) and print its formats."""
    texts = _rut_texts(args.rut)
    if texts is None:
        return EXIT_UNREADABLE
    outcomes = [_check_rut(text) for text in texts]
    if args.json:
        reports = [report for report, _ in outcomes]
        _print_json(reports)  # a list whatever the count, as verify prints
    else:
        for report, _ in outcomes:
            _print_rut(report)
    return EXIT_OK if all(valid for _, valid in outcomes) else EXIT_INVALID


def _rut_texts(given: list[str]) -> list[str] | None:
    """The RUTs to check: those given, with ``-`` as the lines of standard input (one RUT a line,
    blank lines skipped: a column an ERP exported); None after saying why they cannot be read."""
    if given.count("-") > 1:
        print(
            "haulmer rut: '-' (standard input) can be read only once; name it once",
            file=sys.stderr,
        )
        return None
    texts: list[str] = []
    for text in given:
        if text != "-":
            texts.append(text)
            continue
        data = _read("-")
        if isinstance(data, _Unreadable):
            return None
        lines = [line.strip() for line in data.decode("utf-8-sig", errors="replace").splitlines()]
        if not any(lines):  # a byte order mark alone
            print(f"haulmer: standard input is {_EMPTY}", file=sys.stderr)
            return None
        texts.extend(line for line in lines if line)
    return texts


def _check_rut(text: str) -> tuple[dict[str, Any], bool]:
    """The report of one RUT as written on the command line, and whether it is valid."""
    from haulmer.rut import Rut

    candidates: list[dict[str, Any]] = []
    try:
        value = Rut(text)
    except HaulmerError as exc:
        try:  # what a spreadsheet wrote (76 795 561-8, CL76795561-8): valid once rewritten
            read = Rut.parse(text, lenient=True)
        except HaulmerError:
            pass
        else:
            candidates.append(
                _rut_report(read, "read without spaces, dots, hyphens or a CL prefix")
            )
            return {
                "input": text,
                "valid": False,
                "error": str(exc),
                "candidates": candidates,
            }, False
        # dots, spaces and a trailing dash (76.430.498-, the check digit left out) are how
        # people type a number whose check digit they do not know
        digits = text.replace(".", "").replace(" ", "").rstrip("-")
        if (
            digits.isascii()
            and digits.isdigit()
            and len(digits) <= 12
            and 1 <= int(digits) <= 99_999_999
        ):
            # a number stored without its check digit, as ERPs often keep RUTs
            completed = Rut.from_parts(int(digits))
            candidates.append(_rut_report(completed, "the number with its check digit computed"))
        return {"input": text, "valid": False, "error": str(exc), "candidates": candidates}, False
    return {"input": text, "valid": True, **_rut_report(value, "as written")}, True


def _print_rut(report: dict[str, Any]) -> None:
    """One RUT's report, for a person."""
    text = _named(report["input"])
    if not report["valid"]:
        print(f"{text}: not a valid RUT: {report['error']}")
        for candidate in report["candidates"]:
            print(f"  did you mean {candidate['rut']} ({candidate['reading']})?")
        return
    print(f"{text}: valid RUT")
    print(f"  number        {report['number']}")
    print(f"  check digit   {report['dv']}")
    print(f"  SII form      {report['rut']}")
    print(f"  with dots     {report['dotted']}")
    print(f"  compact       {report['compact']}")


def _rut_report(value: Any, reading: str) -> dict[str, Any]:
    return {
        "rut": str(value),
        "number": value.number,
        "dv": value.dv,
        "dotted": value.format(dots=True),
        "compact": f"{value.number}{value.dv}",
        "reading": reading,
    }


def caf(args: argparse.Namespace) -> int:
    """Describe a CAF file: emisor, document type, folio range, authorization and expiry."""
    from haulmer.dte.catalogue import DTEType
    from haulmer.sii import Caf
    from haulmer.sii.keys import SII_IDKS

    data = _read(args.file)
    if isinstance(data, _Unreadable):
        if args.json:
            _unreadable_json(args.file, data)
        return EXIT_UNREADABLE
    try:
        loaded = Caf.from_xml(data)
    except HaulmerError as exc:
        return _refused(args.file, exc, as_json=args.json)
    expires = loaded.expires_on
    sii_problem = loaded.frma_problem(allow_test_keys=args.allow_test_cafs)
    try:
        type_name = DTEType(loaded.dte_type).label
    except ValueError:
        type_name = "a type the SDK does not know"
    report: dict[str, Any] = {
        "file": args.file,
        "ok": False,  # whether it can stamp documents today: set below, from the rest
        "rut_emisor": str(loaded.rut_emisor),
        "razon_social": loaded.razon_social,
        "dte_type": loaded.dte_type,
        "dte_type_name": type_name,
        "folio_from": loaded.folio_from,
        "folio_to": loaded.folio_to,
        "folio_count": loaded.folio_count,
        "authorized_on": loaded.authorized_on.isoformat(),
        "not_yet_authorized": loaded.is_not_yet_authorized(),
        "expires_on": expires.isoformat() if expires else None,
        "expired": loaded.is_expired(),
        "idk": loaded.idk,
        "sii_environment": SII_IDKS.get(loaded.idk),
        "has_private_key": loaded.private_key is not None,
        "keys_match": loaded.keys_match(),
        # a test CAF accepted with --allow-test-cafs is signed, but by a test key, not the SII
        "signed_by_sii": sii_problem is None and loaded.is_official,
        "signed_by_test_key": sii_problem is None and not loaded.is_official,
        "sii_signature_problem": sii_problem,
    }
    usable = (
        report["has_private_key"]
        and report["keys_match"]
        and not report["expired"]
        and not report["not_yet_authorized"]
        and sii_problem is None
    )
    report["ok"] = bool(usable)  # as a file that is no CAF says it: one shape either way
    if args.json:
        _print_json(report)
    else:
        print(f"{_named(args.file)}: CAF for {report['dte_type']} ({type_name})")
        # RS is the file's text: a CAF edited to hold line breaks must not print lines of its own
        print(f"  emisor        {report['rut_emisor']} {_named(report['razon_social'])}")
        print(
            f"  folios        {report['folio_from']} to {report['folio_to']}"
            f" ({report['folio_count']} folios)"
        )
        future = " (AFTER TODAY in Chile: not usable yet)" if report["not_yet_authorized"] else ""
        print(f"  authorized    {report['authorized_on']}{future}")
        expiry = report["expires_on"] or "never (this type's CAFs do not expire)"
        print(f"  expires       {expiry}{' (EXPIRED)' if report['expired'] else ''}")
        print(f"  private key   {'present' if report['has_private_key'] else 'missing'}")
        if report["has_private_key"]:
            print(f"  keys match    {'yes' if report['keys_match'] else 'NO'}")
        environment = report["sii_environment"]
        print(
            f"  environment   IDK {loaded.idk}, "
            + (
                f"the SII's {environment} environment"
                if environment is not None
                else "not one of the SII's (100 certification, 300 production)"
            )
        )
        if sii_problem is not None:
            signature = "NOT valid: " + sii_problem
        elif loaded.is_official:
            signature = "valid"
        else:  # accepted with --allow-test-cafs: a test key's, which the SII never made
            signature = "a test key's, valid (accepted with --allow-test-cafs; not the SII's)"
        print(f"  SII signature {signature}")
    return EXIT_OK if usable else EXIT_INVALID
