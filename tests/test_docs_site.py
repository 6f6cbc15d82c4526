"""The documentation site's structure: every public module and name has a reference entry, the
navigation lists every page that exists (and only those), and the OpenAPI page covers every
operation. The strict build itself (``mkdocs build --strict``) runs in CI after the tests."""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import docs_hooks  # noqa: E402


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may hold Python tags (``!!python/name:``); they are not needed here."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *args: None)


def _config() -> dict[str, Any]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    assert isinstance(config, dict)
    return config


def _nav_pages(items: list[Any]) -> Iterator[str]:
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from _nav_pages(value)


def _defined_public_names(module_name: str) -> Iterator[str]:
    module = importlib.import_module(module_name)
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module_name:
            continue
        if inspect.isclass(value) or inspect.isfunction(value):
            yield name


def test_every_public_module_has_a_reference_page() -> None:
    planned = {page.module for page in docs_hooks.reference_plan()}
    assert planned == set(docs_hooks.public_modules())
    assert {"haulmer", "haulmer.rut", "haulmer.sii.verification", "haulmer.testing"} <= planned


def test_a_products_names_are_documented_on_its_package_page() -> None:
    """Users import ``Product`` from ``haulmer.catalogue``; the ``business`` module below it is
    what the faces import, and has no page of its own."""
    pages = {page.module: page for page in docs_hooks.reference_plan()}
    assert "haulmer.catalogue.business" not in pages
    assert {"Product", "sale_document"} <= set(pages["haulmer.catalogue"].own)
    assert "CertificationStatus" in pages["haulmer.openfactura.certification"].own


@pytest.mark.parametrize("module_name", docs_hooks.public_modules())
def test_every_public_name_has_a_reference_entry(module_name: str) -> None:
    exported = set(docs_hooks.exported_names(module_name))
    module = importlib.import_module(module_name)
    assert set(getattr(module, "__all__", ())) | set(_defined_public_names(module_name)) == exported
    (page,) = [p for p in docs_hooks.reference_plan() if p.module == module_name]
    assert set(page.own) | set(page.reexported) == exported
    entries = docs_hooks.expected_identifiers()
    for name in page.own:
        assert f"{module_name}.{name}" in entries
    for target in page.reexported.values():
        assert target in entries


def test_methods_and_properties_are_entries_too_inherited_ones_included() -> None:
    entries = docs_hooks.expected_identifiers()
    assert "haulmer.Haulmer.with_options" in entries  # from a private base class
    assert "haulmer.AsyncHaulmer.max_retries" in entries
    assert "haulmer.testing.Control.fail_next" in entries
    assert "haulmer._sync.openfactura.documents.Documents.pdf" in entries  # a client resource
    assert "haulmer._async.checkout.AsyncCheckout.choose_tax_document" in entries
    assert "haulmer.pfx.Certificate.is_valid_at" in entries
    assert not any(entry.endswith(".model_config") for entry in entries)


def test_every_resource_of_the_clients_has_a_page_with_both_faces() -> None:
    resources = {page.path: page for page in docs_hooks.client_resources()}
    assert {
        "checkout",
        "accounts",
        "workspace",
        "openfactura.documents",
        "openfactura.setup",
    } <= set(resources)
    documents = resources["openfactura.documents"]
    text = docs_hooks.render_resource_page(documents)
    assert f"::: {documents.sync_class.__module__}.Documents" in text
    assert f"::: {documents.async_class.__module__}.AsyncDocuments" in text
    config = {"nav": [{docs_hooks.REFERENCE_NAV_TITLE: []}]}
    docs_hooks.on_config(config)
    (clients,) = [
        item["Client resources"]
        for item in config["nav"][0][docs_hooks.REFERENCE_NAV_TITLE]
        if "Client resources" in item
    ]
    assert {"client.openfactura.documents": "reference/client.openfactura.documents.md"} in clients
    assert len(clients) == len(resources)


def test_a_name_is_documented_once_where_it_is_defined() -> None:
    owners: dict[str, str] = {}
    for page in docs_hooks.reference_plan():
        for name in page.own:
            path = f"{page.module}.{name}"
            assert path not in owners
            owners[path] = page.module
    assert owners["haulmer.rut.Rut"] == "haulmer.rut"
    assert owners["haulmer.Haulmer"] == "haulmer"  # defined in a private module
    assert owners["haulmer.testing.FakeHaulmer"] == "haulmer.testing"
    (dte,) = [page for page in docs_hooks.reference_plan() if page.module == "haulmer.dte"]
    assert dte.reexported["factura"].startswith("haulmer.dte.builders.")  # where it is defined


def test_reference_pages_render_each_name_they_own() -> None:
    for page in docs_hooks.reference_plan():
        text = docs_hooks.render_module_page(page)
        assert text.startswith(f"::: {page.module}\n")
        if page.own:
            assert f"members: {json.dumps(page.own)}" in text
        for target in page.reexported.values():
            assert f"[`{target}`][{target}]" in text


