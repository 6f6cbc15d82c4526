"""MkDocs hooks for the documentation site (``hooks:`` in ``mkdocs.yml``).

- The API reference is generated: one page per public module of ``haulmer``, found by walking the
  package, so a new public module gets its page without anyone editing ``mkdocs.yml``. Each name
  in a module's ``__all__`` is documented once, on the page of the public module that defines it;
  the other modules that re-export it link there.
- After the build, every public name must have an entry in the site's inventory
  (``objects.inv``): a name that mkdocstrings could not render fails the build.
- ``docs/platform-openapi.json`` (the platform contract) is rendered as a page of its own.

``tests/test_docs_site.py`` imports this module to check the same plan without building the site.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
OPENAPI = ROOT / "docs" / "platform-openapi.json"
REFERENCE_NAV_TITLE = "API reference"


@dataclass
class ModulePage:
    """What the reference page of one public module shows."""

    module: str
    summary: str
    own: list[str] = field(default_factory=list)
    """Names documented on this page (defined here, or defined in a private module)."""
    reexported: dict[str, str] = field(default_factory=dict)
    """Names this module exports that are documented elsewhere: name -> their canonical path."""

    @property
    def uri(self) -> str:
        return f"reference/{self.module}.md"


def public_modules() -> list[str]:
    """Every importable public module of ``haulmer``: no part of its path starts with ``_``. A
    product's ``business`` module (what its faces import) is documented by its package, where
    users import its names from."""
    import haulmer

    names = ["haulmer"]
    for info in pkgutil.walk_packages(haulmer.__path__, "haulmer."):
        public = not any(part.startswith("_") for part in info.name.split("."))
        if public and not info.name.endswith(".business"):
            names.append(info.name)
    return names


def exported_names(module_name: str) -> list[str]:
    """A module's public names: its ``__all__``, then any public class or function it defines
    that ``__all__`` leaves out (a name without a leading ``_`` is public to its users)."""
    module = importlib.import_module(module_name)
    names = list(getattr(module, "__all__", []))
    for name, value in vars(module).items():
        if name.startswith("_") or name in names:
            continue
        if getattr(value, "__module__", None) == module_name and (
            inspect.isclass(value) or inspect.isfunction(value)
        ):
            names.append(name)
    return names


def _is_public_module(path: str) -> bool:
    return path.startswith("haulmer") and not any(p.startswith("_") for p in path.split("."))


@cache
def reference_plan() -> tuple[ModulePage, ...]:
    """One page per public module, with the names each one documents (read with griffe, as
    mkdocstrings does, so alias chains resolve exactly as they will on the site)."""
    import griffe

    package = griffe.load("haulmer", search_paths=[str(SRC)], allow_inspection=False)
    modules = public_modules()
    exports = {name: exported_names(name) for name in modules}
    pages: dict[str, ModulePage] = {}
    canonical: dict[str, str] = {}  # final target path -> the path it is documented under
    # The clients' resources have a page each (client.<path>); modules that export them link there.
    for resource in client_resources():
        for cls in (resource.sync_class, resource.async_class):
            canonical[_class_path(cls)] = _class_path(cls)
    # Shallow modules first: a name defined privately is documented where users import it from.
    for module_name in sorted(modules, key=lambda name: (name.count("."), name)):
        obj = package if module_name == "haulmer" else package[module_name.removeprefix("haulmer.")]
        summary = (obj.docstring.value.strip().splitlines()[0] if obj.docstring else "").strip()
        page = pages[module_name] = ModulePage(module_name, summary)
        for name in exports[module_name]:
            member = obj.members[name]
            target = member.final_target.path if isinstance(member, griffe.Alias) else member.path
            home_module = target.rsplit(".", 1)[0]
            if target == f"{module_name}.{name}":
                canonical[target] = target
                page.own.append(name)
            elif target in canonical:
                page.reexported[name] = canonical[target]
            elif (
                member.is_alias
                and _is_public_module(home_module)
                and home_module in exports
                and target.rsplit(".", 1)[1] in exports[home_module]
            ):
                canonical[target] = target
                page.reexported[name] = target
            else:
                canonical[target] = f"{module_name}.{name}"
                page.own.append(name)
    return tuple(pages[name] for name in modules)


@dataclass
class ResourcePage:
    """The reference page of one resource of the clients: ``client.openfactura.documents``."""

    path: str
    """Where it hangs from a client: ``openfactura.documents``."""
    sync_class: type
    async_class: type

    @property
    def uri(self) -> str:
        return f"reference/client.{self.path}.md"

    @property
    def title(self) -> str:
        return f"client.{self.path}"


@cache
def client_resources() -> tuple[ResourcePage, ...]:
    """Every resource reachable from ``Haulmer`` (and its twin on ``AsyncHaulmer``), found by
    walking the clients' properties, so a new resource cannot go without its page."""
    import functools

    import haulmer

    pages: list[ResourcePage] = []
    seen: set[type] = set()
    """Classes with a page: a view reachable two ways (``openfactura.documents.with_raw_response``
    and ``openfactura.with_raw_response.documents``) gets one, where the walk meets it first."""
    sync_client = haulmer.Haulmer(api_key="docs", environment="sandbox")
    async_client = haulmer.AsyncHaulmer(api_key="docs", environment="sandbox")

    def walk(prefix: str, sync_obj: object, async_obj: object) -> None:
        for name in sorted(dir(type(sync_obj))):
            if name.startswith("_"):
                continue
            static = inspect.getattr_static(type(sync_obj), name)
            if not isinstance(static, (property, functools.cached_property)):
                continue
            value = getattr(sync_obj, name)
            if not type(value).__module__.startswith("haulmer._sync."):
                continue  # a setting (max_retries...), not a resource
            if type(value) in seen:
                continue
            seen.add(type(value))
            twin = getattr(async_obj, name)
            pages.append(ResourcePage(prefix + name, type(value), type(twin)))
            walk(f"{prefix}{name}.", value, twin)

    try:
        walk("", sync_client, async_client)
    finally:
        sync_client.close()
    return tuple(pages)


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def render_resource_page(page: ResourcePage) -> str:
    """A resource's page: the blocking class, then its asyncio twin."""
    sync_path, async_path = _class_path(page.sync_class), _class_path(page.async_class)
    lines = [
        f"# `{page.title}`",
        "",
        f"`haulmer.Haulmer().{page.path}` is a `{page.sync_class.__name__}`;"
        f" `haulmer.AsyncHaulmer().{page.path}` is its asyncio twin, a"
        f" `{page.async_class.__name__}`, with the same methods and parameters (awaited).",
        "",
    ]
    for path in (sync_path, async_path):
        lines += [
            f"::: {path}",
            "    options:",
            "      show_root_heading: true",
            "      show_root_full_path: false",
            "      heading_level: 2",
            "",
        ]
    return "\n".join(lines)


