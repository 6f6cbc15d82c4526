"""Haulmer Accounts: the password from the e-mail link, forgot-password, login, platforms."""

from __future__ import annotations

import json
import string
import unicodedata
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from haulmer import Haulmer
from haulmer.accounts import Platform, token_from_link
from haulmer.checkout import PaymentMedium, PaymentMethod
from haulmer.errors import (
    AuthenticationError,
    ConfigurationError,
    InvalidTokenError,
    PasswordMismatchError,
    RateLimitError,
    TokenAlreadyUsedError,
    TokenExpiredError,
    ValidationError,
    WeakPasswordError,
)
from haulmer.passwords import validate_password
from haulmer.testing import FakeClock, FakeHaulmer
from haulmer.testing._outbox import Link
from journey.story import BUYER_EMAIL, PASSWORD, buy_and_pay, log_in, place_order

CREATE_PASSWORD = "[Haulmer Accounts] Crea tu nueva contraseña"


def _password_link(fake: FakeHaulmer) -> Link:
    return fake.outbox.last(to=BUYER_EMAIL, subject_contains=CREATE_PASSWORD).link(
        "create_password"
    )


def test_the_password_created_from_the_link_opens_every_platform(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    account = client.accounts.create_password(
        _password_link(fake), password=PASSWORD, confirmation=PASSWORD
    )
    assert account.email == BUYER_EMAIL
    assert account.platforms == list(Platform)
    for platform in Platform:
        session = client.accounts.login(BUYER_EMAIL, PASSWORD, platform=platform)
        assert session.platform is platform
        assert session.account.id == account.id


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Ab1", "too_short"),
        ("abcdefg1", "no_uppercase"),
        ("ABCDEFG1", "no_lowercase"),
        ("Abcdefgh", "no_digit"),
    ],
)
def test_a_weak_password_is_refused_before_anything_is_sent(
    fake: FakeHaulmer, client: Haulmer, password: str, rule: str
) -> None:
    buy_and_pay(fake, client)
    sent = len(fake.requests)
    with pytest.raises(WeakPasswordError) as caught:
        client.accounts.create_password(
            _password_link(fake), password=password, confirmation=password
        )
    assert rule in [str(v.code) for v in caught.value.violations]
    assert password not in str(caught.value)
    assert len(fake.requests) == sent


