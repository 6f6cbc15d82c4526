"""The ``haulmer`` command line: ``python -m haulmer demo`` and friends."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def _demo(args: argparse.Namespace) -> int:
    """Run a new customer's whole story against the embedded fake platform."""
    from haulmer._demo import run

    return run(Path(args.out), as_json=args.json)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m haulmer``."""
    parser = argparse.ArgumentParser(
        prog="haulmer",
        description="The haulmer SDK's command line. The fake platform's HTTP server is "
        "'python -m haulmer.testing serve'.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="run a new customer's whole story against the embedded fake platform",
        description="Buy a plan, read the e-mails, set up the workspace and OpenFactura, wait "
        "for the SII certification on the fake clock, then issue a factura, a boleta and a nota "
        "de crédito, verify them and write their signed XML and PDF files. No network.",
    )
    demo.add_argument(
        "--out",
        default="haulmer-demo-output",
        help="folder for the signed XML and PDF files (default: ./haulmer-demo-output)",
    )
    demo.add_argument("--json", action="store_true", help="print a machine-readable log instead")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m haulmer``; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    try:
        return int(handler(args))
    except BrokenPipeError:
        # the reader went away (``python -m haulmer demo | head``): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
