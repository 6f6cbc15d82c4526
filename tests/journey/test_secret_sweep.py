"""The whole journey through the fake with every logger at DEBUG and warnings as errors: no
secret it handles (passwords, the .pfx and its password, e-mail tokens, access tokens, the API
key), plain, base64- or URL-encoded, shows in a log record, a warning, a repr or str, an error's
message, chain, pickle or traceback locals."""

from __future__ import annotations

import base64
import logging
import pickle
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pydantic

import haulmer.dte as dte
from haulmer import Haulmer
from haulmer.errors import HaulmerError
from haulmer.passwords import validate_password
from haulmer.pfx import load_pfx
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER_EMAIL,
    COMPANY,
    ORGANIZATION,
    PASSWORD,
    PFX_PASSWORD,
    certified_shop,
    legal_representative_pfx,
    new_fake,
)

NEW_PASSWORD = "Panaderia2027nueva"
WRONG_PFX_PASSWORD = "firma-de-otro"
LOGGERS = ("", "haulmer", "httpx", "httpcore")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _forms(secret: str) -> set[str]:
    """The secret and the encodings it could show in."""
    raw = secret.encode("utf-8")
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }


def _texts(value: Any, depth: int = 0) -> Iterator[str]:
    """What a dump of ``value`` (a traceback's locals, a printed model) shows: its repr and str,
    containers walked."""
    if depth > 3:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key, depth + 1)
            yield from _texts(item, depth + 1)
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts(item, depth + 1)
        return
    yield repr(value)
    yield str(value)
    if isinstance(value, pydantic.BaseModel):  # a model's dumps mask its secrets too
        yield repr(value.model_dump())
        yield value.model_dump_json()


