"""The ``haulmer`` command line: ``python -m haulmer demo`` and friends."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from haulmer._chile import chile_date
from haulmer._cli_choices import choice_word
from haulmer._shown import shown

__all__ = ["EXIT_INTERRUPTED", "build_parser", "main"]

EXIT_INTERRUPTED = 130
"""The exit status after Ctrl+C, as a shell reports a command stopped by SIGINT."""


def _demo(args: argparse.Namespace) -> int:
    """Run a new customer's whole story against the embedded fake platform."""
    from haulmer._demo import run

    return run(Path(args.out), as_json=args.json)


def _serve(args: argparse.Namespace) -> int:
    """Serve a fresh fake Haulmer over HTTP on loopback (``python -m haulmer.testing serve``)."""
    from haulmer.testing.__main__ import main as testing_main

    argv = ["serve", f"--host={args.host}", f"--port={args.port}"]  # each one word, as given
    return testing_main(argv, prog="haulmer")


def _port(text: str) -> int:
    """``serve --port``: 0 to 65535, checked by ``python -m haulmer.testing serve``'s rule."""
    from haulmer.testing.__main__ import port_number

    return port_number(text)


def _host(text: str) -> str:
    """``serve --host``: an address, checked by ``python -m haulmer.testing serve``'s rule."""
    from haulmer.testing.__main__ import host_address

    return host_address(text)


def _home_expanded(path: str) -> str:
    """A path option's value, ``~`` as the home folder (see ``haulmer._files.home_expanded``)."""
    from haulmer._files import home_expanded

    return home_expanded(path)


def _support_command(name: str) -> Callable[[argparse.Namespace], int]:
    """The handler ``name`` of ``haulmer._support_commands``, imported only when it runs."""

    def run(args: argparse.Namespace) -> int:
        from haulmer import _support_commands

        handler: Callable[[argparse.Namespace], int] = getattr(_support_commands, name)
        return handler(args)

    return run


