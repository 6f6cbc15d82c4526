"""to_sii_dict follows the SII schemas: every key is an element of that section, in XSD order.

The element sequences are read from the bundled XSDs (DTE_v10 for facturas and notes,
EnvioBOLETA_v11 for boletas), so a field declared out of order in the models fails here. Then
documents with nearly every modelled field set go through ``haulmer.sii`` (stamp, sign, XSD).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import haulmer
import haulmer.dte as dte
from haulmer.dte import Document

SCHEMAS = Path(haulmer.__file__).resolve().parent / "sii" / "schemas"
XS = "{http://www.w3.org/2001/XMLSchema}"
_GROUPS = (f"{XS}sequence", f"{XS}choice", f"{XS}complexContent", f"{XS}extension")


@cache
def _types() -> dict[str, Any]:
    from lxml import etree

    found: dict[str, Any] = {}
    for name in ("SiiTypes_v10.xsd", "DTE_v10.xsd", "EnvioBOLETA_v11.xsd"):
        root = etree.parse(str(SCHEMAS / name)).getroot()
        for node in root:
            if node.tag in (f"{XS}complexType", f"{XS}simpleType") and node.get("name"):
                # EnvioBOLETA redefines a few SiiTypes names; both serve their own documents.
                found.setdefault(f"{name}:{node.get('name')}", node)
                found.setdefault(node.get("name"), node)
    return found


def _children(element: Any) -> list[Any]:
    """The child element declarations of ``element`` in document order (sequence and choice)."""
    content = element.find(f"{XS}complexType")
    if content is None and element.get("type"):
        content = _types().get(element.get("type").split(":")[-1])
    if content is None or content.tag != f"{XS}complexType":
        return []
    out: list[Any] = []

    def walk(node: Any) -> None:
        for child in node:
            if child.tag == f"{XS}element":
                out.append(child)
            elif child.tag in _GROUPS:
                walk(child)

    walk(content)
    return out


def _documento(schema: str, type_name: str) -> Any:
    from lxml import etree

    root = etree.parse(str(SCHEMAS / schema)).getroot()
    for node in root.iter(f"{XS}complexType"):
        if node.get("name") == type_name:
            for element in node.iter(f"{XS}element"):
                if element.get("name") == "Documento":
                    return element
    raise AssertionError(f"no Documento in {type_name}")


def _assert_follows(value: Any, declaration: Any, path: str) -> None:
    if isinstance(value, list):
        for item in value:
            _assert_follows(item, declaration, path)
        return
    if not isinstance(value, dict):
        return
    children = _children(declaration)
    order = [c.get("name") or c.get("ref", "").split(":")[-1] for c in children]
    keys = list(value)
    unknown = [k for k in keys if k not in order]
    assert not unknown, f"{path}: {unknown} are not elements of this section ({order})"
    positions = [order.index(k) for k in keys]
    assert positions == sorted(positions), f"{path}: {keys} is not in schema order {order}"
    for key in keys:
        _assert_follows(value[key], children[order.index(key)], f"{path}.{key}")


def _rich_factura(tipo: int = 33) -> Document:
    return dte.build(
        tipo,
        emisor={
            "rut": "76192083-9",
            "razon_social": "SASCO SpA",
            "giro": "Tecnología",
            "telefonos": ["+56 2 2222 2222", "+56 9 9999 9999"],
            "correo": "dte@sasco.cl",
            "actecos": [726000, 620200],
            "guia_export": {"cdg_traslado": 1},
            "sucursal": "Casa matriz",
            "cdg_sii_sucur": 81303347,
            "direccion": "Santa Cruz 1",
            "comuna": "Santa Cruz",
            "ciudad": "Santa Cruz",
            "cdg_vendedor": "V1",
            "id_adic_emisor": "X",
        },
        receptor={
            "rut": "60803000-K",
            "cdg_int_recep": "C-1",
            "razon_social": "SII",
            "extranjero": {"num_id": "P123", "nacionalidad": "224"},
            "giro": "Gobierno",
            "contacto": "Mesa de ayuda",
            "correo": "x@sii.cl",
            "direccion": "Teatinos 120",
            "comuna": "Santiago",
            "ciudad": "Santiago",
            "dir_postal": "Casilla 1",
            "cmna_postal": "Santiago",
            "ciudad_postal": "Santiago",
        },
        lines=[
            {
                "codigos": [{"tipo": "INT1", "valor": "A1"}, {"tipo": "EAN13", "valor": "78"}],
                "retenedor": {"ind_agente": "R", "mnt_base_faena": 10},
                "nombre": "Harina",
                "descripcion": "Saco",
                "cantidad_ref": 1,
                "unidad_ref": "SACO",
                "precio_ref": 100,
                "cantidad": "2.5",
                "fecha_elaboracion": date(2026, 1, 1),
                "fecha_vencimiento": date(2027, 1, 1),
                "unidad": "KG",
                "precio": 1000,
                "descuento_pct": 10,
                "recargo_pct": 5,
                "cod_imp_adic": [] if tipo == 34 else ["19"],
            },
            {"nombre": "Exento", "ind_exe": 1, "precio": 500},
            {"nombre": "No facturable", "ind_exe": 2, "precio": 50},
        ],
        fecha=date(2026, 2, 10),
        folio=9,
        id_doc={
            "ind_no_rebaja": 1,
            "tpo_impresion": "T",
            "ind_servicio": 3,
            "tpo_tran_compra": 1,
            "tpo_tran_venta": 1,
            "forma_pago": 2,
            "fecha_cancelacion": date(2026, 2, 11),
            "monto_cancelado": 1,
            "saldo_insoluto": 1,
            "pagos": [{"fecha": date(2026, 3, 1), "monto": 100, "glosa": "cuota 1"}],
            "periodo_desde": date(2026, 1, 1),
            "periodo_hasta": date(2026, 1, 31),
            "medio_pago": "TC",
            "tpo_cta_pago": "CORRIENTE",
            "num_cta_pago": "123",
            "banco_pago": "Banco",
            "term_pago_codigo": "30D",
            "term_pago_glosa": "30 días",
            "term_pago_dias": 30,
            "fecha_vencimiento": date(2026, 3, 10),
            "ind_traslado": 1 if tipo == 52 else None,
            "tipo_despacho": 2 if tipo == 52 else None,
        },
        transporte={
            "patente": "ABCD12",
            "patente_carro": "XY1234",
            "rut_transportista": "2-7",
            "chofer": {"rut": "1-9", "nombre": "Pedro"},
            "direccion_destino": "Calle 123",
            "comuna_destino": "Santiago",
            "ciudad_destino": "Santiago",
        },
        descuentos_recargos=[
            {"tipo_mov": "D", "glosa": "Promo", "tipo_valor": "%", "valor": 5}
            | ({"ind_exe": 1} if tipo == 34 else {}),
            {"tipo_mov": "R", "tipo_valor": "$", "valor": 10, "ind_exe": 1},
        ],
        referencias=[
            {
                "tipo_doc_ref": "801",
                "ind_global": 1,
                "folio_ref": "OC-1",
                "rut_otro": "1-9" if tipo in (46, 56, 61) else None,
                "fecha_ref": date(2026, 2, 1),
                "cod_ref": 1,
                "razon_ref": "Orden de compra",
            }
        ],
        check=False,
    )


def _rich_boleta(tipo: int = 39) -> Document:
    builder = dte.boleta if tipo == 39 else dte.boleta_exenta
    return builder(
        emisor={
            "rut": "76192083-9",
            "razon_social": "SASCO SpA",
            "giro": "Tecnología",
            "cdg_sii_sucur": 81303347,
            "direccion": "Santa Cruz 1",
            "comuna": "Santa Cruz",
            "ciudad": "Santa Cruz",
        },
        receptor={
            "rut": "66666666-6",
            "cdg_int_recep": "C-1",
            "razon_social": "Sin RUT",
            "contacto": "Juan",
            "correo": "j@x.cl",
            "telefono": "+56 9 1234 5678",
            "direccion": "Calle 1",
            "comuna": "Santiago",
            "ciudad": "Santiago",
            "dir_postal": "Casilla 1",
            "cmna_postal": "Santiago",
            "ciudad_postal": "Santiago",
        },
        lines=[
            {
                "codigos": [{"tipo": "PLU", "valor": "1"}],
                "nombre": "Pan",
                "descripcion": "Marraqueta",
                "cantidad": "1.5",
                "unidad": "KG",
                "precio": 2000,
                "descuento_pct": 10,
                "recargo_monto": 5,
            },
            {"nombre": "Bolsa", "ind_exe": 1, "precio": 50},
            {"nombre": "Vale", "ind_exe": 2, "precio": 100},
        ],
        fecha=date(2026, 2, 10),
        folio=9,
        medio_pago=1,
        id_doc={
            "periodo_desde": date(2026, 1, 1),
            "periodo_hasta": date(2026, 1, 31),
            "fecha_vencimiento": date(2026, 3, 10),
        },
        descuentos_recargos=[{"tipo_mov": "D", "glosa": "Promo", "tipo_valor": "$", "valor": 5}],
        referencias=[
            {
                "tipo_doc_ref": "SET",
                "folio_ref": "1",
                "cod_ref": "SET",
                "razon_ref": "CASO 1",
                "cod_vendedor": "V1",
                "cod_caja": "C1",
            },
        ],
        check=False,
    )


@pytest.mark.parametrize("tipo", [33, 34, 46, 52, 56, 61])
def test_factura_family_dict_follows_dte_v10(tipo: int) -> None:
    d = _rich_factura(tipo).to_sii_dict()
    _assert_follows(d, _documento("DTE_v10.xsd", "DTEDefType"), "Documento")


@pytest.mark.parametrize("tipo", [39, 41])
def test_boleta_dict_follows_envioboleta_v11(tipo: int) -> None:
    d = _rich_boleta(tipo).to_sii_dict()
    assert "TotalPeriodo" in d["Encabezado"]["Totales"]
    _assert_follows(d, _documento("EnvioBOLETA_v11.xsd", "BOLETADefType"), "Documento")


@pytest.mark.parametrize("tipo", [33, 34, 39, 41, 46, 52, 56, 61])
def test_rich_documents_pass_their_rules(tipo: int) -> None:
    doc = _rich_boleta(tipo) if tipo in (39, 41) else _rich_factura(tipo)
    doc.check_for_stamping()


@pytest.fixture(scope="module")
def certificate() -> Any:
    from haulmer.testing.certificates import make_test_certificate

    return make_test_certificate()


@pytest.mark.parametrize("tipo", [33, 34, 39, 41, 46, 52, 56, 61])
def test_rich_documents_stamped_and_signed_validate_against_the_xsd(
    tipo: int, certificate: Any
) -> None:
    from haulmer import sii
    from haulmer.testing.caf import make_test_caf

    doc = _rich_boleta(tipo) if tipo in (39, 41) else _rich_factura(tipo)
    caf = make_test_caf(rut="76192083-9", razon_social="SASCO SpA", dte_type=tipo, folio_to=50)
    xml = sii.issue(doc, caf=caf, certificate=certificate)
    sii.validate_schema(xml)
    assert sii.parse(xml).to_sii_dict() == doc.to_sii_dict()


def test_order_check_catches_a_misplaced_element() -> None:
    d = _rich_factura().to_sii_dict()
    id_doc = d["Encabezado"]["IdDoc"]
    d["Encabezado"]["IdDoc"] = {"FchEmis": id_doc["FchEmis"], "TipoDTE": 33, "Folio": 9}
    with pytest.raises(AssertionError, match="schema order"):
        _assert_follows(d, _documento("DTE_v10.xsd", "DTEDefType"), "Documento")
