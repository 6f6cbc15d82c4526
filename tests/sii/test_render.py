"""The renderer writes C14N directly: held byte for byte against lxml, and round-tripped."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haulmer.dte.document import Document
from haulmer.dte.rules import facet_root
from haulmer.dte.schema.checker import schema_problems
from haulmer.errors import DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue, parse, verify
from haulmer.sii._xml import DSIG_NS, c14n_inclusive, parse_xml
from haulmer.sii.issuing import stamp_and_sign
from haulmer.sii.render import canonical_text, sii_quotes
from haulmer.sii.section_writer import canonical_sections
from signers import xmlsec1_verify

from .conftest import SIGNED_AT, SUPPORTED_TYPES, document_dict

LATIN1_TEXT = st.text(
    alphabet=st.characters(
        min_codepoint=0x20,
        max_codepoint=0xFF,
        exclude_characters="".join(map(chr, range(0x7F, 0xA0))),
    ),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() != "")
"""Every character of ISO-8859-1 a DTE's text may hold: DEL and the C1 controls stand for no
character, and are refused (``test_a_c1_control_character_is_refused_by_issue...``)."""


def test_canonical_text_renders_lists_mappings_and_leaves_in_order() -> None:
    data = {
        "A": {"B": 1, "C": None, "D": Decimal("1.50"), "E": dt.date(2026, 1, 2)},
        "F": ["x & y", "<z>"],
        "G": [],
    }
    assert canonical_text(data) == (
        "<A><B>1</B><D>1.50</D><E>2026-01-02</E></A><F>x &amp; y</F><F>&lt;z&gt;</F>"
    )


@pytest.mark.parametrize(
    ("value", "field"),
    [("Taza \u2615", "A.B[2]"), ("bell\x07", "A.B[2]"), (True, "A.B[2]")],
)
def test_unrepresentable_values_name_their_field(value: object, field: str) -> None:
    with pytest.raises(DocumentError) as info:
        canonical_text({"A": {"B": ["ok", value]}})
    assert [d.field for d in info.value.details] == [field]


def test_element_names_must_be_xml_names() -> None:
    with pytest.raises(DocumentError, match="not an XML element name"):
        canonical_text({"no spaces": 1})


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_sections_written_from_the_models_match_the_dict_path(tipo: int) -> None:
    checked = Document.from_sii_dict(document_dict(tipo, lines=4)).checked()
    sections = checked.document.rendered_sections(checked.line_amounts, checked.computed_totals)
    written = canonical_sections(sections, facet_root(checked.document))
    assert written == canonical_text(checked.sii_dict())


@pytest.mark.parametrize(
    ("quantity", "price"),
    [
        ("2", "1000"),
        ("2.0", "1000.00"),
        ("1E+1", "1E+3"),
        ("0.5", "999999999999"),
        ("999999999999", "0"),
        ("1.25", "0.000001"),
    ],
)
def test_sections_write_any_quantity_and_price_as_the_dict_path(quantity: str, price: str) -> None:
    data = document_dict(33)
    data["Detalle"][0].update(QtyItem=Decimal(quantity), PrcItem=Decimal(price))
    data["Detalle"][0].pop("MontoItem", None)
    checked = Document.from_sii_dict(data).checked()
    sections = checked.document.rendered_sections(checked.line_amounts, checked.computed_totals)
    written = canonical_sections(sections, facet_root(checked.document))
    assert written == canonical_text(checked.sii_dict())


@pytest.mark.parametrize("price", ["1000000000000", "1000000000000.0", "1E+12"])
def test_sections_with_a_price_out_of_bounds_are_not_written(price: str) -> None:
    data = document_dict(33)
    data["Detalle"][0].update(PrcItem=Decimal(price))
    document = Document.from_sii_dict(data)
    assert schema_problems(document, facet_root(document))
    sections = document.rendered_sections(document.amounts_by_line(), None)
    assert canonical_sections(sections, facet_root(document)) is None


def test_sections_with_unrepresentable_text_defer_to_the_dict_path() -> None:
    data = document_dict(33)
    data["Detalle"][0]["NmbItem"] = "Taza \u2615"
    document = Document.from_sii_dict(data)
    sections = document.rendered_sections(document.amounts_by_line(), None)
    assert canonical_sections(sections, facet_root(document)) is None


def test_sections_with_a_broken_facet_are_not_written() -> None:
    data = document_dict(33)
    data["Detalle"][0]["NmbItem"] = "x" * 81
    document = Document.from_sii_dict(data)
    assert schema_problems(document, facet_root(document))
    sections = document.rendered_sections(document.amounts_by_line(), None)
    assert canonical_sections(sections, facet_root(document)) is None


@pytest.mark.parametrize("tipo", [33, 39, 61])
def test_written_documento_is_its_own_inclusive_c14n(issued: dict[int, bytes], tipo: int) -> None:
    root = parse_xml(issued[tipo])
    written = issued[tipo].split(b"<Signature ")[0].split(b'version="1.0">', 1)[1]
    canonical = c14n_inclusive(root[0]).decode("utf-8")
    expected = canonical.replace(' xmlns="http://www.sii.cl/SiiDte"', "", 1)
    # The file differs from C14N only by its encoding and the SII's quote entities.
    unquoted = written.decode("iso-8859-1").replace("&quot;", '"').replace("&apos;", "'")
    assert unquoted == expected


def test_written_signed_info_is_its_own_inclusive_c14n(issued: dict[int, bytes]) -> None:
    root = parse_xml(issued[33])
    signed_info = root[1][0]
    assert signed_info.tag == f"{{{DSIG_NS}}}SignedInfo"
    assert c14n_inclusive(signed_info) in issued[33].replace(
        b"<SignedInfo>", f'<SignedInfo xmlns="{DSIG_NS}">'.encode()
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(razon_social=LATIN1_TEXT, item=LATIN1_TEXT)
def test_any_latin1_text_survives_issue_verify_and_parse(
    certificate: Certificate, cafs: dict[int, Caf], razon_social: str, item: str
) -> None:
    data = document_dict(33)
    data["Encabezado"]["Receptor"]["RznSocRecep"] = razon_social.strip()[:100]
    data["Detalle"][0]["NmbItem"] = item.strip()[:80]
    document = Document.from_sii_dict(data)
    xml = issue(document, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    assert verify(xml).ok
    assert parse(xml) == document.completed()


def test_stamp_and_sign_names_what_is_missing(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    with pytest.raises(DocumentError) as info:
        stamp_and_sign(
            {"Encabezado": {"IdDoc": {"TipoDTE": 33}}},
            caf=cafs[33],
            certificate=certificate,
            timestamp=SIGNED_AT,
        )
    assert [d.field for d in info.value.details] == [
        "Encabezado.IdDoc.Folio",
        "Encabezado.IdDoc.FchEmis",
        "Encabezado.Emisor.RUTEmisor",
        "Encabezado.Receptor.RUTRecep",
        "Encabezado.Totales.MntTotal",
        "Detalle[1].NmbItem",
    ]


def test_stamp_and_sign_names_a_missing_rutrecep_which_the_timbre_writes_as_rr(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    data = Document.from_sii_dict(document_dict(33)).to_sii_dict()
    del data["Encabezado"]["Receptor"]["RUTRecep"]
    with pytest.raises(DocumentError) as info:
        stamp_and_sign(data, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["Encabezado.Receptor.RUTRecep"]
    assert "'None'" not in str(info.value)


def test_line_breaks_and_tabs_in_text_survive_signing(
    certificate: Certificate, cafs: dict[int, Caf], tmp_path: Path
) -> None:
    data = document_dict(33)
    data["Detalle"][0]["DscItem"] = "primera línea\r\nsegunda\tcolumna"
    document = Document.from_sii_dict(data)
    xml = issue(document, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    assert b"primera l\xednea&#xD;\nsegunda\tcolumna" in xml
    assert verify(xml).ok
    result = xmlsec1_verify(
        xml, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert result.returncode == 0, result.stderr


_QUOTED_RUN = re.compile(r">([^<\"']*[\"'][^<]*)<")


def _regex_sii_quotes(text: str) -> str:
    """The plain statement of the quoting rule: quotes in a run from ``>`` to ``<``."""
    return _QUOTED_RUN.sub(
        lambda m: ">" + m.group(1).replace('"', "&quot;").replace("'", "&apos;") + "<", text
    )


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="<>\"'a=ñ ", max_size=40))
def test_property_sii_quotes_quotes_exactly_the_text_runs(text: str) -> None:
    assert sii_quotes(text) == _regex_sii_quotes(text)


def test_sii_quotes_leaves_attribute_quotes_alone() -> None:
    text = '<TED version="1.0"><RSR>O\'Higgins "El Ñato"</RSR><F a="x">1</F>'
    assert sii_quotes(text) == (
        '<TED version="1.0"><RSR>O&apos;Higgins &quot;El Ñato&quot;</RSR><F a="x">1</F>'
    )


@pytest.mark.parametrize("control", ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f"])
def test_every_control_character_xml_refuses_names_its_field(control: str) -> None:
    with pytest.raises(DocumentError) as info:
        canonical_text({"A": {"B": f"x{control}y"}})
    assert [d.field for d in info.value.details] == ["A.B"]


@pytest.mark.parametrize("allowed", ["\t", "\n"])
def test_tabs_and_line_feeds_are_written_as_they_are(allowed: str) -> None:
    assert canonical_text({"A": f"x{allowed}y"}) == f"<A>x{allowed}y</A>"