def _add_support_commands(commands: Any) -> None:
    """``verify``, ``parse``, ``rut``, ``caf``, ``serve``: tools for supporting an integration."""
    codes = (
        "Exit status: 0 when the input is good, 1 when it was read and found wrong, 2 when it "
        "could not be read, is empty or the command line is wrong."
    )
    verify = commands.add_parser(
        "verify",
        help="check the signatures, timbres and schema of DTE or envelope files",
        description="Check every signature (document and envelope), every timbre (TED) and "
        "the SII schema of each file, and say in words what failed. " + codes,
    )
    verify.add_argument(
        "files",
        nargs="+",
        metavar="FILE.xml",
        help="a DTE, EnvioDTE, EnvioBOLETA, or a receiver's RespuestaDTE or EnvioRecibos ('-' "
        "for standard input)",
    )
    verify.add_argument(
        "--json",
        action="store_true",
        help="print the outcome as JSON: a list of one report per file, whatever the count",
    )
    verify.add_argument(
        "--no-schema", dest="schema", action="store_false", help="skip the SII schema check"
    )
    verify.add_argument(
        "--check-caf",
        action="store_true",
        help="also check that the SII signed each CAF (its FRMA) with its own keys",
    )
    verify.add_argument(
        "--allow-test-cafs",
        action="store_true",
        help="with --check-caf, accept CAFs signed by registered test keys (e.g. the fake's)",
    )
    verify.set_defaults(handler=_support_command("verify"))

    parse = commands.add_parser(
        "parse",
        help="print the documents of a DTE or envelope file as JSON",
        description="Read a DTE, EnvioDTE or EnvioBOLETA safely and print each document as the "
        "SII's nested structure (SII element names), in JSON. Signatures are not checked: use "
        "'haulmer verify'. " + codes,
    )
    parse.add_argument("file", metavar="FILE.xml", help="the file ('-' for standard input)")
    parse.add_argument(
        "--all", action="store_true", help="always print a list, even for a single document"
    )
    parse.add_argument(
        "--json",
        action="store_true",
        help="accepted and ignored: parse always prints JSON (for scripts that pass --json to "
        "every command)",
    )
    parse.set_defaults(handler=_support_command("parse"))

    rut = commands.add_parser(
        "rut",
        help="check RUTs and print their check digits and formats",
        description="Check each RUT's check digit and print its forms (76430498-5, "
        "76.430.498-5). A number written without its check digit (as ERPs often store it) is "
        "completed and suggested. " + codes + " With several RUTs, 1 when any is not valid.",
    )
    rut.add_argument(
        "rut",
        nargs="+",
        metavar="RUT",
        help="e.g. 76430498-5, 76.430.498-5 or 76430498 ('-' reads one RUT a line from standard "
        "input)",
    )
    rut.add_argument(
        "--json",
        action="store_true",
        help="print the outcome as JSON: a list of one report per RUT, whatever the count",
    )
    rut.set_defaults(handler=_support_command("rut"))

    caf = commands.add_parser(
        "caf",
        help="describe a CAF file: emisor, type, folio range, expiry",
        description="Read a CAF (the SII's folio authorization) and print its emisor, document "
        "type, folio range, authorization date, expiry, whether its keys and the SII's "
        "signature hold, and the SII environment its IDK is for (100 certification, 300 "
        "production). Exit status 0 only when it can stamp documents today. " + codes,
    )
    caf.add_argument("file", metavar="CAF.xml", help="the CAF file ('-' for standard input)")
    caf.add_argument("--json", action="store_true", help="print the outcome as JSON")
    caf.add_argument(
        "--allow-test-cafs",
        action="store_true",
        help="accept a CAF signed by a registered test key (e.g. the fake's), said to be a test "
        "key's signature, not the SII's",
    )
    caf.set_defaults(handler=_support_command("caf"))

    serve = commands.add_parser(
        "serve",
        help="serve the fake Haulmer platform over HTTP on loopback",
        description="Start a fresh fake Haulmer (OpenFactura and the platform) over HTTP, for "
        "tools in any language; the same as 'python -m haulmer.testing serve'. Ctrl+C or "
        "SIGTERM stops it. Exit status: 0 when stopped, 1 when it cannot listen on that host and "
        "port (taken, or not this machine's), 2 when the command line is wrong.",
    )
    serve.add_argument(
        "--host",
        type=_host,
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1, loopback)",
    )
    serve.add_argument(
        "--port", type=_port, default=8080, help="port (default 8080; 0 picks a free one)"
    )
    serve.set_defaults(handler=_serve)


