"""``python -m haulmer.testing serve --port 8080``: the fake Haulmer over HTTP on loopback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the server until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m haulmer.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="serve a fresh fake Haulmer over HTTP")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    serve_cmd.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    args = parser.parse_args(argv)

    from haulmer.testing._fake import SANDBOX_API_KEY, FakeHaulmer
    from haulmer.testing._server import FakeServer

    fake = FakeHaulmer()
    fake.clock.follow_real_time()  # clients really wait: the rate limit and statuses see it
    server = FakeServer(fake, args.host, args.port)
    print(f"Fake Haulmer listening on {server.url}", flush=True)
    print(f"  OpenFactura: {server.url}/v2/dte/...  (header apikey: {SANDBOX_API_KEY})", flush=True)
    print(f"  Platform:    {server.url}/v1/openapi.json", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
