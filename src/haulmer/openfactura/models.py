"""Typed answers of the OpenFactura ``/v2/dte`` API (lenient: Haulmer's spellings vary).

Python names are snake_case; the wire names are aliases. Where Haulmer is inconsistent every
spelling is accepted (``Token``/``token``, ``disponible``/``disponibles``,
``Registrado``/``Registro``) and numbers sent as strings are read as numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import AliasChoices, Field, field_validator, model_validator

from haulmer._lazy import LazyModule
from haulmer.errors import HaulmerError
from haulmer.openfactura._base import (
    Base64Bytes,
    LenientRut,
    ResponseModel,
    blanks_as_missing,
    repair_mojibake,
)
from haulmer.openfactura._checks import check_dte_type
from haulmer.openfactura.enums import IssuedStatus, ReceivedStatus
from haulmer.rut import Rut

if TYPE_CHECKING:
    from haulmer import dte as _dte
else:  # ``_dte.Document`` in an annotation loads haulmer.dte when resolved (``dte`` is a field)
    _dte = LazyModule("haulmer.dte")

__all__ = [
    "AccuseMessage",
    "AccuseResult",
    "AccusedDocument",
    "Activity",
    "Acuse",
    "AuthorizedDocument",
    "Branch",
    "DocumentJson",
    "DocumentStatus",
    "EmissionAnswer",
    "EmittedDocument",
    "IssuedDocumentSummary",
    "Organization",
    "OrganizationFolios",
    "PurchaseRegistry",
    "ReceivedDocumentSummary",
    "RegistryRow",
    "Resolucion",
    "SalesRegistry",
    "SelfServiceLink",
    "SyncRcvResult",
    "Taxpayer",
    "VoidResult",
]


def _repair_tree(value: Any) -> Any:
    if isinstance(value, str):
        return repair_mojibake(value)
    if isinstance(value, dict):
        return {key: _repair_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_repair_tree(item) for item in value]
    return value


class Resolucion(ResponseModel):
    """The SII resolution that authorizes the emisor (fecha y número de resolución)."""

    fecha: dt.date | None = None
    numero: int | None = None


class EmissionAnswer(ResponseModel):
    """What ``POST /v2/dte/document`` answers, an emission or a self-service link: the TOKEN and
    the items asked for in ``response`` (bytes shown by their size in the repr)."""

    token: str = Field(validation_alias=AliasChoices("TOKEN", "token", "Token"))
    folio: int | None = Field(default=None, validation_alias=AliasChoices("FOLIO", "folio"))
    pdf: Base64Bytes | None = Field(default=None, validation_alias=AliasChoices("PDF", "pdf"))
    xml: Base64Bytes | None = Field(default=None, validation_alias=AliasChoices("XML", "xml"))
    """The signed DTE XML, ISO-8859-1 encoded as the SII requires; ``xml_text`` decodes it."""
    timbre: Base64Bytes | None = Field(
        default=None, validation_alias=AliasChoices("TIMBRE", "timbre")
    )
    """PNG image of the timbre electrónico (TED)."""
    logo: Base64Bytes | None = Field(default=None, validation_alias=AliasChoices("LOGO", "logo"))
    resolucion: Resolucion | None = Field(
        default=None, validation_alias=AliasChoices("RESOLUCION", "resolucion")
    )
    warning: str | None = Field(default=None, validation_alias=AliasChoices("WARNING", "warning"))
    """Non-blocking remarks from OpenFactura."""

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if isinstance(value, bytes):
                yield name, f"<{len(value)} bytes>"
            else:
                yield name, value


class EmittedDocument(EmissionAnswer):
    """What ``POST /v2/dte/document`` answered: the token plus the items asked for in ``response``.

    ``folio`` is set whenever FOLIO was asked for, which ``emit`` does unless ``response=`` leaves
    it out; ``require_folio()`` gives it as an ``int`` (or says why it is missing).

    ``already_issued`` is True when OpenFactura answered OF-06 and this is the document issued
    earlier under the same key, fetched by its token: after a lost answer of this same call, or
    under a key the caller chose (a derived key raises ``AlreadyIssuedError`` instead); its
    ``request_id`` is then the OF-06 answer's, the emission request that found it.
    """

    already_issued: bool = False

    def require_folio(self) -> int:
        """The folio, for code that needs an ``int``; raises HaulmerError when it is unknown."""
        if self.folio is not None:
            return self.folio
        raise HaulmerError(
            f"the folio of document {self.token} is unknown: emit asks for it unless response= "
            "leaves out 'FOLIO'; fetch it with documents.json(token).document_folio"
        )

    def require_pdf(self) -> bytes:
        """The PDF, for code that needs ``bytes``; raises HaulmerError when it was not asked for."""
        if self.pdf is not None:
            return self.pdf
        raise HaulmerError(
            f"document {self.token} came without its PDF: emit with response=['PDF', ...] (a "
            "format such as '80MM' beside it chooses the paper), or fetch it with "
            "documents.pdf(token), printed in the format chosen at emission"
        )

    def require_xml(self) -> bytes:
        """The signed XML, for code that needs ``bytes``; raises HaulmerError when it was not
        asked for."""
        if self.xml is not None:
            return self.xml
        raise HaulmerError(
            f"document {self.token} came without its XML: emit with response=['XML', ...], or "
            "fetch it with documents.xml(token)"
        )

    @property
    def xml_text(self) -> str | None:
        """The XML as text, decoded from ISO-8859-1."""
        return None if self.xml is None else self.xml.decode("iso-8859-1")


def _link_url(value: Any) -> Any:
    """``SELF_SERVICE`` as either spelling Haulmer uses: ``{"url": ...}`` (its plugins read
    that) or the URL itself (its documentation says a string)."""
    if isinstance(value, dict):
        for key in ("url", "URL", "Url"):
            if key in value:
                return value[key]
        raise ValueError(f"SELF_SERVICE has no url: {sorted(map(str, value))}")
    return value


class SelfServiceLink(EmissionAnswer):
    """What a self-service link request answered: the link for the customer, and the boleta's
    folio when it was issued now (``issue_boleta=True``).

    ``token`` is the TOKEN OpenFactura answered; with the boleta issued now, the boleta's.
    """

    url: str = Field(validation_alias=AliasChoices("SELF_SERVICE", "self_service", "url"))
    """The page where the customer takes the boleta or asks for a factura."""
    folio: int | None = Field(default=None, validation_alias=AliasChoices("FOLIO", "folio"))
    """The boleta's folio when it was issued now; None when the customer's choice comes first."""

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> Any:
        url = _link_url(value)
        if isinstance(url, str) and not url.strip():
            raise ValueError("SELF_SERVICE came without a URL")
        return url


class DocumentStatus(ResponseModel):
    """State of one document (``estado``): an ``IssuedStatus`` (Aceptado, Pendiente, Rechazado...),
    or the text as Haulmer words it when it is none of those (a received document's state)."""

    estado: IssuedStatus | str = Field(union_mode="left_to_right")
    folio: int | None = None
    token: str | None = Field(default=None, validation_alias=AliasChoices("token", "Token"))

    @property
    def is_accepted(self) -> bool:
        """Whether the SII accepted it (with or without reparos)."""
        return self.estado.lower().startswith("aceptado")


class DocumentJson(ResponseModel):
    """A document as OpenFactura stores it: the DTE in SII names (``json``) and reception dates."""

    dte: dict[str, Any] = Field(validation_alias=AliasChoices("json", "JSON", "dte"))
    """The DTE (Encabezado, Detalle, Referencia...) in SII names; numbers often as strings."""
    folio: int | None = None
    token: str | None = Field(default=None, validation_alias=AliasChoices("token", "Token"))
    fch_recep_sii: dt.datetime | None = Field(
        default=None, validation_alias=AliasChoices("FchRecepSII", "fch_recep_sii")
    )
    fch_recep_of: dt.datetime | None = Field(
        default=None, validation_alias=AliasChoices("FchRecepOF", "fch_recep_of")
    )

    @field_validator("dte", mode="before")
    @classmethod
    def _repair_text(cls, value: Any) -> Any:
        return _repair_tree(value)

    @property
    def document_folio(self) -> int | None:
        """The folio written inside the DTE (``Encabezado.IdDoc.Folio``), when present."""
        try:
            return int(self.dte["Encabezado"]["IdDoc"]["Folio"])
        except (KeyError, TypeError, ValueError):
            return self.folio

    def to_document(self) -> _dte.Document:
        """The DTE as a :class:`haulmer.dte.Document` (parsed leniently)."""
        from haulmer.dte.document import Document

        return Document.from_sii_dict(self.dte)


class IssuedDocumentSummary(ResponseModel):
    """One row of the issued-documents list; ``rut_recep`` is the receptor's ``Rut``."""

    rut_recep_number: int = Field(alias="RUTRecep")
    """The receptor's RUT number as the API sends it (no check digit)."""
    dv: str | None = Field(default=None, alias="DV")
    rzn_soc_recep: str | None = Field(default=None, alias="RznSocRecep")
    """Razón social del receptor."""
    tipo_dte: int = Field(alias="TipoDTE")
    folio: int = Field(alias="Folio")
    fch_emis: dt.date | None = Field(default=None, alias="FchEmis")
    """Fecha de emisión."""
    fecha_recibido: dt.datetime | None = Field(default=None, alias="FechaRecibido")
    mnt_exe: int | None = Field(default=None, alias="MntExe")
    mnt_neto: int | None = Field(default=None, alias="MntNeto")
    iva: int | None = Field(default=None, alias="IVA")
    mnt_total: int | None = Field(default=None, alias="MntTotal")
    fma_pago: int | None = Field(default=None, alias="FmaPago")
    """Forma de pago: 1 contado, 2 crédito, 3 sin costo."""
    token: str | None = Field(default=None, validation_alias=AliasChoices("token", "Token"))

    @property
    def rut_recep(self) -> Rut:
        """The receptor's RUT with its check digit (computed when the row has no ``DV``)."""
        return Rut.from_parts(self.rut_recep_number, self.dv or None, validate_dv=False)


class Acuse(ResponseModel):
    """One event on a received document (acuse de recibo or reclamo)."""

    cod_evento: str | None = Field(default=None, alias="codEvento")
    fecha_evento: dt.datetime | None = Field(default=None, alias="fechaEvento")
    estado: str | None = None


class ReceivedDocumentSummary(ResponseModel):
    """One row of the received-documents list; ``rut_emisor`` is the emisor's ``Rut``, as
    ``documents.accuse(row.rut_emisor, row.tipo_dte, row.folio, ...)`` takes it."""

    rut_emisor_number: int = Field(alias="RUTEmisor")
    """The emisor's RUT number as the API sends it (no check digit)."""
    dv: str | None = Field(default=None, alias="DV")
    rzn_soc: str | None = Field(default=None, alias="RznSoc")
    """Razón social del emisor."""
    tipo_dte: int = Field(alias="TipoDTE")
    folio: int = Field(alias="Folio")
    fch_emis: dt.date | None = Field(default=None, alias="FchEmis")
    fch_recep_sii: dt.datetime | None = Field(default=None, alias="FchRecepSII")
    """When the SII received it; blank at first."""
    fch_recep_of: dt.datetime | None = Field(default=None, alias="FchRecepOF")
    """When OpenFactura received it; always set."""
    mnt_exe: int | None = Field(default=None, alias="MntExe")
    mnt_neto: int | None = Field(default=None, alias="MntNeto")
    iva: int | None = Field(default=None, alias="IVA")
    mnt_total: int | None = Field(default=None, alias="MntTotal")
    acuses: list[Acuse] = Field(default_factory=list, alias="Acuses")
    fma_pago: int | None = Field(default=None, alias="FmaPago")
    """Forma de pago; 0 when OpenFactura does not know it."""
    tpo_tran_compra: int | None = Field(default=None, alias="TpoTranCompra")

    @field_validator("acuses", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def rut_emisor(self) -> Rut:
        """The emisor's RUT with its check digit (computed when the row has no ``DV``)."""
        return Rut.from_parts(self.rut_emisor_number, self.dv or None, validate_dv=False)


class AccusedDocument(ResponseModel):
    """The document an acuse applied to."""

    dte: int | None = None
    folio: int | None = None
    acuse: str | None = None


class AccuseMessage(ResponseModel):
    """The SII's answer to an acuse (código y descripción de respuesta)."""

    cod_resp: int | None = Field(default=None, alias="codResp")
    desc_resp: str | None = Field(default=None, alias="descResp")


class AccuseResult(ResponseModel):
    """Answer of ``POST /v2/dte/document/received/accuse``."""

    data: list[AccusedDocument] = Field(default_factory=list)
    code: int | None = None
    result: str | None = None
    msg: list[AccuseMessage] = Field(default_factory=list)

    @field_validator("data", "msg", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, dict) else value

    @property
    def registered(self) -> bool:
        """Whether the SII took the event: every ``codResp`` 0, ``result`` OK and ``code`` 0 or
        200. The SII refuses an event in a 200 answer (7 already registered, 8 past the 8 days;
        5, 6, 11, 12, 13 against an earlier claim or acceptance): check this before treating the
        document as accused."""
        if any(message.cod_resp not in (0, None) for message in self.msg):
            return False
        if self.result is not None and self.result.strip().upper() != "OK":
            return False
        return self.code in (0, 200, None)

    @property
    def refusal(self) -> str | None:
        """The SII's reasons when it refused the event (``descResp``, else its ``codResp``), else
        None."""
        if self.registered:
            return None
        reasons = [
            m.desc_resp or f"codResp {m.cod_resp}" for m in self.msg if m.cod_resp not in (0, None)
        ]
        return "; ".join(reasons) or self.result or f"code {self.code}"


class VoidResult(ResponseModel):
    """Answer of ``POST /v2/dte/anularDTE52`` (``success``; the docs also spell it ``succes``)."""

    success: str = Field(validation_alias=AliasChoices("success", "succes"))


class RegistryRow(ResponseModel):
    """Totals of one document type in a sales or purchase registry."""

    tipo_documento: int = Field(alias="tipoDocumento")
    cant_documentos: int = Field(default=0, alias="cantDocumentos")
    total_mnt_exe: int = Field(default=0, alias="totalMntExe")
    total_mnt_neto: int = Field(default=0, alias="totalMntNeto")
    total_mnt_iva: int = Field(default=0, alias="totalMntIVA")
    total_otros_imp: int = Field(default=0, alias="totalOtrosImp")
    total_mnt_total: int = Field(default=0, alias="totalMntTotal")

    @field_validator(
        "cant_documentos",
        "total_mnt_exe",
        "total_mnt_neto",
        "total_mnt_iva",
        "total_otros_imp",
        "total_mnt_total",
        mode="before",
    )
    @classmethod
    def _null_is_zero(cls, value: Any) -> Any:
        """A count or total answered null (or blank) is none of it, as a missing one is: 0."""
        return 0 if value is None else value


class SalesRegistry(ResponseModel):
    """Registro de ventas for a month or a day, one row per document type."""

    fecha_inicio: dt.date | None = Field(default=None, alias="fechaInicio")
    fecha_final: dt.date | None = Field(default=None, alias="fechaFinal")
    registros: list[RegistryRow] = Field(default_factory=list)

    @field_validator("registros", mode="before")
    @classmethod
    def _null_is_none(cls, value: Any) -> Any:
        """Rows answered null are none, as a missing list is (the received list's ``Acuses``
        comes null the same way)."""
        return [] if value is None else value


class PurchaseRegistry(SalesRegistry):
    """Registro de compras for one state (``estado``): a ``ReceivedStatus`` (Pendiente,
    Registrado, No_incluir, Reclamado), or the text as Haulmer words it when it is none of those
    (a state the SII adds later), so the other blocks still read."""

    estado: ReceivedStatus | str = Field(union_mode="left_to_right")


class SyncRcvResult(ResponseModel):
    """Answer of ``POST /v2/dte/registry/sync-rcv``: the sync was queued."""

    message: str | None = None
    code: int | str | None = None


class Activity(ResponseModel):
    """An economic activity (actividad económica) registered with the SII."""

    giro: str | None = None
    actividad_economica: str | None = Field(default=None, alias="actividadEconomica")
    codigo_actividad_economica: int | None = Field(default=None, alias="codigoActividadEconomica")
    """The Acteco code."""
    actividad_principal: bool | None = Field(default=None, alias="actividadPrincipal")


class Branch(ResponseModel):
    """A branch (sucursal) registered with the SII."""

    cdg_sii_sucur: str | None = Field(default=None, alias="cdgSIISucur")
    direccion: str | None = None
    comuna: str | None = None
    ciudad: str | None = None
    telefono: str | None = None


def _is_empty_row(item: Any) -> bool:
    """Whether ``item`` is a row of nothing: a dict whose every value is None or ""."""
    if not isinstance(item, dict):
        return False
    for value in item.values():  # noqa: SIM110 - no generator: called for every row read
        if value not in (None, ""):
            return False
    return True


def _drop_empty_rows(value: Any) -> Any:
    """A list without its rows of nothing; None reads as no rows."""
    if isinstance(value, list):
        return [item for item in value if not _is_empty_row(item)]
    return [] if value is None else value


def _has_rows_to_drop(value: Any) -> bool:
    """Whether ``_drop_empty_rows`` would change ``value``: None, or a list with a row of
    nothing (most answers have none, and are then read without a copy)."""
    return value is None or (isinstance(value, list) and any(map(_is_empty_row, value)))


_ROW_LISTS = ("actividades", "sucursales")

_GIRO_LENGTH = 80
"""The most characters of a giro a DTE holds (GiroEmis, GiroEmisor): a longer glosa is cut."""


class Taxpayer(ResponseModel):
    """Public SII data of a taxpayer (contribuyente)."""

    rut: LenientRut
    razon_social: str | None = Field(default=None, alias="razonSocial")
    email: str | None = None
    telefono: str | None = None
    direccion: str | None = None
    comuna: str | None = None
    actividades: list[Activity] = Field(default_factory=list)
    sucursales: list[Branch] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _blanks_are_missing(cls, data: Any) -> Any:
        """Replaces ResponseModel's: blanks read as missing, then the rows of nothing that the
        SII sends for a taxpayer without activity dropped, in the one Python step of the model."""
        data = blanks_as_missing(data)
        if isinstance(data, dict) and (
            _has_rows_to_drop(data.get("actividades", ()))
            or _has_rows_to_drop(data.get("sucursales", ()))
        ):
            data = dict(data)
            for key in _ROW_LISTS:
                if key in data:
                    data[key] = _drop_empty_rows(data[key])
        return data

    @property
    def main_activity(self) -> Activity | None:
        """The activity marked principal, else the first one."""
        for activity in self.actividades:
            if activity.actividad_principal:
                return activity
        return self.actividades[0] if self.actividades else None


class Organization(Taxpayer):
    """The taxpayer that owns the API key, as OpenFactura knows it."""

    ciudad: str | None = None
    cdg_sii_sucur: str | None = Field(default=None, alias="cdgSIISucur")
    glosa_descriptiva: str | None = Field(default=None, alias="glosaDescriptiva")
    """The giro."""
    direccion_regional: str | None = Field(default=None, alias="direccionRegional")
    resolucion: Resolucion | None = None
    nombre_fantasia: str | None = Field(default=None, alias="nombreFantasia")
    web: str | None = None
    logo: Base64Bytes | None = None
    """The company logo (PNG), only when asked for with ``include_logo=True``."""

    def emisor(self, *, boleta: bool = False) -> dict[str, Any]:
        """The ``Emisor`` block in SII names, built as Haulmer's own plugins build it; a glosa
        descriptiva longer than a DTE's giro holds (80 characters) is cut to fit."""
        activity = self.main_activity
        glosa = self.glosa_descriptiva
        giro = None if glosa is None else glosa[:_GIRO_LENGTH].rstrip()
        block: dict[str, Any] = {"RUTEmisor": str(self.rut)}
        if boleta:
            block["RznSocEmisor"] = self.razon_social
            block["GiroEmisor"] = giro
        else:
            block["RznSoc"] = self.razon_social
            block["GiroEmis"] = giro
            if activity is not None and activity.codigo_actividad_economica is not None:
                block["Acteco"] = activity.codigo_actividad_economica
        block["DirOrigen"] = self.direccion
        block["CmnaOrigen"] = self.comuna
        block["CdgSIISucur"] = self.cdg_sii_sucur
        return {key: value for key, value in block.items() if value is not None}

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            yield name, (f"<{len(value)} bytes>" if isinstance(value, bytes) else value)


class AuthorizedDocument(ResponseModel):
    """A DTE type the organization may issue, with the folios left and when they expire."""

    dte: int
    disponibles: int | None = Field(
        default=None, validation_alias=AliasChoices("disponibles", "disponible")
    )
    """Folios still available."""
    vencimiento: dt.date | None = None


class OrganizationFolios(ResponseModel):
    """Answer of ``GET /v2/dte/organization/document``."""

    rut: LenientRut | None = None
    documentos: list[AuthorizedDocument] = Field(default_factory=list)

    def for_type(self, dte_type: int) -> AuthorizedDocument | None:
        """The entry of one DTE type, or None when the organization may not issue it; a value
        that is no DTE type (33.7, True, "abc") is a ValidationError."""
        kind = check_dte_type(dte_type)
        for item in self.documentos:
            if item.dte == kind:
                return item
        return None
