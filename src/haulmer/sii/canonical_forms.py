"""The canonical forms a producer may have signed, most likely first, each computed once.

Inclusive C14N 1.0 without comments is the SII's form. It is computed in place, without the
serialise-and-re-parse the lxml subtree bug otherwise needs: exclusive C14N told to treat every
prefix in scope inclusively renders the same bytes when the apex is in the default namespace (or
none) and no descendant declares a namespace it does not use, which is how documents are
written. Where that does not hold, the re-parsed inclusive form follows as a fallback. A DTE
inside an envelope was signed standalone (the SII's recipe), so its form without the envelope's
namespaces goes first; a DTE taken out of an envelope that signed it there gets the envelope's
``xmlns:xsi`` back, last. A DTE inside an envelope also gets the form of a copy of it made a
document of its own, for what its namespace scope alone cannot tell. Forms with the namespaces
stripped (producers that signed before the file gained or lost its ``xmlns``) are offered only
when every element is in the apex's namespace, the SII's or none: otherwise an element moved to
another namespace would match a signature over another document.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Final

from lxml import etree

from haulmer.sii._xml import (
    SII_NS,
    SII_PREFIX,
    XSI_NS,
    c14n_inclusive,
    c14n_without_namespaces,
    local_name,
    require_element,
    without_own_namespace,
)

__all__ = ["in_context", "signed_forms", "strippable"]

_DEFAULT_DECLARATION: Final = f' xmlns="{SII_NS}"'.encode("ascii")
_STRIPPABLE_APEX: Final = frozenset({None, SII_NS})


def in_context(element: etree._Element, prefixes: list[str]) -> bytes:
    """Exclusive C14N without comments, with ``prefixes`` rendered as inclusive C14N renders them.

    With every prefix in scope this is the inclusive C14N of ``element`` in its document (for an
    apex in the default namespace or none); with none it is plain exclusive C14N.
    """
    require_element(element)
    return etree.tostring(
        element,
        method="c14n",
        exclusive=True,
        with_comments=False,
        inclusive_ns_prefixes=prefixes or None,
    )


def _prefixes(namespaces: dict[str | None, str], own: str | None) -> list[str]:
    """The prefixes to render inclusively for ``namespaces``; ``#default`` is left out when it is
    the apex's own namespace, which exclusive C14N renders anyway (visibly used): same bytes."""
    return sorted(
        "#default" if prefix is None else prefix
        for prefix, uri in namespaces.items()
        if prefix is not None or uri != own
    )


def _namespace_of(element: etree._Element) -> str | None:
    tag = element.tag
    return tag[1 : tag.index("}")] if isinstance(tag, str) and tag[:1] == "{" else None


def _standalone_scope(element: etree._Element, signed_in: etree._Element) -> dict[str | None, str]:
    """The namespaces in scope at ``element`` had ``signed_in`` been the root of its document.

    Namespaces inherited from above ``signed_in`` (an envelope's ``xmlns:xsi``) are dropped; the
    default namespace stays when ``signed_in`` is in it, since it then declares it itself.
    """
    outer = signed_in.getparent()
    scope = dict(element.nsmap)
    if outer is None:
        return scope
    inherited = outer.nsmap
    tag = signed_in.tag
    own = tag[1 : tag.index("}")] if isinstance(tag, str) and tag[:1] == "{" else None
    return {
        prefix: uri
        for prefix, uri in scope.items()
        if inherited.get(prefix) != uri or (prefix is None and uri == own)
    }


def signed_forms(
    element: etree._Element, *, signed_in: etree._Element | None = None, stripped: bool = False
) -> Iterator[bytes]:
    """Each distinct canonical form of ``element`` a signer may have hashed, most likely first.

    ``signed_in`` is the element the producer signed as a whole document (a DTE inside an
    envelope). With ``stripped``, the namespace-stripped forms follow when :func:`strippable`
    allows them. Later forms are only computed when the earlier ones did not match.
    """
    seen: list[bytes] = []

    def fresh(form: bytes) -> bool:
        if form in seen:
            return False
        seen.append(form)
        return True

    scope = dict(element.nsmap)
    scopes = [scope, {}]
    if signed_in is not None:
        standalone = _standalone_scope(element, signed_in)
        if standalone not in scopes:
            scopes.insert(0, standalone)
    elif not scope:
        scopes = [scope]
    own = _namespace_of(element)
    rendered: list[list[str]] = []
    exclusive: bytes | None = None
    for namespaces in scopes:
        prefixes = _prefixes(namespaces, own)
        if prefixes in rendered:  # the same prefixes render the same bytes: skip the C14N
            continue
        rendered.append(prefixes)
        form = in_context(element, prefixes)
        if not prefixes:
            exclusive = form
        if fresh(form):
            yield form
    if signed_in is not None and signed_in.getparent() is not None:
        alone = _form_alone(element, signed_in)
        if alone is not None and fresh(alone):
            yield alone
    if stripped and own in _STRIPPABLE_APEX:
        # The exclusive form, when computed, shows most subtrees strippable without a search.
        bare = None if exclusive is None else without_own_namespace(element, exclusive)
        if bare is None and strippable(element):
            bare = c14n_without_namespaces(element)
        if bare is not None:
            if fresh(bare):
                yield bare
            name_end = 1 + len(local_name(element))
            restored = bare[:name_end] + _DEFAULT_DECLARATION + bare[name_end:]
            if fresh(restored):
                yield restored
            if signed_in is not None and signed_in.getparent() is not None:
                kept = _stripped_alone(element, signed_in)
                if kept is not None and fresh(kept):
                    yield kept
    form = c14n_inclusive(element)
    if fresh(form):
        yield form
    in_envelope = _with_envelope_xsi(form)
    if in_envelope is not None and fresh(in_envelope):
        yield in_envelope


