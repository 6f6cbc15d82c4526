"""Chilean electronic tax documents (DTE): the catalogue, typed document models, builders, totals.

Pure and offline: usable in a batch job or a Django model without the HTTP client.

    import haulmer.dte as dte
    doc = dte.factura(emisor={...}, receptor={...}, lines=[{"nombre": "x", "precio": 2000}])
    doc.totals.mnt_total        # 2380
    doc.to_sii_dict()           # {"Encabezado": {"IdDoc": {"TipoDTE": 33, ...}}, "Detalle": [...]}
    dte.Document.from_sii_dict(data)
"""

from haulmer.dte._field_paths import validation_details
from haulmer.dte.builders import (
    boleta,
    boleta_exenta,
    build,
    factura,
    factura_compra,
    factura_exenta,
    factura_exportacion,
    guia_despacho,
    liquidacion_factura,
    nota_credito,
    nota_credito_exportacion,
    nota_debito,
    nota_debito_exportacion,
)
from haulmer.dte.catalogue import IVA_RATE, CodRef, DTEType, ReferenceDocumentType
from haulmer.dte.checked import CheckedDocument
from haulmer.dte.document import Document
from haulmer.dte.exports import ClausulaVenta, ModalidadVenta, Moneda, ViaTransporte
from haulmer.dte.models import (
    Aduana,
    CdgItem,
    Chofer,
    Comision,
    ComisionesTotales,
    Detalle,
    DscRcgGlobal,
    Emisor,
    Encabezado,
    Extranjero,
    GeoRefEmision,
    GuiaExport,
    IdDoc,
    ImptoReten,
    InfoTicket,
    ManejoMadera,
    MntPago,
    OtraMoneda,
    OtrMnda,
    Receptor,
    Referencia,
    Retenedor,
    Subcantidad,
    SubDscto,
    SubRecargo,
    SubTotInfo,
    TipoBultos,
    Totales,
    Transporte,
)
from haulmer.dte.totals import compute_totals, line_amounts, round_peso, split_gross

__all__ = [
    "IVA_RATE",
    "Aduana",
    "CdgItem",
    "CheckedDocument",
    "Chofer",
    "ClausulaVenta",
    "CodRef",
    "Comision",
    "ComisionesTotales",
    "DTEType",
    "Detalle",
    "Document",
    "DscRcgGlobal",
    "Emisor",
    "Encabezado",
    "Extranjero",
    "GeoRefEmision",
    "GuiaExport",
    "IdDoc",
    "ImptoReten",
    "InfoTicket",
    "ManejoMadera",
    "MntPago",
    "ModalidadVenta",
    "Moneda",
    "OtrMnda",
    "OtraMoneda",
    "Receptor",
    "ReferenceDocumentType",
    "Referencia",
    "Retenedor",
    "SubDscto",
    "SubRecargo",
    "SubTotInfo",
    "Subcantidad",
    "TipoBultos",
    "Totales",
    "Transporte",
    "ViaTransporte",
    "boleta",
    "boleta_exenta",
    "build",
    "compute_totals",
    "factura",
    "factura_compra",
    "factura_exenta",
    "factura_exportacion",
    "guia_despacho",
    "line_amounts",
    "liquidacion_factura",
    "nota_credito",
    "nota_credito_exportacion",
    "nota_debito",
    "nota_debito_exportacion",
    "round_peso",
    "split_gross",
    "validation_details",
]
