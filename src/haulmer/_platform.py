"""Pure input helpers the platform products share: id paths, caller input as models and enums.

Used by checkout, accounts, workspace and OpenFactura setup; the fake checks e-mail addresses and
phone numbers with the same patterns.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import Annotated, Any, TypeGuard, TypeVar

import pydantic

from haulmer._dte_text import uncarried_text
from haulmer._models import HaulmerModel
from haulmer._shown import shown
from haulmer.errors import InvalidRutError, ValidationError
from haulmer.rut import Rut

__all__ = [
    "COMPANY_TEXTS",
    "EMAIL_ADDRESS",
    "MAX_ATTACHMENT_NAME_LENGTH",
    "MAX_PERSON_NAME_LENGTH",
    "MAX_RAZON_SOCIAL_LENGTH",
    "MEDIA_TYPE",
    "PHONE_NUMBER",
    "RECEPTOR_ELEMENTS",
    "SentRut",
    "address_key",
    "as_enum",
    "as_model",
    "as_sent_model",
    "attachment_name_problem",
    "contract_fields",
    "document_text",
    "dte_text",
    "id_path",
    "id_value",
    "is_id",
    "media_type_problem",
    "name_text",
    "person_name_problem",
    "razon_social_text",
    "receptor_limits",
    "receptor_text",
]

_NOT_IN_AN_ADDRESS = "@\\s\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ud800-\udfff"
"""What no part of an address holds: ``@`` (but the one), blanks, control characters, invisible
format characters (a zero-width space, a direction mark) and lone surrogates."""

_NOT_IN_A_MAILBOX = _NOT_IN_AN_ADDRESS + '"(),:;<>\\[\\]\\\\'
"""What no name before the ``@`` holds besides: the marks RFC 5321 keeps out of it unquoted,
which text around an address brings (``<ana@x.cl>``, ``mailto:``, a list's ``,`` or ``;``)."""

_NOT_IN_A_DOMAIN = _NOT_IN_AN_ADDRESS + re.escape("!\"#$%&'()*+,/:;<=>?[\\]^_`{|}~")
"""What no domain label holds besides: any ASCII mark but the hyphen (a host name is letters,
digits and ``-``; an internationalized one, letters of any script)."""

EMAIL_ADDRESS = re.compile(
    f"(?=[^\\n]{{3,254}}\\Z)[^{_NOT_IN_A_MAILBOX}]+"
    f"@(?:[^.{_NOT_IN_A_DOMAIN}]+\\.)+[^.{_NOT_IN_A_DOMAIN}]+"
)
"""What the platform accepts as an e-mail address (checked by the SDK and by the fake alike):
``name@domain`` without blanks, control or invisible characters, at most 254 characters (as
SMTP delivers), the domain dot-separated labels, none empty (``x.cl.`` and
``x..cl`` deliver nowhere), of letters, digits and hyphens; neither part holds the marks text
around an address brings (``<ana@x.cl>``, ``mailto:ana@x.cl``, ``ana@x.cl,``). Linear in the
length of any text: labels cannot hold a dot, and a text over 254 characters fails the first
lookahead."""


def address_key(address: str) -> str:
    """An e-mail address as the platform compares it: trimmed, Unicode NFC, case-insensitive,
    an internationalized domain the same whether written in Unicode or in punycode (``xn--``),
    so ``Ana@Panadería.cl``, its decomposed accents and ``ana@xn--panadera-t4a.cl`` are one."""
    local, at, domain = unicodedata.normalize("NFC", address.strip()).rpartition("@")
    labels = []
    for label in domain.split("."):
        if label[:4].lower() == "xn--":
            with contextlib.suppress(UnicodeError):  # not punycode after all: as written
                # lower-cased first: the codec reads only a lower-case "xn--" as punycode
                label = label.lower().encode("ascii").decode("idna")
        labels.append(unicodedata.normalize("NFC", label))
    return f"{local}{at}{'.'.join(labels)}".casefold()


PHONE_NUMBER = re.compile(r"(?=.{8,20}\Z)(?=(?:[^0-9]*[0-9]){8})\+?[0-9 ()-]+")
"""What the platform accepts as a phone number: digits, spaces, ``()-`` and a leading ``+``, at
most 20 characters of which 8 or more are digits (``()()()()`` calls no one)."""


def _right_check_digit(value: Rut) -> Rut:
    """``value`` if its check digit is right; a Rut read with ``validate_dv=False`` whose digit
    is wrong is refused as ``Rut()`` refuses its text (the platform and the SII refuse it)."""
    return value if value.is_dv_valid else Rut(value)


SentRut = Annotated[Rut, pydantic.AfterValidator(_right_check_digit)]
"""A RUT a call sends: text read as ``Rut()`` reads it, and a ``Rut`` given whose check digit
is right, as the platform takes no other."""


def dte_text(value: str | None, element: str) -> str | None:
    """``value`` if a DTE can carry it as ``element``; ValueError naming the first character it
    cannot carry."""
    if value is None:
        return value
    issue = uncarried_text(value, element)
    if issue is not None:
        raise ValueError(issue)
    return value


MAX_RAZON_SOCIAL_LENGTH = 100
"""The longest razón social the SII takes (RznSoc, the emisor of every document it issues)."""

COMPANY_TEXTS: dict[str, tuple[str, int]] = {
    "giro": ("GiroEmis", 80),
    "direccion": ("DirOrigen", 70),
    "comuna": ("CmnaOrigen", 20),
}
"""The company's texts in the OpenFactura setup, each with the emisor element every document of
the company carries it in and the longest the SII's schema (DTE_v10.xsd) lets that element be."""


_NOT_IN_A_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""What no name on the platform holds: control characters (a NUL, a tab, a line break, DEL, and
the C1 controls U+0080 to U+009F, among them U+0085, a line break too), which no screen or
printed document shows, and lone surrogates (half of a character, which no UTF-8 text can
carry)."""


def name_text(value: str, what: str) -> str:
    """``value`` if it holds no control character (U+0000 to U+001F, U+007F to U+009F) and no
    lone surrogate; ValueError naming the character, where it is and ``what``. For the one-line
    names of the platform (a workspace's, a point's, a product's, a razón social)."""
    found = _NOT_IN_A_NAME.search(value)
    if found is not None:
        char = found.group()
        kind = "a lone surrogate" if char >= "\ud800" else "a control character"
        raise ValueError(
            f"the {what} holds {kind} (U+{ord(char):04X}) at position {found.start() + 1}, where "
            "only one line of visible text goes: remove it"
        )
    return value


MAX_PERSON_NAME_LENGTH = 100
"""The longest name of a person on the platform (a buyer's, an administrator's): the SII's
RznSocRecep, which carries the buyer's name on a boleta that names its buyer, takes 100."""


def person_name_problem(value: str) -> str | None:
    """Why ``value`` (trimmed) cannot be a person's name on the platform (None: it can): longer
    than ``MAX_PERSON_NAME_LENGTH``. Control characters are ``name_text``'s to say."""
    if len(value) > MAX_PERSON_NAME_LENGTH:
        return (
            f"has {len(value)} characters; at most {MAX_PERSON_NAME_LENGTH} (the SII's "
            "RznSocRecep, where a boleta names its buyer)"
        )
    return None


MAX_ATTACHMENT_NAME_LENGTH = 255
"""The longest file name of a ticket's attachment (what file systems take)."""


def attachment_name_problem(value: str) -> str | None:
    """Why ``value`` cannot be the file name of a ticket's attachment (None: it can): a plain
    name (no ``/`` nor ``\\``, not ``.`` or ``..``) of 1 to 255 characters, one line of visible
    text (no control character nor lone surrogate, which no file listing shows)."""
    if (
        not value.strip()
        or len(value) > MAX_ATTACHMENT_NAME_LENGTH
        or "/" in value
        or "\\" in value
        or value.strip() in (".", "..")
    ):
        return f"must be a plain name of 1 to {MAX_ATTACHMENT_NAME_LENGTH} characters (no / nor \\)"
    try:
        name_text(value, "attachment's filename")
    except ValueError as error:
        return str(error)
    return None


_RESTRICTED_NAME = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
"""A media type's type or subtype (RFC 6838's restricted-name)."""
_TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+"
MEDIA_TYPE = re.compile(
    f"{_RESTRICTED_NAME}/{_RESTRICTED_NAME}"
    f'(?:[ \t]*;[ \t]*{_TOKEN}=(?:{_TOKEN}|"[ !#-\\[\\]-~]*"))*'
)
"""A media type as the platform takes an attachment's: ``type/subtype`` (RFC 6838) and
parameters (``; charset=utf-8``), printable ASCII; no line break nor control character, which
would end or split the header it is served in."""


def media_type_problem(value: str) -> str | None:
    """Why ``value`` cannot be the content type of a ticket's attachment (None: it can)."""
    if len(value) > 255 or not MEDIA_TYPE.fullmatch(value):
        return (
            f"{shown(value, 80)} is not a media type such as application/pdf (type/subtype in "
            "printable ASCII, at most 255 characters)"
        )
    return None


RECEPTOR_ELEMENTS: Mapping[str, str] = {
    "razon_social": "RznSocRecep",
    "giro": "GiroRecep",
    "direccion": "DirRecep",
    "comuna": "CmnaRecep",
    "email": "CorreoRecep",
}
"""The DTE element each field of a platform receptor (a point sale's, a purchase's factura's)
becomes."""


@cache
def receptor_limits() -> Mapping[str, int]:
    """The most characters each text element of a DTE's Receptor takes (RznSocRecep 100,
    GiroRecep 40, DirRecep 70, CmnaRecep 20, CorreoRecep 80...): the schema facts the SII layer
    checks documents with (DTE_v10.xsd), read once."""
    from haulmer.dte.schema.facts import DOCUMENTO

    encabezado = DOCUMENTO.child("Encabezado")
    receptor = encabezado.child("Receptor") if encabezado is not None else None
    assert receptor is not None  # the schema facts always have it
    return {
        element.name: element.max_length
        for element in receptor.children
        if element.kind == "text" and element.max_length is not None
    }


def receptor_text(value: str, what: str, element: str) -> str:
    """``value`` if a DTE's Receptor can carry it as ``element``: at most its length in the
    SII's schema, text ISO-8859-1 writes, one line; ValueError naming ``what``, its length and
    the limit."""
    limit = receptor_limits()[element]
    if len(value) > limit:
        raise ValueError(
            f"the {what} has {len(value)} characters, more than the {limit} the SII's {element} "
            "takes: shorten it"
        )
    name_text(value, what)
    try:
        dte_text(value, element)
    except ValueError as error:
        raise ValueError(f"the {what}: {error}") from None
    return value


def document_text(value: str, what: str, element: str, limit: int) -> str:
    """``value`` trimmed, if every document can carry it as ``element`` (1 to ``limit``
    characters ISO-8859-1 can write, none of them a control character); ValueError saying what
    is wrong and naming ``what``."""
    value = value.strip()
    if not value:
        raise ValueError(f"the {what} is required (it is the {element} of every document)")
    name_text(value, what)
    if len(value) > limit:
        raise ValueError(
            f"the {what} has {len(value)} characters; the SII's {element} takes at most {limit}"
        )
    dte_text(value, element)
    return value


def razon_social_text(value: str) -> str:
    """An organization's razón social, trimmed, if its documents can carry it as RznSoc (1 to
    100 characters ISO-8859-1 can write); ValueError saying what is wrong."""
    return document_text(value, "razón social", "RznSoc", MAX_RAZON_SOCIAL_LENGTH)


E = TypeVar("E", bound=Enum)
M = TypeVar("M", bound=pydantic.BaseModel)


_ONE_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
"""An id as one path segment that reaches the server as it is: RFC 3986's unreserved characters
(a '?', '#', '%', '/' or a space would end the path, escape or split it)."""


def is_id(value: Any) -> TypeGuard[str]:
    """Whether ``value`` is one id: letters, digits and ``._~-``, not ``.`` or ``..``."""
    return (
        isinstance(value, str) and bool(_ONE_SEGMENT.fullmatch(value)) and value not in (".", "..")
    )


def id_value(value: Any, *, name: str, kind: str) -> str:
    """``value`` once it is one id (``is_id``), as a path or a body carries it; a
    ValidationError naming ``name`` and the ``kind`` of id it takes."""
    if not is_id(value):
        raise ValidationError(f"{name} must be {kind}, got {shown(value)}")
    return value


def id_path(collection: str, value: Any, *, name: str, kind: str, suffix: str = "") -> str:
    """``collection/value`` plus ``suffix``, once ``value`` is one id: letters, digits and
    ``._~-``, not ``.`` or ``..`` (which a URL resolves to another path)."""
    return f"{collection}/{id_value(value, name=name, kind=kind)}{suffix}"


def as_enum(enum: type[E], value: Any, what: str) -> E:
    """``value`` as a member of ``enum``; a ValidationError listing the accepted values if not."""
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(str(member.value) for member in enum)
        raise ValidationError(f"unknown {what} {shown(value)}; use one of {known}") from None


def as_model(model: type[M], value: Any, what: str) -> M:
    """Validate caller input into ``model``: InvalidRutError for a bad RUT, else ValidationError."""
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except pydantic.ValidationError as error:
        problems = []
        for item in error.errors():
            cause = (item.get("ctx") or {}).get("error")
            if isinstance(cause, InvalidRutError):
                raise cause from None
            where = ".".join(str(part) for part in item["loc"]) or what
            problems.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
        raise ValidationError(f"{what} is not valid: " + "; ".join(problems)) from None


def as_sent_model(model: type[M], value: Any, what: str) -> M:
    """``as_model`` for what a call sends: a dict naming a field the model does not have is
    refused, as the platform would otherwise drop it unsaid (a misspelt ``quantity`` buying one,
    a branch code the company never gets)."""
    if isinstance(value, Mapping):
        unknown = [name for name in value if name not in model.model_fields]
        if unknown:
            raise ValidationError(
                f"{what} has no field {shown(unknown[0])}; its fields are "
                f"{', '.join(model.model_fields)}"
            )
    return as_model(model, value, what)


def contract_fields(model: HaulmerModel) -> dict[str, Any]:
    """The model as the wire takes it, without fields the contract does not have (a model built
    from an answer may carry the platform's extra fields)."""
    return {
        name: value for name, value in model.to_wire().items() if name in type(model).model_fields
    }
