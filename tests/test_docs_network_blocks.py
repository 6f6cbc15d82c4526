"""The ```py blocks of README.md and the documentation pages (the samples that talk to Haulmer's
real service, which tests/test_readme.py and tests/test_docs.py leave out) run as written against
the fake: ``haulmer.Haulmer`` and ``haulmer.AsyncHaulmer`` are served by a ``FakeHaulmer`` while
each block runs, after the page's earlier blocks, so every name, argument and attribute a sample
uses exists. The Celery recipe of docs/scale.md is held by tests/scale/test_scale_docs.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

import haulmer
from haulmer.testing import FakeHaulmer

ROOT = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(r"^```(python|py)\n(.*?)^```", re.M | re.S)
_ON_THE_FAKE = "http://fake.invalid"
_PAGES = sorted(
    str(path.relative_to(ROOT))
    for path in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    if "\n```py\n" in path.read_text(encoding="utf-8")
)


def _blocks(page: str) -> list[tuple[str, str]]:
    """Every ```python and ```py block of ``page``, in order, but the Celery recipe (it needs a
    broker and is run by tests/scale/)."""
    text = (ROOT / page).read_text(encoding="utf-8")
    return [(kind, code) for kind, code in _BLOCK.findall(text) if "Celery(" not in code]


@contextmanager
def _clients_on(fake: FakeHaulmer) -> Iterator[None]:
    """``haulmer.Haulmer`` and ``haulmer.AsyncHaulmer`` served by ``fake``, whatever environment,
    key or shared rate limiter a sample names (the public sandbox key when it names none)."""
    sync_client, async_client = haulmer.Haulmer, haulmer.AsyncHaulmer

    def served(kwargs: dict[str, Any]) -> dict[str, Any]:
        for name in ("environment", "base_urls", "rate_limit"):
            kwargs.pop(name, None)
        if kwargs.get("api_key") in (None, "..."):
            kwargs["api_key"] = haulmer.SANDBOX_API_KEY
        kwargs["base_urls"] = {"openfactura": _ON_THE_FAKE, "platform": _ON_THE_FAKE}
        return kwargs

    def on_fake(**kwargs: Any) -> haulmer.Haulmer:
        transport = httpx.Client(transport=fake.transport)
        return sync_client(**served(kwargs), http_client=transport, sleep=fake.clock.sleep)

    def async_on_fake(**kwargs: Any) -> haulmer.AsyncHaulmer:
        transport = httpx.AsyncClient(transport=fake.transport)
        return async_client(**served(kwargs), http_client=transport, sleep=fake.clock.asleep)

    haulmer.Haulmer, haulmer.AsyncHaulmer = on_fake, async_on_fake  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        haulmer.Haulmer, haulmer.AsyncHaulmer = sync_client, async_client  # type: ignore[misc]


def test_the_pages_with_network_samples_are_found() -> None:
    assert {"README.md", "docs/quickstart.md", "docs/openfactura.md", "docs/clients.md"} <= set(
        _PAGES
    )


def _run_page(page: str, fake: FakeHaulmer) -> int:
    """Run ``page``'s blocks in order, its ```py ones served by ``fake``; how many those were."""
    namespace: dict[str, object] = {"__name__": "docs_network_blocks"}
    ran = 0
    for index, (kind, code) in enumerate(_blocks(page), start=1):
        compiled = compile(code, f"{ROOT / page}#block{index}", "exec")
        if kind == "py":
            with _clients_on(fake):
                exec(compiled, namespace)
            ran += 1
        else:
            exec(compiled, namespace)
    return ran


@pytest.mark.parametrize("page", _PAGES)
def test_network_samples_run_against_the_fake(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    monkeypatch.delenv("HAULMER_LOG", raising=False)
    assert _run_page(page, FakeHaulmer()), f"{page} has no ```py block left to run"


@pytest.mark.parametrize("page", _PAGES)
def test_network_samples_run_again_for_a_second_reader_of_the_public_sandbox(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The public sandbox key is every reader's: a second reader who runs a page's samples on
    the same sandbox the same day issues documents of their own. The README's and the
    OpenFactura page's samples emitted a fixed factura under the key derived from its content,
    so every reader after the first met AlreadyIssuedError naming another's document."""
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    monkeypatch.delenv("HAULMER_LOG", raising=False)
    sandbox = FakeHaulmer()
    for reader in ("first", "second"):
        (tmp_path / reader).mkdir()
        monkeypatch.chdir(tmp_path / reader)
        _run_page(page, sandbox)
