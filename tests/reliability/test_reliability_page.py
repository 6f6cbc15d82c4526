"""docs/reliability.md quotes, row by row, how many attacks, hypothesis examples and tests each
suite runs: these tests hold every such number to the suites as they are."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.reliability import test_hostile_xml, test_soak

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reliability.md"

ATTACK_CLASSES = {
    "XXE and DTDs": {
        "xxe-file",
        "xxe-parameter",
        "external-dtd",
        "xinclude",
        "doctype-inside-text",
    },
    "entity bombs": {"billion-laughs", "quadratic-blowup"},
    "size and shape": {
        "deep-nesting",
        "deep-nesting-in-signed-content",
        "wide-attributes",
        "many-namespaces",
        "huge-text-node",
        "oversized",
        "truncated",
        "empty",
        "only-declaration",
        "nul-bytes",
    },
    "wrong encodings": {
        "utf16-declared-latin1-bytes",
        "unknown-encoding",
        "ebcdic-declared",
        "utf8-declared-invalid-bytes",
        "bom-with-latin1-declaration",
        "lone-surrogate-text",
    },
    "signature wrapping": {
        "duplicate-documento-after",
        "duplicate-documento-before",
        "documento-after-signature",
        "documento-in-signature-object",
        "documento-in-key-info",
        "signed-documento-moved-into-wrapper",
        "reference-to-other-sibling",
        "second-signature",
        "reference-uri-xpointer",
        "reference-uri-empty",
        "reference-uri-external",
        "documento-in-foreign-namespace-beside",
        "encabezado-outside-documento",
    },
    "duplicate IDs": {"duplicate-id-elsewhere"},
    "foreign namespaces": {
        "element-moved-to-foreign-namespace",
        "signature-in-foreign-namespace",
        "root-in-foreign-namespace",
        "relative-namespace-uri",
        "relative-namespace-inside",
    },
    "comments and processing instructions": {
        "processing-instruction-in-signed-content",
        "comment-hiding-a-total",
    },
    "unusual transforms and algorithms": {
        "xslt-transform",
        "xpath-transform",
        "canonicalization-with-comments",
        "hmac-signature-method",
        "md5-digest",
    },
    "certificates": {"empty-certificate", "huge-modulus-without-certificate"},
    "CAF numbers": {"huge-caf-number", "superscript-folio"},
}
"""Which attacks of tests/reliability/test_hostile_xml.py each row of the table counts."""

EXAMPLES = {
    "fuzzing: RUT": ("{} / {} examples", ["test_rut_parsing_raises_only_invalid_rut_error"]),
    "fuzzing: passwords": ("{} / {}", ["test_password_checks_raise_only_weak_password_error"]),
    "fuzzing: CAF files": (
        "{} / {}",
        [
            "test_caf_loading_of_a_mutated_file_raises_only_typed_errors",
            "test_caf_loading_of_arbitrary_text_raises_only_typed_errors",
        ],
    ),
    "fuzzing: .pfx": (
        "{} / {}",
        [
            "test_pfx_loading_of_mutated_bytes_and_any_password_raises_only_certificate_error",
            "test_any_password_for_a_good_pfx_opens_it_or_raises_certificate_error",
            "test_pfx_loading_of_arbitrary_bytes_raises_only_certificate_error",
        ],
    ),
    "fuzzing: certificates in received documents": (
        "{} / {} + 1",
        ["test_verify_with_any_bytes_as_the_certificate_returns_a_failure"],
    ),
    "fuzzing: received documents": (
        "{} / {}",
        ["test_a_mutated_real_document_parses_or_raises_a_typed_error_and_verify_agrees"],
    ),
    "absurd numbers in documents": (
        "{} / {} documents",
        ["test_odd_values_in_any_field_give_typed_errors_and_nothing_unverifiable_is_stamped"],
    ),
}
"""Rows quoting hypothesis examples (quick / long) of tests/reliability/test_fuzz.py."""

COLLECTED = {
    "independent verifiers": ("{} tests", ["tests/reliability/test_oracles.py"]),
    "secrets": ("{} runs", ["tests/reliability/test_secrets.py"]),
    "lost answers": ("{} tests", ["tests/openfactura/test_lost_answers.py"]),
    "hostile answers": (
        "{} tests + hypothesis",
        [
            "tests/reliability/test_answers_through_the_client.py",
            "tests/reliability/test_response_decoding.py",
            "tests/core/test_closed_clients_and_deep_answers.py",
            "tests/core/test_answer_size.py",
        ],
    ),
    "arguments no caller means": (
        "{} targeted tests",
        ["tests/reliability/test_hostile_arguments.py"],
    ),
    "megabyte values in received XML": (
        "{} targeted tests",
        [
            "tests/sii/test_bounded_messages.py",
            "tests/testing/test_fake_server_hostile.py::test_a_megabyte_value_is_named_in_a_short_error",
        ],
    ),
    "megabyte text in a printed DTE": (
        "{} targeted tests; 100 examples",
        [
            "tests/reliability/test_hostile_xml.py::"
            "test_a_megabyte_item_name_in_a_received_dte_prints_in_bounded_work"
        ],
    ),
    "CAF numbers": (
        "{} targeted tests + 2 x 5",
        ["tests/sii/test_caf.py::test_a_caf_number_that_is_not_plain_digits_is_an_xml_error"],
    ),
}
"""Rows quoting how many tests the named files (or tests) collect."""


def _how_often() -> dict[str, str]:
    """Each row of the page's table: its attack class and its "how often" cell."""
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 4 and not set(cells[0]) <= {"-", "|"}:
            rows[cells[0]] = cells[2]
    return rows


