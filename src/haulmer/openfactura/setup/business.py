"""The models, request builders and plans of ``haulmer.openfactura.setup``, which its
faces import."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from haulmer._chile import from_chile
from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._enums import StrEnum
from haulmer._files import read_limited
from haulmer._models import HaulmerModel
from haulmer._platform import (
    COMPANY_TEXTS,
    SentRut,
    as_sent_model,
    contract_fields,
    document_text,
    id_path,
    id_value,
    razon_social_text,
)
from haulmer._shown import shown
from haulmer.accounts.business import LinkLike, token_from_link
from haulmer.errors import CertificateError, MandatoryDTETypeError, ValidationError
from haulmer.openfactura._base import LenientRut
from haulmer.pfx import (
    MAX_PFX_BYTES,
    UNSHOWN_NAME,
    UNSHOWN_PATH,
    CertificateErrorReason,
    quoted_path,
    stray_blanks_hint,
    windows_1252_text,
)
from haulmer.rut import RECEPTOR_STAND_INS, Rut, stand_in_problem

if TYPE_CHECKING:
    from haulmer.pfx import Certificate

__all__ = [
    "Company",
    "NewOrganization",
    "OpenFacturaSetup",
    "SetupStatus",
    "UploadedCertificate",
]

PfxInput = bytes | str | os.PathLike[str]


class SetupStatus(StrEnum):
    """Which setup step is next; ``certifying`` and ``certified`` come after the three steps."""

    PENDING_ORGANIZATION = "pending_organization"
    PENDING_CERTIFICATE = "pending_certificate"
    PENDING_DTE_TYPES = "pending_dte_types"
    CERTIFYING = "certifying"
    CERTIFIED = "certified"


class Company(HaulmerModel):
    """What OpenFactura needs to issue for the company: giro, actividad económica, address.

    They become the emisor of every document the company issues, so step 1 sends them only once
    the SII's schema takes them there: the giro (GiroEmis) 1 to 80 characters, the dirección
    (DirOrigen) 1 to 70, the comuna (CmnaOrigen) 1 to 20, all text ISO-8859-1 can write.
    """

    giro: str = Field(min_length=1)
    acteco: int = Field(ge=1, le=999_999)
    """The SII's code of the economic activity (Acteco): 1 to 6 digits, such as 107100."""
    direccion: str = Field(min_length=1)
    comuna: str = Field(min_length=1)

    @field_validator("acteco", mode="before")
    @classmethod
    def _acteco(cls, value: Any) -> Any:
        if isinstance(value, bool):  # an int to Python, but no activity's code
            raise ValueError("the SII's code of an economic activity, such as 107100")
        return value


class NewOrganization(HaulmerModel):
    """An organization created during the setup instead of choosing the workspace's one."""

    razon_social: str = Field(min_length=1)
    rut: SentRut

    @field_validator("razon_social")
    @classmethod
    def _razon_social(cls, value: str) -> str:
        return razon_social_text(value)

    @field_validator("rut")
    @classmethod
    def _own_rut(cls, value: Rut) -> Rut:
        stand_in = stand_in_problem(value)
        if stand_in is not None:
            raise ValueError(stand_in)
        return value


class UploadedCertificate(HaulmerModel):
    """What the platform kept of the uploaded signature (never the key or the password).

    ``holder_rut`` is read as the certificate writes it, as ``load_pfx`` reads it: certificates
    carry RUTs with a wrong check digit, and the setup must still read.
    """

    subject_name: str
    holder_rut: LenientRut
    not_after: datetime
    sha256_fingerprint: str
    uploaded_at: datetime


class OpenFacturaSetup(HaulmerModel):
    """A workspace's OpenFactura setup and where it stands: ``status`` is a ``SetupStatus``, or
    the platform's text for a step this SDK predates."""

    id: str
    workspace_id: str
    status: SetupStatus | str = Field(union_mode="left_to_right")
    organization_id: str | None = None
    company: Company | None = None
    certificate: UploadedCertificate | None = None
    dte_types: list[int] = Field(default_factory=list)
    mandatory_dte_types: list[int] = Field(default_factory=list)
    dte_types_preset: bool = False
    """True when a point of sale was bought: ``dte_types`` is preset to exactly 33 and 39."""
    available_dte_types: list[int] = Field(default_factory=list)
    api_key_created_at: datetime | None = None
    created_at: datetime


