"""OpenFactura setup: only after the workspace; organization, signature, DTE types, in order."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from haulmer import Haulmer
from haulmer.errors import (
    BadRequestError,
    CertificateError,
    ConflictError,
    InvalidRutError,
    MandatoryDTETypeError,
    NotFoundError,
    StepOutOfOrderError,
    TokenAlreadyUsedError,
    TokenExpiredError,
    ValidationError,
)
from haulmer.openfactura.setup import OpenFacturaSetup, SetupStatus
from haulmer.pfx import CertificateErrorReason
from haulmer.testing import FakeHaulmer
from haulmer.testing.certificates import make_test_pfx
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER_EMAIL,
    COMPANY,
    ORGANIZATION,
    PASSWORD,
    PFX_PASSWORD,
    SECOND_ORGANIZATION,
    ReadyWorkspace,
    activated_workspace,
    buy_and_pay,
    legal_representative_pfx,
    log_in,
    owner_with_password,
    ready_workspace,
    setup_with_certificate,
    started_setup,
)


@pytest.fixture
def ready(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    return ready_workspace(fake, client)


def test_the_setup_cannot_start_before_the_workspace_is_set_up(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner = owner_with_password(fake, client)
    workspace = activated_workspace(fake, owner)
    with pytest.raises(StepOutOfOrderError) as caught:
        owner.openfactura.setup.start(workspace_id=workspace.id)
    assert "finish its administrator, name and organization" in caught.value.message
    with pytest.raises(NotFoundError):
        owner.openfactura.setup.start(workspace_id="wsp_0000000000000000")


def test_the_setup_starts_from_the_link_or_the_workspace(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    with pytest.raises(ValidationError, match="one of the two"):
        ready.admin.openfactura.setup.start()
    setup = started_setup(fake, ready)
    assert setup.status is SetupStatus.PENDING_ORGANIZATION
    again = ready.owner.openfactura.setup.start(workspace_id=ready.workspace.id)
    assert again.id == setup.id
    with pytest.raises(TokenAlreadyUsedError):
        started_setup(fake, ready)


def test_a_new_organization_with_a_rut_the_workspace_has_says_to_choose_that_one(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    # It had said "This step was done before and cannot be repeated" while step 1 was still to do.
    setup = started_setup(fake, ready)
    with pytest.raises(ConflictError) as caught:
        ready.admin.openfactura.setup.choose_organization(
            setup.id,
            new_organization={"razon_social": "OTRA RAZON SPA", "rut": ORGANIZATION["rut"]},
            company=COMPANY,
        )
    message = str(caught.value)
    assert f"organization_id='{ready.organization.id}'" in message
    assert "This step was done before" not in message
    assert ready.admin.openfactura.setup.retrieve(setup.id).status is (
        SetupStatus.PENDING_ORGANIZATION
    )
    chosen = ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    assert chosen.status is SetupStatus.PENDING_CERTIFICATE


def test_step_one_can_create_a_new_organization(fake: FakeHaulmer, ready: ReadyWorkspace) -> None:
    setup = started_setup(fake, ready)
    with pytest.raises(InvalidRutError):
        ready.admin.openfactura.setup.choose_organization(
            setup.id,
            new_organization={"razon_social": "OTRA SPA", "rut": "76111222-7"},
            company=COMPANY,
        )
    with pytest.raises(ValidationError, match="exactly one"):
        ready.admin.openfactura.setup.choose_organization(setup.id, company=COMPANY)
    setup = ready.admin.openfactura.setup.choose_organization(
        setup.id,
        new_organization=SECOND_ORGANIZATION,
        company=COMPANY,
    )
    workspace = ready.owner.workspace.retrieve(ready.workspace.id)
    assert setup.organization_id == workspace.organizations[-1].id
    assert str(workspace.organizations[-1].rut) == SECOND_ORGANIZATION["rut"]
    assert setup.status is SetupStatus.PENDING_CERTIFICATE


def test_the_company_data_is_checked_locally(fake: FakeHaulmer, ready: ReadyWorkspace) -> None:
    setup = started_setup(fake, ready)
    with pytest.raises(ValidationError, match="acteco"):
        ready.admin.openfactura.setup.choose_organization(
            setup.id, organization_id=ready.organization.id, company={**COMPANY, "acteco": 0}
        )


@pytest.mark.parametrize(
    ("company", "field", "says"),
    [
        ({"giro": "ELABORACION DE PAN " * 5}, "giro", "94 characters; the SII's GiroEmis .* 80"),
        ({"direccion": "Arturo Prat " * 6 + "527"}, "direccion", "DirOrigen takes at most 70"),
        ({"comuna": "Curicó, Región del Maule"}, "comuna", "CmnaOrigen takes at most 20"),
        ({"giro": "Pan “amasado” 🍞"}, "giro", r"U\+201C\) cannot be written in a DTE's GiroEmis"),
        ({"comuna": "   "}, "comuna", "the comuna is required"),
    ],
)
def test_company_data_no_document_can_carry_is_refused_before_sending_and_by_the_platform(
    fake: FakeHaulmer, ready: ReadyWorkspace, company: dict[str, str], field: str, says: str
) -> None:
    # The company's giro, direccion and comuna are the emisor of every document it issues: one
    # the SII's schema does not take there would have every later document refused.
    setup = started_setup(fake, ready)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says):
        ready.admin.openfactura.setup.choose_organization(
            setup.id, organization_id=ready.organization.id, company={**COMPANY, **company}
        )
    assert len(fake.requests) == sent
    # A client that skips the SDK's check meets the platform's refusal, on the same field.
    with pytest.raises(BadRequestError) as caught:
        ready.admin.openfactura.setup.choose_organization(
            setup.id,
            organization_id=ready.organization.id,
            company=COMPANY,
            extra_body={"company": {**COMPANY, **company}},
        )
    assert caught.value.code == "validation_failed"
    assert [d.field for d in caught.value.details] == [f"company.{field}"]
    assert ready.admin.openfactura.setup.retrieve(setup.id).status is (
        SetupStatus.PENDING_ORGANIZATION
    )


@pytest.mark.parametrize(
    ("company", "new_organization", "field"),
    [
        ({**COMPANY, "cdg_sii_sucur": "81303347"}, None, "company.cdg_sii_sucur"),
        ({**COMPANY, "ciudad": "Curicó"}, None, "company.ciudad"),
        (COMPANY, {**SECOND_ORGANIZATION, "giro": "Pastelería"}, "new_organization.giro"),
    ],
)
def test_a_field_the_company_or_new_organization_does_not_have_is_refused_naming_it(
    fake: FakeHaulmer,
    ready: ReadyWorkspace,
    company: dict[str, object],
    new_organization: dict[str, str] | None,
    field: str,
) -> None:
    # It travelled to the platform, which dropped it: the company had no branch code, no city
    setup = started_setup(fake, ready)
    chosen: dict[str, object] = (
        {"new_organization": new_organization}
        if new_organization
        else {"organization_id": ready.organization.id}
    )
    what, _, name = field.partition(".")
    sent = len(fake.requests)
    with pytest.raises(ValidationError) as caught:
        ready.admin.openfactura.setup.choose_organization(setup.id, company=company, **chosen)
    message = str(caught.value)
    assert f"the {what.replace('_', ' ')} has no field '{name}'" in message
    assert ("giro, acteco, direccion, comuna" if what == "company" else "razon_social, rut") in (
        message
    )
    assert len(fake.requests) == sent
    # A client that skips the SDK's check meets the platform's refusal, on the same field.
    with pytest.raises(BadRequestError) as refused:
        ready.admin.openfactura.setup.choose_organization(
            setup.id,
            company=COMPANY,
            organization_id=ready.organization.id,
            extra_body={"company": company, **chosen}
            | ({"organization_id": None} if new_organization else {}),
        )
    assert refused.value.code == "validation_failed"
    assert [d.field for d in refused.value.details] == [field]
    assert ready.admin.openfactura.setup.retrieve(setup.id).status is (
        SetupStatus.PENDING_ORGANIZATION
    )
    assert len(ready.owner.workspace.retrieve(ready.workspace.id).organizations) == 1


def test_a_company_model_sends_only_the_company_fields(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    from haulmer.openfactura.setup import Company

    setup = started_setup(fake, ready)
    company = Company.model_validate({**COMPANY, "ciudad": "Curicó"})  # as read from an answer
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=company
    )
    (sent,) = fake.requests.for_route("openfactura.setup.choose_organization")
    assert sorted(sent.json()["company"]) == ["acteco", "comuna", "direccion", "giro"]


def test_the_company_texts_are_sent_trimmed_and_an_acteco_must_be_a_code(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = started_setup(fake, ready)
    with pytest.raises(ValidationError, match="acteco"):
        ready.admin.openfactura.setup.choose_organization(
            setup.id, organization_id=ready.organization.id, company={**COMPANY, "acteco": True}
        )
    with pytest.raises(ValidationError, match="organization_id must be the id"):
        ready.admin.openfactura.setup.choose_organization(
            setup.id, organization_id="", company=COMPANY
        )
    padded = {**COMPANY, "giro": f"  {COMPANY['giro']} ", "comuna": f"{COMPANY['comuna']}\n"}
    setup = ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=padded
    )
    assert setup.company is not None
    assert (setup.company.giro, setup.company.comuna) == (COMPANY["giro"], COMPANY["comuna"])


def test_the_signature_before_the_organization_is_out_of_order(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = started_setup(fake, ready)
    with pytest.raises(StepOutOfOrderError, match=r"choose the organization \(step 1\)"):
        ready.admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD
        )


def test_a_signature_after_the_sii_refused_the_certification_says_to_open_a_ticket(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    # It had said to do the missing step first and repeat the call, which never works there.
    setup = setup_with_certificate(fake, ready)
    fake.control.stop_certification("rejected_by_sii", at="set_de_pruebas", setup_id=setup.id)
    ready.admin.openfactura.setup.choose_dte_types(setup)
    fake.clock.advance(days=7)
    with pytest.raises(StepOutOfOrderError) as caught:
        ready.admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD
        )
    message = str(caught.value)
    assert "does not resume it" in message
    assert "client.myhaulmer.open_ticket(...)" in message
    assert "Do the missing step" not in message
    assert "then repeat this call" not in message


def test_dte_types_before_the_signature_are_out_of_order(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    with pytest.raises(StepOutOfOrderError, match="electronic signature"):
        ready.admin.openfactura.setup.choose_dte_types(setup.id, [33, 39])


def test_step_one_cannot_be_repeated(fake: FakeHaulmer, ready: ReadyWorkspace) -> None:
    setup = setup_with_certificate(fake, ready)
    with pytest.raises(ConflictError) as caught:
        ready.admin.openfactura.setup.choose_organization(
            setup.id, organization_id=ready.organization.id, company=COMPANY
        )
    assert caught.value.code == "already_done"


@pytest.mark.parametrize(
    ("make", "password", "reason"),
    [
        (lambda: legal_representative_pfx(), "not-the-password", "wrong_password"),
        (
            lambda: make_test_pfx(
                password=PFX_PASSWORD,
                not_before=datetime(2020, 1, 1),
                not_after=datetime(2021, 1, 1),
            ),
            PFX_PASSWORD,
            "expired",
        ),
        (
            lambda: make_test_pfx(
                rut=None,
                password=PFX_PASSWORD,
                not_before=datetime(2025, 1, 1),
                not_after=datetime(2028, 1, 1),
            ),
            PFX_PASSWORD,
            "no_rut",
        ),
        (
            # a company's signature (a legal entity's RUT, 50.000.000 or more): the SII takes a
            # person's, the legal representative's; it had been uploaded, the certification
            # then stopping days later on the representative
            lambda: make_test_pfx(
                rut="76.086.428-5",
                password=PFX_PASSWORD,
                not_before=datetime(2025, 1, 1),
                not_after=datetime(2028, 1, 1),
            ),
            PFX_PASSWORD,
            "company_rut",
        ),
        (lambda: b"this is not a pkcs12 file", PFX_PASSWORD, "not_pkcs12"),
        (lambda: legal_representative_pfx(), "", "password_missing"),
        (lambda: legal_representative_pfx(), None, "password_missing"),
        # a file that is no signature says so, not that its password is missing
        (
            lambda: b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            None,
            "not_pkcs12",
        ),
        (lambda: b"this is not a pkcs12 file", "", "not_pkcs12"),
    ],
)
def test_a_bad_signature_is_refused_before_upload(
    fake: FakeHaulmer,
    ready: ReadyWorkspace,
    make: object,
    password: str | None,
    reason: str,
) -> None:
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    data = make()  # type: ignore[operator]
    sent = len(fake.requests)
    with pytest.raises(CertificateError) as caught:
        ready.admin.openfactura.setup.upload_certificate(setup.id, data, password=password)
    assert caught.value.reason == reason
    assert caught.value.reason in set(CertificateErrorReason)  # one of the stable reasons
    assert len(fake.requests) == sent
    if password:
        assert password not in str(caught.value)


def test_the_platform_refuses_a_signature_of_a_company_naming_its_rut(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    # What a client that skips the SDK's check sends: the platform refuses it too.
    import base64

    setup = started_setup(fake, ready)
    admin = ready.admin.openfactura.setup
    admin.choose_organization(setup.id, organization_id=ready.organization.id, company=COMPANY)
    company_pfx = make_test_pfx(
        rut="76086428-5",
        password=PFX_PASSWORD,
        not_before=datetime(2025, 1, 1),
        not_after=datetime(2028, 1, 1),
    )
    with pytest.raises(BadRequestError) as caught:
        admin.upload_certificate(
            setup.id,
            legal_representative_pfx(),
            password=PFX_PASSWORD,
            extra_body={"pfx_base64": base64.b64encode(company_pfx).decode("ascii")},
        )
    assert caught.value.details[0].field == "pfx_base64"
    assert caught.value.details[0].issue == "company_rut"
    assert "76.086.428-5" in caught.value.message or "76086428-5" in caught.value.message
    assert admin.retrieve(setup.id).status is SetupStatus.PENDING_CERTIFICATE


def test_a_company_signature_is_refused_before_upload_saying_whose_to_upload(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = started_setup(fake, ready)
    admin = ready.admin.openfactura.setup
    admin.choose_organization(setup.id, organization_id=ready.organization.id, company=COMPANY)
    company_pfx = make_test_pfx(
        rut="76086428-5",
        password=PFX_PASSWORD,
        not_before=datetime(2025, 1, 1),
        not_after=datetime(2028, 1, 1),
    )
    with pytest.raises(CertificateError) as caught:
        admin.upload_certificate(setup.id, company_pfx, password=PFX_PASSWORD)
    message = str(caught.value)
    assert "76.086.428-5" in message or "76086428-5" in message
    assert "legal representative" in message
    assert PFX_PASSWORD not in message


@pytest.mark.parametrize(
    ("rut", "what"),
    [("66666666-6", "anonymous buyer"), ("55555555-5", "foreign receptor")],
)
def test_a_signature_naming_a_stand_in_rut_is_refused_saying_what_that_rut_is(
    fake: FakeHaulmer, ready: ReadyWorkspace, rut: str, what: str
) -> None:
    # It was called a company's RUT, which the SII's stand-ins for a receptor are not.
    setup = started_setup(fake, ready)
    admin = ready.admin.openfactura.setup
    admin.choose_organization(setup.id, organization_id=ready.organization.id, company=COMPANY)
    stand_in_pfx = make_test_pfx(
        rut=rut,
        password=PFX_PASSWORD,
        not_before=datetime(2025, 1, 1),
        not_after=datetime(2028, 1, 1),
    )
    sent = len(fake.requests)
    with pytest.raises(CertificateError) as caught:
        admin.upload_certificate(setup.id, stand_in_pfx, password=PFX_PASSWORD)
    message = str(caught.value)
    assert caught.value.reason == "company_rut"
    assert what in message
    assert "a company's" not in message
    assert "legal representative" in message
    assert len(fake.requests) == sent


@pytest.mark.parametrize("password", ["", None, "a-password-it-does-not-have"])
def test_a_signature_without_a_password_is_refused_saying_it_has_none(
    fake: FakeHaulmer, ready: ReadyWorkspace, password: str | None
) -> None:
    # It was told "the .pfx/.p12 is protected by one", sending its holder after a password the
    # file does not have; given a password, it was told the password was wrong
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    bare = make_test_pfx(
        password=None, not_before=datetime(2025, 1, 1), not_after=datetime(2028, 1, 1)
    )
    sent = len(fake.requests)
    with pytest.raises(CertificateError) as caught:
        ready.admin.openfactura.setup.upload_certificate(setup.id, bare, password=password)
    assert caught.value.reason == "password_missing"
    assert "has no password" in str(caught.value)
    assert "export it again with a password" in str(caught.value)
    assert "protected by one" not in str(caught.value)
    assert len(fake.requests) == sent


def test_a_signature_without_a_password_or_a_mac_given_one_is_refused_saying_it_has_none(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    # A .pfx with neither encryption nor MAC opened with any password, so it was uploaded with
    # a password that protects nothing
    from cryptography.hazmat.primitives.asymmetric import rsa

    from haulmer.testing.certificates import make_test_certificate
    from pfx_shapes import pfx_of_signatures

    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    signature = make_test_certificate(
        password=None, not_before=datetime(2025, 1, 1), not_after=datetime(2028, 1, 1)
    )
    assert isinstance(signature.private_key, rsa.RSAPrivateKey)
    bare = pfx_of_signatures([(signature.private_key, signature.x509)], None)
    sent = len(fake.requests)
    with pytest.raises(CertificateError) as caught:
        ready.admin.openfactura.setup.upload_certificate(setup.id, bare, password="a-password")
    assert caught.value.reason == "password_missing"
    assert "has no password" in str(caught.value)
    assert len(fake.requests) == sent


def test_a_signature_password_held_in_a_secret_str_is_refused_saying_to_pass_its_value(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    from pydantic import SecretStr

    with pytest.raises(TypeError) as caught:
        ready.admin.openfactura.setup.upload_certificate(
            "ofs_1", legal_representative_pfx(), password=SecretStr(PFX_PASSWORD)
        )
    assert "got SecretStr: pass its text, password.get_secret_value()" in str(caught.value)
    assert not fake.requests.for_route("openfactura.setup.upload_certificate")


def test_an_open_signature_file_is_refused_saying_to_pass_its_bytes_or_its_path(
    fake: FakeHaulmer, ready: ReadyWorkspace, tmp_path: Path
) -> None:
    # It said only "expected a file path, got BufferedReader"
    path = tmp_path / "firma.pfx"
    path.write_bytes(legal_representative_pfx())
    with path.open("rb") as handle, pytest.raises(TypeError) as caught:
        ready.admin.openfactura.setup.upload_certificate("ofs_1", handle, password=PFX_PASSWORD)
    message = str(caught.value)
    assert "upload_certificate takes the .pfx's bytes or its path" in message
    assert "BufferedReader" in message
    assert ".read()" in message
    assert not fake.requests.for_route("openfactura.setup.upload_certificate")


def test_a_huge_signature_is_refused_before_upload_and_by_the_platform(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    import base64

    from haulmer.pfx import MAX_PFX_BYTES

    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    huge = legal_representative_pfx() + b"\x00" * MAX_PFX_BYTES
    sent = len(fake.requests)
    with pytest.raises(CertificateError) as caught:
        ready.admin.openfactura.setup.upload_certificate(setup.id, huge, password=PFX_PASSWORD)
    assert caught.value.reason == "not_pkcs12"
    assert len(fake.requests) == sent
    # The same bytes from a client that skips the SDK's check: refused, nothing kept.
    with pytest.raises(BadRequestError) as refused:
        ready.admin.openfactura.setup.upload_certificate(
            setup.id,
            legal_representative_pfx(),
            password=PFX_PASSWORD,
            extra_body={"pfx_base64": base64.b64encode(huge).decode("ascii")},
        )
    assert [(d.field, d.issue) for d in refused.value.details] == [("pfx_base64", "not_pkcs12")]
    assert PFX_PASSWORD not in str(refused.value)
    assert ready.admin.openfactura.setup.retrieve(setup.id).certificate is None
    # A signature's bytes in a bytearray or a memoryview are the signature, as for load_pfx.
    setup = ready.admin.openfactura.setup.upload_certificate(
        setup.id, memoryview(bytearray(legal_representative_pfx())), password=PFX_PASSWORD
    )
    assert setup.status is SetupStatus.PENDING_DTE_TYPES


def test_the_signature_can_be_read_from_a_file(
    fake: FakeHaulmer, ready: ReadyWorkspace, tmp_path: Path
) -> None:
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    with pytest.raises(CertificateError) as caught:
        ready.admin.openfactura.setup.upload_certificate(
            setup.id, tmp_path / "missing.pfx", password=PFX_PASSWORD
        )
    assert caught.value.reason == "file_not_found"
    path = tmp_path / "firma.p12"
    path.write_bytes(legal_representative_pfx())
    setup = ready.admin.openfactura.setup.upload_certificate(setup.id, path, password=PFX_PASSWORD)
    assert setup.status is SetupStatus.PENDING_DTE_TYPES
    assert setup.certificate is not None
    assert PFX_PASSWORD not in setup.model_dump_json()


@pytest.mark.parametrize(
    ("password", "typed"),
    [
        ("contraseña", "contraseña"),
        ("contraseña".encode(), "contraseña"),
        ("contraseña".encode("latin-1"), "contraseña"),
        ("contraseña–2026".encode("cp1252"), "contraseña–2026"),
    ],
    ids=["text", "utf-8 bytes", "latin-1 bytes", "windows-1252 bytes"],
)
def test_a_non_ascii_password_given_as_text_or_bytes_uploads_the_signature(
    fake: FakeHaulmer, ready: ReadyWorkspace, password: str | bytes, typed: str
) -> None:
    # load_pfx opens the .pfx with each (a password read from a file a Windows tool saved comes
    # as Latin-1 or Windows-1252 bytes); the upload sends the text the platform opens it with,
    # never the bytes
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    pfx = make_test_pfx(
        rut="12345678-5",
        password=typed,
        not_before=datetime(2025, 1, 1),
        not_after=datetime(2028, 1, 1),
    )
    uploaded = ready.admin.openfactura.setup.upload_certificate(setup.id, pfx, password=password)
    assert uploaded.status is SetupStatus.PENDING_DTE_TYPES  # the platform opened it
    assert uploaded.certificate is not None
    assert str(uploaded.certificate.holder_rut) == "12345678-5"


@pytest.mark.parametrize("rut_in", ["san", "serial"])
def test_a_signature_whose_rut_has_a_wrong_check_digit_uploads_and_its_setup_reads(
    fake: FakeHaulmer, ready: ReadyWorkspace, rut_in: str
) -> None:
    # Certificates carry such RUTs (load_pfx reads them as written); the upload's answer and
    # every later read of the setup were refused as not a valid OpenFacturaSetup
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    pfx = make_test_pfx(
        rut="12345678-9",
        rut_in=rut_in,
        password=PFX_PASSWORD,
        not_before=datetime(2025, 1, 1),
        not_after=datetime(2028, 1, 1),
    )
    uploaded = ready.admin.openfactura.setup.upload_certificate(
        setup.id, pfx, password=PFX_PASSWORD
    )
    assert uploaded.status is SetupStatus.PENDING_DTE_TYPES
    assert uploaded.certificate is not None
    assert str(uploaded.certificate.holder_rut) == "12345678-9"
    again = ready.admin.openfactura.setup.retrieve(setup.id)
    assert again.certificate is not None
    assert again.certificate.holder_rut == uploaded.certificate.holder_rut
    chosen = ready.admin.openfactura.setup.choose_dte_types(again)
    assert chosen.status is SetupStatus.CERTIFYING


def test_a_client_whose_now_is_naive_chilean_time_judges_the_signature_at_that_time(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    # now=datetime.now-like clocks are Chilean local time wherever the client reads its now (the
    # day a document is dated); the upload refused it as "at= must be an aware datetime"
    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    session = ready.admin.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    naive = fake.client(
        api_key=None,
        access_token=session.access_token,
        now=lambda: fake.clock.now().replace(tzinfo=None),
    )
    ends = fake.clock.now() + timedelta(hours=2)  # 2 hours from now, in Chile
    expiring = make_test_pfx(
        password=PFX_PASSWORD, not_before=datetime(2025, 1, 1), not_after=ends - timedelta(hours=3)
    )
    with pytest.raises(CertificateError) as caught:
        naive.openfactura.setup.upload_certificate(setup.id, expiring, password=PFX_PASSWORD)
    assert caught.value.reason == "expired"  # an hour ago, read in Chile's clock
    valid = make_test_pfx(password=PFX_PASSWORD, not_before=datetime(2025, 1, 1), not_after=ends)
    uploaded = naive.openfactura.setup.upload_certificate(setup.id, valid, password=PFX_PASSWORD)
    assert uploaded.status is SetupStatus.PENDING_DTE_TYPES


@pytest.mark.parametrize("encoding", ["base64", "latin-1"])
def test_a_signature_given_as_text_where_its_path_goes_is_not_quoted_back(
    fake: FakeHaulmer, ready: ReadyWorkspace, encoding: str
) -> None:
    import base64

    data = legal_representative_pfx()
    text = base64.b64encode(data).decode() if encoding == "base64" else data.decode("latin-1")
    with pytest.raises(CertificateError) as caught:
        ready.admin.openfactura.setup.upload_certificate("setup-id", text, password=PFX_PASSWORD)
    message = str(caught.value)
    assert text[:24] not in message
    assert text[-24:] not in message
    assert text[40:64] not in repr(caught.value.args)
    assert "pass its bytes" in message
    assert not fake.requests.for_route("openfactura.setup.upload_certificate")
    # The OSError or ValueError naming the "path" does not stay behind as the error's context.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


def test_a_signature_path_read_with_its_line_break_says_to_strip_it(
    fake: FakeHaulmer, ready: ReadyWorkspace, tmp_path: Path
) -> None:
    path = tmp_path / "firma.pfx"
    path.write_bytes(legal_representative_pfx())
    with pytest.raises(CertificateError, match=r"path\.strip\(\)") as caught:
        ready.admin.openfactura.setup.upload_certificate(
            "ofs_1", f"{path}\n", password=PFX_PASSWORD
        )
    assert caught.value.reason == "file_not_found"
    assert repr(str(path)) in str(caught.value)
    assert not fake.requests.for_route("openfactura.setup.upload_certificate")


def test_the_password_given_where_the_signature_goes_is_not_quoted_as_a_path(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    with pytest.raises(CertificateError) as caught:
        ready.admin.openfactura.setup.upload_certificate(
            "setup-id",
            PFX_PASSWORD,  # the two swapped
            password=legal_representative_pfx(),  # type: ignore[arg-type]
        )
    assert caught.value.reason == "file_not_found"
    assert PFX_PASSWORD not in str(caught.value)
    assert PFX_PASSWORD not in repr(caught.value.args)
    assert "may be the password" in str(caught.value)
    assert not fake.requests.for_route("openfactura.setup.upload_certificate")


def test_with_a_point_of_sale_boleta_and_factura_cannot_be_deselected(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = setup_with_certificate(fake, ready)
    assert setup.mandatory_dte_types == [33, 39]
    sent = len(fake.requests)
    with pytest.raises(MandatoryDTETypeError, match="39"):
        ready.admin.openfactura.setup.choose_dte_types(setup, [33, 61])
    assert len(fake.requests) == sent
    # Given only the id, the platform refuses it the same way.
    with pytest.raises(BadRequestError) as caught:
        ready.admin.openfactura.setup.choose_dte_types(setup.id, [39])
    assert caught.value.code == "mandatory_dte_type"
    assert caught.value.details[0].field == "dte_types"


def test_a_preset_type_this_sdk_does_not_know_is_named_in_the_mandatory_error() -> None:
    # A later platform may preset a type the SDK's catalogue lacks (48, say): naming it raised
    # a bare ValueError ("48 is not a valid DTEType") instead of MandatoryDTETypeError
    from haulmer.openfactura.setup.business import dte_types_request

    setup = OpenFacturaSetup.model_validate(
        {
            "id": "ofs_1",
            "workspace_id": "wsp_1",
            "status": "pending_dte_types",
            "mandatory_dte_types": [33, 39, 48],
            "dte_types": [33, 39, 48],
            "dte_types_preset": True,
            "available_dte_types": [33, 39, 48, 61],
            "created_at": "2026-12-03T10:00:00-03:00",
        }
    )
    with pytest.raises(MandatoryDTETypeError) as caught:
        dte_types_request(setup, [33, 39])
    assert "33 (Factura electrónica), 39 (Boleta electrónica), 48" in str(caught.value)
    assert dte_types_request(setup, [48, 39, 33]).json == {"dte_types": [33, 39, 48]}


def _signed_setup_without_point_of_sale(
    fake: FakeHaulmer, client: Haulmer
) -> tuple[Haulmer, OpenFacturaSetup]:
    """The owner's client and a setup through steps 1 and 2, no point of sale bought."""
    buy_and_pay(fake, client, point_of_sale=False)
    link = fake.outbox.last(subject_contains="Crea tu nueva contraseña").token
    client.accounts.create_password(link, password=PASSWORD, confirmation=PASSWORD)
    owner = log_in(client, BUYER_EMAIL, PASSWORD)
    workspace = activated_workspace(fake, owner)
    owner.workspace.set_administrator(workspace.id, email=BUYER_EMAIL, name="Ana")
    owner.workspace.rename(workspace.id, "Ana")
    organization = owner.workspace.add_organization(workspace.id, **ORGANIZATION)
    setup = owner.openfactura.setup.start(workspace_id=workspace.id)
    owner.openfactura.setup.choose_organization(
        setup.id, organization_id=organization.id, company=COMPANY
    )
    setup = owner.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    return owner, setup


