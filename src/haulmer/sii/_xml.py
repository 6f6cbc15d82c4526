"""Safe XML parsing and the canonicalization helpers every SII signature and timbre rests on.

Parsing never loads a DTD, expands an entity or touches the network, and refuses oversized input.
Canonicalization works around the lxml subtree C14N trap by re-parsing the subtree first.
"""

from __future__ import annotations

import re
from typing import Any, Final

from lxml import etree

from haulmer.errors import XMLError

__all__ = [
    "DSIG_NS",
    "MAX_XML_BYTES",
    "SII_NS",
    "SII_PREFIX",
    "XSI_NS",
    "c14n_exclusive",
    "c14n_inclusive",
    "c14n_quick",
    "c14n_stripped",
    "c14n_without_namespaces",
    "descend",
    "first_children",
    "flatten",
    "has_elements",
    "leaf_text",
    "local_name",
    "ns_prefix",
    "only_own_namespace",
    "parse_xml",
    "require_element",
    "strip_namespaces",
    "stripped_text",
    "to_latin1",
    "without_own_namespace",
]

SII_NS: Final = "http://www.sii.cl/SiiDte"
SII_PREFIX: Final = "{" + SII_NS + "}"
"""How lxml writes a tag in the SII's namespace begins: ``SII_PREFIX + "Documento"``."""
DSIG_NS: Final = "http://www.w3.org/2000/09/xmldsig#"
XSI_NS: Final = "http://www.w3.org/2001/XMLSchema-instance"

MAX_XML_BYTES: Final = 64 * 1024 * 1024
"""Largest document accepted: a full EnvioDTE (2000 DTEs) is far below it."""


