"""Every setting saylau reads from the environment, in one typed place.

Nothing else in src/ is to read `os.environ`: tests/unit/test_settings.py walks the source
(and names the few reads in api/ and web/ still to be moved here). Each setting is read when
it is used, not once at import, so a test or an operator that changes one sees it at the next
use. A value that cannot be used is refused with a clear error naming
the variable, the expected and the actual value (422 `setting_invalid`), never silently
replaced by the default. docs/operations.md ("Settings") has the same table for operators;
a test holds the two equal.

    SAYLAU_DATABASE_URL      the store (a database URL or a SQLite file's path)
    SAYLAU_CENTRAL_KEY       the central commission's private key file
    SAYLAU_RESULTS_MAX_AGE   seconds a tally may be reused before it is brought up to date
    SAYLAU_AUTH_FAILURES     failed authentications allowed per client address
    SAYLAU_TRUSTED_PROXIES   the proxies whose X-Forwarded-For is believed
    SAYLAU_PARTIES_KEY       the party register's key for hashing IINs (parties wing)
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from saylau.domain.errors import ValidationFailed

DATABASE_URL = "SAYLAU_DATABASE_URL"
CENTRAL_KEY = "SAYLAU_CENTRAL_KEY"
RESULTS_MAX_AGE = "SAYLAU_RESULTS_MAX_AGE"
AUTH_FAILURES = "SAYLAU_AUTH_FAILURES"
TRUSTED_PROXIES = "SAYLAU_TRUSTED_PROXIES"
PARTIES_KEY = "SAYLAU_PARTIES_KEY"  # parties wing (issue 13)

DEFAULT_AUTH_FAILURES = "10/minute"
"""Failed authentications per client address in a moving window (the `limits` notation)."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable: its name, its default in words, and what it sets."""

    name: str
    default: str
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting(DATABASE_URL, "./saylau.db (SQLite)",
            "the store: a database URL (postgresql+psycopg://user@host/db, sqlite:///x.db) "
            "or a SQLite file's path; `--database` overrides it"),
    Setting(CENTRAL_KEY, "`<db>.central.pem` beside a SQLite file, else `./saylau-central.pem`",
            "the central commission's private signing key (PEM, mode 0600)"),
    Setting(RESULTS_MAX_AGE, "0",
            "seconds (>= 0) a contest's tally may be reused before a read brings it up to "
            "date; 0: every read is current"),
    Setting(AUTH_FAILURES, DEFAULT_AUTH_FAILURES,
            "failed authentications allowed per client address, in the `limits` notation"),
    Setting(TRUSTED_PROXIES, "none",
            "comma-separated IP addresses or networks (CIDR) of reverse proxies whose "
            "X-Forwarded-For is believed, or * (any peer)"),
    # parties wing (issue 13)
    Setting(PARTIES_KEY, "`<db>.parties.key` beside a SQLite file, else `./saylau-parties.key`",
            "the party register's secret key for the keyed hashes of IINs (mode 0600)"),
)
"""Every setting, in the order docs/operations.md lists them."""


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _invalid(name: str, expected: str, actual: str) -> ValidationFailed:
    return ValidationFailed(f"{name}: {actual!r} is not {expected}", code="setting_invalid",
                            details={"field": name, "expected": expected, "actual": actual})


def database_url(env: Mapping[str, str] | None = None) -> str | None:
    """$SAYLAU_DATABASE_URL as given (store.db normalises it), or None when unset or empty."""
    return _env(env).get(DATABASE_URL) or None


def central_key(env: Mapping[str, str] | None = None) -> Path | None:
    """$SAYLAU_CENTRAL_KEY as a path, or None when unset or empty (store.central_key then
    keeps the key beside the database)."""
    value = _env(env).get(CENTRAL_KEY)
    return Path(value) if value else None


def parties_key(env: Mapping[str, str] | None = None) -> Path | None:
    """$SAYLAU_PARTIES_KEY as a path, or None when unset or empty (store.parties_key then
    keeps the key beside the database). Parties wing (issue 13)."""
    value = _env(env).get(PARTIES_KEY)
    return Path(value) if value else None


def results_max_age(env: Mapping[str, str] | None = None) -> float:
    """$SAYLAU_RESULTS_MAX_AGE in seconds (default 0)."""
    raw = _env(env).get(RESULTS_MAX_AGE, "").strip()
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise _invalid(RESULTS_MAX_AGE, "a number of seconds >= 0", raw) from None
    if not math.isfinite(value) or value < 0:
        raise _invalid(RESULTS_MAX_AGE, "a number of seconds >= 0", raw)
    return value


def auth_failures(env: Mapping[str, str] | None = None) -> str:
    """$SAYLAU_AUTH_FAILURES (default 10/minute), checked against the `limits` notation."""
    from limits import parse  # the library that counts them reads the same notation

    raw = _env(env).get(AUTH_FAILURES, "").strip() or DEFAULT_AUTH_FAILURES
    try:
        parse(raw)
    except ValueError:
        raise _invalid(AUTH_FAILURES, "a rate such as 10/minute", raw) from None
    return raw


def check_trusted_proxies(raw: str, name: str = TRUSTED_PROXIES) -> str:
    """`raw` as comma-separated, checked IP addresses or networks (CIDR), or `*`; '' for none.
    `name` is what an error names (the variable, or a command's option)."""
    items = [x.strip() for x in raw.split(",") if x.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValidationFailed(
                f"{name}: {item!r} is not an IP address or network", code="setting_invalid",
                details={"field": name,
                         "expected": "comma-separated IP addresses or networks (CIDR), or *",
                         "actual": item}) from None
    return ",".join(items)


def trusted_proxies(env: Mapping[str, str] | None = None) -> str:
    """$SAYLAU_TRUSTED_PROXIES, checked (check_trusted_proxies); '' when none (the default)."""
    return check_trusted_proxies(_env(env).get(TRUSTED_PROXIES, ""))


def pass_on_database_url(url: str) -> None:
    """Set $SAYLAU_DATABASE_URL for the processes this one starts from now on (the server's
    worker processes open the store their parent announced)."""
    os.environ[DATABASE_URL] = url


def child_environment() -> dict[str, str]:
    """The whole environment, for a child process saylau starts (pg_dump, pg_restore), which
    reads its own variables (PGSSLMODE, PGPASSFILE, ...): passed on, never read here."""
    return dict(os.environ)


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting at once, typed and checked: what a command shows or checks at start."""

    database_url: str | None
    central_key: Path | None
    results_max_age: float
    auth_failures: str
    trusted_proxies: str

    @staticmethod
    def read(env: Mapping[str, str] | None = None) -> Settings:
        return Settings(database_url(env), central_key(env), results_max_age(env),
                        auth_failures(env), trusted_proxies(env))


__all__ = [
    "AUTH_FAILURES",
    "CENTRAL_KEY",
    "DATABASE_URL",
    "DEFAULT_AUTH_FAILURES",
    "PARTIES_KEY",
    "RESULTS_MAX_AGE",
    "SETTINGS",
    "TRUSTED_PROXIES",
    "Setting",
    "Settings",
    "auth_failures",
    "central_key",
    "check_trusted_proxies",
    "child_environment",
    "database_url",
    "parties_key",
    "pass_on_database_url",
    "results_max_age",
    "trusted_proxies",
]
