"""The ``haulmer`` command line: ``python -m haulmer demo`` and friends."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _demo(args: argparse.Namespace) -> int:
    """Show the local domain layer catching mistakes on sample data."""
    from haulmer.dte import DTEType
    from haulmer.errors import InvalidRutError
    from haulmer.rut import Rut

    print("haulmer demo: the local checks that run before any network call\n")
    for text in ["76.795.561-8", "767955618", "76795561-9", "76.79.5561-8"]:
        try:
            rut = Rut(text)
        except InvalidRutError as exc:
            print(f"  RUT {text!r:>16}: refused: {exc}")
        else:
            print(f"  RUT {text!r:>16}: ok, canonical {rut}, formatted {rut.format(dots=True)}")
    print("\nDocument types:")
    for dte_type in DTEType:
        print(f"  {dte_type.value:>3} {dte_type.label} (envelope {dte_type.envelope})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="haulmer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the demo against the embedded fake platform")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m haulmer``; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    return int(handler(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