def test_the_navigation_lists_every_page_and_only_existing_ones() -> None:
    config = _config()
    listed = set(_nav_pages(config["nav"]))
    on_disk = {
        str(path.relative_to(ROOT / "docs"))
        for path in (ROOT / "docs").rglob("*.md")
        if path.relative_to(ROOT / "docs").parts[0] != "includes"  # snippets, not pages
    }
    assert listed - {"platform-openapi.md"} <= on_disk
    assert on_disk <= listed, f"pages missing from mkdocs.yml's nav: {sorted(on_disk - listed)}"
    reference = [item for item in config["nav"] if docs_hooks.REFERENCE_NAV_TITLE in item]
    assert reference == [{docs_hooks.REFERENCE_NAV_TITLE: []}]  # filled by the hook
    assert len(listed) + len(docs_hooks.reference_plan()) >= 15


def test_the_hook_fills_the_reference_section() -> None:
    config = {"nav": [{"Home": "index.md"}, {docs_hooks.REFERENCE_NAV_TITLE: []}]}
    docs_hooks.on_config(config)
    section = config["nav"][1][docs_hooks.REFERENCE_NAV_TITLE]
    assert section[0] == {"Overview": "reference/index.md"}
    assert {"haulmer.rut": "reference/haulmer.rut.md"} in section
    (sii,) = [item["haulmer.sii"] for item in section if "haulmer.sii" in item]
    assert sii[0] == {"haulmer.sii": "reference/haulmer.sii.md"}
    assert {"haulmer.sii.verification": "reference/haulmer.sii.verification.md"} in sii
    listed = list(_nav_pages(section))
    assert sorted(listed) == sorted(
        [
            "reference/index.md",
            *(page.uri for page in docs_hooks.reference_plan()),
            *(page.uri for page in docs_hooks.client_resources()),
        ]
    )


def test_the_openapi_page_shows_every_operation_and_schema() -> None:
    document = json.loads(docs_hooks.OPENAPI.read_text(encoding="utf-8"))
    page = docs_hooks.render_openapi(document)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert f"### `{method.upper()} {path}`" in page
            assert f"Operation `{operation['operationId']}`" in page
    for name in document["components"]["schemas"]:
        assert f"{{ #schema-{name.lower()} }}" in page
    assert "Operation `checkout.create_order`; no authentication." in page
    assert "Operation `workspace.retrieve`; authentication: `bearer`" in page


def test_the_inventory_reader_reads_what_mkdocstrings_writes(tmp_path: Path) -> None:
    import zlib

    header = b"# Sphinx inventory version 2\n# Project: x\n# Version: 0\n# zlib\n"
    body = b"haulmer.rut.Rut py:class 1 reference/haulmer.rut/#$ -\nhaulmer py:module 1 x/#$ -\n"
    (tmp_path / "objects.inv").write_bytes(header + zlib.compress(body))
    assert docs_hooks.read_inventory(tmp_path / "objects.inv") == {"haulmer.rut.Rut", "haulmer"}


def test_every_test_the_docs_quote_exists() -> None:
    import re

    quoted = set()
    for page in [ROOT / "SECURITY.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        quoted |= set(re.findall(r"(tests/[\w/]+\.py)::(\w+)", page.read_text(encoding="utf-8")))
    assert quoted, "SECURITY.md quotes the tests that show how secrets are handled"
    for path, name in sorted(quoted):
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^(async )?def {name}\(", source, re.M), f"{path}::{name}"


def test_the_sample_checker_joins_a_page_s_blocks_and_maps_lines_back(tmp_path: Path) -> None:
    import check_doc_samples

    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n```python\nx = 1\n```\n\ntext\n\n- item\n\n    ```py\n    y: str = x\n    ```\n"
        "\n```sh\nls\n```\n",
        encoding="utf-8",
    )
    sample = check_doc_samples.sample_module(page)
    assert sample == ("x = 1\ny: str = x\n", [4, 12])
    mapped = check_doc_samples._map_lines(
        "/tmp/x/sample_page.py:2: error: Incompatible types\n",
        {"/tmp/x/sample_page.py": (Path("docs/page.md"), [4, 12])},
    )
    assert mapped == "docs/page.md:12: error: Incompatible types\n"
    pages = check_doc_samples.pages()
    assert ROOT / "README.md" in pages
    assert ROOT / "docs" / "guides" / "issuing.md" in pages


def test_the_reference_asks_for_our_members_not_those_pydantic_writes_into_a_model() -> None:
    from haulmer.openfactura.models import EmittedDocument

    members = docs_hooks._public_methods(EmittedDocument)
    assert {"request_id", "require_folio", "require_pdf", "require_xml"} <= members
    assert "model_post_init" not in members
