"""The OpenFactura guides, claim by claim: docs/guides/issuing.md (refusal codes, CodRef, default
receptors, custom's keys), downloading.md (page size, response parts, filter operators, cedible),
idempotency.md (the platform calls that take a key, the 24 hours), received.md (acuse codes,
filters, the eight days, an acuse the SII refused) and registries.md (purchase states, what
sync_rcv retries) are what the SDK and the fake do.
"""

from __future__ import annotations

import inspect
import re
from datetime import timedelta
from pathlib import Path

import pytest

import haulmer
import haulmer.dte as dte
import haulmer.errors
import haulmer.openfactura
from haulmer import AsyncHaulmer
from haulmer.openfactura import AcuseCode, PurchaseStatus, ResponseOption, emission
from haulmer.openfactura.documents import business as documents_module
from haulmer.openfactura.models import AccuseResult
from haulmer.testing import FakeHaulmer
from haulmer.testing.openfactura import _lists, _queries, _state
from haulmer.testing.platform import _idempotency

GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guides"
EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "actecos": [620200],
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
HOSTY = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Informática",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


def _page(name: str) -> str:
    return " ".join((GUIDES / name).read_text("utf-8").split())


def test_issuing_names_the_class_each_openfactura_refusal_code_raises() -> None:
    page = _page("issuing.md")
    rejected = re.search(r"`DocumentRejectedError` \(OF-([\d/]+),", page)
    assert rejected is not None
    for number in rejected.group(1).split("/"):
        error = haulmer.errors.error_class_for(400, f"OF-{number}")
        assert error is haulmer.errors.DocumentRejectedError, number
    assert "`FolioError` (OF-07" in page
    assert "`AlreadyIssuedError` (OF-06)" in page
    assert haulmer.errors.error_class_for(400, "OF-07") is haulmer.errors.FolioError
    assert haulmer.errors.error_class_for(400, "OF-06") is haulmer.errors.AlreadyIssuedError


def test_issuing_custom_takes_the_two_notes_and_the_sales_origin_and_nothing_else() -> None:
    assert "`custom=` (notes printed on the PDF, and the sale's `origin`)" in _page("issuing.md")
    reference = " ".join((GUIDES.parent / "openfactura.md").read_text("utf-8").split())
    assert "`custom=` takes `information_note` and `payment_note`" in reference
    assert "and `origin`, the sale's origin" in reference
    assert "Anything else in either is refused before sending." in reference
    assert set(emission.Custom.model_fields) == {"information_note", "payment_note", "origin"}
    with pytest.raises(ValueError, match="orign"):
        emission.Custom.model_validate({"orign": "WOOCOMMERCE"})


def test_a_credit_note_to_another_receptor_rut_is_refused_before_it_is_sent() -> None:
    reference = " ".join((GUIDES.parent / "openfactura.md").read_text("utf-8").split())
    assert "but for the receptor's RUT: a nota to another RUT than the document's is refused" in (
        reference
    )
    fake = FakeHaulmer()
    documents = fake.client().openfactura.documents
    factura = dte.factura(
        emisor=EMISOR,
        receptor=HOSTY,
        lines=[{"nombre": "Hosting", "cantidad": 1, "precio": 1000}],
        fecha=fake.clock.today(),
    )
    emitted = documents.emit(factura)
    with pytest.raises(haulmer.DocumentError, match="refuses a nota to another receptor"):
        documents.credit_note(emitted, reason="Anula", receptor={"rut": "12345678-5"})
    assert [request.route for request in fake.requests].count("openfactura.documents.emit") == 1


def test_issuing_codref_numbers_and_default_receptors_are_the_builders() -> None:
    page = _page("issuing.md")
    assert "1 annuls, 2 corrects text, 3 corrects amounts" in page
    assert [(code.name, code.value) for code in dte.CodRef] == [
        ("ANULA", 1),
        ("CORRIGE_TEXTO", 2),
        ("CORRIGE_MONTOS", 3),
    ]
    assert "RUT 66666666-6" in page
    assert "55555555-5 (set for you)" in page
    boleta = dte.boleta(emisor=EMISOR, lines=[{"nombre": "Pan", "cantidad": 1, "precio": 150}])
    assert str(boleta.receptor.rut) == "66666666-6"
    assert "`ind_traslado` says why" in page
    assert "is required" in page
    assert inspect.signature(dte.guia_despacho).parameters["ind_traslado"].default is (
        inspect.Parameter.empty
    )


def test_downloading_pages_of_30_newest_first_and_the_parts_emit_can_return() -> None:
    page = _page("downloading.md")
    assert "return pages of 30, newest first" in page
    assert documents_module.PAGE_SIZE == _lists.PAGE_SIZE == 30
    named = re.findall(r'"([A-Z]+)"', page.split("Ask for the parts at emission")[1][:400])
    assert set(named) <= {option.value for option in ResponseOption}
    assert {"FOLIO", "XML", "PDF", "TIMBRE", "LOGO", "RESOLUCION"} <= set(named)


def test_downloading_filter_operators_are_the_ones_haulmer_openfactura_exports() -> None:
    page = _page("downloading.md")
    sentence = page.split("Filters: a plain value means equal;")[1].split("combined with")[0]
    operators = re.findall(r"`(\w+)`", sentence)
    assert operators == ["eq", "ne", "lt", "lte", "gt", "gte", "between"]
    assert all(callable(getattr(haulmer.openfactura, name)) for name in operators)