def setup_path(setup_id: str, suffix: str = "") -> str:
    """The path of a setup (and of what hangs off it, such as its certification)."""
    return id_path(
        "/v1/openfactura/setups",
        setup_id,
        name="setup_id",
        kind="a setup's id ('ofs_...')",
        suffix=suffix,
    )


def start_request(
    link: LinkLike | None, workspace_id: str | None, idempotency_key: str | None, **options: Any
) -> APIRequest[OpenFacturaSetup]:
    """The request opening a setup from its e-mail link or by workspace, keyed."""
    if (link is None) == (workspace_id is None):
        raise ValidationError(
            "start the setup from the '[OpenFactura] Configura tu empresa' e-mail's link, or give "
            "workspace_id= (one of the two); the workspace must be set up first"
        )
    body: dict[str, Any] = (
        {"token": token_from_link(link)}
        if link is not None
        else {
            "workspace_id": id_value(
                workspace_id,
                name="workspace_id",
                kind="a workspace's id ('wsp_...', in client.workspace.list())",
            )
        }
    )
    return APIRequest(
        "POST",
        "/v1/openfactura/setups",
        "platform",
        OpenFacturaSetup,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        creates="the setup",
        error_hints=_LINK_HINTS if link is not None else None,
        **options,
    )


_BY_WORKSPACE = (
    "client.openfactura.setup.start(workspace_id=...) {what} without the link (the workspace's "
    "id is in client.workspace.list())"
)
_LINK_HINTS = {
    "token_used": "The link was used, so the setup exists: "
    + _BY_WORKSPACE.format(what="returns it"),
    "token_expired": "E-mail links work for 72 hours: "
    + _BY_WORKSPACE.format(what="starts the setup, or returns it,"),
}
"""The way out of a used or expired "[OpenFactura] Configura tu empresa" link."""


def retrieve_request(setup_id: str, **options: Any) -> APIRequest[OpenFacturaSetup]:
    """The request for one setup."""
    return APIRequest(
        "GET", setup_path(setup_id), "platform", OpenFacturaSetup, auth="bearer", **options
    )


def organization_request(
    setup_id: str,
    organization_id: str | None,
    new_organization: NewOrganization | Mapping[str, Any] | None,
    company: Company | Mapping[str, Any],
    idempotency_key: str | None,
    **options: Any,
) -> APIRequest[OpenFacturaSetup]:
    """The request for step 1, the organization, keyed."""
    if (organization_id is None) == (new_organization is None):
        raise ValidationError(
            "choose the workspace's organization (organization_id=) or create a new one "
            "(new_organization=): exactly one of the two"
        )
    body: dict[str, Any] = {"company": _company_wire(company)}
    if organization_id is not None:
        body["organization_id"] = id_value(
            organization_id,
            name="organization_id",
            kind="the id of an organization of the workspace ('org_...', in "
            "client.workspace.retrieve(workspace_id).organizations)",
        )
    else:
        body["new_organization"] = contract_fields(
            as_sent_model(NewOrganization, new_organization, "the new organization")
        )
    return APIRequest(
        "POST",
        setup_path(setup_id, "/organization"),
        "platform",
        OpenFacturaSetup,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        creates="the setup's organization",
        error_hints=_NEW_ORGANIZATION_HINTS if new_organization is not None else None,
        **options,
    )


_NEW_ORGANIZATION_HINTS = {
    "already_done": (
        "The workspace has an organization with that RUT already, or step 1 was done before: "
        "choose the workspace's organization with organization_id= "
        "(client.workspace.retrieve(workspace_id).organizations), or see where the setup stands "
        "with client.openfactura.setup.retrieve(setup_id)"
    ),
}
"""The way out of a new organization in step 1 whose RUT the workspace already has."""


def _company_wire(company: Company | Mapping[str, Any]) -> dict[str, Any]:
    """The company's data as step 1 sends it, its texts trimmed, once every document of the
    company can carry them as its emisor; ValidationError naming each field that cannot be."""
    checked = as_sent_model(Company, company, "the company")
    wire = contract_fields(checked)
    problems = []
    for name, (element, limit) in COMPANY_TEXTS.items():
        try:
            wire[name] = document_text(getattr(checked, name), name, element, limit)
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise ValidationError(
            "the company is not valid: "
            + "; ".join(problems)
            + " (its giro, direccion and comuna are the emisor of every document it issues)"
        )
    return wire


