"""Small edits of real and issued DTEs for property tests: text around comments, PIs and CDATA,
blanks, repeated and missing elements, the TipoDTE as a boleta writes it or not, RUTs with a
right and a wrong check digit, numbers written as the SII's schema writes them or not, and with
more digits or decimals than their elements allow, or only more zeros."""

from __future__ import annotations

import re

from hypothesis import strategies as st

_LEAF = re.compile(r"<([A-Za-z][\w.-]*)((?: [^<>]*)?)>([^<]*)</\1>")
_BLANKS = st.sampled_from(["", " ", "\n", "\n  ", "\t", "  \r\n "])
_PIECE = st.one_of(
    _BLANKS,
    st.just("<!--c-->"),
    st.just("<?pi x?>"),
    st.sampled_from(["X", "39", "41", "0", " 039 ", "-", "12345678-9", "12345678-5"]),
    st.sampled_from(["+8592", "8592.0", "8.592e3", "8592.4", "1_000", "8\u00b2"]),
    st.sampled_from(  # digits past an element's totalDigits or fractionDigits, or only zeros
        ["12345678901", "1234567", "19.001", "1.0000001", "0000000000019", "19.000000"]
    ),
)


@st.composite
def edited(draw: st.DrawFn, xml: bytes) -> bytes:
    """``xml`` (read as ISO-8859-1, so that every byte stays as it was) with a few edits."""
    text = xml.decode("latin-1")
    for _ in range(draw(st.integers(1, 3))):
        leaves = list(_LEAF.finditer(text))
        leaf = leaves[draw(st.integers(0, len(leaves) - 1))]
        name, attributes, value = leaf.group(1), leaf.group(2), leaf.group(3)
        edit = draw(
            st.sampled_from(
                ["pieces", "cdata", "blanks", "repeat", "drop", "long", "indent", "beside"]
            )
        )
        if edit == "pieces":
            pieces = draw(st.lists(st.one_of(_PIECE, st.just(value)), max_size=5))
            new = f"<{name}{attributes}>{''.join(pieces)}</{name}>"
        elif edit == "cdata":
            before, after = draw(_BLANKS), draw(_BLANKS)
            new = f"<{name}{attributes}>{before}<![CDATA[{value}]]>{after}</{name}>"
        elif edit == "blanks":
            new = f"<{name}{attributes}>{draw(_BLANKS)}{value}{draw(_BLANKS)}</{name}>"
        elif edit == "repeat":
            new = leaf.group(0) * 2
        elif edit == "drop":
            new = ""
        elif edit == "long":  # at the edge of a maxLength, a blank more or less counts
            long = "X" * draw(st.sampled_from([40, 80, 100]))
            new = f"<{name}{attributes}>{draw(_BLANKS)}<!--c-->{long}</{name}>"
        elif edit == "beside":  # a comment or PI before or after an element, among blanks
            mark = draw(st.sampled_from(["<!--c-->", "<?pi x?>", "<!-- a <!b ?> -->"]))
            blanks = draw(_BLANKS)
            before = draw(st.booleans())
            new = mark + blanks + leaf.group(0) if before else leaf.group(0) + blanks + mark
        else:
            new = leaf.group(0) + draw(_BLANKS)
        text = text[: leaf.start()] + new + text[leaf.end() :]
    return text.encode("latin-1")
