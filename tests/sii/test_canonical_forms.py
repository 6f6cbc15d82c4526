"""signed_forms(): the canonical forms a verifier tries, each computed once, none left out."""

from __future__ import annotations

import pytest
from lxml import etree

from haulmer.sii._xml import (
    SII_NS,
    c14n_inclusive,
    local_name,
    parse_xml,
    strip_namespaces,
)
from haulmer.sii.canonical_forms import signed_forms, strippable

XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _every_form(
    element: etree._Element, signed_in: etree._Element | None, stripped: bool
) -> set[bytes]:
    """Every form, the long way: each scope rendered, the stripped forms from a stripped copy."""
    scopes = [dict(element.nsmap), {}]
    if signed_in is not None and signed_in.getparent() is not None:
        inherited = signed_in.getparent().nsmap
        own = etree.QName(signed_in).namespace
        scopes.append(
            {
                prefix: uri
                for prefix, uri in element.nsmap.items()
                if inherited.get(prefix) != uri or (prefix is None and uri == own)
            }
        )
    forms = {
        etree.tostring(
            element,
            method="c14n",
            exclusive=True,
            inclusive_ns_prefixes=[
                "#default" if prefix is None else prefix for prefix in namespaces
            ]
            or None,
        )
        for namespaces in scopes
    }
    if stripped and strippable(element):
        bare = etree.tostring(strip_namespaces(element), method="c14n")
        end = 1 + len(local_name(element))
        forms |= {bare, bare[:end] + f' xmlns="{SII_NS}"'.encode() + bare[end:]}
    forms.add(c14n_inclusive(element))
    if "xsi" not in element.nsmap:  # signed inside an envelope, which declares xsi, then taken out
        copy = etree.tostring(element).decode()
        wrapped = etree.fromstring(f'<w xmlns:xsi="{XSI}">{copy}</w>')
        forms.add(c14n_inclusive(wrapped[0]))
    return forms


CASES = {
    "no namespace (MiPyme)": '<DTE><Documento ID="A"><X>1</X></Documento><S/></DTE>',
    "the SII's": f'<DTE xmlns="{SII_NS}"><Documento ID="A"><X>1</X></Documento></DTE>',
    "in an envelope with xsi": (
        f'<EnvioDTE xmlns="{SII_NS}" xmlns:xsi="{XSI}"><SetDTE><DTE>'
        '<Documento ID="A"><X>1</X></Documento></DTE></SetDTE></EnvioDTE>'
    ),
    "an unused prefix declared inside": (
        '<DTE><Documento ID="A" xmlns:p="urn:p"><X>1</X></Documento></DTE>'
    ),
    "a descendant in no namespace": (
        f'<DTE xmlns="{SII_NS}"><Documento ID="A"><X xmlns="">1</X></Documento></DTE>'
    ),
    "a descendant in a foreign namespace": (
        f'<DTE xmlns="{SII_NS}"><Documento ID="A"><X xmlns="urn:f">1</X></Documento></DTE>'
    ),
    "a foreign apex": '<DTE xmlns="urn:f"><Documento ID="A"><X>1</X></Documento></DTE>',
    "a prefixed apex": (
        f'<s:DTE xmlns:s="{SII_NS}" xmlns="urn:d"><s:Documento ID="A"><s:X>1</s:X>'
        "</s:Documento></s:DTE>"
    ),
    "a prefixed attribute": (
        f'<DTE xmlns="{SII_NS}" xmlns:xsi="{XSI}"><Documento ID="A" xsi:type="t">'
        "<X>1</X></Documento></DTE>"
    ),
    "the word xmlns in text": '<DTE><Documento ID="A"><X>xmlns</X></Documento></DTE>',
}


@pytest.mark.parametrize("stripped", [True, False])
@pytest.mark.parametrize("xml", CASES.values(), ids=CASES.keys())
def test_signed_forms_are_every_form_once(xml: str, stripped: bool) -> None:
    root = parse_xml(xml)
    documento = next(root.iter("{*}Documento"))
    dte = documento.getparent()
    forms = list(signed_forms(documento, signed_in=dte, stripped=stripped))
    assert len(forms) == len(set(forms))
    assert set(forms) == _every_form(documento, dte, stripped)
    assert forms[0] == etree.tostring(
        documento,
        method="c14n",
        exclusive=True,
        inclusive_ns_prefixes=[
            "#default" if prefix is None else prefix
            for prefix, uri in documento.nsmap.items()
            if dte.getparent() is None or dte.getparent().nsmap.get(prefix) != uri
        ]
        or None,
    )


def test_a_foreign_apex_has_no_stripped_form() -> None:
    root = parse_xml('<DTE xmlns="urn:f"><Documento ID="A"><X>1</X></Documento></DTE>')
    forms = list(signed_forms(root[0], signed_in=root, stripped=True))
    assert all(b'xmlns="urn:f"' in form for form in forms)


def test_a_form_signed_inside_an_envelope_gets_its_xsi_declaration_in_c14n_order() -> None:
    root = etree.fromstring(
        b'<DTE xmlns="http://www.sii.cl/SiiDte" xmlns:ds="urn:d" xmlns:zz="urn:z">'
        b'<Documento ID="F1"><A>1</A></Documento></DTE>'
    )
    forms = list(signed_forms(root[0]))
    assert forms[-1] == (
        b'<Documento xmlns="http://www.sii.cl/SiiDte" xmlns:ds="urn:d" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zz="urn:z" ID="F1">'
        b"<A>1</A></Documento>"
    )
    with_xsi = etree.fromstring(
        b'<DTE xmlns="http://www.sii.cl/SiiDte" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Documento ID="F1"/></DTE>'
    )
    assert not any(form.count(b"xmlns:xsi") > 1 for form in signed_forms(with_xsi[0]))