def _read_pfx(pfx: PfxInput) -> bytes:
    """The signature's bytes, given or read from its path; a path that looks like a signature's
    contents (its base64, say) is not quoted in the error."""
    if isinstance(pfx, bytes | bytearray | memoryview):
        return bytes(pfx)  # load_pfx then refuses more bytes than a signature file holds
    if not isinstance(pfx, str | os.PathLike):
        opened = " (an open file gives them with .read())" if hasattr(pfx, "read") else ""
        raise TypeError(
            f"upload_certificate takes the .pfx's bytes or its path, got "
            f"{type(pfx).__name__}{opened}"
        )
    # The error is raised after the except block: the OSError or ValueError, which names the
    # "path" (perhaps the .pfx in base64), would otherwise stay on as its __context__.
    failure: CertificateError
    try:
        return read_limited(pfx, MAX_PFX_BYTES)
    except FileNotFoundError:
        where, hint = _path_in_message(pfx)
        failure = CertificateError(
            f"no signature file at {where}{hint}", CertificateErrorReason.FILE_NOT_FOUND
        )
    except OSError as error:
        _, hint = _path_in_message(pfx)
        failure = CertificateError(
            f"the signature file cannot be read ({error.strerror}){hint}",
            CertificateErrorReason.FILE_UNREADABLE,
        )
    except ValueError:  # a NUL byte or a lone surrogate in the path: no file has that name
        where, hint = _path_in_message(pfx)
        named = shown(os.fspath(pfx)) if not hint else where
        failure = CertificateError(
            f"no signature file can have the name {named}{hint}",
            CertificateErrorReason.FILE_NOT_FOUND,
        )
    raise failure


def _path_in_message(pfx: str | os.PathLike[str]) -> tuple[str, str]:
    """How an error names the path, and a hint when it has a line break or blanks around a
    file's path, or looks like the signature itself or like its password (the two swapped)."""
    where = quoted_path(os.fspath(pfx), text=isinstance(pfx, str))
    stray = stray_blanks_hint(os.fspath(pfx))
    if stray:
        return where, stray
    if where == UNSHOWN_NAME:
        return where, (
            " (it is not shown: it may be the password, given where the .pfx goes; pass "
            "upload_certificate(setup_id, pfx, password=...))"
        )
    if where != UNSHOWN_PATH:
        return where, ""
    return where, (
        " (a str is read as a path; if you hold the .pfx itself, e.g. in base64, pass its bytes)"
    )


def certificate_request(
    setup_id: str,
    pfx: PfxInput,
    password: str | bytes | None,
    idempotency_key: str | None,
    at: datetime | None = None,
    **options: Any,
) -> APIRequest[OpenFacturaSetup]:
    """The request for step 2, the .pfx checked locally first (its dates at ``at``, the
    client's wall clock: aware, or naive Chilean local time), keyed."""
    data = _read_pfx(pfx)
    if not password:
        problem = _problem_without_password(data)
        if problem is not None and problem.reason != CertificateErrorReason.WRONG_PASSWORD:
            raise problem  # the file itself is no signature: a password would not help
        raise CertificateError(
            _NO_PASSWORD if problem is None else _PASSWORD_REQUIRED,
            CertificateErrorReason.PASSWORD_MISSING,
        )
    moment = datetime.now(timezone.utc) if at is None else from_chile(at)
    certificate = _loaded(data, password, moment)
    if certificate.holder_rut is None:
        raise CertificateError(
            "the signature does not say whose RUT it is; use the legal representative's "
            "signature issued by a Chilean certification authority",
            CertificateErrorReason.NO_RUT,
        )
    company = company_signature_problem(certificate.holder_rut)
    if company is not None:
        raise CertificateError(company, CertificateErrorReason.COMPANY_RUT)
    body = {
        "pfx_base64": base64.b64encode(data).decode("ascii"),
        "password": _as_text(password, data),
    }
    return APIRequest(
        "POST",
        setup_path(setup_id, "/certificate"),
        "platform",
        OpenFacturaSetup,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        creates="the uploaded signature",
        error_hints=_CERTIFICATE_HINTS,
        **options,
    )


