"""make_test_caf: test CAFs that stamp like real ones but can never pass for the SII's."""

from __future__ import annotations

import datetime as dt

import pytest

from haulmer.sii import Caf
from haulmer.testing.caf import TEST_IDK, make_test_caf, make_test_caf_xml


def test_test_caf_carries_what_was_asked() -> None:
    caf = make_test_caf(
        rut="76086428-5",
        razon_social="  Comercial   Ñandú & Hijos Limitada, una razón social muy larga  ",
        dte_type=61,
        folio_from=10,
        folio_to=20,
        issued_on=dt.date(2026, 3, 1),
    )
    assert isinstance(caf, Caf)
    assert (str(caf.rut_emisor), caf.dte_type, caf.folio_from, caf.folio_to) == (
        "76086428-5",
        61,
        10,
        20,
    )
    assert caf.razon_social == "Comercial Ñandú & Hijos Limitada, una ra"
    assert caf.authorized_on == dt.date(2026, 3, 1)
    assert caf.idk == TEST_IDK


def test_test_caf_frma_verifies_only_when_test_keys_are_allowed() -> None:
    caf = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33)
    assert not caf.is_official
    assert caf.frma_problem(allow_test_keys=True) is None
    assert "not the SII's" in (caf.frma_problem() or "")


def test_test_caf_key_pair_matches_and_uses_exponent_3() -> None:
    caf = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, fresh_key=True)
    assert caf.keys_match()
    assert caf.public_key.public_numbers().e == 3


def test_test_caf_file_is_iso_8859_1_with_rsask_and_rsapubk() -> None:
    xml = make_test_caf_xml(rut="76086428-5", razon_social="Ñandú", dte_type=33)
    assert xml.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    assert "Ñandú".encode("iso-8859-1") in xml
    assert b"<RSASK>-----BEGIN RSA PRIVATE KEY-----" in xml
    assert b"<RSAPUBK>-----BEGIN PUBLIC KEY-----" in xml


def test_another_test_idk_can_be_chosen() -> None:
    caf = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, idk=777)
    assert caf.idk == 777
    assert caf.frma_problem(allow_test_keys=True) is None


@pytest.mark.parametrize("idk", [100, 300])
def test_the_sii_idks_are_refused(idk: int) -> None:
    with pytest.raises(ValueError, match="SII's"):
        make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, idk=idk)


@pytest.mark.parametrize("dte_type", [0, -5, 30, 35, 999])
def test_a_type_the_sii_authorizes_no_folios_for_is_refused_before_writing_a_caf(
    dte_type: int,
) -> None:
    with pytest.raises(
        ValueError,
        match=f"dte_type must be a DTE type the SII authorizes folios for, one of 33, 34, 39, "
        f"41, 43, 46, 52, 56, 61, 110, 111, 112; got {dte_type}",
    ):
        make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=dte_type)


def test_an_empty_folio_range_is_refused() -> None:
    with pytest.raises(ValueError, match="folio range"):
        make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, folio_from=5, folio_to=4)


def test_distinct_cafs_have_distinct_keys_and_the_same_caf_is_reused() -> None:
    one = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, folio_to=10)
    again = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, folio_to=10)
    other_range = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, folio_to=11)
    other_type = make_test_caf(rut="76086428-5", razon_social="X", dte_type=34, folio_to=10)
    moduli = [caf.public_key.public_numbers().n for caf in (one, again, other_range, other_type)]
    assert moduli[0] == moduli[1]
    assert len({moduli[0], moduli[2], moduli[3]}) == 3


def test_the_test_signer_key_is_the_one_haulmer_sii_ships_for_idk_9999() -> None:
    """The public half ships in ``haulmer.sii``, so a process that never made a test CAF (the
    command line) checks the FRMA of one made elsewhere."""
    from haulmer.sii.keys import _load_shipped_test
    from haulmer.testing.caf import _test_signer_key

    shipped = _load_shipped_test()[TEST_IDK]
    assert shipped.official is False
    ours = _test_signer_key(TEST_IDK).public_key().public_numbers()
    assert shipped.public_key.public_numbers() == ours


def test_threads_making_test_cafs_of_a_new_idk_at_once_sign_with_the_key_registered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two threads asking for a new IDK's signer key at once each made one and registered it:
    the CAFs of the thread whose key was overwritten carried a FRMA no key checked out."""
    import threading

    from cryptography.hazmat.primitives.asymmetric import rsa

    from haulmer.testing import caf as caf_module
    from haulmer.testing.caf import _test_signer_key

    idk = 424_242
    made = rsa.generate_private_key
    other: list[object] = []

    def generate_while_another_thread_does(**kwargs: object) -> object:
        if not other:  # the first thread, while it makes its key: the second asks and finishes
            other.append(None)
            second = threading.Thread(target=lambda: other.append(_test_signer_key(idk)))
            second.start()
            second.join()
        return made(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rsa, "generate_private_key", generate_while_another_thread_does)
    from haulmer.sii.keys import caf_signer_key, unregister_caf_signer_key

    try:
        first = _test_signer_key(idk)
        assert first is other[1]  # both threads sign with one key...
        registered = caf_signer_key(idk)
        assert registered is not None  # ...the one registered, so their FRMAs check out
        assert registered.public_key.public_numbers() == first.public_key().public_numbers()
    finally:
        unregister_caf_signer_key(idk)
        caf_module._SIGNER_KEYS.pop(idk, None)


def test_threads_asking_at_once_for_a_new_caf_get_one_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two threads asking at once for the same new CAF each made its key pair and kept it: the
    same CAF was two files with two keys, though asking again gives the same file."""
    import threading

    from haulmer.testing import caf as caf_module

    made = caf_module._new_caf_key
    other: list[bytes] = []
    started: list[threading.Thread] = []
    asked = {
        "rut": "76086428-5",
        "razon_social": "Hilos a la Vez SpA",
        "dte_type": 33,
        "folio_from": 424_242,
        "folio_to": 424_343,
        "issued_on": dt.date(2026, 3, 1),
    }

    def make_while_another_thread_does() -> object:
        if not started:  # the first thread, while it makes its key: the second asks and finishes
            second = threading.Thread(target=lambda: other.append(make_test_caf_xml(**asked)))
            started.append(second)
            second.start()
            second.join()
        return made()

    monkeypatch.setattr(caf_module, "_new_caf_key", make_while_another_thread_does)
    first = make_test_caf_xml(**asked)
    assert first == other[0]  # one CAF, one key pair: what either thread stamps checks out
    assert make_test_caf_xml(**asked) == first