def _thousands(number: int) -> str:
    return f"{number:,}"


def test_each_attack_class_counts_its_attacks_given_to_five_entry_points() -> None:
    rows = _how_often()
    classified = [name for names in ATTACK_CLASSES.values() for name in names]
    assert sorted(classified) == sorted(test_hostile_xml.ATTACKS)  # each attack in one class
    assert len(test_hostile_xml._readers()) + 1 == 5  # the readers and verify()
    for row, names in ATTACK_CLASSES.items():
        assert f"{len(names)} x 5" in rows[row].replace(" attacks x ", " x "), row
    assert f"({len(test_hostile_xml.BENIGN)} benign changes)" in PAGE.read_text(encoding="utf-8")


def test_fuzzing_rows_quote_the_quick_and_long_examples_of_each_test() -> None:
    source = (ROOT / "tests" / "reliability" / "test_fuzz.py").read_text(encoding="utf-8")
    settings = {  # each @examples(quick, long) and the test it decorates, the next def
        name: (int(quick), int(long))
        for quick, long, name in re.findall(
            r"^@examples\(([\d_]+), ([\d_]+)\)$.*?^def (\w+)", source, re.M | re.S
        )
    }
    rows = _how_often()
    for row, (shape, tests) in EXAMPLES.items():
        quick = " + ".join(_thousands(settings[test][0]) for test in tests)
        long = " + ".join(_thousands(settings[test][1]) for test in tests)
        assert shape.format(quick, long) in rows[row], row


def test_the_soak_row_quotes_the_emissions_of_a_quick_and_a_long_run() -> None:
    expected = f"{test_soak.QUICK} / {_thousands(test_soak.LONG_RUN)} emissions per way"
    assert expected in _how_often()["soak with faults"]


def test_the_fake_bodies_row_quotes_how_many_bodies_each_route_is_sent() -> None:
    source = (ROOT / "tests" / "testing" / "test_fake_server_hostile.py").read_text("utf-8")
    block = source.split("_UNDECODABLE = {", 1)[1].split("\n}", 1)[0]
    bodies = len(re.findall(r'^    "[\w-]+": ', block, re.M))
    assert bodies == 3
    assert f"{bodies} bodies x every route" in _how_often()["fake: bodies Python cannot decode"]


def test_rows_that_count_tests_quote_what_their_files_collect() -> None:
    selections = sorted({target for _, targets in COLLECTED.values() for target in targets})
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            *selections,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    node_ids = [line for line in collected.stdout.splitlines() if "::" in line]
    per_target = Counter(
        target
        for node_id in node_ids
        for target in selections
        if node_id == target or node_id.startswith((target + "::", target + "["))
    )
    rows = _how_often()
    for row, (shape, targets) in COLLECTED.items():
        count = sum(per_target[target] for target in targets)
        assert shape.format(count) in rows[row], row
