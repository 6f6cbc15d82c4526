"""``fake.reset()`` and the hooks it runs: back to a fresh fake, whatever a test added."""

from __future__ import annotations

import pytest

from haulmer.testing import FakeHaulmer


@pytest.mark.parametrize("hook", [5, None, "clear"])
def test_a_reset_hook_that_cannot_be_called_is_refused_when_given(hook: object) -> None:
    # Taken, it broke every later reset() halfway, with "'int' object is not callable".
    fake = FakeHaulmer()
    with pytest.raises(TypeError, match="on_reset"):
        fake.on_reset(hook)  # type: ignore[arg-type]
    fake.control.fail_next("*")
    fake.reset()
    assert fake.control.faults == []


def test_a_reset_runs_every_hook_given(fake: FakeHaulmer) -> None:
    cleared: list[str] = []
    fake.on_reset(lambda: cleared.append("sessions"))
    fake.reset()
    fake.reset()
    assert cleared == ["sessions", "sessions"]