def _untrusted_xml_parser(*, remove_blank_text: bool) -> etree.XMLParser:
    """A parser for untrusted XML: no entities, no DTD, no network, libxml2's size limits."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_blank_text=remove_blank_text,
    )


_PARSER: Final = _untrusted_xml_parser(remove_blank_text=False)
_BLANKLESS_PARSER: Final = _untrusted_xml_parser(remove_blank_text=True)
"""``_PARSER`` leaving out whitespace-only text beside child elements (libxml2's NOBLANKS): a
smaller tree, quicker to build, walk, validate and free, for readers that never look at it."""
_FLATTEN: Final = re.compile(rb">\s+<")


def parse_xml(
    data: bytes | str,
    *,
    max_bytes: int = MAX_XML_BYTES,
    decode_windows_1252: bool = False,
    decode_latin1: bool = False,
    keep_blank_text: bool = True,
) -> etree._Element:
    """Parse untrusted XML into its root element, or raise ``XMLError`` saying what is wrong.

    Rejects a DOCTYPE (so no DTD and no entity tricks), more than ``max_bytes`` and anything that
    is not well formed. ISO-8859-1, windows-1252 and UTF-8 declarations are honoured.
    ``decode_windows_1252`` reads windows-1252 bytes with Python's codec rather than libxml2's
    iconv, several times faster, to the same tree; its docinfo then says UTF-8, so a caller that
    reads the declared encoding leaves it off. ``decode_latin1`` does the same for ISO-8859-1
    in ASCII bytes, which then need no conversion at all (libxml2 converts other ISO-8859-1
    bytes about as quickly as Python). ``keep_blank_text=False`` leaves out the
    whitespace-only text libxml2 takes for indentation (beside child elements, comments, PIs and
    CDATA): only for callers that show they read the same without it.
    """
    if isinstance(data, str):
        data = _encode_text(data)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise XMLError(f"expected XML as bytes or str, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise XMLError(
            f"XML is {len(data)} bytes, more than the {max_bytes} allowed; split the envelope"
        )
    if not data or data.isspace():
        raise XMLError("XML is empty")
    if decode_windows_1252 or decode_latin1:
        data = _eight_bit_as_utf8(data, windows_1252=decode_windows_1252, latin1=decode_latin1)
    if not keep_blank_text and b"\r" in data:
        keep_blank_text, data = _blankless_line_ends(data)
    try:
        root = etree.fromstring(data, _PARSER if keep_blank_text else _BLANKLESS_PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        # libxml2 ends some messages with a line break, which lxml puts before the position.
        message = _LINE_BREAK.sub(" ", str(exc.msg)).replace(" ,", ",").strip()
        hint = _encoding_hint(data) if any(w in message for w in _INVALID_BYTES) else ""
        if _LATE_DECLARATION in message:
            hint = _late_declaration_hint(data)
        if _EXTRA_CONTENT in message:
            hint = _extra_content_hint(data)
        if data.startswith(_ARCHIVES):
            hint = _archive_hint(data)
        elif _looks_like_a_name(data):
            hint = (
                ": it holds no '<' at all, so it is no XML (a file's name?); to read a file, "
                "pass its bytes: pathlib.Path(name).read_bytes()"
            )
        if _LIFT_THE_LIMIT.search(message):
            message = _LIFT_THE_LIMIT.sub("", message)
            hint = (
                ": it passes a limit the XML parser keeps against hostile input (elements nested "
                "more than 256 deep, a text, name or attribute value of more than 10 MB), which "
                "no SII document comes near"
            )
        if _UNKNOWN_ENCODING in message:
            hint = (
                ": the declaration names an encoding the XML parser does not know; declare the "
                'one the bytes are in by its usual name: encoding="ISO-8859-1" (the SII\'s), '
                '"windows-1252" or "UTF-8"'
            )
        column = exc.offset if isinstance(exc.offset, int) else None
        quiet = _key_kept_out(data, message, line, column) if _PRIVATE_KEY_TAG in data else None
        if quiet is not None:
            raise quiet from None
        raise XMLError(f"XML is not well formed: {message}{hint}", line=line) from None
    except (ValueError, LookupError) as exc:
        raise XMLError(f"XML cannot be read: {exc}") from None
    if root is None:
        raise XMLError("XML has no root element")
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XMLError("XML carries a DOCTYPE; SII documents never do, so it is refused")
    return root


_INVALID_BYTES: Final = ("Invalid bytes in character encoding", "Input is not proper UTF-8")
"""libxml2's words for bytes not in the encoding it reads them in: since 2.13, and before it (the
libxml2 of lxml 5's wheels and of many Linux distributions)."""
_DECLARED_ENCODING: Final = re.compile(
    rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]{1,40})"""
)


_LATE_DECLARATION: Final = "XML declaration allowed only at the start"
_EXTRA_CONTENT: Final = "Extra content at the end of the document"
_FIRST_TAG: Final = re.compile(rb"<(?![?!])([^\s/>]{1,60})")
_UNKNOWN_ENCODING: Final = "Unsupported encoding"
_LIFT_THE_LIMIT: Final = re.compile(r",?\s*(?:use|try) XML_PARSE_HUGE(?: option)?")
"""libxml2's advice on passing one of its limits: an option that lifts them, which the SDK
never sets on untrusted XML."""
_GZIP: Final = b"\x1f\x8b"
_ZIP: Final = b"PK\x03\x04"
_ARCHIVES: Final = (_GZIP, _ZIP)
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_LINE_BREAK: Final = re.compile(r"\s*\n\s*")


def _late_declaration_hint(data: bytes) -> str:
    """What to do when something comes before ``<?xml``: most often blank lines an ERP or a
    PHP page wrote first, which the signatures do not cover and which can simply go."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    head = body[: body.find(b"<?xml")] if b"<?xml" in body[:4096] else None
    if head is not None and not head.strip(b" \t\r\n"):
        return (
            f": {len(head)} blank character(s) come before <?xml, which must be the first "
            "thing in the file; remove them (they are outside what the signatures cover)"
        )
    return ": <?xml must be the first thing in the file; remove what comes before it"


def _extra_content_hint(data: bytes) -> str:
    """What to do when something follows the root element: most often two files joined into
    one (two CAFs, two DTEs), or a NUL or a web page's text a download left at the end."""
    first = _FIRST_TAG.search(data, 0, 4096)
    root = f"<{first.group(1).decode('ascii', 'replace')}>" if first else "its root element"
    return (
        f": something comes after the end of {root}; a file holds one root element and "
        "nothing after it, so keep the file up to that closing tag and put a second CAF or "
        "document in a file of its own"
    )


def _looks_like_a_name(data: bytes) -> bool:
    """Whether ``data`` is one short line without a ``<``: a file's name given as the XML
    (``sii.parse("factura.xml")``), not a file of another kind."""
    return len(data) <= 4096 and b"<" not in data and b"\n" not in data.strip()