def test_a_mismatched_confirmation_is_refused_before_anything_is_sent(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    sent = len(fake.requests)
    with pytest.raises(PasswordMismatchError) as caught:
        client.accounts.create_password(
            _password_link(fake), password=PASSWORD, confirmation=PASSWORD + "x"
        )
    assert PASSWORD not in str(caught.value)
    assert len(fake.requests) == sent


def test_a_mismatch_is_the_same_error_here_and_in_haulmer_passwords(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    with pytest.raises(WeakPasswordError) as from_sdk:
        client.accounts.create_password(
            _password_link(fake), password=PASSWORD, confirmation=PASSWORD + "x"
        )
    with pytest.raises(WeakPasswordError) as from_domain:
        validate_password(PASSWORD, PASSWORD + "x")
    assert type(from_sdk.value) is type(from_domain.value) is PasswordMismatchError
    assert from_sdk.value.violations == from_domain.value.violations
    assert str(from_sdk.value) == str(from_domain.value)


def test_a_weak_password_that_also_mismatches_lists_every_problem(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    with pytest.raises(WeakPasswordError) as caught:
        client.accounts.create_password(_password_link(fake), password="abc", confirmation="abd")
    assert type(caught.value) is WeakPasswordError
    codes = [str(v.code) for v in caught.value.violations]
    assert codes == ["too_short", "no_uppercase", "no_digit", "confirmation_mismatch"]


def test_the_create_password_link_works_once(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    link = _password_link(fake)
    client.accounts.create_password(link, password=PASSWORD, confirmation=PASSWORD)
    with pytest.raises(TokenAlreadyUsedError) as caught:
        client.accounts.create_password(link, password="Otra2026x", confirmation="Otra2026x")
    assert caught.value.code == "token_used"
    assert link.token not in str(caught.value)


def test_the_create_password_link_expires(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    link = _password_link(fake)
    fake.clock.advance(hours=72, seconds=1)
    with pytest.raises(TokenExpiredError, match="ask for a new e-mail"):
        client.accounts.create_password(link, password=PASSWORD, confirmation=PASSWORD)


def test_forgot_password_resends_the_email_to_the_purchase_address_and_retires_the_old_link(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    old = _password_link(fake)
    fake.clock.advance(hours=80)
    result = client.accounts.forgot_password(BUYER_EMAIL.upper())
    assert result.status == "accepted"
    email = fake.outbox[-1]
    assert (email.to, email.subject) == (BUYER_EMAIL, CREATE_PASSWORD)
    new = email.link("create_password")
    assert new.token != old.token
    with pytest.raises(InvalidTokenError, match="newer e-mail"):
        client.accounts.create_password(old, password=PASSWORD, confirmation=PASSWORD)
    account = client.accounts.create_password(new, password=PASSWORD, confirmation=PASSWORD)
    assert account.has_password


def test_forgot_password_right_after_the_bank_validates_finds_the_new_account(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    """The platform applies what the clock made due before any request: the account a payment
    opens exists for the first request after its validation, whatever that request is."""
    order = place_order(client)
    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    client.checkout.choose_payment_medium(order.id, PaymentMedium.DEBIT_CARD)
    fake.clock.advance(minutes=5)
    client.accounts.forgot_password(BUYER_EMAIL)
    sent = [email.sent_at for email in fake.outbox if email.subject == CREATE_PASSWORD]
    assert len(sent) == 2
    assert sent[1] > sent[0]


def test_forgot_password_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    result = client.accounts.forgot_password("nadie@example.com")
    assert result.status == "accepted"
    assert len(fake.outbox) == 0


def test_a_token_of_another_email_does_not_create_a_password(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    welcome = fake.outbox.last(subject_contains="[Workspace]").token
    with pytest.raises(InvalidTokenError) as caught:
        client.accounts.create_password(welcome, password=PASSWORD, confirmation=PASSWORD)
    assert caught.value.code == "token_invalid"


def test_logging_in_before_creating_the_password_says_where_the_password_is_created(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    with pytest.raises(AuthenticationError, match="Crea tu nueva contraseña") as caught:
        client.accounts.login(BUYER_EMAIL, PASSWORD)
    assert caught.value.code == "invalid_credentials"
    assert "forgot_password(email)" in str(caught.value)


def test_a_login_does_not_tell_which_addresses_have_accounts(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)  # an account without a password yet
    answers = []
    for email, password in [
        (BUYER_EMAIL, PASSWORD),  # the account, no password created yet
        ("nadie@example.com", PASSWORD),  # no account
    ]:
        with pytest.raises(AuthenticationError):
            client.accounts.login(email, password)
        answers.append((fake.requests.last.status, fake.requests.last.response))
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    with pytest.raises(AuthenticationError):
        client.accounts.login(BUYER_EMAIL, "Equivocada1")  # the account, a wrong password
    answers.append((fake.requests.last.status, fake.requests.last.response))
    assert answers[0] == answers[1] == answers[2]


def test_a_wrong_password_does_not_log_in(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    with pytest.raises(AuthenticationError) as caught:
        client.accounts.login(BUYER_EMAIL, "Equivocada1")
    assert caught.value.code == "invalid_credentials"
    assert "Equivocada1" not in str(caught.value)


def test_five_failed_logins_lock_the_address_for_fifteen_minutes_saying_how_to_get_back_in(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    for attempt in range(4):
        with pytest.raises(AuthenticationError):
            client.accounts.login(BUYER_EMAIL, f"Equivocada{attempt}")
    sent = len(fake.requests)
    with pytest.raises(RateLimitError) as caught:
        client.accounts.login(BUYER_EMAIL, "Equivocada4")
    assert len(fake.requests) == sent + 1  # a lock is not retried: every retry meets it
    assert caught.value.code == "too_many_attempts"
    assert caught.value.retry_after == 15 * 60
    assert "forgot_password(email)" in str(caught.value)
    assert "Equivocada4" not in str(caught.value)
    with pytest.raises(RateLimitError):  # even the right password, while it lasts
        client.accounts.login(BUYER_EMAIL.upper(), PASSWORD)
    fake.clock.advance(minutes=15)
    assert client.accounts.login(BUYER_EMAIL, PASSWORD).account.email == BUYER_EMAIL


def test_a_login_lock_in_the_hour_chile_lives_twice_says_how_long_it_truly_lasts(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # Locked at 23:50 (-03:00) on 4 April, the lock ends at 23:05 (-04:00), after the clocks go
    # back: their wall clocks' difference had said "try again in 1 second".
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    fake.clock.set(datetime(2026, 4, 4, 23, 50))  # the first 23:50 of that night
    for attempt in range(4):
        with pytest.raises(AuthenticationError):
            client.accounts.login(BUYER_EMAIL, f"Equivocada{attempt}")
    with pytest.raises(RateLimitError) as caught:
        client.accounts.login(BUYER_EMAIL, "Equivocada4")
    assert caught.value.retry_after == 15 * 60
    assert "try again in 900 seconds" in str(caught.value)


def test_a_login_lock_tells_no_one_whether_the_address_has_an_account(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    answers = []
    for email in (BUYER_EMAIL, "nadie@example.com"):
        for attempt in range(6):
            try:
                client.accounts.login(email, f"Equivocada{attempt}")
            except (AuthenticationError, RateLimitError) as error:
                answers.append((email, attempt, error.status_code, error.code))
    mine = [answer[2:] for answer in answers if answer[0] == BUYER_EMAIL]
    theirs = [answer[2:] for answer in answers if answer[0] != BUYER_EMAIL]
    assert mine == theirs == [(401, "invalid_credentials")] * 4 + [(429, "too_many_attempts")] * 2


def test_a_successful_login_or_a_new_password_starts_the_count_again(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    for _ in range(2):
        for attempt in range(4):
            with pytest.raises(AuthenticationError):
                client.accounts.login(BUYER_EMAIL, f"Equivocada{attempt}")
        client.accounts.login(BUYER_EMAIL, PASSWORD)
    for attempt in range(5):
        with pytest.raises((AuthenticationError, RateLimitError)):
            client.accounts.login(BUYER_EMAIL, f"Equivocada{attempt}")
    client.accounts.forgot_password(BUYER_EMAIL)
    client.accounts.create_password(
        _password_link(fake), password="Nueva2027x", confirmation="Nueva2027x"
    )
    assert client.accounts.login(BUYER_EMAIL, "Nueva2027x").account.email == BUYER_EMAIL


def test_failed_logins_far_apart_do_not_lock_the_address(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    for attempt in range(8):
        with pytest.raises(AuthenticationError):
            client.accounts.login(BUYER_EMAIL, f"Equivocada{attempt}")
        fake.clock.advance(minutes=4)
    assert client.accounts.login(BUYER_EMAIL, PASSWORD).account.email == BUYER_EMAIL


def test_me_needs_an_access_token_and_answers_with_the_account(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    with pytest.raises(ConfigurationError, match="log in first"):
        client.accounts.me()
    assert len(fake.requests) == 0
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    assert log_in(client, BUYER_EMAIL, PASSWORD).accounts.me().email == BUYER_EMAIL
    with pytest.raises(AuthenticationError):
        client.with_options(access_token="not-a-session").accounts.me()


def test_sessions_expire_after_thirty_days(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    owner = log_in(client, BUYER_EMAIL, PASSWORD)
    fake.clock.advance(days=30)
    with pytest.raises(AuthenticationError, match="log in again"):
        owner.accounts.me()


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    elsewhere = log_in(client, BUYER_EMAIL, PASSWORD)  # say, a stolen laptop
    here = log_in(client, BUYER_EMAIL, PASSWORD)
    client.accounts.forgot_password(BUYER_EMAIL)
    client.accounts.create_password(
        _password_link(fake), password="Nueva2027x", confirmation="Nueva2027x"
    )
    for session in (elsewhere, here):
        with pytest.raises(AuthenticationError, match="password was changed") as caught:
            session.accounts.me()
        assert caught.value.code == "unauthenticated"
    fresh = log_in(client, BUYER_EMAIL, "Nueva2027x")
    assert fresh.accounts.me().email == BUYER_EMAIL


@pytest.mark.parametrize(
    "logged_in_at",
    [
        datetime(2026, 3, 20, 10, 0),  # Chile's clocks go back an hour on 5 April
        datetime(2026, 8, 20, 10, 0),  # and forward an hour on 6 September
    ],
)
def test_a_session_lasts_thirty_days_of_elapsed_time_across_a_clock_change(
    logged_in_at: datetime,
) -> None:
    fake = FakeHaulmer(clock=FakeClock(logged_in_at))
    with fake.client() as client:
        buy_and_pay(fake, client)
        client.accounts.create_password(
            _password_link(fake), password=PASSWORD, confirmation=PASSWORD
        )
        session = client.accounts.login(BUYER_EMAIL, PASSWORD)
        owner = client.with_options(access_token=session.access_token)
        assert session.expires_at - fake.clock.now() == timedelta(days=30)
        fake.clock.advance(days=30, seconds=-1)
        assert owner.accounts.me().email == BUYER_EMAIL
        fake.clock.advance(seconds=1)
        with pytest.raises(AuthenticationError, match="expired"):
            owner.accounts.me()


def test_a_link_is_read_from_its_url_its_token_or_an_outbox_link() -> None:
    url = "https://fake-haulmer.invalid/accounts/create-password?token=abc-123"
    assert token_from_link(url) == "abc-123"
    assert token_from_link(" abc-123 ") == "abc-123"
    assert token_from_link(Link(url=url, purpose="create_password", token="abc-123")) == "abc-123"
    with pytest.raises(ValidationError, match="carries no token"):
        token_from_link("https://fake-haulmer.invalid/accounts/create-password")
    with pytest.raises(ValidationError):
        token_from_link("")


def test_an_outbox_link_or_e_mail_carrying_no_token_is_refused_saying_so() -> None:
    """A link without a token (an order's) was told "an e-mail link is required", and an e-mail
    without exactly one link escaped as a LookupError instead of the SDK's refusal."""
    from haulmer.testing._outbox import Email

    view_order = Link(url="https://fake-haulmer.invalid/orders/ord_1", purpose="view_order")
    with pytest.raises(ValidationError, match="'view_order' link carries no token"):
        token_from_link(view_order)
    one = Email(to="ana@example.com", subject="Pago Confirmado", body="", links=[view_order])
    with pytest.raises(ValidationError, match="'view_order' link carries no token"):
        token_from_link(one)
    two = Email(to="ana@example.com", subject="x", body="", links=[view_order, view_order])
    for email in (two, Email(to="ana@example.com", subject="x", body="", links=[])):
        with pytest.raises(ValidationError, match=r"\.link\(purpose\)"):
            token_from_link(email)


_URL = "https://fake-haulmer.invalid/accounts/create-password?token=abc-123_XY"


@pytest.mark.parametrize(
    "pasted",
    [
        _URL + ".",  # the end of the sentence the link closes
        _URL + ").",
        "<" + _URL + ">",  # as plain-text mail clients delimit links
        '"' + _URL + '"',
        "URL:" + _URL,
        _URL.replace("token=abc-", "token=abc-\n  "),  # wrapped over two lines
        "fake-haulmer.invalid/accounts/create-password?token=abc-123_XY",  # no scheme
        "token=abc-123_XY",
        "https%3A%2F%2Ffake-haulmer.invalid%2Faccounts%2Fcreate-password%3Ftoken%3Dabc-123_XY",
        "https://fake-haulmer.invalid/accounts/create-password?utm_source=x&token=abc-123_XY#top",
        "abc-123_XY.",
        "abc-123_XY,",
        "'abc-123_XY'",
    ],
)
def test_a_link_pasted_from_text_gives_its_token(pasted: str) -> None:
    assert token_from_link(pasted) == "abc-123_XY"


@pytest.mark.parametrize(
    "pasted",
    [
        "\u201c" + _URL + "\u201d",  # the curly quotes a word processor or Outlook types
        "\u2018" + _URL + "\u2019.",
        "\u00ab" + _URL + "\u00bb",  # Spanish quotation marks
        "\u201e" + _URL + "\u201c",
        _URL + "\u2026",  # the ellipsis a phone's keyboard writes for "..."
        _URL + "\u200b",  # the zero-width space some chat and mail apps add after a link
        "\ufeff" + _URL,
        "\u00ababc-123_XY\u00bb.",
    ],
)
def test_a_link_pasted_between_typographic_quotes_or_invisible_marks_gives_its_token(
    pasted: str,
) -> None:
    """The customer pasted the link as the text held it: the quotes and marks around it are the
    text's, not the link's, as the straight ones already are."""
    assert token_from_link(pasted) == "abc-123_XY"


@pytest.mark.parametrize(
    "pasted",
    [
        quote(quote(_URL, safe=""), safe=""),  # encoded twice: a redirect inside another
        _URL + "%0A",  # a line's end the mail's link tracker encoded into the link
        _URL + "%20",
        _URL + "%C2%A0",
    ],
    ids=["encoded twice", "encoded line end", "encoded space", "encoded no-break space"],
)
def test_a_link_encoded_twice_or_with_an_encoded_blank_at_its_end_gives_its_token(
    pasted: str,
) -> None:
    assert token_from_link(pasted) == "abc-123_XY"


@pytest.mark.parametrize(
    "wrapped",
    [
        # Outlook's Safe Links (Microsoft 365 rewrites every link of a received mail so)
        "https://nam12.safelinks.protection.outlook.com/?url="
        + quote(_URL, safe="")
        + "&data=05%7C02%7Cana%40example.com%7Cabc&sdata=xyz%3D&reserved=0",
        # a link opened from Gmail's HTML view or a Google Doc
        "https://www.google.com/url?q=" + quote(_URL, safe="") + "&sa=D&ust=1733&usg=AOv",
    ],
    ids=["outlook safe links", "google redirect"],
)
def test_a_link_a_mail_service_wrapped_in_its_own_gives_its_token(wrapped: str) -> None:
    """The mail as the customer received it holds the e-mail's link inside the service's own:
    that is the link "as it was sent" to them, and the token is read from within it."""
    assert token_from_link(wrapped) == "abc-123_XY"


def test_a_wrapped_link_without_a_token_inside_is_still_refused() -> None:
    inner = quote("https://fake-haulmer.invalid/accounts/create-password", safe="")
    with pytest.raises(ValidationError, match="carries no token"):
        token_from_link(f"https://nam12.safelinks.protection.outlook.com/?url={inner}&data=x")


@pytest.mark.parametrize(
    "given", ["abc+123", "abc\u200b123", "abcé123", "https://x.invalid/p?token=a%20b", "abc*123"]
)
def test_what_no_link_token_is_made_of_is_refused_without_quoting_it(given: str) -> None:
    with pytest.raises(ValidationError, match="not an e-mail link's token") as caught:
        token_from_link(given)
    assert given not in str(caught.value)
    assert "abc" not in str(caught.value)


def test_a_link_pasted_with_trailing_punctuation_creates_the_password(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    pasted = f"<{_password_link(fake).url}>."
    account = client.accounts.create_password(pasted, password=PASSWORD, confirmation=PASSWORD)
    assert account.has_password


@pytest.mark.parametrize(
    "call",
    [
        lambda c, secret: c.accounts.login("ana@example.com", secret),
        lambda c, secret: c.accounts.create_password(
            "tok_abcdefgh", password=secret, confirmation=secret
        ),
    ],
    ids=["login", "create_password"],
)
def test_a_password_held_in_a_secret_str_is_refused_saying_to_pass_its_value(
    client: Haulmer, call: Any
) -> None:
    # A settings object's SecretStr was told "the password is required to log in" (it was given)
    from pydantic import SecretStr

    with pytest.raises(ValidationError) as caught:
        call(client, SecretStr("Panaderia2026"))
    message = str(caught.value)
    assert "SecretStr" in message
    assert ".get_secret_value()" in message
    assert "required" not in message
    assert "Panaderia2026" not in message


def test_login_refuses_an_unknown_platform_locally(client: Haulmer) -> None:
    with pytest.raises(ValidationError, match="unknown platform"):
        client.accounts.login(BUYER_EMAIL, PASSWORD, platform="facebook")


@given(st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=64))
def test_the_token_survives_the_round_trip_through_a_link_url(token: str) -> None:
    url = "https://fake-haulmer.invalid/accounts/create-password?" + urlencode({"token": token})
    assert token_from_link(url) == token
    assert token_from_link(Link(url=url, purpose="create_password", token=token)) == token


@pytest.mark.parametrize("email", ["ana@", "@@", "ana@example", "ana rojas@example.com"])
def test_forgot_password_and_login_refuse_what_is_no_e_mail_address_before_sending(
    fake: FakeHaulmer, client: Haulmer, email: str
) -> None:
    with pytest.raises(ValidationError, match="is not an e-mail address"):
        client.accounts.forgot_password(email)
    with pytest.raises(ValidationError, match="is not an e-mail address"):
        client.accounts.login(email, "Panaderia2026")
    assert fake.requests.total == 0


def test_a_login_with_the_password_where_the_e_mail_goes_does_not_quote_it(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    password = "Panaderia2026@"
    for arguments in ((password, "ana@example.com"), (password, password)):
        with pytest.raises(ValidationError, match="is not an e-mail address") as caught:
            client.accounts.login(*arguments)
        assert password not in str(caught.value)
        assert password not in repr(caught.value.args)
        assert "login(email, password)" in str(caught.value)
    assert fake.requests.total == 0


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (SecretStr("Panaderia2026@"), "got SecretStr: pass password.get_secret_value()"),
        (b"Panaderia2026@", "got bytes: decode it (password.decode())"),
        (2026, "got int"),
    ],
)
def test_a_login_password_that_is_no_text_is_named_by_its_type_not_called_missing(
    fake: FakeHaulmer, client: Haulmer, given: object, says: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        client.accounts.login("ana@example.com", given)  # type: ignore[arg-type]
    assert "login()'s password must be text (str), " + says in str(caught.value)
    assert "required" not in str(caught.value)
    assert "Panaderia2026" not in str(caught.value) + repr(caught.value.args)
    assert fake.requests.total == 0


def test_a_login_password_with_a_lone_surrogate_is_refused_with_no_trace_of_it(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    """The encoder's UnicodeEncodeError holds the whole body, the password in it: it is not the
    refusal's context."""
    with pytest.raises(ValidationError, match="lone surrogate") as caught:
        client.accounts.login("ana@example.com", "Panaderia\udc80-2026")
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert "Panaderia" not in str(caught.value) + repr(caught.value.args)
    assert fake.requests.total == 0


@pytest.mark.parametrize(
    "password", ["Panaderia2026\0", "Panaderia2026\0\0\0\0", "Pan\0aderia2026"]
)
def test_a_login_password_holding_a_nul_is_refused_before_sending_saying_so(
    fake: FakeHaulmer, client: Haulmer, password: str
) -> None:
    """No account's password holds a NUL (create_password refuses one): a password read from a
    C string or a padded field with its terminator left on would only meet "wrong e-mail or
    password" from the platform."""
    with pytest.raises(ValidationError, match="NUL") as caught:
        client.accounts.login("ana@example.com", password)
    assert "Panaderia" not in str(caught.value) + repr(caught.value.args)
    assert fake.requests.total == 0


@pytest.mark.parametrize("password", ["Panaderia2026\n", "Panaderia2026\r\n", "Pan\raderia2026"])
def test_a_login_password_holding_a_line_break_is_refused_before_sending_saying_so(
    fake: FakeHaulmer, client: Haulmer, password: str
) -> None:
    """A password read from a file keeps its line's end; no login form can type one (nor could
    create_password set one), so sending it would only count a failed login toward the lock."""
    with pytest.raises(ValidationError, match="line break") as caught:
        client.accounts.login("ana@example.com", password)
    assert "Panaderia" not in str(caught.value) + repr(caught.value.args)
    assert fake.requests.total == 0


def test_a_login_password_starting_with_a_byte_order_mark_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    """A password read from a file Notepad saved starts with U+FEFF, which no password can
    (create_password refuses one): sent, it only met "wrong e-mail or password"."""
    with pytest.raises(ValidationError, match="utf-8-sig") as caught:
        client.accounts.login("ana@example.com", "\ufeffPanaderia2026")
    assert "Panaderia" not in str(caught.value) + repr(caught.value.args)
    assert fake.requests.total == 0


def test_a_new_password_read_from_a_file_with_its_line_end_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    sent = len(fake.requests)
    with pytest.raises(WeakPasswordError, match="line break") as caught:
        client.accounts.create_password(
            _password_link(fake), password=PASSWORD + "\n", confirmation=PASSWORD + "\n"
        )
    assert [str(v.code) for v in caught.value.violations] == ["invalid_character"]
    assert PASSWORD not in str(caught.value)
    assert len(fake.requests) == sent


def test_a_login_without_a_password_says_it_is_required(fake: FakeHaulmer, client: Haulmer) -> None:
    for missing in ("", None):
        with pytest.raises(ValidationError, match="the password is required to log in"):
            client.accounts.login("ana@example.com", missing)  # type: ignore[arg-type]
    assert fake.requests.total == 0


COMPOSED = "Contraseña2026"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)  # n + U+0303, as some keyboards write it


@pytest.mark.parametrize(("created", "typed"), [(COMPOSED, DECOMPOSED), (DECOMPOSED, COMPOSED)])
def test_a_password_is_the_same_however_its_accents_are_encoded(
    fake: FakeHaulmer, client: Haulmer, created: str, typed: str
) -> None:
    assert created != typed
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=created, confirmation=typed)
    assert client.accounts.login(BUYER_EMAIL, typed).account.email == BUYER_EMAIL
    assert client.accounts.login(BUYER_EMAIL, created).account.email == BUYER_EMAIL


def test_the_fake_compares_passwords_in_nfc_and_refuses_a_lone_surrogate_without_crashing(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    import httpx

    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=COMPOSED, confirmation=COMPOSED)
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        decomposed = http.post(
            "/v1/accounts/login", json={"email": BUYER_EMAIL, "password": DECOMPOSED}
        )
        surrogate = http.post(
            "/v1/accounts/login",
            content=b'{"email": "%s", "password": "\\ud800Abcdefg1"}' % BUYER_EMAIL.encode(),
            headers={"Content-Type": "application/json"},
        )
    assert decomposed.status_code == 200
    assert surrogate.status_code == 401
    assert surrogate.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("prefix", ["Bearer ", "bearer ", "Bearer  "])
def test_an_access_token_pasted_with_its_bearer_prefix_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer, prefix: str
) -> None:
    with pytest.raises(ConfigurationError, match="without the 'Bearer '") as caught:
        client.with_options(access_token=prefix + "abc123").accounts.me()
    assert "abc123" not in str(caught.value)
    assert len(fake.requests) == 0


def test_the_mask_of_a_dumped_session_given_as_the_access_token_is_refused_saying_what_it_is(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    """A session kept as its model_dump_json() and read back holds "**********", the mask, not
    the token: it was sent and answered "the access token is not valid; log in again"."""
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    session = client.accounts.login(BUYER_EMAIL, PASSWORD)
    kept = json.loads(session.model_dump_json())["access_token"]
    sent = fake.requests.total
    for masked in (kept, str(session.model_dump()["access_token"])):
        with pytest.raises(ConfigurationError, match="mask") as caught:
            client.with_options(access_token=masked).accounts.me()
        assert "session.access_token" in str(caught.value)
    with pytest.raises(ConfigurationError, match="mask"):
        Haulmer(api_key="**********")
    assert fake.requests.total == sent


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_access_token_in_quotes_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer, quote: str
) -> None:
    """Copied from a login's JSON answer with its quotes, the token was sent and met "the access
    token is not valid; log in again", which a new login copied the same way met again."""
    with pytest.raises(ConfigurationError, match="quotes") as caught:
        client.with_options(access_token=f"{quote}abc123{quote}").accounts.me()
    assert "abc123" not in str(caught.value)
    assert fake.requests.total == 0


def test_an_access_token_with_a_blank_inside_is_refused_before_sending(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    with pytest.raises(ConfigurationError, match="blank") as caught:
        client.with_options(access_token="abc 123").accounts.me()
    assert "abc" not in str(caught.value)
    assert len(fake.requests) == 0


def test_an_access_token_is_sent_trimmed(fake: FakeHaulmer, client: Haulmer) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    session = client.accounts.login(BUYER_EMAIL, PASSWORD)
    me = client.with_options(access_token=f" {session.access_token}\t")
    assert me.accounts.me().email == BUYER_EMAIL
    assert fake.requests.last.headers["authorization"] == f"Bearer {session.access_token}"


def test_a_session_given_as_the_access_token_says_to_pass_its_access_token(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    buy_and_pay(fake, client)
    client.accounts.create_password(_password_link(fake), password=PASSWORD, confirmation=PASSWORD)
    session = client.accounts.login(BUYER_EMAIL, PASSWORD)
    with pytest.raises(ConfigurationError, match=r"session\.access_token") as caught:
        client.with_options(access_token=session)  # type: ignore[arg-type]
    assert session.access_token not in str(caught.value)


@pytest.mark.parametrize(
    "link",
    [
        "https://app.haulmer.com/enlace?token=lnk_secret_0123456789&token=lnk_other",
        "https://app.haulmer.com/enlace?tokn=lnk_secret_0123456789",
        "lnk_secret_0123456789*",
    ],
    ids=["two tokens", "no token parameter", "not a token"],
)
def test_the_frames_of_a_refused_link_keep_no_token(link: str) -> None:
    with pytest.raises(ValidationError) as caught:
        token_from_link(link)
    tb, found = caught.value.__traceback__, []
    while tb is not None:
        if "/haulmer/" in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
            frame_locals = tb.tb_frame.f_locals.items()
            found += [name for name, value in frame_locals if "lnk_secret" in repr(value)]
        tb = tb.tb_next
    assert found == []
