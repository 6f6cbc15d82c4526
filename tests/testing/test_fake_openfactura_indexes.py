"""The fake's state is indexed: a page builds its 30 rows only, lookups do not scan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from fake_bodies import HAULMER_KEY, HOSTY_KEY, START

from haulmer.testing import FakeHaulmer
from haulmer.testing.openfactura import IssuedDocument, OpenFacturaState
from haulmer.testing.openfactura._queries import Queries


def _fill(fake: FakeHaulmer, count: int, *, issuer: str = "76795561-8") -> None:
    at = fake.clock.now()
    for number in range(1, count + 1):
        fake.openfactura_state.add_document(
            IssuedDocument(
                token=f"{issuer[:2]}{number:062x}",
                issuer_rut=issuer,
                dte_type=33 if number % 2 else 34,
                folio=number,
                fch_emis=(START.date() - dt.timedelta(days=number % 40)).isoformat(),
                receptor_rut="76430498-5" if issuer != "76430498-5" else "76795561-8",
                receptor_razon_social="HOSTY SPA",
                totals={"MntExe": 0, "MntNeto": 100, "IVA": 19, "MntTotal": 119, "OtrosImp": 0},
                fma_pago=1,
                tpo_tran_compra=1,
                dte={},
                xml=b"",
                ted=b"",
                pdf_format="LETTER",
                issued_at=at,
                decided_at=at,
            )
        )


def test_a_page_of_the_issued_list_builds_only_its_rows(
    fake: FakeHaulmer, wire: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(fake, 3000)
    built: list[int] = []
    original = Queries._issued_row

    def counting(self: Queries, doc: IssuedDocument) -> dict[str, Any]:
        built.append(doc.folio)
        return original(self, doc)

    monkeypatch.setattr(Queries, "_issued_row", counting)
    page = wire.post("/v2/dte/document/issued", json={"Page": 2}).json()
    assert [row["Folio"] for row in page["data"]] == list(range(2970, 2940, -1))
    assert (page["total"], page["last_page"]) == (3000, 100)
    assert len(built) == 30
    built.clear()
    filtered = wire.post("/v2/dte/document/issued", json={"Page": 3, "TipoDTE": {"eq": 34}})
    assert [row["Folio"] for row in filtered.json()["data"]][:2] == [2880, 2878]
    assert len(built) == 30


def test_lookups_by_token_and_folio_keep_to_the_tenants_documents(
    fake: FakeHaulmer, wire: httpx.Client, hosty: httpx.Client
) -> None:
    _fill(fake, 50)
    _fill(fake, 5, issuer="76430498-5")
    token = fake.openfactura_state.documents[9].token
    assert wire.get(f"/v2/dte/document/{token}/status").status_code == 200
    # HOSTY received it but the token route serves issued documents only.
    assert hosty.get(f"/v2/dte/document/{token}/status").json()["error"]["code"] == "OF-22"
    # By folio, the receptor finds it too; a third party does not.
    assert hosty.get("/v2/dte/document/76795561-8/33/1/status").status_code == 200
    assert wire.get("/v2/dte/document/76430498-5/34/2/status").status_code == 200
    fake.add_openfactura_tenant("k" * 32, rut="76086428-5", razon_social="OTRA SPA")
    with httpx.Client(
        transport=fake.transport, base_url="http://fake", headers={"apikey": "k" * 32}
    ) as stranger:
        answer = stranger.get("/v2/dte/document/76795561-8/33/1/status").json()
    assert answer["error"]["code"] == "OF-22"


def test_issued_between_uses_the_days_and_agrees_with_a_scan(fake: FakeHaulmer) -> None:
    _fill(fake, 400)
    state: OpenFacturaState = fake.openfactura_state
    tenant = state.tenant_for_key(HAULMER_KEY)
    assert tenant is not None
    for start, end in [
        (START.date() - dt.timedelta(days=10), START.date()),
        (START.date().replace(day=1), START.date()),
        (dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    ]:
        scan = [
            d for d in state.issued_by(tenant) if start.isoformat() <= d.fch_emis <= end.isoformat()
        ]
        assert sorted(d.folio for d in state.issued_between(tenant, start, end)) == sorted(
            d.folio for d in scan
        )


def test_the_received_list_is_indexed_by_receptor(fake: FakeHaulmer, hosty: httpx.Client) -> None:
    _fill(fake, 40)
    page = hosty.post("/v2/dte/document/received", json={}).json()
    assert page["total"] == 40
    assert page["data"][0]["Folio"] == 40
    assert (
        fake.openfactura_state.received_by(
            fake.openfactura_state.tenant_for_key(HOSTY_KEY)  # type: ignore[arg-type]
        )[0].folio
        == 1
    )