def test_downloading_a_boletas_cedible_is_refused_before_sending_by_type_and_folio() -> None:
    assert "`cedible()` refuses it with `ValidationError` before sending" in _page("downloading.md")
    fake = FakeHaulmer()
    documents = fake.client().openfactura.documents
    boleta = dte.boleta(emisor=EMISOR, lines=[{"nombre": "Pan", "cantidad": 1, "precio": 150}])
    folio = documents.emit(boleta, idempotency_key="sale-1").require_folio()
    sent = len(fake.requests)
    with pytest.raises(haulmer.ValidationError, match="no cedible"):
        documents.cedible(rut=EMISOR["rut"], dte_type=39, folio=folio)
    assert len(fake.requests) == sent


def test_idempotency_keys_live_24_hours_on_both_faces_of_the_fake() -> None:
    page = _page("idempotency.md")
    assert "remembers the keys it saw in the last 24 hours" in page
    assert "A key lives 24 hours" in page
    assert timedelta(hours=24) == _state.IDEMPOTENCY_WINDOW == _idempotency.IDEMPOTENCY_WINDOW


def test_idempotency_lists_every_platform_call_that_takes_a_key() -> None:
    """The page's list of the platform's creating calls, word by word, against the methods of
    AsyncHaulmer (the source face) that take ``idempotency_key=``."""
    named_by_page = {
        "orders": {"checkout.create_order"},
        "passwords": {"accounts.create_password"},
        "workspaces": {"workspace.activate"},
        "organizations": {"workspace.add_organization"},
        "the setup and its certificate": {
            "openfactura.setup.start",
            "openfactura.setup.choose_organization",
            "openfactura.setup.upload_certificate",
        },
        "the API key": {"openfactura.certification.create_api_key"},
        "products": {"catalogue.create_product"},
        "a point's sales": {"point.sell"},
        "support tickets and their replies": {"myhaulmer.open_ticket", "myhaulmer.reply_ticket"},
    }
    page = _page("idempotency.md")
    listed = page.split("The platform's creating calls (")[1].split(")")[0]
    assert [words for words in named_by_page if words not in listed] == []
    client = AsyncHaulmer(api_key="k", environment="local")
    found = set()
    for product in ("checkout", "accounts", "workspace", "catalogue", "point", "myhaulmer"):
        found |= _keyed_methods(product, getattr(client, product))
    for product in ("setup", "certification"):
        found |= _keyed_methods(f"openfactura.{product}", getattr(client.openfactura, product))
    assert found == set().union(*named_by_page.values())


def _keyed_methods(prefix: str, resource: object) -> set[str]:
    return {
        f"{prefix}.{name}"
        for name, method in inspect.getmembers(resource, inspect.ismethod)
        if not name.startswith("_") and "idempotency_key" in inspect.signature(method).parameters
    }


def test_received_acuse_codes_filters_and_the_eight_days_are_the_sdks_and_the_fakes() -> None:
    page = _page("received.md")
    assert [*re.findall(r"\(`([A-Z]{3})`", page.split("```")[0]), "RFT"] == [
        code.value for code in AcuseCode
    ]
    assert "`RFP`, `RFT`" in page
    assert "unanswered for eight days counts as accepted" in page
    assert timedelta(days=8) == _state.AUTO_REGISTER_AFTER
    sentence = page.split("`list_received` filters by")[1].split("; rows")[0]
    filters = re.findall(r"`(\w+)`", sentence)
    method = FakeHaulmer().client().openfactura.documents.list_received
    parameters = list(inspect.signature(method).parameters)
    assert filters == parameters[: parameters.index("filters")]  # the named filters, in order


def test_received_says_to_check_that_the_sii_took_an_acuse() -> None:
    page = _page("received.md")
    assert "check `result.registered` (whether the event was taken)" in page
    assert "`result.refusal` gives the SII's reason otherwise" in page
    refused = AccuseResult.model_validate(
        {"msg": {"codResp": 7, "descResp": "Evento registrado previamente"}}
    )
    assert (refused.registered, refused.refusal) == (False, "Evento registrado previamente")


def test_registries_purchase_states_and_the_sync_window_are_the_sdks() -> None:
    page = _page("registries.md")
    asked = re.findall(r"`(\w+)`", page.split("Purchase states are asked for by")[1].split(")")[0])
    assert asked == [status.value for status in PurchaseStatus]
    assert "its window is ten minutes" in page
    assert timedelta(minutes=10) == _queries.SYNC_RCV_WINDOW


def test_registries_sync_rcv_never_retries_of_429_but_waits_out_the_general_limit() -> None:
    page = _page("registries.md")
    assert "OF-429 is never retried, whatever `max_retries` says" in page
    assert "is waited out and retried like any call's, up to `max_retries`" in page
    fake = FakeHaulmer()
    registry = fake.client().openfactura.registry
    registry.sync_rcv("sales", fake.clock.today())
    with pytest.raises(haulmer.RateLimitError) as raised:
        registry.sync_rcv("sales", fake.clock.today(), max_retries=3)
    assert raised.value.code == "OF-429"
    assert len(fake.requests) == 2
    fake.control.fail_next("openfactura.registry.sync_rcv", status=429, times=2)
    assert registry.sync_rcv("purchase", fake.clock.today(), max_retries=2).code == 200
    assert len(fake.requests) == 5