def _pdf(args: argparse.Namespace) -> int:
    """Render a DTE's printed representation (PDF with the PDF417 timbre) from its XML file."""
    from haulmer.errors import HaulmerError
    from haulmer.sii import render_pdfs

    source = Path(args.file)
    suffix = ("-cedible" if args.cedible else "") + ("-80mm" if args.paper == "80mm" else "")
    resolucion = None
    if args.resolucion:
        resolucion = _resolucion(args.resolucion)
        if resolucion is None:
            return 2
    logo = None
    if args.logo:
        logo = _logo(args.logo)
        if logo is None:
            return 2
    xml: Path | bytes = source
    if args.file == "-":
        if args.output is None:
            print(
                "haulmer pdf: reading standard input, -o must say where the PDF goes "
                "('-' for standard output)",
                file=sys.stderr,
            )
            return 2
        read = _standard_input()
        if read is None:
            return 2
        xml = read
        source = Path("stdin")  # names the PDFs written into a folder
    try:
        pdfs = render_pdfs(
            xml,
            paper=args.paper,
            cedible=args.cedible,
            logo=logo,
            resolucion=resolucion,
            sii_office=args.sii_office,
            notes=args.note or (),
        )
    except HaulmerError as error:  # unreadable, not a stamped DTE, or a copy it cannot have
        print(f"haulmer pdf: {_in_cli_terms(str(error), args.logo)}", file=sys.stderr)
        return 2
    output: str | None = args.output
    if output == "-":
        if len(pdfs) > 1:
            print(
                f"haulmer pdf: {source} holds {len(pdfs)} documents; -o - writes only one",
                file=sys.stderr,
            )
            return 2
        sys.stdout.buffer.write(pdfs[0])
        sys.stdout.buffer.flush()
        return 0
    # -o names a folder when it is one, ends with a separator, or is for several documents
    into_folder = output is not None and (
        len(pdfs) > 1 or output.endswith(("/", os.sep)) or Path(output).is_dir()
    )
    if output is not None and not into_folder:
        targets = [output]
    else:
        folder = Path(output) if output is not None else source.parent
        if len(pdfs) == 1:
            names = [f"{source.stem}{suffix}.pdf"]
        else:  # an envelope: one PDF per document, named by type and folio
            names = [f"{source.stem}-{name}{suffix}.pdf" for name in _document_names(xml)]
        targets = [str(folder / name) for name in names]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            why = f" ({source} holds {len(pdfs)} documents)" if len(pdfs) > 1 else ""
            print(f"haulmer pdf: -o {folder} is a file, not a folder{why}", file=sys.stderr)
            return 2
        except OSError as error:
            print(f"haulmer pdf: cannot create {folder}: {error.strerror}", file=sys.stderr)
            return 1
    if args.file != "-":
        clash = next((target for target in targets if _same_file(target, source)), None)
        if clash is not None:  # the received DTE, a legal document, would be lost
            print(
                f"haulmer pdf: {clash} is the XML being printed; name another file with -o",
                file=sys.stderr,
            )
            return 2
    for target, pdf in zip(targets, pdfs, strict=True):
        try:
            Path(target).write_bytes(pdf)
        except OSError as error:
            print(f"haulmer pdf: cannot write {target}: {error.strerror}", file=sys.stderr)
            return 1
        print(target)
    return 0


def _same_file(target: str, source: Path) -> bool:
    """Whether writing ``target`` would replace the file ``source`` (however either is named:
    ``./DTE.xml``, a link); False when either does not exist."""
    try:
        return os.path.samefile(target, source)
    except (OSError, ValueError):
        return False


def _resolucion(text: str) -> tuple[int, dt.date] | None:
    """``--resolucion NUMERO:YYYY-MM-DD`` as the number and date; None after saying what is
    wrong with it."""
    numero, _, fecha = text.partition(":")
    if numero.startswith("-") and numero[1:].isascii() and numero[1:].isdigit():
        print(
            "haulmer pdf: --resolucion: the resolution's number cannot be negative (the SII's "
            f"are 0 and up, e.g. 80:2014-08-22), not {shown(text)}",
            file=sys.stderr,
        )
        return None
    if numero.isascii() and numero.isdigit() and len(numero.lstrip("0")) > 6:
        print(
            "haulmer pdf: --resolucion: the resolution's number has 6 digits at most (the "
            f"SII's NroResol, e.g. 80:2014-08-22), not {shown(text)}",
            file=sys.stderr,
        )
        return None
    try:
        if not (numero.isascii() and numero.isdigit()):
            raise ValueError(numero)
        return int(numero), chile_date(fecha)  # YYYY-MM-DD, on every Python
    except ValueError:
        print(
            f"haulmer pdf: --resolucion must be NUMERO:YYYY-MM-DD (e.g. 80:2014-08-22), "
            f"not {shown(text)}",
            file=sys.stderr,
        )
        return None


