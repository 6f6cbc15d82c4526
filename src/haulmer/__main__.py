"""``python -m haulmer``: the command line (see ``haulmer.cli``)."""

import sys

try:
    from haulmer.cli import main
except KeyboardInterrupt:  # Ctrl+C as the command line loads: one line, as main() says it
    print("\nhaulmer: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
