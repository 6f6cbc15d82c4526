"""validate_schema(): the bundled SII XSDs, and errors that quote the XSD message and line."""

from __future__ import annotations

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
    assert message.startswith("does not match the SII schema EnvioDTE_v10.xsd: line 158: ")
    assert (
        "Element '{http://www.sii.cl/SiiDte}DocPersonalizado': This element is not expected."
        in message
    )
    assert info.value.line == 158


def test_a_document_without_the_sii_namespace_is_refused() -> None:
    with pytest.raises(XMLError, match="No matching global declaration"):
        validate_schema(REAL_DTES[0].read_bytes())


def test_a_wrong_value_is_quoted(issued: dict[int, bytes]) -> None:
    broken = issued[33].replace(b"<TipoDTE>33</TipoDTE>", b"<TipoDTE>99</TipoDTE>")
    with pytest.raises(XMLError, match=r"TipoDTE.*'99'") as info:
        validate_schema(broken)
    assert info.value.line == 2


def test_an_unknown_root_is_refused() -> None:
    with pytest.raises(XMLError, match="no SII schema for <Factura>"):
        validate_schema(b"<Factura/>")
