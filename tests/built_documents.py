"""A hypothesis strategy of documents made by the builders, every supported type, with what
users put in them: decimals, discounts, exempt lines, references, optional sections, and text
with accents, Ñ, quotes, ampersands, tabs, line breaks and blanks around it.

Shared by the round-trip properties of ``haulmer.dte``, ``haulmer.sii`` and the fake.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from haulmer import dte
from haulmer.dte.document import Document
from signers import EMISOR_RUT

BUILT_TYPES = (33, 34, 39, 41, 43, 46, 52, 56, 61, 110, 111, 112)
FECHA = date(2026, 11, 27)
FOLIO = 5

texts = st.text(alphabet="abcñÑáÉü°09 &'\"<>\t\n\r", min_size=1, max_size=20).filter(str.strip)
"""Text a user types or pastes: Latin-1 letters, XML's special characters, blanks around."""

_quantities = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(999), places=6)
_prices = st.decimals(min_value=Decimal(0), max_value=Decimal(9999), places=4)
_lines = st.fixed_dictionaries(
    {
        "nombre": texts,
        "cantidad": _quantities | st.integers(1, 50),
        "precio": _prices | st.integers(0, 5000),
    },
    optional={
        "descripcion": texts,
        "unidad": st.sampled_from(["UN", "KG", " kg "]),
        "descuento_pct": st.sampled_from([Decimal("2.5"), Decimal(10)]),
        "ind_exe": st.just(1),
        "codigos": st.just([{"TpoCodigo": "INT1", "VlrCodigo": " SKU-1 "}]),
    },
)


def _emisor(draw: st.DrawFn, rut: str) -> dict[str, Any]:
    return {
        "rut": rut,
        "razon_social": draw(texts),
        "giro": draw(texts),
        "actecos": [726000],
        "direccion": draw(texts),
        "comuna": "Ñuñoa ",
        "ciudad": "Santiago",
        "telefonos": [" +56 2 2345 6789"],
        "correo": "ventas@ejemplo.cl",
        "sucursal": draw(texts),
        "cdg_vendedor": "V-1",
    }


def _receptor(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "rut": "96790240-3",
        "razon_social": draw(texts),
        "giro": draw(texts),
        "direccion": draw(texts),
        "comuna": "Las Condes",
        "ciudad": "Santiago",
        "contacto": draw(st.sampled_from(["  ", "", "Ana"])),
        "correo": "compras@ejemplo.cl",
        "cdg_int_recep": "C-1",
    }


def _usable_lines(draw: st.DrawFn, tipo: int) -> list[dict[str, Any]]:
    """Lines the builder takes: a discount only where it comes to a peso (and a Liquidacion has
    none), one taxed line on the
    types that tax, a sale above the commission on a liquidación-factura."""
    lines = draw(st.lists(_lines, min_size=1, max_size=4))
    for line in lines:
        if tipo == 43 or Decimal(line["cantidad"]) * Decimal(line["precio"]) < 1000:
            line.pop("descuento_pct", None)
    if all(line.get("ind_exe") for line in lines) and tipo not in (34, 41, 110, 111, 112):
        del lines[0]["ind_exe"]
    if tipo == 43:  # a sale that covers the commission
        lines[0] |= {"cantidad": 1, "precio": 100}
    return lines


def _options(draw: st.DrawFn, tipo: int) -> dict[str, Any]:
    options: dict[str, Any] = {"fecha": FECHA, "folio": FOLIO}
    if draw(st.booleans()):
        if tipo in (39, 41):
            options["referencias"] = [{"CodRef": "SET", "RazonRef": draw(texts)}]
        else:
            options["referencias"] = [
                {"TpoDocRef": "801", "FolioRef": "OC-1", "FchRef": date(2026, 11, 2)}
                | {"RazonRef": draw(texts)}
            ]
    if draw(st.booleans()) and tipo != 43:
        options["descuentos_recargos"] = [
            {"TpoMov": "D", "TpoValor": "%", "ValorDR": Decimal(5), "GlosaDR": draw(texts)}
        ]
    return options


EXPORT_ADUANA = {
    "cod_mod_venta": 1,
    "cod_clau_venta": 5,
    "tot_clau_venta": Decimal("1.5"),
    "cod_via_transp": 1,
    "cod_pto_embarque": 906,
    "cod_pto_desemb": 343,
    "cod_pais_recep": 342,
    "cod_pais_destin": 342,
}


