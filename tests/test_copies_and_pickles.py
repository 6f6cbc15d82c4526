"""What copies and what does not: a client copies as ``with_options()`` (sharing its pool), its
fake clock copies with a lock of its own; a client, a fake and an in-process rate limiter refuse
pickling (and the fake and the limiter copying) with a ``TypeError`` that says what to do instead,
never ``cannot pickle '_thread.lock' object``."""

from __future__ import annotations

import asyncio
import copy
import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from haulmer import AsyncHaulmer, ClientClosedError, Haulmer
from haulmer.ratelimit import InProcessRateLimiter
from haulmer.testing import SANDBOX_API_KEY, FakeClock, FakeHaulmer

COPIES: list[Callable[[Any], Any]] = [copy.copy, copy.deepcopy]


@pytest.mark.parametrize("copied", COPIES, ids=["copy", "deepcopy"])
def test_a_copied_client_is_one_with_the_same_settings_sharing_the_pool(
    copied: Callable[[Any], Any],
) -> None:
    fake = FakeHaulmer()
    client = fake.client(rate_limit=True, max_retries=4)
    twin = copied(client)
    assert type(twin) is Haulmer
    assert twin is not client
    assert repr(twin) == repr(client)
    assert twin.rate_limiter is client.rate_limiter
    assert str(twin.openfactura.organization.retrieve().rut) == "76795561-8"
    twin.close()  # a copy's close leaves the original's pool open
    assert twin.is_closed
    assert not client.is_closed
    assert str(client.openfactura.organization.retrieve().rut) == "76795561-8"
    client.close()
    assert copied(client).is_closed


def test_a_deep_copied_async_client_shares_the_pool_and_calls() -> None:
    fake = FakeHaulmer()
    client = fake.async_client()
    settings = copy.deepcopy({"client": client, "retries": [1]})  # a framework's settings

    async def call() -> str:
        return str((await settings["client"].openfactura.organization.retrieve()).rut)

    assert isinstance(settings["client"], AsyncHaulmer)
    assert settings["client"] is not client
    assert asyncio.run(call()) == "76795561-8"


class _ErpClient(Haulmer):
    """A client an ERP extends with a setting of its own, given to its own ``__init__``."""

    def __init__(self, tenant: str, **settings: Any) -> None:
        super().__init__(**settings)
        self.tenant = tenant


class _AsyncErpClient(AsyncHaulmer):
    """The asyncio twin of ``_ErpClient``."""

    def __init__(self, tenant: str, **settings: Any) -> None:
        super().__init__(**settings)
        self.tenant = tenant


_ON_THE_FAKE = {"openfactura": "http://haulmer.fake", "platform": "http://haulmer.fake"}


@pytest.mark.parametrize(
    "copied",
    [lambda c: c.with_options(max_retries=0), copy.copy, copy.deepcopy],
    ids=["with_options", "copy", "deepcopy"],
)
def test_a_copy_of_a_subclassed_client_keeps_its_own_attributes_and_calls_as_itself(
    copied: Callable[[Any], Any],
) -> None:
    fake = FakeHaulmer()
    client = _ErpClient(
        "acme",
        api_key=SANDBOX_API_KEY,
        base_urls=_ON_THE_FAKE,
        http_client=httpx.Client(transport=fake.transport),
    )
    organization = client.openfactura.organization  # made, and cached, on the original
    twin = copied(client)
    assert type(twin) is _ErpClient
    assert twin.tenant == "acme"
    assert twin.openfactura.organization is not organization
    assert twin.openfactura.organization._client is twin
    twin.close()
    with pytest.raises(ClientClosedError):  # the copy's resources call through the copy
        twin.openfactura.organization.retrieve()
    assert str(organization.retrieve().rut) == "76795561-8"


def test_a_copy_of_a_subclassed_async_client_keeps_its_own_attributes() -> None:
    fake = FakeHaulmer()
    client = _AsyncErpClient(
        "acme",
        api_key=SANDBOX_API_KEY,
        base_urls=_ON_THE_FAKE,
        http_client=httpx.AsyncClient(transport=fake.transport),
    )
    checkout = client.checkout
    twin = client.with_options(timeout=5)

    async def call() -> str:
        return str((await twin.openfactura.organization.retrieve()).rut)

    assert type(twin) is _AsyncErpClient
    assert twin.tenant == "acme"
    assert twin.checkout is not checkout
    assert asyncio.run(call()) == "76795561-8"


