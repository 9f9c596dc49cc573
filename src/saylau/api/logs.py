"""The access log keeps no secret: query values and anything shaped like a token are redacted.

Tokens are accepted only in the Authorization header, which no log writes. But a client may
still put one in a URL (`?token=`, `?access_token=`, a path segment), and uvicorn's access
log writes the path with its query string. So every access-log line is rewritten before it
is written: each query parameter keeps its name and loses its value (`?unit=[redacted]`), a
name that itself looks like a token is redacted too, and any path segment that looks like a
token (saylau's `sl_` prefix, or a long run of base64 or hex characters) becomes
`[redacted]`. docs/operations.md ("Logs") says what is kept.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
ACCESS_LOGGER = "uvicorn.access"

_TOKEN_LIKE = re.compile(
    r"sl_[A-Za-z0-9_\-%]*"  # saylau's own tokens, whole
    r"|eyJ[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]*)?"  # a JSON Web Token
    r"|(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}"  # base64url
)
"""Text that may be a secret: saylau's tokens, JSON Web Tokens, and long runs of base64url or
hex characters mixing letters and digits (no unit, contest or election id is that long: ids have
at most 64 characters, and the ones saylau makes are short and hyphenated)."""
_SAFE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,31}")


def redact_target(target: str) -> str:
    """A request target (path and query) as the access log may keep it."""
    path, sep, query = target.partition("?")
    path = _TOKEN_LIKE.sub(REDACTED, path)
    if not sep or not query:
        return path + sep
    names = []
    for part in query.split("&"):
        name = part.partition("=")[0]
        shown = name if _SAFE_NAME.fullmatch(name) and not _TOKEN_LIKE.search(name) \
            else REDACTED
        names.append(f"{shown}={REDACTED}")
    return f"{path}?{'&'.join(names)}"


class RedactTargets(logging.Filter):
    """Rewrites uvicorn's access-log records (`%s - "%s %s HTTP/%s" %d`: client, method,
    target, version, status) so the target is `redact_target`'s."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once per process)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactTargets) for f in logger.filters):
        logger.addFilter(RedactTargets())
