"""Every public enum prints as its value: ``str()``, ``format()`` and f-strings alike, text and
number enums, on every Python the SDK supports."""

from __future__ import annotations

import enum
import importlib
import pkgutil

import haulmer
from haulmer._enums import IntEnum, StrEnum
from haulmer.checkout import OrderStatus
from haulmer.openfactura import IssuedStatus


def _public_text_enums() -> list[type[enum.Enum]]:
    return _public_enums(str)


def _public_enums(kind: type) -> list[type[enum.Enum]]:
    """Every public enum of the package whose members are also ``kind`` (str or int)."""
    found: dict[str, type[enum.Enum]] = {}
    for module_info in pkgutil.walk_packages(haulmer.__path__, "haulmer."):
        name = module_info.name
        if any(part.startswith("_") for part in name.split(".")[1:]) or ".testing" in name:
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, enum.Enum)
                and issubclass(value, kind)
                and value.__module__.startswith("haulmer")
                and not value.__name__.startswith("_")
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def test_the_walk_finds_the_enums_of_every_product() -> None:
    names = {cls.__name__ for cls in _public_text_enums()}
    assert {"OrderStatus", "IssuedStatus", "ViolationCode", "Moneda", "PointDocument"} <= names
    assert len(names) >= 25


def test_every_public_text_enum_shares_one_base_and_prints_its_value() -> None:
    for cls in _public_text_enums():
        assert issubclass(cls, StrEnum), cls
        for member in cls:
            assert str(member) == member.value, member
            assert format(member) == member.value, member
            assert f"{member}" == member.value, member
            assert f"{member:>40}" == format(member.value, ">40"), member


def test_every_public_number_enum_shares_one_base_and_prints_its_number() -> None:
    # Python 3.10's IntEnum prints "DTEType.FACTURA": a liquidación's TpoDocLiq was written so.
    classes = _public_enums(int)
    assert {"DTEType", "CodRef", "ModalidadVenta", "ClausulaVenta", "ViaTransporte"} <= {
        cls.__name__ for cls in classes
    }
    for cls in classes:
        assert issubclass(cls, IntEnum), cls
        for member in cls:
            assert str(member) == str(member.value), member
            assert f"{member}" == str(member.value), member


def test_the_issues_examples() -> None:
    assert str(OrderStatus.PAID) == "paid"
    assert f"{OrderStatus.PAID}" == "paid"
    assert str(IssuedStatus.ACEPTADO) == "Aceptado"
    assert OrderStatus.PAID == "paid"
    assert repr(OrderStatus.PAID) == "<OrderStatus.PAID: 'paid'>"