@pytest.mark.parametrize("make", [lambda: Haulmer("k"), lambda: AsyncHaulmer("k")])
def test_a_client_refuses_pickling_saying_to_make_one_where_it_is_used(
    make: Callable[[], Any],
) -> None:
    client = make()
    with pytest.raises(TypeError, match=r"cannot be pickled: its connection pool") as refused:
        pickle.dumps(client)
    assert f"Make a {type(client).__name__}(...) where it is used" in str(refused.value)
    assert "_thread.lock" not in str(refused.value)


@pytest.mark.parametrize("way", [pickle.dumps, copy.copy, copy.deepcopy])
def test_a_fake_refuses_copies_saying_to_share_it_or_serve_it(way: Callable[[Any], Any]) -> None:
    with pytest.raises(TypeError, match="a FakeHaulmer cannot be copied or pickled") as refused:
        way(FakeHaulmer())
    assert "Share the fake itself" in str(refused.value)
    assert "haulmer.testing.serve(fake)" in str(refused.value)


@pytest.mark.parametrize("way", [pickle.dumps, copy.copy, copy.deepcopy])
def test_an_in_process_limiter_refuses_copies_naming_the_shared_one(
    way: Callable[[Any], Any],
) -> None:
    with pytest.raises(TypeError, match="InProcessRateLimiter cannot be copied") as refused:
        way(InProcessRateLimiter())
    assert "rate_limit='redis://...'" in str(refused.value)


@pytest.mark.parametrize(
    "copied", [*COPIES, lambda c: pickle.loads(pickle.dumps(c))], ids=["copy", "deepcopy", "pickle"]
)
def test_a_fake_clock_copies_at_its_time_and_then_moves_apart(
    copied: Callable[[Any], Any],
) -> None:
    clock = FakeClock()
    twin = copied(clock)
    assert twin.now() == clock.now()
    twin.advance(days=1)
    assert (twin.now() - clock.now()).days == 1


def test_a_copy_of_a_closed_client_refuses_calls_whoever_owns_the_pool() -> None:
    fake = FakeHaulmer()  # its clients send through a pool of the fake's transport
    client = fake.client()
    client.close()
    for twin in (client.with_options(max_retries=0), copy.copy(client)):
        assert twin.is_closed
        with pytest.raises(ClientClosedError):
            twin.openfactura.organization.retrieve()
    assert len(fake.requests) == 0


@pytest.mark.parametrize(
    "copied", [*COPIES, lambda c: pickle.loads(pickle.dumps(c))], ids=["copy", "deepcopy", "pickle"]
)
def test_a_redis_limiter_made_from_a_url_copies_as_one_sharing_its_windows(
    copied: Callable[[Any], Any],
) -> None:
    # pickled for a worker process, it was "cannot pickle '_thread.lock' object"
    from haulmer.ratelimit import RedisRateLimiter

    limiter = RedisRateLimiter("redis://:s3cret@127.0.0.1:6379/2", limits=[(2, 1.0)], prefix="p")
    twin = copied(limiter)
    assert type(twin) is RedisRateLimiter
    assert twin is not limiter
    assert repr(twin) == repr(limiter)
    assert twin._keys("b") == limiter._keys("b")  # the same windows, in the same Redis
    assert (twin._url, twin._margin, twin._timeout) == (limiter._url, limiter._margin, 5.0)


def test_a_redis_limiter_given_its_clients_refuses_pickling_saying_to_give_a_url() -> None:
    import redis

    from haulmer.ratelimit import RedisRateLimiter

    given = redis.Redis(host="127.0.0.1", port=1)
    limiter = RedisRateLimiter(client=given)
    with pytest.raises(TypeError, match="cannot be pickled") as refused:
        pickle.dumps(limiter)
    assert "_thread.lock" not in str(refused.value)
    assert "RedisRateLimiter('redis://...')" in str(refused.value)
    for copied in COPIES:  # a copy in this process uses the same client
        assert copied(limiter)._client is given
    given.close()


@pytest.mark.parametrize(
    ("package", "name"),
    [
        ("haulmer.catalogue", "Product"),
        ("haulmer.checkout", "Order"),
        ("haulmer.openfactura.certification", "CertificationStatus"),
    ],
)
def test_a_model_pickled_under_its_package_path_loads_as_the_business_model(
    package: str, name: str
) -> None:
    # Pickles written before the products became packages name the public path
    # (haulmer.catalogue.Product); the package re-exports the class, so they still load.
    module = __import__(package, fromlist=[name])
    model = getattr(module, name)
    written = pickle.dumps(model.model_construct(), protocol=2)
    assert f"{model.__module__}\n{name}\n".encode() in written
    before_the_move = written.replace(f"{model.__module__}\n".encode(), f"{package}\n".encode())
    assert type(pickle.loads(before_the_move)) is model