def test_test_caf_keys_are_kept_for_the_cafs_asked_for_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from haulmer.testing import caf as caf_module

    monkeypatch.setattr(caf_module, "_CAF_KEYS", caf_module.OrderedDict())
    monkeypatch.setattr(caf_module, "_CAF_KEYS_KEPT", 2)
    monkeypatch.setattr(caf_module, "_new_caf_key", object)
    first, second = caf_module._caf_key_for("a"), caf_module._caf_key_for("b")
    assert caf_module._caf_key_for("a") is first  # asked for again: the last one now
    caf_module._caf_key_for("c")  # drops "b", the one asked for least recently
    assert caf_module._caf_key_for("a") is first
    assert caf_module._caf_key_for("b") is not second


@pytest.mark.parametrize("machine_zone", ["Etc/GMT-14", "Etc/GMT+12"])
def test_a_test_caf_is_dated_today_in_chile_whatever_the_machines_zone(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document issued today in Chile (docs/sii.md, docs/pdf.md) with a CAF made just before
    it is never stamped before the CAF's FA, even on a machine already on another day."""
    import time

    from haulmer._chile import chile_today

    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        caf = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, fresh_key=True)
        assert caf.authorized_on == chile_today()
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("name", ["CAFÉ “EL ÑANDÚ” SPA", "EMPRESA 😀 LTDA", "ŁÓDŹ SPA"])
def test_a_razon_social_iso_8859_1_cannot_write_is_refused_naming_the_character(
    name: str,
) -> None:
    with pytest.raises(ValueError, match="ISO-8859-1") as caught:
        make_test_caf_xml(rut="76086428-5", razon_social=name, dte_type=33, fresh_key=True)
    assert "razon_social" in str(caught.value)


def test_a_blank_razon_social_is_refused() -> None:
    with pytest.raises(ValueError, match="razon_social"):
        make_test_caf_xml(rut="76086428-5", razon_social="  ", dte_type=33, fresh_key=True)


def test_a_datetime_as_issued_on_authorizes_on_its_day_in_chile() -> None:
    # 02:00 UTC on 1 December is still 30 November in Chile
    moment = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)
    caf = make_test_caf(
        rut="76086428-5", razon_social="X", dte_type=33, issued_on=moment, fresh_key=True
    )
    assert caf.authorized_on == dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"issued_on": "someday"}, "issued_on"),
        ({"dte_type": "factura"}, "dte_type"),
        ({"dte_type": True}, "dte_type"),
        ({"folio_from": "1"}, "folio_from"),
        ({"folio_to": 10.5}, "folio_to"),
    ],
)
def test_arguments_of_the_wrong_kind_are_refused_naming_them(
    arguments: dict[str, object], message: str
) -> None:
    given: dict[str, object] = {"rut": "76086428-5", "razon_social": "X", "dte_type": 33}
    given.update(arguments)
    with pytest.raises((TypeError, ValueError), match=message):
        make_test_caf_xml(**given, fresh_key=True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("folio_from", "folio_to"), [(1, 10**10), (1, 10**12), (10**10, 10**10 + 5)]
)
def test_a_folio_range_past_ten_digits_is_refused_before_writing_a_caf_the_schema_refuses(
    folio_from: int, folio_to: int
) -> None:
    """RNG/D and RNG/H are the SII's FolioType (10 digits at most): a CAF past it makes every
    document stamped with it, which carries the CAF, fail the SII's schema."""
    with pytest.raises(ValueError, match="10 digits") as caught:
        make_test_caf_xml(
            rut="76086428-5",
            razon_social="X",
            dte_type=33,
            folio_from=folio_from,
            folio_to=folio_to,
            fresh_key=True,
        )
    assert "9999999999" in str(caught.value)


def test_the_last_ten_digit_folio_makes_a_caf_that_loads() -> None:
    caf = make_test_caf(
        rut="76086428-5",
        razon_social="X",
        dte_type=33,
        folio_from=9_999_999_990,
        folio_to=9_999_999_999,
        fresh_key=True,
    )
    assert caf.folio_to == 9_999_999_999


@pytest.mark.parametrize("idk", [-1, -9999, 10**18])
def test_an_idk_no_caf_reader_loads_is_refused_before_writing_the_caf(idk: int) -> None:
    with pytest.raises(ValueError, match="idk") as caught:
        make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33, idk=idk)
    assert str(idk) in str(caught.value)


@pytest.mark.parametrize("day", [dt.date(1999, 12, 31), dt.date(2051, 1, 1)])
def test_a_test_caf_is_dated_within_the_sii_s_years(day: dt.date) -> None:
    with pytest.raises(ValueError, match=r"issued_on .* outside 2000-01-01 to 2050-12-31"):
        make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33, issued_on=day)
