"""``typing.get_type_hints`` resolves the public signatures of ``haulmer.testing`` and
``haulmer.pagination``, for tools that read them at run time."""

from __future__ import annotations

import inspect
import typing

import pytest

import haulmer.pagination
import haulmer.testing

CLIENT_MAKERS = {"FakeHaulmer.client", "FakeHaulmer.async_client"}
"""They name ``Haulmer`` and ``AsyncHaulmer``, which bring httpx: importing the fake (for
``serve`` to a non-Python client) does not load them, so their hints resolve with those two
names given (``get_type_hints(..., globalns=...)``)."""


def _signatures(module: typing.Any) -> list[tuple[str, typing.Any]]:
    found = []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj):
            found.append((name, obj))
        elif inspect.isclass(obj):
            found += [
                (f"{name}.{attr}", f)
                for attr, f in vars(obj).items()
                if inspect.isfunction(f) and (attr == "__init__" or not attr.startswith("_"))
            ]
    return found


@pytest.mark.parametrize(
    ("name", "function"),
    _signatures(haulmer.testing) + _signatures(haulmer.pagination),
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_public_signatures_of_the_fake_and_the_pages_resolve(name: str, function: object) -> None:
    if name in CLIENT_MAKERS:
        import haulmer.testing._fake as fake_module
        from haulmer import AsyncHaulmer, Haulmer

        namespace = {**vars(fake_module), "Haulmer": Haulmer, "AsyncHaulmer": AsyncHaulmer}
        typing.get_type_hints(function, globalns=namespace)
    else:
        typing.get_type_hints(function)


@pytest.mark.parametrize(
    ("options", "client_name"),
    [("ClientOptions", "Haulmer"), ("AsyncClientOptions", "AsyncHaulmer")],
)
def test_the_fake_clients_options_are_the_clients_keywords(options: str, client_name: str) -> None:
    """``FakeHaulmer.client(**options)`` names every keyword of the client, with its type: an
    option added to ``Haulmer`` is one a test can pass to the fake's client."""
    import haulmer

    client_hints = typing.get_type_hints(getattr(haulmer, client_name).__init__)
    client_hints.pop("return")
    assert typing.get_type_hints(getattr(haulmer.testing, options)) == client_hints