def _archive_hint(data: bytes) -> str:
    """What to do with a compressed file given as XML (received mail often carries a .zip or
    .gz): its bytes only say that no tag starts where one should."""
    if data.startswith(_GZIP):
        return ": these bytes are gzip-compressed (.gz), not XML; decompress them first (gunzip)"
    return ": these bytes are a ZIP archive (.zip), not XML; extract the XML file from it first"


def _encoding_hint(data: bytes) -> str:
    """What to do when the bytes are not in the encoding the parser read them in: most often
    ISO-8859-1 bytes (the SII's encoding) with no declaration or one that says UTF-8."""
    declared = _DECLARED_ENCODING.match(data, 0 if data[:1] == b"<" else 3)
    if data.startswith(_UTF8_BOM) and declared is not None:
        encoding = declared.group(1).decode("ascii")
        if encoding.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
            return (
                f": the file starts with a UTF-8 byte order mark (bytes EF BB BF), which makes "
                f"it read as UTF-8, but it declares {encoding} and its bytes are not UTF-8; "
                "remove those three bytes (the signatures do not cover them)"
            )
    named = (
        f"the declared {declared.group(1).decode('ascii')}"
        if declared is not None
        else "UTF-8, as no encoding is declared"
    )
    return (
        f": the bytes are not in {named}; SII documents are usually ISO-8859-1, declared as "
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
    )


def _blankless_line_ends(data: bytes) -> tuple[bool, bytes]:
    """``data`` with its line ends made LF, for the parser that leaves out blanks: libxml2 cuts
    text at a CR, and takes the blanks before it at the start of a value (``<Sucursal>  \r\n
    NIC``) for indentation. XML reads every CR LF and lone CR as LF before parsing, so the
    document is the same. Markup not in ASCII bytes (UTF-16) keeps its blanks instead: returns
    whether to keep them, and the bytes to parse."""
    if data[:1] != b"<" or data[1:2] == b"\x00":
        return True, data
    return False, data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _eight_bit_as_utf8(data: bytes, *, windows_1252: bool, latin1: bool) -> bytes:
    """``data`` in UTF-8 when it declares windows-1252 (or cp1252, with ``windows_1252``) and
    every byte is defined there, or ISO-8859-1 (with ``latin1``) in ASCII bytes, which need no
    conversion; else as it is (libxml2 then reads it, or says what is wrong). Python's codecs
    convert windows-1252 several times faster than libxml2's iconv; other ISO-8859-1 bytes
    libxml2 converts as quickly itself. The declaration keeps its length, padded with spaces,
    so that lines and columns stay those of the original."""
    head = data[:200]  # a longer declaration goes to libxml2
    in_ascii = latin1 and b"8859-1" in head and data.isascii()  # (stops at any other byte)
    if not (in_ascii or (windows_1252 and b"1252" in head)):
        return data
    declared = _EIGHT_BIT_DECLARATION.match(data)
    if declared is None:
        return data
    body = data[declared.end() :]
    if declared.group(2).upper() == b"ISO-8859-1":
        if not in_ascii:
            return data
    elif not windows_1252:
        return data
    elif not body.isascii():  # (ASCII is the same characters in every one of these encodings)
        body = body.decode("latin-1").encode("utf-8")
        if _holds_c1(body):  # windows-1252 has characters of its own there
            try:
                body = data[declared.end() :].decode("cp1252").encode("utf-8")
            except UnicodeDecodeError:
                return data
    start = declared.start(2)
    renamed = b"UTF-8" + declared.group(1)  # and the closing quote
    padding = b" " * (declared.end() - start - len(renamed))
    return data[:start] + renamed + padding + body


def _holds_c1(utf8: bytes) -> bool:
    """Whether UTF-8 made from ISO-8859-1 holds a C1 character (U+0080 to U+009F: bytes 0x80
    to 0x9F, where windows-1252 has its own characters). 0xC2 only leads a character there."""
    at = utf8.find(b"\xc2")
    while at >= 0:
        if utf8[at + 1] < 0xA0:
            return True
        at = utf8.find(b"\xc2", at + 2)
    return False


_EIGHT_BIT_DECLARATION: Final = re.compile(
    rb"""<\?xml[^>]*?\sencoding\s*=\s*(["'])(windows-1252|cp1252|iso-8859-1)\1""", re.IGNORECASE
)


