"""validate_schema(): the bundled SII XSDs, and errors that quote the XSD message and line."""

from __future__ import annotations

import threading
from importlib import resources

import pytest

from haulmer.errors import XMLError
from haulmer.sii import validate_schema

from .conftest import REAL_DTES

SII_XMLNS = b'<DTE xmlns="http://www.sii.cl/SiiDte" version="1.0">'


def _with_xmlns(xml: bytes) -> bytes:
    return xml.replace(b'<DTE version="1.0">', SII_XMLNS, 1)


def test_schemas_and_sii_keys_ship_as_package_data() -> None:
    package = resources.files("haulmer.sii")
    for name in (
        "DTE_v10.xsd",
        "EnvioDTE_v10.xsd",
        "SiiTypes_v10.xsd",
        "xmldsignature_v10.xsd",
        "EnvioBOLETA_v11.xsd",
        "HaulmerBoletaDTE.xsd",
        "RespuestaEnvioDTE_v10.xsd",
        "EnvioRecibos_v10.xsd",
        "Recibos_v10.xsd",
    ):
        assert package.joinpath("schemas", name).is_file(), name
    for idk in (100, 300):
        assert package.joinpath("data", f"idk-{idk}.pem").read_bytes().startswith(b"-----BEGIN")


@pytest.mark.parametrize(
    "path", [p for p in REAL_DTES if "--61--" not in p.name], ids=lambda p: p.name
)
def test_real_facturas_validate_once_their_namespace_is_declared(path) -> None:  # type: ignore[no-untyped-def]
    validate_schema(_with_xmlns(path.read_bytes()))


def test_the_non_standard_docpersonalizado_is_quoted_with_its_line() -> None:
    path = next(p for p in REAL_DTES if "--61--" in p.name)
    with pytest.raises(XMLError) as info:
        validate_schema(_with_xmlns(path.read_bytes()))
    message = str(info.value)
    assert message.startswith("does not match the SII schema DTE_v10.xsd: line 158: ")
    assert (
        "Element '{http://www.sii.cl/SiiDte}DocPersonalizado': This element is not expected."
        in message
    )
    assert info.value.line == 158


def test_a_document_without_the_sii_namespace_is_refused_saying_so() -> None:
    with pytest.raises(XMLError) as info:
        validate_schema(REAL_DTES[0].read_bytes())
    assert str(info.value) == (
        'this <DTE> has no xmlns="http://www.sii.cl/SiiDte" (as MiPyme writes a lone DTE); the '
        "SII's schema DTE_v10.xsd needs it: declare it on the root, or call "
        "validate_schema(xml, restore_namespace=True) to validate it as if declared"
    )
    assert info.value.line == 2


@pytest.mark.parametrize(
    "path", [p for p in REAL_DTES if "--61--" not in p.name], ids=lambda p: p.name
)
def test_real_facturas_without_namespace_validate_with_it_restored(path) -> None:  # type: ignore[no-untyped-def]
    validate_schema(path.read_bytes(), restore_namespace=True)


def test_errors_after_restoring_the_namespace_say_it_was_restored() -> None:
    path = next(p for p in REAL_DTES if "--61--" in p.name)
    with pytest.raises(XMLError) as info:
        validate_schema(path.read_bytes(), restore_namespace=True)
    assert str(info.value).startswith(
        'does not match the SII schema DTE_v10.xsd (validated with xmlns="http://www.sii.cl/SiiDte"'
        " restored on the root): line 158: "
    )
    assert info.value.line == 158


def test_restoring_the_namespace_leaves_the_callers_tree_alone() -> None:
    from haulmer.sii._xml import parse_xml

    root = parse_xml(REAL_DTES[0].read_bytes())
    validate_schema(root, restore_namespace=True)
    assert root.tag == "DTE"
    assert all(not str(node.tag).startswith("{http://www.sii.cl") for node in root.iter())


def test_a_lone_boleta_without_namespace_names_the_boleta_schema(issued: dict[int, bytes]) -> None:
    bare = issued[39].replace(b' xmlns="http://www.sii.cl/SiiDte"', b"")
    with pytest.raises(XMLError, match=r"EnvioBOLETA_v11\.xsd \(its DTE: a lone boleta\) needs it"):
        validate_schema(bare)


def test_a_lone_boleta_that_breaks_the_schema_names_the_sii_file(issued: dict[int, bytes]) -> None:
    broken = issued[39].replace(b"<IndServicio>3</IndServicio>", b"<IndServicio>9</IndServicio>")
    assert broken != issued[39]
    with pytest.raises(XMLError) as info:
        validate_schema(broken)
    assert "the SII schema EnvioBOLETA_v11.xsd (its DTE: a lone boleta)" in str(info.value)
    assert "Haulmer" not in str(info.value)


def test_a_root_in_another_namespace_is_refused_naming_it() -> None:
    with pytest.raises(XMLError, match=r"<DTE> is in the namespace 'urn:other', not the SII's"):
        validate_schema(b'<DTE xmlns="urn:other"/>')


def test_a_wrong_value_is_quoted(issued: dict[int, bytes]) -> None:
    broken = issued[33].replace(b"<TipoDTE>33</TipoDTE>", b"<TipoDTE>99</TipoDTE>")
    with pytest.raises(XMLError, match=r"TipoDTE.*'99'") as info:
        validate_schema(broken)
    assert info.value.line == 2


def test_an_unknown_root_is_refused() -> None:
    with pytest.raises(XMLError, match="no SII schema for <Factura>"):
        validate_schema(b"<Factura/>")


def test_threads_validating_at_once_each_get_their_own_documents_errors() -> None:
    good = REAL_DTES[0].read_bytes()
    bad = next(p for p in REAL_DTES if "--61--" in p.name).read_bytes()
    wrong_type = good.replace(b"<TipoDTE>33</TipoDTE>", b"<TipoDTE>99</TipoDTE>", 1)

    def message(xml: bytes) -> str | None:
        try:
            validate_schema(xml, restore_namespace=True)
        except XMLError as exc:
            return str(exc)
        return None

    expected = {xml: message(xml) for xml in (good, bad, wrong_type)}
    assert expected[good] is None
    assert "DocPersonalizado" in (expected[bad] or "")
    assert "TipoDTE" in (expected[wrong_type] or "")
    start = threading.Barrier(4)
    seen: list[tuple[bytes, str | None]] = []

    def work(order: list[bytes]) -> None:
        start.wait()
        for _ in range(40):
            seen.extend((xml, message(xml)) for xml in order)

    orders = [[good, bad, wrong_type], [bad, wrong_type, good], [wrong_type, good, bad]] * 2
    threads = [threading.Thread(target=work, args=(order,)) for order in orders[:4]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 * 40 * 3
    assert all(got == expected[xml] for xml, got in seen)


def test_a_lone_boleta_with_a_comment_inside_its_type_is_validated_as_a_boleta(
    issued: dict[int, bytes],
) -> None:
    commented = issued[39].replace(b"<TipoDTE>39</TipoDTE>", b"<TipoDTE>3<!-- -->9</TipoDTE>", 1)
    assert commented != issued[39]
    validate_schema(commented)