@st.composite
def built_documents(
    draw: st.DrawFn, types: tuple[int, ...] = BUILT_TYPES, emisor_rut: str = EMISOR_RUT
) -> Document:
    """A document of one of ``types`` made by its builder, folio 5, issued by ``emisor_rut``."""
    tipo = draw(st.sampled_from(types))
    emisor, receptor = _emisor(draw, emisor_rut), _receptor(draw)
    lines = _usable_lines(draw, tipo)
    options = _options(draw, tipo)
    if tipo == 33:
        return dte.factura(
            emisor=emisor,
            receptor=receptor,
            lines=lines,
            forma_pago=2,
            medio_pago="CH",
            fecha_vencimiento=date(2026, 12, 27),
            **options,
        )
    if tipo == 34:
        return dte.factura_exenta(emisor=emisor, receptor=receptor, lines=lines, **options)
    if tipo == 39:
        return dte.boleta(emisor=emisor, lines=lines, **options)
    if tipo == 41:
        return dte.boleta_exenta(emisor=emisor, lines=lines, **options)
    if tipo == 43:
        comision = {"TipoMovim": "C", "Glosa": draw(texts), "TasaComision": Decimal("8.5")}
        comision |= {"ValComNeto": 1, "ValComExe": 0}
        return dte.liquidacion_factura(
            emisor=emisor, receptor=receptor, lines=lines, comisiones=[comision], **options
        )
    if tipo == 46:
        return dte.factura_compra(emisor=emisor, receptor=receptor, lines=lines, **options)
    if tipo == 52:
        transporte = {"patente": "ABCD12", "chofer": {"rut": "1-9", "nombre": draw(texts)}}
        transporte |= {"direccion_destino": draw(texts), "comuna_destino": "Maipú"}
        return dte.guia_despacho(
            emisor=emisor,
            receptor=receptor,
            lines=lines,
            ind_traslado=1,
            tipo_despacho=2,
            transporte=transporte,
            **options,
        )
    earlier = {k: v for k, v in options.items() if k not in ("fecha", "folio")}
    earlier |= {"fecha": date(2026, 11, 2), "folio": 7}
    if tipo in (56, 61):
        factura = dte.factura(emisor=emisor, receptor=receptor, lines=lines, **earlier)
        nota = dte.nota_debito if tipo == 56 else dte.nota_credito
        cod_ref = draw(st.sampled_from(["anula", "corrige_texto", "corrige_montos"]))
        more: dict[str, Any] = {}
        if cod_ref == "corrige_montos":  # the lines again, as discounted: at most the factura
            more = {"lines": lines, "descuentos_recargos": earlier.get("descuentos_recargos")}
        modified = factura
        if tipo == 56 and cod_ref == "anula":  # a nota de débito annuls a nota de crédito
            modified = dte.nota_credito(factura, fecha=date(2026, 11, 3), folio=8)
        return nota(modified, cod_ref=cod_ref, razon=draw(texts), fecha=FECHA, folio=FOLIO, **more)
    foreigner = {
        "razon_social": draw(texts),
        "giro": "Importación",
        "direccion": draw(texts),
        "extranjero": {"nacionalidad": 225, "num_id": " HK-123 "},
    }
    factura = dte.factura_exportacion(
        emisor=emisor,
        receptor=foreigner,
        lines=lines,
        moneda="DOLAR USA",
        tipo_cambio=Decimal("950.25"),
        aduana=EXPORT_ADUANA,
        **earlier,
    )
    return export_of_type(tipo, factura)


def export_of_type(tipo: int, factura: Document) -> Document:
    """The export document of ``tipo`` made from ``factura`` (a 110 without a folio): the
    factura itself, a nota de crédito annulling it (112), or a nota de débito annulling such a
    nota de crédito (111)."""
    if tipo == 110:
        return factura.with_folio(FOLIO)
    if tipo == 112:
        return dte.nota_credito_exportacion(factura, cod_ref="anula", fecha=FECHA, folio=FOLIO)
    credito = dte.nota_credito_exportacion(factura, fecha=date(2026, 11, 3), folio=8)
    return dte.nota_debito_exportacion(credito, cod_ref="anula", fecha=FECHA, folio=FOLIO)
