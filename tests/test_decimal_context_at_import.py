"""A program may set every thread's decimal context at start (``decimal.DefaultContext``) before
it imports the SDK: every module imports in it, and computes what it does in the default one."""

from __future__ import annotations

import subprocess
import sys

_HOSTILE = """
import decimal
default = decimal.DefaultContext
default.prec, default.Emax, default.Emin, default.rounding = 6, 6, -6, decimal.ROUND_FLOOR
for signal in (decimal.Inexact, decimal.Rounded, decimal.FloatOperation):
    default.traps[signal] = True
decimal.setcontext(default.copy())
"""

_IMPORT_ALL_AND_COMPUTE = """
import importlib, pkgutil
from decimal import Decimal
import haulmer

names = [m.name for m in pkgutil.walk_packages(haulmer.__path__, "haulmer.")]
refused = []
for name in names:
    if name.endswith("__main__"):
        continue
    try:
        importlib.import_module(name)
    except Exception as error:
        refused.append((name, type(error).__name__))
print(refused)

from haulmer import dte
from haulmer.catalogue import Product, sale_total
from haulmer.dte.exports import round_currency

line = dte.Detalle(nombre="Horno", cantidad=Decimal("1.5"), precio=Decimal("1234567.123"))
print(dte.compute_totals(39, [line]).mnt_total, dte.split_gross(10**17, Decimal("19.5")))
print(round_currency(Decimal("1234567.123456"), "DOLAR USA"))
product = Product.model_validate(
    {"id": "prd_1", "catalogue_id": "cat_1", "name": "Horno", "sku": "H", "price": 1234567}
    | {"price_basis": "net", "tax": "afecto", "additional_taxes": ["271"]}
)
print(sale_total(39, [(product, Decimal("3.5"))]), product.unit_price("gross"))
"""


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout


def test_every_module_imports_and_computes_alike_under_a_programs_hostile_default_context() -> None:
    expected = _run(_IMPORT_ALL_AND_COMPUTE)
    assert expected.startswith("[]\n")
    assert _run(_HOSTILE + _IMPORT_ALL_AND_COMPUTE) == expected