def test_without_a_point_of_sale_any_dte_type_may_be_chosen(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner, setup = _signed_setup_without_point_of_sale(fake, client)
    assert setup.mandatory_dte_types == []
    setup = owner.openfactura.setup.choose_dte_types(setup, [34])
    assert setup.dte_types == [34]


@pytest.mark.parametrize(
    ("chosen", "needed"),
    [([61], "33"), ([56, 61], "33"), ([52, 56], "33"), ([112], "110"), ([33, 111], "110")],
)
def test_notas_without_a_document_they_modify_are_refused_locally_and_by_the_platform(
    fake: FakeHaulmer, client: Haulmer, chosen: list[int], needed: str
) -> None:
    # A company certified to issue only notas, with nothing of its own to correct or annul, had
    # been accepted; the SII certifies notas with the documents they modify.
    owner, setup = _signed_setup_without_point_of_sale(fake, client)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=f"nota.*{needed}"):
        owner.openfactura.setup.choose_dte_types(setup, chosen)
    assert len(fake.requests) == sent  # refused before sending
    with pytest.raises(BadRequestError, match=f"nota.*{needed}") as caught:
        owner.openfactura.setup.choose_dte_types(setup.id, [33], extra_body={"dte_types": chosen})
    assert caught.value.details[0].field == "dte_types"
    assert owner.openfactura.setup.retrieve(setup.id).status is SetupStatus.PENDING_DTE_TYPES