def _form_alone(element: etree._Element, signed_in: etree._Element) -> bytes | None:
    """The inclusive C14N of ``element`` in a copy of ``signed_in`` made a document of its own,
    None when ``element`` is not inside ``signed_in``.

    The copy keeps every namespace declaration below ``signed_in`` where it is and takes none
    from above it: the form a DTE signed alone had, also where the scope-based forms miss it
    (a prefixed apex such as ``ds:SignedInfo`` under the SII's default namespace, which exclusive
    C14N leaves out; a declaration made again below the DTE's root, which the envelope's C14N
    leaves out).
    """
    alone = _copy_alone(element, signed_in)
    return None if alone is None else c14n_inclusive(alone)


def _stripped_alone(element: etree._Element, signed_in: etree._Element) -> bytes | None:
    """:func:`_form_alone` with the SII's namespace stripped and the other declarations kept:
    a DTE signed alone in no namespace whose root declares another (``xmlns:xsi``), which takes
    the SII's namespace inside an envelope. Only for a ``strippable`` element (the caller's)."""
    alone = _copy_alone(element, signed_in)
    if alone is None:
        return None
    root = alone.getroottree().getroot()
    for node in root.iter(SII_PREFIX + "*"):
        node.tag = node.tag[len(SII_PREFIX) :]
    etree.cleanup_namespaces(root, keep_ns_prefixes=[p for p in root.nsmap if p is not None])
    return c14n_inclusive(alone)


def _copy_alone(element: etree._Element, signed_in: etree._Element) -> etree._Element | None:
    """``element``'s copy in a copy of ``signed_in`` made a document of its own, None when
    ``element`` is not inside ``signed_in``."""
    path: list[int] = []
    node = element
    while node is not signed_in:
        parent = node.getparent()
        if parent is None:
            return None
        path.append(parent.index(node))
        node = parent
    alone = copy.deepcopy(signed_in)
    for index in reversed(path):
        alone = alone[index]
    return alone


def _with_envelope_xsi(form: bytes) -> bytes | None:
    """``form`` (an inclusive C14N) with the ``xmlns:xsi`` an envelope's root declares put in
    its apex, where C14N orders it; None when it declares ``xsi`` already.

    A producer that signs each DTE inside its envelope (an XMLDSig library working on the whole
    EnvioDTE) canonicalizes the Documento and the SignedInfo with the envelope's ``xmlns:xsi``
    in scope; the DTE taken out of the envelope into a file of its own has lost it. A namespace
    declaration that nothing uses changes nothing of the document.
    """
    start = _APEX_DECLARATIONS.match(form)
    if start is None:
        return None
    at = start.start(1)
    for declaration in _DECLARATION.finditer(form, start.start(1), start.end(1)):
        prefix = declaration.group(1) or b""
        if prefix == b"xsi":
            return None
        if prefix < b"xsi":
            at = declaration.end()
    return form[:at] + _XSI_DECLARATION + form[at:]


_XSI_DECLARATION: Final = f' xmlns:xsi="{XSI_NS}"'.encode("ascii")
_APEX_DECLARATIONS: Final = re.compile(rb'<[^\s>/]+((?: xmlns(?::[^=\s]+)?="[^"]*")*)')
_DECLARATION: Final = re.compile(rb' xmlns(?::([^=\s]+))?="[^"]*"')


def strippable(element: etree._Element) -> bool:
    """Whether every element of the subtree is in the apex's namespace, the SII's or none, so
    that forms with the namespaces stripped describe the same document to a namespace-aware
    reader: a file gains or loses its xmlns as a whole, and an element moved between the SII's
    namespace and none is another document with the same stripped form."""
    own = _namespace_of(element)
    if own is None:
        return not _NAMESPACED_ELEMENT(element)
    return own == SII_NS and not _ELEMENT_OUTSIDE_SII(element)


_NAMESPACED_ELEMENT: Final = etree.XPath("boolean(descendant-or-self::*[namespace-uri() != ''])")
_ELEMENT_OUTSIDE_SII: Final = etree.XPath(
    f"boolean(descendant-or-self::*[namespace-uri() != '{SII_NS}'])"
)