def _public_methods(cls: type) -> set[str]:
    """A class's public methods and properties, its own and those it inherits from haulmer's
    classes (a private base's ``with_options`` is still the client's to document)."""
    names = set()
    for klass in cls.__mro__:
        if not getattr(klass, "__module__", "").startswith("haulmer"):
            continue
        for name, member in vars(klass).items():
            if name.startswith("_"):
                continue
            if inspect.isfunction(member) and not member.__module__.startswith("haulmer"):
                continue  # written by pydantic into the class (model_post_init), not ours
            if isinstance(member, (staticmethod, classmethod, property)) or inspect.isfunction(
                member
            ):
                names.add(name)
    return names


def expected_identifiers() -> set[str]:
    """Every identifier the inventory must hold: each module, each name it documents, and each
    public method and property of the classes it documents."""
    identifiers = set()
    for page in reference_plan():
        identifiers.add(page.module)
        module = importlib.import_module(page.module)
        for name in page.own:
            identifiers.add(f"{page.module}.{name}")
            value = getattr(module, name, None)
            if inspect.isclass(value):
                identifiers.update(f"{page.module}.{name}.{m}" for m in _public_methods(value))
        identifiers.update(page.reexported.values())
    for resource in client_resources():
        for cls in (resource.sync_class, resource.async_class):
            identifiers.add(_class_path(cls))
            identifiers.update(f"{_class_path(cls)}.{m}" for m in _public_methods(cls))
    return identifiers