def _resolucion_given(text: str) -> str:
    """``--resolucion``'s value, refused when empty (``"$RESOLUCION"`` unset), which printed the
    default N° 0 as if the option were not given; the rest is checked by ``_resolucion``."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "NUMERO:YYYY-MM-DD, such as 80:2014-08-22, not an empty value (a variable left unset?)"
        )
    return text


def _sii_office(text: str) -> str:
    """``--sii-office``: the name of an SII office, on one line; empty, it printed a bare
    "S.I.I.", and a line break lost what followed it."""
    from haulmer._support_commands import has_control_characters

    if not text.strip() or has_control_characters(text):
        raise argparse.ArgumentTypeError(
            "the SII office's name, on one line, such as SANTIAGO ORIENTE (left out, the "
            f"emisor's comuna), not {shown(text)}"
        )
    return text.strip()


def _logo(path: str) -> bytes | None:
    """The bytes of ``--logo FILE``; None after saying why it cannot be read."""
    from haulmer._files import read_limited
    from haulmer._support_commands import LARGEST_FILE

    try:
        return read_limited(path, LARGEST_FILE)
    except OSError as error:
        print(f"haulmer pdf: cannot read --logo {path}: {error.strerror or error}", file=sys.stderr)
    except ValueError:  # a NUL byte in the name
        print(f"haulmer pdf: no file can have the name {shown(path)} (--logo)", file=sys.stderr)
    return None


def _in_cli_terms(message: str, logo: str | None) -> str:
    """A message of ``render_pdfs`` about its ``logo=``, ``cedible=`` or ``notes=`` argument said
    of ``--logo FILE``, ``--cedible`` or ``--note``."""
    if message.endswith(": render it with cedible=False"):
        return message.removesuffix("render it with cedible=False") + "print it without --cedible"
    if message.startswith("notes must be printable text: note "):  # the Nth --note
        return "--note " + message.removeprefix("notes must be printable text: note ")
    if logo is None or not message.startswith("logo="):
        return message
    if message.startswith("logo= must be"):  # PIL could not open it as an image
        return f"--logo {logo} is not an image: give a PNG or JPEG file"
    return f"--logo {logo}{message.removeprefix('logo=')}"


def _standard_input() -> bytes | None:
    """Standard input to its end, bounded as files are; None after saying why it cannot be."""
    from haulmer._files import read_stream_limited
    from haulmer._support_commands import LARGEST_FILE

    try:
        if sys.stdin is None:  # started without one (pythonw, a closed descriptor)
            raise OSError(errno.EBADF, "there is no standard input")
        return read_stream_limited(sys.stdin.buffer, LARGEST_FILE, "-")
    except OSError as error:
        print(f"haulmer pdf: cannot read standard input: {error.strerror}", file=sys.stderr)
        return None


def _document_names(source: Path | bytes) -> list[str]:
    """``T33F12`` for each document of an envelope, in order (type and folio), each its own:
    a received file's folio, which nothing checked, gives only its letters and digits (never a
    path), and a name met before gets ``-2``, ``-3``... (a document sent twice)."""
    import re

    from haulmer.sii.printed.source import read_sources

    names: list[str] = []
    times: dict[str, int] = {}
    for doc, _ in read_sources(source):
        folio = re.sub("[^0-9A-Za-z]+", "_", doc.folio).strip("_")[:_FOLIO_IN_NAME] or "_"
        name = f"T{doc.dte_type}F{folio}"
        times[name] = times.get(name, 0) + 1
        names.append(name if times[name] == 1 else f"{name}-{times[name]}")
    return names


_FOLIO_IN_NAME = 20
"""The most characters of a folio a file's name takes: the SII's folios have 10 digits."""


def _add_pdf_command(commands: Any) -> None:
    pdf = commands.add_parser(
        "pdf",
        help="print a DTE: its PDF with the PDF417 timbre, on letter paper or an 80 mm roll",
        description="Render the printed representation of a stamped DTE, received or issued: "
        "a <DTE>, or every DTE of an EnvioDTE or EnvioBOLETA. Needs the 'pdf' extra: "
        "pip install 'haulmer[pdf]'. Exit status: 0 when the PDF was written, 1 when it could "
        "not be written, 2 when the input could not be printed or the command line is wrong.",
    )
    pdf.add_argument(
        "file", metavar="FILE.xml", help="the DTE's XML file ('-' for standard input, with -o)"
    )
    pdf.add_argument(
        "-o",
        "--output",
        type=_home_expanded,
        help="where to write the PDF ('-' for standard output; default: next to the XML, "
        "FILE.pdf, FILE-cedible.pdf, FILE-80mm.pdf), or a folder for it (an existing one, or "
        "a name ending in /); for an envelope of several documents, the folder (created if "
        "new) for FILE-T33F12.pdf and the others. A PDF already there is replaced; the XML "
        "being printed never is",
    )
    pdf.add_argument(
        "--paper",
        type=choice_word,
        choices=("letter", "80mm"),
        default="letter",
        help="letter paper (the default) or an 80 mm roll, as receipt printers use",
    )
    pdf.add_argument(
        "--cedible", action="store_true", help="the cedible copy (facturas and guías only)"
    )
    pdf.add_argument(
        "--logo",
        type=_home_expanded,
        metavar="FILE",
        help="a PNG or JPEG logo printed with the emisor",
    )
    pdf.add_argument(
        "--resolucion",
        type=_resolucion_given,
        metavar="NUMERO:YYYY-MM-DD",
        help="the SII resolution printed under the timbre, e.g. 80:2014-08-22 "
        "(default: the envelope's Caratula, else N° 0 of the issue date: a DTE does not carry it)",
    )
    pdf.add_argument(
        "--sii-office",
        type=_sii_office,
        metavar="UNIDAD",
        help="the SII office under the red box (default: the emisor's comuna)",
    )
    pdf.add_argument(
        "--note", action="append", help="a line printed under the document's lines (repeatable)"
    )
    pdf.set_defaults(handler=_pdf)


EXAMPLES: dict[str, tuple[str, ...]] = {
    "demo": (
        "haulmer demo                       # the story, told for a person",
        "haulmer demo --json --out /tmp/d   # a machine-readable log; files in /tmp/d",
    ),
    "verify": (
        "haulmer verify DTE.xml",
        "haulmer verify recibidos/*.xml --json > report.json",
        "haulmer verify --check-caf ENVIO.xml   # also the SII's signature of each CAF",
        "haulmer verify - < DTE.xml             # '-' reads standard input",
    ),
    "parse": (
        "haulmer parse DTE.xml",
        "haulmer parse --all ENVIO.xml > documentos.json",
    ),
    "rut": (
        "haulmer rut 76.430.498-5",
        "haulmer rut 76430498            # no check digit: did you mean 76430498-5?",
        "haulmer rut --json 76430498-5 12345678-5",
        "haulmer rut --json - < ruts.txt   # one RUT a line",
    ),
    "caf": (
        "haulmer caf FoliosSII76430498335.xml",
        "haulmer caf --json CAF.xml",
    ),
    "serve": (
        "haulmer serve                   # http://127.0.0.1:8080",
        "haulmer serve --port 0          # a free port, printed on the first line",
    ),
    "pdf": (
        "haulmer pdf DTE.xml                          # DTE.pdf next to it",
        "haulmer pdf DTE.xml --paper 80mm --cedible   # DTE-cedible-80mm.pdf",
        "haulmer pdf ENVIO.xml -o pdfs/               # pdfs/ENVIO-T33F12.pdf, one per DTE",
        "haulmer pdf DTE.xml -o - --resolucion 80:2014-08-22 > out.pdf",
    ),
    "emit-batch": (
        "haulmer emit-batch ventas.jsonl --journal emisiones.db > resultados.jsonl",
        "haulmer emit-batch ventas.jsonl --journal emisiones.db --environment sandbox",
    ),
    "journal": (
        "haulmer journal emisiones.db --state attempted   # sales whose outcome is unknown",
        "haulmer journal emisiones.db --issued venta-17 --token e4b1c09a --folio 4512",
        "haulmer journal emisiones.db --not-issued venta-18   # the next run sends it",
    ),
}
"""Command lines shown under each command's --help (a test parses every one)."""


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, except that the examples keep their lines."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m haulmer``."""
    parser = argparse.ArgumentParser(
        prog="haulmer",
        description="The haulmer SDK's command line: a demo against the embedded fake, tools "
        "for supporting an integration (verify, parse, rut, caf, serve), pdf, which prints "
        "a DTE, emit-batch, which issues a file of sales resumably, and journal, which reads its "
        "journal.",
    )
    from haulmer._version import __version__

    parser.add_argument("--version", action="version", version=f"haulmer {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="run a new customer's whole story against the embedded fake platform",
        description="Buy a plan, read the e-mails, set up the workspace and OpenFactura, wait "
        "for the SII certification on the fake clock, then issue a factura, a boleta and a nota "
        "de crédito, verify them and write their signed XML and PDF files. No network. Exit "
        "status: 0 when every step worked, 1 when one failed (the output says which).",
    )
    demo.add_argument(
        "--out",
        type=_home_expanded,
        default="haulmer-demo-output",
        help="folder for the signed XML and PDF files (default: ./haulmer-demo-output)",
    )
    demo.add_argument("--json", action="store_true", help="print a machine-readable log instead")
    demo.set_defaults(handler=_demo)
    _add_support_commands(commands)
    _add_pdf_command(commands)
    from haulmer._batch_command import add_emit_batch_command

    add_emit_batch_command(commands)
    from haulmer._journal_command import add_journal_command

    add_journal_command(commands)
    for name, command in commands.choices.items():
        command.formatter_class = _HelpFormatter
        command.epilog = "examples:\n" + "".join(f"  {line}\n" for line in EXAMPLES[name])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m haulmer``; returns the process exit code, also for
    ``--help``, ``--version`` and a wrong command line (0, 0 and 2), which argparse would end
    the process with."""
    try:
        with _standard_error_open():
            return _main(argv)
    except SystemExit as ended:
        return _exit_status(ended.code)


def _exit_status(code: object) -> int:
    """The status ``SystemExit(code)`` ends a process with: None is 0, a number itself, and
    anything else is printed on stderr and ends it with 1, as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except KeyboardInterrupt:  # as the parser's modules load, a twentieth of a second
        return _interrupted()
    handler = args.handler
    if sys.stdout is None:  # started with it closed (``>&-``): print() would drop every line
        print(
            f"haulmer {args.command}: standard output is closed, so nothing could be printed; "
            "redirect it to a file (> out.txt) or to /dev/null instead of closing it",
            file=sys.stderr,
        )
        return 1
    try:
        with _printable_stdout():
            return int(handler(args))
    except BrokenPipeError:
        # the reader went away (``python -m haulmer demo | head``): stop quietly, as Unix tools do
        _discard_stdout()
        return 1
    except KeyboardInterrupt:
        return _interrupted()
    except OSError as error:  # the output cannot be written (a full disk): one line, no traceback
        named = f" ({error.filename})" if error.filename else ""
        print(f"haulmer {args.command}: stopped: {error.strerror or error}{named}", file=sys.stderr)
        _discard_stdout()
        return 1


