"""Fixtures of the API tests: the small country's referendum served by the real app, on SQLite
and on PostgreSQL (through the `referendum` fixture of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from saylau.services.context import Saylau
from tests.integration.support import Api, make_api


@pytest.fixture
def api(referendum: tuple[Saylau, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """The API on the referendum, with a token per role. Results are never reused from a
    cache (max age 0), so a read right after a write sees it."""
    monkeypatch.setenv("SAYLAU_RESULTS_MAX_AGE", "0")
    # the tests send many bad tokens on purpose; test_access.py tests the limit itself
    monkeypatch.setenv("SAYLAU_AUTH_FAILURES", "100000/minute")
    app, contest = referendum
    api = make_api(app, contest)
    with api.client:
        yield api
