"""One emitting process of the shared-limit test: its own sales, the shared Redis limiter.

    python -m tests.scale.emitter URL REDIS_URL FIRST COUNT YYYY-MM-DD

Prints one JSON line per sale: its id, status and the error's class (if any).
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from haulmer import Haulmer
from haulmer.ratelimit import RedisRateLimiter
from haulmer.testing import SANDBOX_API_KEY

from .sales import sales


def main(argv: list[str]) -> int:
    url, redis_url, first, count, day = argv
    batch = sales(int(count), dt.date.fromisoformat(day), start=int(first))
    limiter = RedisRateLimiter(redis_url)
    with Haulmer(SANDBOX_API_KEY, base_urls={"openfactura": url}, rate_limit=limiter) as client:
        for result in client.openfactura.documents.emit_many(batch, concurrency=4):
            error = type(result.error).__name__ if result.error else None
            print(json.dumps({"id": result.sale_id, "status": result.status, "error": error}))
    limiter.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
