"""The schema facts are the SII's XSDs as data: regenerating them gives the file as committed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from haulmer.dte.schema.facts import BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_dte_schema.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_dte_schema", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_facts_file_is_what_the_xsds_generate() -> None:
    generator = _generator()
    committed = generator.TARGET.read_text(encoding="utf-8")
    assert committed == generator.render(), "run: python scripts/generate_dte_schema.py"


def test_each_root_reads_the_facets_of_its_own_schema() -> None:
    giro = DOCUMENTO.child("Encabezado").child("Receptor").child("GiroRecep")  # type: ignore[union-attr]
    assert (giro.max_length, giro.min_occurs) == (40, 0)  # type: ignore[union-attr]
    emisor = BOLETA.child("Encabezado").child("Emisor")  # type: ignore[union-attr]
    assert [child.name for child in emisor.children][:3] == [  # type: ignore[union-attr]
        "RUTEmisor",
        "RznSocEmisor",
        "GiroEmisor",
    ]
    monto = EXPORTACIONES.child("Detalle").child("MontoItem")  # type: ignore[union-attr]
    assert (monto.kind, monto.fraction_digits) == ("decimal", 4)  # type: ignore[union-attr]
    assert LIQUIDACION.child("DscRcgGlobal") is None
    assert LIQUIDACION.child("Comisiones").max_occurs == 20  # type: ignore[union-attr]


def test_a_changed_xsd_facet_shows_as_drift(tmp_path: Path) -> None:
    generator = _generator()
    for name in ("DTE_v10.xsd", "SiiTypes_v10.xsd", "EnvioBOLETA_v11.xsd"):
        text = (generator.SCHEMAS / name).read_text(encoding="iso-8859-1")
        (tmp_path / name).write_text(text, encoding="iso-8859-1")
    dte = tmp_path / "DTE_v10.xsd"
    text = dte.read_text(encoding="iso-8859-1")
    assert text.count('<xs:maxLength value="40"/>') > 0
    changed = text.replace('<xs:maxLength value="40"/>', '<xs:maxLength value="41"/>', 1)
    dte.write_text(changed, encoding="iso-8859-1")
    generator.SCHEMAS = tmp_path
    assert generator.render() != generator.TARGET.read_text(encoding="utf-8")