LEGAL_ENTITY_FIRST_RUT = 50_000_000
"""The SII numbers legal entities (companies) from 50.000.000 up, and persons below."""


def company_signature_problem(holder: Rut) -> str | None:
    """Why a signature whose holder has this RUT cannot be the legal representative's (None
    when it can): a company's RUT names no person, and the SII takes a person's signature; the
    SDK and the fake say it alike. The SII's stand-ins for a receptor name no one: said so."""
    stand_in = RECEPTOR_STAND_INS.get(str(holder))
    if stand_in is not None:
        return (
            f"the signature is of RUT {holder.format(dots=True)}, {stand_in}, no person's, and "
            "the SII takes the signature of a person: upload the legal representative's own "
            ".pfx, which names their RUT"
        )
    if holder.number < LEGAL_ENTITY_FIRST_RUT:
        return None
    return (
        f"the signature is of RUT {holder.format(dots=True)}, a company's (the SII numbers "
        "companies from 50.000.000 up), and the SII takes the signature of a person: upload "
        "the legal representative's own .pfx, which names their RUT"
    )


_PASSWORD_REQUIRED = "the signature's password is required: the .pfx/.p12 is protected by one"
_NO_PASSWORD = (
    "this .pfx/.p12 has no password, and the platform takes the legal representative's "
    "signature only with the password that protects its key: export it again with a password "
    "(openssl pkcs12 -export, or your certification authority's tool) and pass it as password="
)


def _loaded(data: bytes, password: str | bytes, moment: datetime) -> Certificate:
    """The .pfx opened with its password and checked at ``moment``; a password given for a .pfx
    that has none is refused as the platform's missing password, not as a wrong one."""
    from haulmer.pfx import load_pfx

    try:
        return load_pfx(data, password, at=moment)
    except CertificateError as error:
        if error.reason != CertificateErrorReason.WRONG_PASSWORD:
            raise
        if _problem_without_password(data) is not None:
            raise
    # Raised outside the except block, so that the refusal keeps no context.
    raise CertificateError(_NO_PASSWORD, CertificateErrorReason.PASSWORD_MISSING)


def _problem_without_password(data: bytes) -> CertificateError | None:
    """Why the .pfx does not open with no password (a wrong password when one protects it, or
    what is wrong with the file), None when it opens: its key is not protected by one."""
    return _problem_with(data, None)


def _problem_with(data: bytes, password: str | None) -> CertificateError | None:
    """Why the .pfx does not open with ``password``, None when it opens (dates unchecked)."""
    from haulmer.pfx import load_pfx

    try:
        load_pfx(data, password, at=None)
    except CertificateError as problem:
        return problem
    return None


def _as_text(password: str | bytes | bytearray | memoryview, data: bytes) -> str:
    """The password as the text the platform takes: bytes as UTF-8, else as Windows-1252 when
    that text opens the .pfx (– € “ ”, bytes 0x80-0x9F, as a Windows tool saves them), else as
    Latin-1; the text opens the .pfx ``load_pfx`` opened with those bytes (OpenSSL reads bytes
    that are no UTF-8 one byte per character)."""
    if isinstance(password, str):
        return password
    secret = bytes(password)
    try:
        return secret.decode("utf-8")
    except UnicodeDecodeError:
        pass
    windows = windows_1252_text(secret)
    if windows is not None and _problem_with(data, windows) is None:
        return windows
    return secret.decode("latin-1")


_CERTIFICATE_HINTS = {
    "already_done": "The signature was uploaded before, so step 2 is done: "
    "client.openfactura.setup.retrieve(setup_id).certificate says which one; a lost upload "
    "answer comes back to a repetition with the idempotency_key= it sent (within 24 hours)",
    "step_out_of_order": "A signature is uploaded once the organization is chosen (step 1), "
    "and again while a stopped certification waits for one or once certified; a certification "
    "the SII refused does not resume with one: open a support ticket "
    "(client.myhaulmer.open_ticket(...)) so Haulmer starts it again",
}
"""The way out of a repeated upload, such as one repeated without its key after a lost answer,
and of one the setup cannot take: before step 1, or once the SII refused the certification."""