def _encode_text(text: str) -> bytes:
    """Encode a str for the parser, dropping a declared encoding that no longer applies.

    A lone surrogate (what decoding bytes with ``surrogateescape`` leaves) is no XML character.
    """
    stripped = _DECLARATION.sub("", text, count=1)
    surrogate = _SURROGATE.search(stripped)
    if surrogate is not None:
        raise XMLError(
            f"the XML text holds a lone surrogate (U+{ord(surrogate.group()):04X}) at character "
            f"{surrogate.start() + len(text) - len(stripped)}, which is no XML character: the "
            "bytes were decoded with the wrong encoding; pass the file's bytes instead"
        )
    return stripped.encode("utf-8")


_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def ns_prefix(element: etree._Element) -> str:
    """``"{uri}"`` for an element in a namespace, ``""`` otherwise: for fast child lookups."""
    tag = element.tag
    if isinstance(tag, str) and tag[:1] == "{":
        return tag[: tag.index("}") + 1]
    return ""


def descend(element: etree._Element | None, *tags: str) -> etree._Element | None:
    """Follow first children with these exact (namespace-qualified) tags; None if one is missing.

    Faster than ``find("a/b")``, which goes through ElementPath; and the child sought is most
    often the first (the schemas' order), which is looked at before any search.
    """
    for tag in tags:
        if element is None:
            return None
        try:
            first = element[0]
        except IndexError:
            return None
        element = first if first.tag == tag else next(element.iterchildren(tag), None)
    return element


def first_children(element: etree._Element | None) -> dict[str, etree._Element]:
    """Each child element's tag -> the first child with that tag (what ``find(tag)`` returns),
    read in one pass: cheaper than several ``find`` calls on the same parent."""
    children: dict[str, etree._Element] = {}
    if element is not None:
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and tag not in children:
                children[tag] = child
    return children


def leaf_text(element: etree._Element) -> str | None:
    """The text of an element without child elements, comments and processing instructions
    inside it skipped (C14N without comments reads ``Mar<!--x-->tillo`` as ``Martillo``)."""
    text = element.text
    if not len(element):
        return text
    parts = [text or ""]
    for child in element:
        if isinstance(child.tag, str):
            return text  # an element with children has no text of its own
        parts.append(child.tail or "")
    return "".join(parts)


def stripped_text(node: etree._Element | None) -> str | None:
    """``leaf_text`` trimmed, None when there is no node or no text: a value read to compare.
    A leaf's text is read here, without the call (most nodes read are leaves)."""
    if node is None:
        return None
    text = leaf_text(node) if len(node) else node.text
    return None if text is None else text.strip()


def has_elements(element: etree._Element) -> bool:
    """Whether ``element`` has a child element (comments and processing instructions aside)."""
    for child in element:  # noqa: SIM110 - no generator: called for every nested element read
        if isinstance(child.tag, str):
            return True
    return False