def _error_texts(error: BaseException) -> Iterator[str]:
    """An error's message, args, notes, pickle, printed traceback and every frame's locals,
    along its causes and contexts."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        yield from _texts(current.args)
        yield from _texts(getattr(current, "__notes__", []))
        if isinstance(current, HaulmerError):
            yield pickle.dumps(current).decode("latin-1")
        yield "".join(traceback.format_exception(current, chain=False))
        tb = current.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename != __file__:
                for name, local in tb.tb_frame.f_locals.items():
                    yield from (f"{tb.tb_frame.f_code.co_name}: {name}={t}" for t in _texts(local))
            tb = tb.tb_next
        current = current.__cause__ or current.__context__


def _failure(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except HaulmerError as error:
        return error
    raise AssertionError("the call was expected to fail")


def test_no_secret_of_the_whole_journey_shows_in_logs_reprs_errors_or_tracebacks() -> None:
    handler = _Records()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    before = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.addHandler(handler)
    shown: list[Any] = []
    errors: list[BaseException] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fake = new_fake()
            client = fake.client()
            shop = certified_shop(fake, client)
            admin = shop.ready.admin
            owner = shop.ready.owner
            seller = fake.client(api_key=shop.api_key)
            shown += [client, admin, owner, seller, shop.setup, shop.ready.workspace]
            shown += [admin.accounts, admin.openfactura.setup, seller.openfactura.documents]
            boleta = dte.boleta(
                emisor={**ORGANIZATION, **{k: v for k, v in COMPANY.items() if k != "acteco"}},
                lines=[{"nombre": "Marraqueta", "cantidad": 10, "precio": 150}],
                fecha=fake.clock.today(),
            )
            shown.append(seller.openfactura.documents.emit(boleta, response=["FOLIO"]))
            shown += list(seller.openfactura.documents.list_issued())
            shown.append(
                seller.openfactura.documents.self_service_link(
                    boleta,
                    order={"id": 1, "date": fake.clock.today().isoformat()},
                    issue_boleta=False,
                    allow_factura=True,
                )
            )
            shown.append(client.accounts.resend_link(BUYER_EMAIL, "choose_tax_document"))
            choice = fake.outbox.last(to=BUYER_EMAIL, subject_contains="¿Boleta o factura?")
            shown.append(client.checkout.choose_tax_document(choice, document="boleta"))
            shown.append(client.accounts.forgot_password(BUYER_EMAIL))
            reset = fake.outbox.last(to=BUYER_EMAIL, subject_contains="Crea tu nueva contraseña")
            shown.append(
                client.accounts.create_password(
                    reset, password=NEW_PASSWORD, confirmation=NEW_PASSWORD
                )
            )
            admin_session = client.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            session = client.accounts.login(BUYER_EMAIL, NEW_PASSWORD)
            shown += [session, session.model_dump(), session.model_dump_json()]
            shown.append(client.with_options(access_token=session.access_token).accounts.me())
            used = reset.token
            shown.append(seller.openfactura.organization.retrieve(extra_query={"token": used}))
            owner = client.with_options(access_token=session.access_token)
            admin = client.with_options(access_token=admin_session.access_token)
            errors += [
                _failure(lambda: client.accounts.login(BUYER_EMAIL, PASSWORD)),
                _failure(
                    lambda: client.accounts.create_password(
                        used, password=NEW_PASSWORD, confirmation=NEW_PASSWORD
                    )
                ),
                _failure(
                    lambda: client.accounts.create_password(
                        used, password=NEW_PASSWORD, confirmation=ADMIN_PASSWORD
                    )
                ),
                _failure(lambda: owner.workspace.activate(used)),
                _failure(lambda: owner.workspace.retrieve("wsp_unknown")),
                _failure(lambda: admin.openfactura.certification.create_api_key(shop.setup.id)),
                _failure(lambda: owner.workspace.with_raw_response.activate(used)),
                _failure(lambda: admin.openfactura.setup.start(used)),
                _failure(
                    lambda: admin.openfactura.setup.upload_certificate(
                        shop.setup.id, legal_representative_pfx(), password=WRONG_PFX_PASSWORD
                    )
                ),
                _failure(
                    lambda: admin.openfactura.setup.upload_certificate(
                        "ofs_unknown", legal_representative_pfx(), password=PFX_PASSWORD
                    )
                ),
                _failure(lambda: load_pfx(legal_representative_pfx(), WRONG_PFX_PASSWORD)),
                _failure(lambda: validate_password(NEW_PASSWORD, NEW_PASSWORD + "x")),
                _failure(lambda: Haulmer(shop.api_key, environment="nowhere")),
                _failure(
                    lambda: fake.client(
                        api_key=shop.api_key + "x"
                    ).openfactura.organization.retrieve()
                ),
            ]
            shown += list(fake.requests)
            shown += list(fake.outbox)
            shown += [fake, fake.requests, fake.outbox]
    finally:
        for lg, (level, propagate) in zip(loggers, before, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate
    secrets = {
        "password": PASSWORD,
        "admin password": ADMIN_PASSWORD,
        "new password": NEW_PASSWORD,
        ".pfx password": PFX_PASSWORD,
        "wrong .pfx password": WRONG_PFX_PASSWORD,
        "api key": shop.api_key,
        "access token": session.access_token,
        "admin access token": admin_session.access_token,
    }
    for number, email in enumerate(fake.outbox):
        for link in email.links:
            if link.token:
                secrets[f"token of {email.subject[:40]} #{number} {link.purpose}"] = link.token
    pfx = base64.b64encode(legal_representative_pfx()).decode()
    secrets[".pfx"] = pfx[40:100]
    texts = [f"log: {r.getMessage()} {r.args!r} {r.__dict__!r}" for r in handler.records]
    texts += [f"shown: {t}" for value in shown for t in _texts(value)]
    texts += [f"error: {t}" for error in errors for t in _error_texts(error)]
    leaks = sorted(
        {
            f"{name} in {text[:300]}"
            for name, secret in secrets.items()
            if secret
            for form in _forms(secret)
            for text in texts
            if form in text
        }
    )
    assert leaks == [], "\n".join(leaks)
