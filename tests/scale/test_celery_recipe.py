"""The Celery recipe with a real worker process and a Redis broker, against the fake's server:
sales survive injected 503s and dropped connections and end as one document each.

The quick case (12 sales) runs in the default suite; 100 sales (over a minute of Haulmer's
limit, shared by the worker's threads through Redis) with ``HAULMER_LONG_TESTS=1``, which
``.ci/run`` runs once.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer, serve

from .sales import sales
from .servers import ROOT, redis_server

RECIPE = ROOT / "examples" / "celery_emission"
"""The Celery recipe's folder (``emission_tasks.py``), as an integrator would run it."""


@pytest.fixture(scope="module")
def redis_for_celery() -> Iterator[str]:
    """A redis-server of this module's own (broker, results and limiter in three databases)."""
    with redis_server() as url:
        yield url.rsplit("/", 1)[0]


COUNT = 100 if os.environ.get("HAULMER_LONG_TESTS") == "1" else 12


def test_celery_tasks_issue_each_sale_once_through_faults(
    redis_for_celery: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = COUNT
    fake = FakeHaulmer(request_log_size=None)  # Haulmer's rate limit on, as always
    env = {
        **os.environ,
        "PYTHONPATH": f"{RECIPE}{os.pathsep}{ROOT}",
        "HAULMER_API_KEY": SANDBOX_API_KEY,
        "HAULMER_RATE_LIMIT_URL": f"{redis_for_celery}/0",
        "CELERY_BROKER_URL": f"{redis_for_celery}/1",
        "CELERY_RESULT_BACKEND": f"{redis_for_celery}/2",
    }
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.syspath_prepend(str(RECIPE))
    sys.modules.pop("emission_tasks", None)
    recipe = importlib.import_module("emission_tasks")
    recipe.app.control.purge()
    batch = sales(count, fake.clock.today())
    route = "openfactura.documents.emit"
    fake.control.fail_next(route, status=503, times=count // 10 + 3)  # past the SDK's retries
    for _ in range(count // 10):
        fake.control.drop_connection(route, when="after")  # issued, the answer lost
    fake.control.drop_connection(route, when="before")
    with serve(fake, port=0) as url:
        env["OPENFACTURA_URL"] = url
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "emission_tasks", "worker",
             "--pool", "threads", "--concurrency", "4", "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=RECIPE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            pending = [recipe.emit_sale.delay(sale["id"], sale["document"]) for sale in batch]
            results = [job.get(timeout=300) for job in pending]
        finally:
            worker.terminate()
            _, errors = worker.communicate(timeout=60)
    assert [r["sale_id"] for r in results] == [sale["id"] for sale in batch]
    documents = fake.openfactura_state.documents
    assert len(documents) == count
    assert {r["token"] for r in results} == {d.token for d in documents}
    outcomes = [r.outcome for r in fake.requests.for_route(route)]
    assert outcomes.count("failed") == count // 10 + 3  # every fault fired
    assert outcomes.count("dropped_after") == count // 10
    assert any(r["already_issued"] for r in results)  # a lost answer came back as OF-06
    assert SANDBOX_API_KEY not in errors
