"""services.context.retry_lost_races: a write whose version slot another writer took first is
classified again, up to three attempts in all; then 503 store_busy, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError

from saylau.domain.errors import Unavailable
from saylau.services.context import retry_lost_races


def _write(losses: int) -> tuple[list[int], Callable[[], str]]:
    tries: list[int] = []

    def write() -> str:
        tries.append(1)
        if len(tries) <= losses:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return "stored"

    return tries, write


@pytest.mark.parametrize("losses", [0, 1, 2])
def test_a_write_that_lost_fewer_than_three_races_is_stored(losses: int) -> None:
    tries, write = _write(losses)
    assert retry_lost_races(write, "station") == "stored"
    assert len(tries) == losses + 1


def test_three_lost_races_are_a_503_naming_the_slot() -> None:
    tries, write = _write(3)
    with pytest.raises(Unavailable) as got:
        retry_lost_races(write, "seat")
    assert got.value.code == "store_busy"
    assert "for this seat; send the same request again" in got.value.message
    assert len(tries) == 3


def test_another_error_is_not_retried() -> None:
    tries: list[int] = []

    def write() -> None:
        tries.append(1)
        raise ValueError("not a race")

    with pytest.raises(ValueError, match="not a race"):
        retry_lost_races(write, "slot")
    assert tries == [1]
