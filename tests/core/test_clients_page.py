"""docs/clients.md's configuration table names every argument the clients take, and the
arguments ``with_options`` copies; an access token is refused as the table says."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import haulmer

PAGE = Path(__file__).resolve().parents[2] / "docs" / "clients.md"


@pytest.mark.parametrize("client", [haulmer.Haulmer, haulmer.AsyncHaulmer])
def test_the_configuration_table_names_every_argument_of_the_client(client: type) -> None:
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("## Configuration", 1)[1].split("\n\n", 2)[1]
    shown = {
        name
        for cell in re.findall(r"^\| (.*?) \|", table, re.M)
        for name in re.findall(r"`(\w+)`", cell)
    }
    arguments = set(inspect.signature(client.__init__).parameters) - {"self"}
    assert sorted(arguments - shown) == []
    assert sorted(shown - arguments - {"argument"}) == []
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(client.__init__).parameters.items()
    }
    assert defaults["max_retries"] == 2
    assert re.search(r"^\| `max_retries` \| 2 \|", table, re.M)


def test_with_options_changes_the_settings_the_page_lists() -> None:
    text = PAGE.read_text(encoding="utf-8")
    sentence = text.split("`client.with_options(...)` returns a copy", 1)[1]
    sentence = sentence.split("changed (", 1)[1].split("), sharing", 1)[0]
    shown = set(re.findall(r"`(\w+)`", sentence))
    arguments = set(inspect.signature(haulmer.Haulmer.with_options).parameters) - {"self"}
    assert shown == arguments


def test_an_access_token_with_its_bearer_prefix_or_a_blank_is_refused_where_it_is_given() -> None:
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert (
        "one starting with `Bearer `, holding a blank, wrapped in quotes or that is the "
        '`"**********"` a session\'s `model_dump_json()` writes in its place is a '
        "`ConfigurationError` where it is" in (text)
    )
    client = haulmer.Haulmer(api_key="k" * 32)
    for token in ("Bearer eyJ.secret", "eyJ secret", '"eyJ.secret"', "**********"):
        with pytest.raises(haulmer.ConfigurationError) as raised:
            client.with_options(access_token=token)
        assert "secret" not in str(raised.value)
    with pytest.raises(haulmer.ConfigurationError, match="'Bearer ' prefix"):
        haulmer.Haulmer(access_token="Bearer eyJ.secret")
    client.close()