@pytest.mark.parametrize("chosen", [[34, 61], [39, 61], [46, 56, 61], [110, 111, 112]])
def test_notas_with_a_document_they_modify_may_be_chosen(
    fake: FakeHaulmer, client: Haulmer, chosen: list[int]
) -> None:
    owner, setup = _signed_setup_without_point_of_sale(fake, client)
    assert owner.openfactura.setup.choose_dte_types(setup, chosen).dte_types == chosen


def test_unknown_or_no_dte_types_are_refused_locally(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = setup_with_certificate(fake, ready)
    with pytest.raises(ValidationError, match="not an electronic DTE type"):
        ready.admin.openfactura.setup.choose_dte_types(setup, [33, 39, 99])
    with pytest.raises(ValidationError, match="at least one"):
        ready.admin.openfactura.setup.choose_dte_types(setup, [])


def test_dte_types_given_as_one_code_or_as_digits_are_those_types(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    # One code had crashed with "'int' object is not iterable"; "39" was read as '3' and '9'.
    setup = setup_with_certificate(fake, ready)
    admin = ready.admin.openfactura.setup
    for one in (33, "39"):
        with pytest.raises(MandatoryDTETypeError, match="preset to exactly 33"):
            admin.choose_dte_types(setup, one)  # type: ignore[arg-type]
    chosen = admin.choose_dte_types(setup, ["33", 39.0, 39])  # type: ignore[list-item]
    assert chosen.dte_types == [33, 39]


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({33: True, 34: False}, "a dict"),  # had chosen 33 and 34: its keys, whatever they said
        ({"33": "yes"}, "a dict"),
        (b"33", "bytes"),  # had been refused as "51 is not an electronic DTE type code"
        (bytearray(b"39"), "bytearray"),
    ],
)
def test_dte_types_given_as_a_dict_or_as_bytes_are_refused_saying_to_give_a_list(
    fake: FakeHaulmer, client: Haulmer, given: object, named: str
) -> None:
    owner, setup = _signed_setup_without_point_of_sale(fake, client)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=f"a list of DTE type codes.*got {named}"):
        owner.openfactura.setup.choose_dte_types(setup, given)  # type: ignore[arg-type]
    assert len(fake.requests) == sent  # refused before sending
    assert owner.openfactura.setup.retrieve(setup.id).status is SetupStatus.PENDING_DTE_TYPES