def _interrupted() -> int:
    """Ctrl+C: one line, not a traceback; 130 as shells report SIGINT."""
    print("\nhaulmer: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


@contextlib.contextmanager
def _standard_error_open() -> Iterator[None]:
    """A standard error on the null device while a command runs that was started with it closed
    (``2>&-``): print(file=None) wrote its messages into standard output, among the results a
    script reads, and a progress display met no stream at all."""
    if sys.stderr is not None:
        yield
        return
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        sys.stderr = devnull
        try:
            yield
        finally:
            sys.stderr = None  # as the command was started


@contextlib.contextmanager
def _printable_stdout() -> Iterator[None]:
    """Standard output that writes what its encoding cannot as backslash escapes, as stderr
    does, while a command runs: a file name that is not UTF-8 (Latin-1 bytes from an old
    Windows zip) reaches Python with surrogates, which a strict UTF-8 terminal refused."""
    stdout = sys.stdout
    if not isinstance(stdout, io.TextIOWrapper) or stdout.errors != "strict":
        yield
        return
    stdout.reconfigure(errors="backslashreplace")
    try:
        yield
        stdout.flush()  # here, where a failure to write is reported, not in the finally
    finally:
        with contextlib.suppress(OSError, ValueError):  # a broken pipe, a closed stream
            stdout.reconfigure(errors="strict")


def _discard_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush of what
    could not be written does not fail again on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's stand-in), closed
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