def dte_types_request(
    setup: OpenFacturaSetup | str, dte_types: Iterable[int] | None, **options: Any
) -> APIRequest[OpenFacturaSetup]:
    """The request for step 3, the DTE types to issue (preset with a point of sale)."""
    from haulmer.dte.catalogue import DTEType

    setup_id = setup.id if isinstance(setup, OpenFacturaSetup) else setup
    preset = setup.mandatory_dte_types if isinstance(setup, OpenFacturaSetup) else []
    if dte_types is None:
        if isinstance(setup, OpenFacturaSetup) and not preset:
            raise ValidationError(
                "choose at least one DTE type to issue (only a setup with a point of sale "
                "has them preset)"
            )
        body: dict[str, Any] = {}  # the platform completes a preset on its own
    else:
        if isinstance(dte_types, int | str):  # one type, not a list of them
            dte_types = [dte_types]
        elif isinstance(dte_types, Mapping | bytes | bytearray | memoryview):
            # A dict's keys or bytes' numbers are no choice of types ({33: True, 34: False}
            # would choose 34 too; b"33" would be 51 and 51).
            kind = "a dict" if isinstance(dte_types, Mapping) else type(dte_types).__name__
            raise ValidationError(
                f"dte_types must be a list of DTE type codes such as [33, 39], got {kind}: "
                "list the codes of the types to issue"
            )
        elif not isinstance(dte_types, Iterable):
            raise ValidationError(
                f"dte_types must be a list of DTE type codes such as [33, 39], got "
                f"{shown(dte_types)}"
            )
        available = (setup.available_dte_types if isinstance(setup, OpenFacturaSetup) else []) or [
            int(member) for member in DTEType
        ]
        chosen: list[int] = []
        for value in dte_types:
            code = _dte_type_code(value)
            if code not in available:
                names = ", ".join(_type_name(code) for code in available)
                raise ValidationError(
                    f"{shown(value)} is not an electronic DTE type code the setup offers; "
                    f"choose among {names}"
                )
            chosen.append(code)
        if not chosen:
            raise ValidationError("choose at least one DTE type to issue")
        alone = notas_without_their_documents(chosen)
        if alone:
            raise ValidationError(alone)
        if preset and set(chosen) != set(preset):
            names = ", ".join(_type_name(code) for code in preset)
            raise MandatoryDTETypeError(
                f"a point of sale was bought, so the DTE types are preset to exactly {names}, "
                f"with no choice: leave dte_types out (or pass {sorted(preset)})"
            )
        body = {"dte_types": sorted(set(chosen))}
    return APIRequest(
        "PUT",
        setup_path(setup_id, "/dte-types"),
        "platform",
        OpenFacturaSetup,
        json=body,
        auth="bearer",
        **options,
    )


NOTA_DOCUMENTS: dict[int, tuple[int, ...]] = {
    56: (33, 34, 39, 41, 43, 46),
    61: (33, 34, 39, 41, 43, 46),
    111: (110,),
    112: (110,),
}
"""The documents each nota corrects or annuls: one of them is chosen with it, as the SII's
certification sets certify notas with the documents they modify (a factura 33 brings its
notas 56 and 61 by itself)."""


def notas_without_their_documents(chosen: Iterable[int]) -> str:
    """Why these DTE types cannot be chosen, when a nota among them comes without any document
    it modifies ("" when each has one); the SDK and the fake say it alike."""
    codes = set(chosen)
    for nota, documents in NOTA_DOCUMENTS.items():
        if nota in codes and not codes.intersection(documents):
            names = ", ".join(_type_name(code) for code in documents)
            return (
                f"a nota {_type_name(nota)} corrects or annuls a document the company issues, "
                f"and none is chosen with it: add one of {names}"
                + (" (a factura 33 brings its notas 56 and 61)" if nota in (56, 61) else "")
            )
    return ""


def _type_name(code: int) -> str:
    """``33 (Factura electrónica)``, or the bare code of a type the catalogue does not name."""
    from haulmer.dte.catalogue import DTEType

    try:
        return f"{code} ({DTEType(code).label})"
    except ValueError:
        return str(code)


def _dte_type_code(value: Any) -> int:
    """A DTE type code given as an int, a DTEType or its digits ("33"); -1 for anything else."""
    if isinstance(value, bool):
        return -1
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return int(value)
    return -1
