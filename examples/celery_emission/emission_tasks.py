"""Emission on a Celery queue: one task per sale, keyed by the sale's id.

Celery may run a task twice (a retry, a worker lost with the task unacknowledged): the sale's
id is its idempotency key, so OpenFactura issues it once and a repeat returns that document.
Every worker shares one rate limit through Redis (HAULMER_RATE_LIMIT_URL).

    HAULMER_API_KEY=... HAULMER_RATE_LIMIT_URL=redis://localhost:6379/0 \\
    CELERY_BROKER_URL=redis://localhost:6379/1 celery -A emission_tasks worker
"""

from __future__ import annotations

import os
import threading
from typing import Any

from celery import Celery

import haulmer

app = Celery(
    "emission",
    broker=os.environ["CELERY_BROKER_URL"],
    backend=os.environ.get("CELERY_RESULT_BACKEND"),
)
app.conf.task_acks_late = True  # a task whose worker dies goes back to the queue
app.conf.task_reject_on_worker_lost = True
app.conf.worker_prefetch_multiplier = 1

_client: haulmer.Haulmer | None = None
_client_lock = threading.Lock()


def haulmer_client() -> haulmer.Haulmer:
    """One client per worker process: HAULMER_API_KEY, and the limiter HAULMER_RATE_LIMIT_URL
    names, shared with every other worker."""
    global _client
    with _client_lock:
        if _client is None:
            url = os.environ.get("OPENFACTURA_URL")  # unset: Haulmer's production API
            _client = haulmer.Haulmer(base_urls={"openfactura": url} if url else None)
        return _client


TRANSIENT = (
    haulmer.APIConnectionError,  # timeouts and broken connections, after the SDK's own retries
    haulmer.ServerError,
    haulmer.RateLimitError,
    haulmer.RateLimiterUnavailableError,
)


@app.task(  # type: ignore[untyped-decorator]  # celery ships no types
    autoretry_for=TRANSIENT,
    retry_backoff=1,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def emit_sale(sale_id: str, document: dict[str, Any]) -> dict[str, Any]:
    """Issue one sale under its id; safe to run again (the same id returns the same document)."""
    issued = haulmer_client().openfactura.documents.emit(document, idempotency_key=sale_id)
    return {
        "sale_id": sale_id,
        "token": issued.token,
        "folio": issued.folio,
        "already_issued": issued.already_issued,
    }