def test_a_dte_type_that_is_no_code_is_refused_listing_the_types_and_by_the_platform(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = setup_with_certificate(fake, ready)
    admin = ready.admin.openfactura.setup
    for wrong in (True, 33.5, None, "factura"):
        with pytest.raises(ValidationError, match=r"choose among 33 \(Factura electrónica\)"):
            admin.choose_dte_types(setup, [33, wrong])  # type: ignore[list-item]
    # The platform takes type codes, not numbers that equal them: 33.0 or true is refused.
    for wrong in (33.0, True):
        with pytest.raises(BadRequestError) as caught:
            admin.choose_dte_types(setup.id, [33, 39], extra_body={"dte_types": [39, wrong]})
        assert caught.value.details[0].field == "dte_types"
    assert admin.retrieve(setup.id).dte_types == [33, 39]  # the preset, still to be confirmed
    assert admin.retrieve(setup.id).status is SetupStatus.PENDING_DTE_TYPES


def test_the_platform_refuses_unknown_dte_types_naming_them_in_a_short_error(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    # What a client that skips the SDK's check sends: the platform names the types, cut.
    setup = setup_with_certificate(fake, ready)
    with pytest.raises(BadRequestError) as caught:
        ready.admin.openfactura.setup.choose_dte_types(
            setup, [33, 39], extra_body={"dte_types": [33, *range(1_000, 101_000)]}
        )
    assert "not available: [1000, 1001, 1002" in str(caught.value)
    assert len(repr(caught.value.body)) < 1_000  # the platform's answer itself, not only the SDK's


def test_the_administrator_gets_the_setup_email(fake: FakeHaulmer, ready: ReadyWorkspace) -> None:
    email = fake.outbox.last(subject_contains="[OpenFactura] Configura")
    assert email.to == ADMIN_EMAIL
    assert email.links[0].purpose == "start_openfactura_setup"


def test_the_openfactura_link_expires(fake: FakeHaulmer, ready: ReadyWorkspace) -> None:
    fake.clock.advance(hours=73)
    with pytest.raises(TokenExpiredError):
        started_setup(fake, ready)
    # The workspace itself still opens the setup.
    setup = ready.admin.openfactura.setup.start(workspace_id=ready.workspace.id)
    assert setup.status is SetupStatus.PENDING_ORGANIZATION


@pytest.mark.parametrize("workspace_id", ["", " wsp_1 ", 123, "wsp/1"])
def test_a_workspace_id_that_is_no_id_is_refused_before_starting_a_setup(
    fake: FakeHaulmer, ready: ReadyWorkspace, workspace_id: object
) -> None:
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="workspace_id must be a workspace's id"):
        ready.admin.openfactura.setup.start(workspace_id=workspace_id)  # type: ignore[arg-type]
    assert len(fake.requests) == sent


def test_an_organization_id_with_blanks_is_refused_before_step_1(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = started_setup(fake, ready)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="organization_id must be the id"):
        ready.admin.openfactura.setup.choose_organization(
            setup.id, organization_id=f" {ready.organization.id}", company=COMPANY
        )
    assert len(fake.requests) == sent