def local_name(element: etree._Element) -> str:
    """The tag without its namespace (``""`` for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def c14n_inclusive(element: etree._Element) -> bytes:
    """Inclusive C14N 1.0 of ``element`` in its document context (the SII's canonical form).

    Serializing the subtree carries every in-scope namespace onto its root; re-parsing it avoids
    the libxml2 bug that writes ``xmlns=""`` on grandchildren of a subtree.
    """
    require_element(element)
    # In UTF-8: ASCII would write a name's Ñ or accent as a character reference, which no name
    # may hold, and the copy would not parse.
    serialized = etree.tostring(element, with_tail=False, encoding="utf-8")
    return etree.tostring(etree.fromstring(serialized, _PARSER), method="c14n", with_comments=False)


def c14n_quick(element: etree._Element) -> bytes:
    """Inclusive C14N without the re-parse when exclusive C14N is known to give the same bytes.

    That holds when only the apex's own namespace is in scope and no descendant declares a
    namespace it does not use, which is how this package writes documents. Verifiers fall back
    to :func:`c14n_inclusive` when the quick form does not match.
    """
    if only_own_namespace(element):
        return c14n_exclusive(element)
    return c14n_inclusive(element)


def only_own_namespace(element: etree._Element) -> bool:
    """Whether the only namespace in scope is the element's own (or none at all)."""
    tag = element.tag
    namespace = tag[1 : tag.index("}")] if isinstance(tag, str) and tag[:1] == "{" else None
    return bool(element.nsmap == ({None: namespace} if namespace else {}))


def c14n_exclusive(element: etree._Element) -> bytes:
    """Exclusive C14N 1.0 of ``element``: only the namespaces it visibly uses."""
    require_element(element)
    return etree.tostring(
        element, method="c14n", exclusive=True, with_comments=False, with_tail=False
    )


def require_element(node: etree._Element) -> None:
    """Raise ``XMLError`` unless ``node`` is an element: lxml's C14N of a comment or a processing
    instruction crashes the process (lxml 6.2), so no such node may reach it."""
    if not isinstance(node, etree._Element):
        raise TypeError(f"expected an lxml element, got {type(node).__name__}")
    if not isinstance(node.tag, str):
        raise XMLError("only an element can be canonicalized, not a comment or an instruction")


def strip_namespaces(element: etree._Element) -> etree._Element:
    """A detached copy of ``element`` with every element in no namespace."""
    require_element(element)
    # In UTF-8: ASCII would write a name's Ñ or accent as a character reference, which no
    # name may hold, and the copy would not parse.
    serialized = etree.tostring(element, with_tail=False, encoding="utf-8")
    copy = etree.fromstring(serialized, _PARSER)
    for node in copy.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = node.tag.rpartition("}")[2]
    etree.cleanup_namespaces(copy)
    return copy


def c14n_stripped(element: etree._Element, *, default_ns: str | None = None) -> bytes:
    """C14N of ``element`` with every namespace stripped, optionally re-declaring one default.

    ``default_ns`` reproduces what a producer signed when it had that default namespace in scope
    but the file was later extracted without it (the MiPyme quirk).
    """
    canonical = etree.tostring(strip_namespaces(element), method="c14n", with_comments=False)
    if default_ns is None:
        return canonical
    name_end = len(local_name(element)) + 1
    return canonical[:name_end] + f' xmlns="{default_ns}"'.encode() + canonical[name_end:]


def to_latin1(element: etree._Element, *, declaration: bool = False) -> bytes:
    """Serialize ``element`` in ISO-8859-1 (characters outside it become references)."""
    data: Any = etree.tostring(element, encoding="ISO-8859-1", xml_declaration=declaration)
    return bytes(data)


def flatten(data: bytes) -> bytes:
    """Remove the whitespace between tags, as the timbre's signed bytes require."""
    return _FLATTEN.sub(b"><", data)


def timbre_bytes(element: etree._Element, *, quote_entities: bool = True) -> bytes:
    """The bytes the SII signs for a DD or a DA: namespace-free C14N, flattened, in ISO-8859-1.

    With ``quote_entities`` the quotes in text are written as ``&quot;`` and ``&apos;``, as the
    SII's escaping rules ask; some producers leave them raw, so verifiers try both.
    Raises ``UnicodeEncodeError`` for text outside ISO-8859-1.
    """
    canonical = flatten(c14n_without_namespaces(element))
    if quote_entities:
        canonical = _quote_text(canonical)
    return canonical.decode("utf-8").encode("iso-8859-1")


def timbre_forms(element: etree._Element) -> list[bytes]:
    """``timbre_bytes`` with the quotes as entities, then with them raw when that differs (text
    without quotes has one form), canonicalized once; none when text falls outside ISO-8859-1."""
    canonical = flatten(c14n_without_namespaces(element))
    if not _quote_in_text(canonical):  # the usual timbre: one form
        if canonical.isascii():
            return [canonical]  # the same bytes in ISO-8859-1
        try:
            return [canonical.decode("utf-8").encode("iso-8859-1")]
        except UnicodeEncodeError:
            return []
    forms = []
    for variant in (_quote_text(canonical), canonical):
        try:
            form = variant.decode("utf-8").encode("iso-8859-1")
        except UnicodeEncodeError:
            continue
        if form not in forms:
            forms.append(form)
    return forms


def _quote_in_text(canonical: bytes) -> bool:
    """Whether a quote sits in a text run of canonical XML (after a tag's ``>``, before the next
    ``<``), where ``_quote_text`` rewrites it; quotes in attributes are passed over.

    Read from the markup characters alone, in their order (one pass in C): a quote right
    after a ``>`` there has no ``<`` between them, and a ``<`` must come after it.
    """
    marks = canonical.translate(None, _NOT_MARKS)
    double, single = marks.find(b'>"'), marks.find(b">'")
    first = double if single < 0 or 0 <= double < single else single
    return first >= 0 and marks.find(b"<", first) >= 0


_NOT_MARKS: Final = bytes(byte for byte in range(256) if byte not in b"<>\"'")
"""Every byte but ``<``, ``>`` and the two quotes."""


def c14n_without_namespaces(element: etree._Element) -> bytes:
    """C14N (without comments) of ``element`` as if no element had a namespace.

    Fast path: when the whole subtree sits in the apex's namespace (or none), exclusive C14N
    declares it once, on the apex, and dropping that declaration is all it takes.
    """
    bare = without_own_namespace(element, c14n_exclusive(element))
    if bare is not None:
        return bare
    return etree.tostring(strip_namespaces(element), method="c14n", with_comments=False)


def without_own_namespace(element: etree._Element, exclusive: bytes) -> bytes | None:
    """``exclusive`` (the exclusive C14N of ``element``) with namespaces stripped, when it shows
    that every element of the subtree is in the apex's namespace (or none); else None.

    Exclusive C14N declares every namespace an element or attribute uses: a lone declaration of
    the apex's namespace on the apex (or none at all) means nothing else is used.
    """
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        declaration = f' xmlns="{tag[1 : tag.index("}")]}"'.encode()
        name = local_name(element).encode()
        head = b"<" + name + declaration
        if exclusive.startswith(head) and exclusive.count(b"xmlns") == 1:
            return b"<" + name + exclusive[len(head) :]
    elif b"xmlns" not in exclusive:
        return exclusive
    return None


def _quote_text(canonical: bytes) -> bytes:
    """Escape quotes inside text nodes only (attribute values are left as C14N wrote them)."""
    from haulmer.sii.render import sii_quotes

    # Latin-1 maps each byte to one character and back, and the markup is ASCII.
    return sii_quotes(canonical.decode("latin-1")).encode("latin-1")


_PRIVATE_KEY_TAG: Final = b"<RSASK"
_NAME_LIKE: Final = re.compile(r"[A-Za-z0-9+/=]{5,}")
"""What libxml2 may quote of a CAF's private key: a tag, attribute or entity name it read."""


def _within_key_columns(
    data: bytes, start: int, end: int, on_first: bool, on_last: bool, column: int
) -> bool:
    """Whether libxml2's column (in characters, on a line RSASK begins or ends on) lies past
    the start tag and before the end tag: a CAF written on few lines (as make_test_caf_xml
    writes it) holds its other elements on those lines. Counted so a doubt hides the key."""
    if on_first:
        line_start = data.rfind(b"\n", 0, start) + 1
        if line_start == 0 and data.startswith(_UTF8_BOM):
            line_start = len(_UTF8_BOM)
        # the fewest characters the bytes before the tag can be: UTF-8 continuations not counted
        before = sum(1 for byte in data[line_start:start] if not 0x80 <= byte <= 0xBF)
        if column <= before + len(_PRIVATE_KEY_TAG):
            return False
    if on_last and end >= 0:
        # the most characters the bytes before the end tag can be: one a byte
        before = end - (data.rfind(b"\n", 0, end) + 1)
        if column > before + len(b"</RSASK>") + 1:
            return False
    return True


def _key_kept_out(
    data: bytes, message: str, line: int | None, column: int | None
) -> XMLError | None:
    """The error for XML that holds a CAF's private key (RSASK) and breaks inside it, or None
    when it breaks elsewhere: there libxml2 names the tag, attribute or entity it read, the
    key's own text, and error messages end up in logs and error trackers."""
    start = data.find(_PRIVATE_KEY_TAG)
    end = data.find(b"</RSASK", start)
    body = data[start + len(_PRIVATE_KEY_TAG) : len(data) if end < 0 else end].decode("latin-1")
    first_line = data.count(b"\n", 0, start) + 1
    last_line = first_line + body.count("\n")
    inside = line is not None and first_line <= line <= last_line
    if inside and column is not None:
        inside = _within_key_columns(
            data, start, end, line == first_line, line == last_line, column
        )
    if not inside and not any(name in body for name in _NAME_LIKE.findall(message)):
        return None
    return XMLError(
        f"XML is not well formed inside <RSASK>, a CAF's private key (lines {first_line} to "
        f"{last_line}): its text holds a '<' or an '&', which no PEM key does, so the file was "
        "changed after the SII made it (the parser's message, which quotes the key, is not "
        "shown); use the CAF file as the SII handed it out (download it again from sii.cl)",
        line=line,
    )
