"""What a built or parsed document gives a type checker: Totales never None, MntTotal in pesos as
an int; ``build`` and the boleta builders agree; an unknown type lists the valid ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from typing_extensions import assert_type

import haulmer.dte as dte
from haulmer.dte import DTEType, Totales
from haulmer.errors import DocumentError

LINES = [{"nombre": "Servicio", "cantidad": 2, "precio": 1190}]
FECHA = date(2026, 11, 27)


def test_a_built_document_has_totales_and_its_peso_total_as_an_int(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    factura = dte.factura(emisor=emisor, receptor=receptor, lines=LINES, fecha=FECHA)
    assert_type(factura.totales, Totales)
    assert_type(factura.mnt_total, int)
    assert factura.totales is factura.encabezado.totales
    assert factura.mnt_total == 2832
    assert type(factura.mnt_total) is int


def test_a_document_without_declared_totales_computes_them(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    factura = dte.factura(emisor=emisor, receptor=receptor, lines=LINES, fecha=FECHA)
    bare = factura.model_copy(
        update={"encabezado": factura.encabezado.model_copy(update={"totales": None})}
    )
    assert bare.totales == factura.totales
    assert bare.mnt_total == 2832


def test_a_parsed_document_has_totales(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    factura = dte.factura(emisor=emisor, receptor=receptor, lines=LINES, fecha=FECHA)
    parsed = dte.Document.from_sii_dict(factura.to_sii_dict())
    assert parsed.totales.mnt_total == 2832
    assert parsed.mnt_total == 2832


def test_an_export_in_dollars_has_no_peso_total_and_says_where_to_look() -> None:
    export = dte.factura_exportacion(
        emisor={
            "RUTEmisor": "76192083-9",
            "RznSoc": "SASCO SpA",
            "GiroEmis": "Tecnología",
            "Acteco": [726000],
            "DirOrigen": "Santa Cruz",
            "CmnaOrigen": "Santa Cruz",
        },
        receptor={"RznSocRecep": "Jackie Chan", "DirRecep": "Calle 432", "CiudadRecep": "HK"},
        lines=[{"IndExe": 1, "NmbItem": "Alojamiento", "QtyItem": 1, "PrcItem": Decimal("50.5")}],
        moneda="DOLAR USA",
        tipo_cambio=1000,
        ind_servicio=4,
        referencias=[{"TpoDocRef": 813, "FolioRef": "E1", "FchRef": date(2026, 1, 1)}],
        fecha=FECHA,
    )
    assert export.totales.mnt_total == Decimal("50.5")
    with pytest.raises(DocumentError, match=r"DOLAR USA \(50\.5\), not in pesos.*otra_moneda"):
        export.mnt_total  # noqa: B018


def test_build_39_and_boleta_agree_on_an_emisor_with_actecos(emisor: dict[str, Any]) -> None:
    assert emisor["actecos"]
    built = dte.build(
        39, emisor=emisor, receptor={"RUTRecep": "66666666-6"}, lines=LINES, fecha=FECHA
    )
    boleta = dte.boleta(emisor=emisor, lines=LINES, fecha=FECHA)
    assert built.to_sii_dict() == boleta.to_sii_dict()
    assert built.emisor.actecos == []
    assert built.encabezado.id_doc.ind_servicio == 3


def test_build_41_and_boleta_exenta_agree_and_an_own_ind_servicio_is_kept(
    emisor: dict[str, Any],
) -> None:
    # a boleta of servicios periódicos (1) names its customer and the address served
    customer = {"RUTRecep": "12531909-2", "RznSocRecep": "Juan Pérez", "DirRecep": "Los Aromos 12"}
    built = dte.build(
        41,
        emisor=emisor,
        receptor=customer,
        lines=[{**LINES[0], "ind_exe": 1}],
        fecha=FECHA,
        id_doc={"IndServicio": 1},
    )
    exenta = dte.boleta_exenta(
        emisor=emisor, receptor=customer, lines=LINES, fecha=FECHA, ind_servicio=1
    )
    assert built.to_sii_dict() == exenta.to_sii_dict()


@pytest.mark.parametrize("tipo", [30, 99, 0, "33", 33.0, True])
def test_build_of_an_unknown_type_lists_the_valid_ones(
    tipo: Any, emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError) as caught:
        dte.build(tipo, emisor=emisor, receptor=receptor, lines=LINES)
    message = str(caught.value)
    assert f"{tipo!r} is not an electronic document type" in message
    for kind in DTEType:
        assert f"{int(kind)} ({kind.label})" in message
