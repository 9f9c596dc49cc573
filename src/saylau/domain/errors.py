"""The one error root of saylau, and what each kind means.

::

    SaylauError                 something the caller can act on; never a bug
    ├── ValidationFailed        input breaks a rule: carries every finding or field error
    │   ├── ImportFailed        a file was refused whole: carries every bad row with its line
    │   └── TooLarge            a body or file over the size limit, refused before reading it
    ├── RuleError               the law cannot be applied to these figures (e.g. a tie
    │                           that needs a registration order nobody gave)
    ├── NotFound                no such unit, election, contest, protocol, token
    ├── Conflict                a different record already holds this slot (send a correction)
    ├── Unauthorized            no credentials, or credentials not recognised
    ├── Forbidden               credentials fine, but outside the holder's role or scope
    ├── RateLimited             too many failed authentications from one address: wait
    └── Unavailable             the store cannot take writes now (disk full, read-only)

Every error carries a stable `code`, a message a polling-station chair can act on (with the
numbers in it) and `details`: the field, the expected and the actual values. The API maps the
kinds to HTTP statuses in one handler (saylau.api.errors); routes never build HTTP errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class SaylauError(Exception):
    """Root of every error saylau raises on purpose."""

    code: str = "error"

    def __init__(
        self, message: str, *, code: str | None = None, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details or {})


class ValidationFailed(SaylauError):
    """Input breaks a rule. `details["findings"]` lists every finding, not just the first."""

    code = "validation_failed"


class ImportFailed(ValidationFailed):
    """A file was refused whole; nothing of it was stored. Lists every bad row."""

    code = "import_failed"

    def __init__(
        self, message: str, *, rows: Sequence[Mapping[str, Any]], partial: Any = None
    ) -> None:
        super().__init__(message, details={"rows": [dict(r) for r in rows]})
        self.rows = [dict(r) for r in rows]
        self.partial = partial
        """What could still be read of the file (a parser may offer it so that its caller
        reports the other problems of the readable rows too); None otherwise."""


class TooLarge(ValidationFailed):
    """A body or file larger than the limit: refused before it is read or parsed."""

    code = "too_large"


class RuleError(SaylauError):
    """The law cannot be applied to these figures as given."""

    code = "rule_error"


class NotFound(SaylauError):
    code = "not_found"


class Conflict(SaylauError):
    code = "conflict"


class Unauthorized(SaylauError):
    code = "unauthorized"


class Forbidden(SaylauError):
    code = "forbidden"


class Unavailable(SaylauError):
    code = "unavailable"


class RateLimited(SaylauError):
    """details["retry_after"]: whole seconds to wait."""

    code = "rate_limited"


def field_error(field: str, expected: str, actual: object, message: str) -> dict[str, Any]:
    """One field's error in the shape every error detail uses."""
    return {"field": field, "expected": expected, "actual": actual, "message": message}