def render_module_page(page: ModulePage) -> str:
    """The Markdown of one reference page: mkdocstrings renders the names listed."""
    members = json.dumps(page.own) if page.own else "false"
    lines = [
        f"::: {page.module}",
        "    options:",
        "      show_root_heading: true",
        "      show_root_full_path: true",
        "      heading_level: 1",
        f"      members: {members}",
        "",
    ]
    if page.reexported:
        lines += [
            "## Also exported here",
            "",
            f"These names can be imported from `{page.module}`; they are documented where they"
            " are defined.",
            "",
            "| name | documented at |",
            "|---|---|",
        ]
        for name, target in sorted(page.reexported.items()):
            lines.append(f"| `{name}` | [`{target}`][{target}] |")
        lines.append("")
    return "\n".join(lines)


def render_reference_index(pages: tuple[ModulePage, ...]) -> str:
    """The reference's landing page: every public module and its one-line summary."""
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings of every public module (a module whose import path has no"
        " part starting with `_`). A name is documented on the page of the public module that"
        " defines it; packages that re-export it link there. Private modules (`haulmer._...`)"
        " are not part of the API and may change in any release.",
        "",
        "## Client resources",
        "",
        "What hangs from a client (`client.checkout`, `client.openfactura.documents`...): one page"
        " per resource, with its blocking class and its asyncio twin.",
        "",
        "| resource | classes |",
        "|---|---|",
    ]
    for resource in client_resources():
        lines.append(
            f"| [`{resource.title}`](client.{resource.path}.md) |"
            f" `{resource.sync_class.__name__}`, `{resource.async_class.__name__}` |"
        )
    lines += ["", "## Modules", "", "| module | what it is |", "|---|---|"]
    for page in pages:
        lines.append(f"| [`{page.module}`]({page.module}.md) | {page.summary} |")
    return "\n".join(lines) + "\n"


def _schema_type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return f"[`{name}`](#schema-{name.lower()})"
    if "enum" in schema:
        return " \\| ".join(
            f"`{json.dumps(value, ensure_ascii=False)}`" for value in schema["enum"]
        )
    if schema.get("type") == "array":
        return f"array of {_schema_type(schema.get('items', {}))}"
    for combiner in ("oneOf", "anyOf", "allOf"):
        if combiner in schema:
            return " or ".join(_schema_type(option) for option in schema[combiner])
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)


