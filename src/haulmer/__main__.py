"""``python -m haulmer``: the command line (see ``haulmer.cli``)."""

from haulmer.cli import main

raise SystemExit(main())