def _security(document: dict[str, Any], operation: dict[str, Any]) -> str:
    """Who may call an operation, in words: its own security, else the document's."""
    requirements = operation.get("security", document.get("security", []))
    if not requirements:
        return "no authentication"
    schemes = document.get("components", {}).get("securitySchemes", {})
    names = sorted({name for requirement in requirements for name in requirement})
    described = [
        f"`{name}` ({schemes[name].get('description', schemes[name].get('scheme', ''))})"
        if name in schemes
        else f"`{name}`"
        for name in names
    ]
    return "authentication: " + " or ".join(described)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_openapi(document: dict[str, Any]) -> str:
    """The platform contract's OpenAPI document as a page: operations, then schemas."""
    info = document["info"]
    lines = [
        f"# {info['title']}: OpenAPI {document['openapi']}",
        "",
        f"Version {info['version']}. {info.get('description', '')}",
        "",
        "This page is generated from [`platform-openapi.json`](platform-openapi.json), the same"
        " document the fake serves at `GET /v1/openapi.json`; the prose guide is"
        " [the platform contract](platform-api.md).",
        "",
        "## Operations",
        "",
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            lines += [f"### `{method.upper()} {path}`", ""]
            lines.append(
                f"{operation.get('summary', '')}. Operation `{operation.get('operationId', '')}`"
                f"; {_security(document, operation)}."
            )
            lines.append("")
            parameters = operation.get("parameters", [])
            if parameters:
                lines += ["| parameter | in | type | required |", "|---|---|---|---|"]
                for parameter in parameters:
                    if "$ref" in parameter:
                        ref = parameter["$ref"].rsplit("/", 1)[1]
                        parameter = document["components"]["parameters"][ref]
                    schema_type = _schema_type(parameter.get("schema", {}))
                    required = "yes" if parameter.get("required") else "no"
                    lines.append(
                        f"| `{parameter['name']}` | {parameter['in']} | {schema_type} |"
                        f" {required} |"
                    )
                lines.append("")
            body = operation.get("requestBody")
            if body:
                schema = body["content"]["application/json"]["schema"]
                lines += [f"Request body: {_schema_type(schema)}.", ""]
            lines += ["| status | meaning | body |", "|---|---|---|"]
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                schema_text = _schema_type(content["schema"]) if "schema" in content else ""
                lines.append(
                    f"| {status} | {_cell(response.get('description', ''))} | {schema_text} |"
                )
            lines.append("")
    lines += ["## Schemas", ""]
    for name, schema in document["components"]["schemas"].items():
        lines += [f"### `{name}` {{ #schema-{name.lower()} }}", ""]
        if schema.get("description"):
            lines += [_cell(schema["description"]), ""]
        properties = schema.get("properties")
        if properties:
            required_fields = set(schema.get("required", []))
            lines += ["| field | type | required | description |", "|---|---|---|---|"]
            for field_name, field_schema in properties.items():
                lines.append(
                    f"| `{field_name}` | {_cell(_schema_type(field_schema))} |"
                    f" {'yes' if field_name in required_fields else 'no'} |"
                    f" {_cell(field_schema.get('description', ''))} |"
                )
        else:
            lines.append(f"Type: {_cell(_schema_type(schema))}.")
        lines.append("")
    return "\n".join(lines)


def read_inventory(path: Path) -> set[str]:
    """The identifiers in a Sphinx-style ``objects.inv`` (the one mkdocstrings writes)."""
    data = path.read_bytes()
    offset = 0
    for _ in range(4):  # four header lines, then zlib
        offset = data.index(b"\n", offset) + 1
    text = zlib.decompress(data[offset:]).decode("utf-8")
    return {line.split(" ", 1)[0] for line in text.splitlines() if line.strip()}


# --- MkDocs hook functions -------------------------------------------------------------------


def reference_nav(pages: tuple[ModulePage, ...]) -> list[Any]:
    """The reference's navigation: the overview, the top-level modules, then one section per
    subpackage (``haulmer.dte``, ``haulmer.sii``...) holding the package and its modules."""
    packages = {
        page.module
        for page in pages
        if any(other.module.startswith(page.module + ".") for other in pages)
        and page.module != "haulmer"
    }
    nav: list[Any] = [
        {"Overview": "reference/index.md"},
        {"Client resources": [{page.title: page.uri} for page in client_resources()]},
    ]
    sections: dict[str, list[dict[str, str]]] = {}
    for page in pages:
        package = next(
            (p for p in packages if page.module == p or page.module.startswith(p + ".")), None
        )
        if package is None:
            nav.append({page.module: page.uri})
        else:
            if package not in sections:
                sections[package] = []
                nav.append({package: sections[package]})
            sections[package].append({page.module: page.uri})
    return nav


def on_config(config: Any) -> Any:
    """Fill the API reference's place in the navigation with the generated pages."""
    section = reference_nav(reference_plan())
    for item in config["nav"]:
        if isinstance(item, dict) and REFERENCE_NAV_TITLE in item:
            item[REFERENCE_NAV_TITLE] = section
            break
    else:
        raise ValueError(f"mkdocs.yml's nav needs a {REFERENCE_NAV_TITLE!r} entry to fill")
    return config


def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages: the reference and the rendered OpenAPI document."""
    from mkdocs.structure.files import File

    pages = reference_plan()
    files.append(
        File.generated(config, "reference/index.md", content=render_reference_index(pages))
    )
    for page in pages:
        files.append(File.generated(config, page.uri, content=render_module_page(page)))
    for resource in client_resources():
        files.append(File.generated(config, resource.uri, content=render_resource_page(resource)))
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    files.append(File.generated(config, "platform-openapi.md", content=render_openapi(document)))
    return files


def on_post_build(config: Any) -> None:
    """Fail the build when a public name has no entry in the site's inventory."""
    from mkdocs.exceptions import PluginError

    inventory = read_inventory(Path(config["site_dir"]) / "objects.inv")
    missing = sorted(expected_identifiers() - inventory)
    if missing:
        raise PluginError(
            "These public names have no entry in the API reference: " + ", ".join(missing)
        )
