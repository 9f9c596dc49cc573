"""Which peers may say who the client is: X-Forwarded-For is trusted only from the proxies
listed in $SAYLAU_TRUSTED_PROXIES (off by default).

uvicorn left to itself trusts `X-Forwarded-For` from 127.0.0.1, so anyone who can connect
over loopback (a local user, an SSH tunnel, a proxy that passes the header on) could name a new
address with every request, and the failed-authentication limit (api/policies.py), counted
per client address, would never be reached. `saylau serve` therefore hands uvicorn this
setting and nothing else: without it uvicorn reads no forwarded header at all and the client
is the peer of the connection; with it, the header is read only when the peer is one of the
listed proxies. The limit reads `request.client`, which uvicorn has set by that same rule.
docs/operations.md ("Access") says how to set it behind a reverse proxy.
"""

from __future__ import annotations

from typing import Any

from saylau import settings

TRUSTED_PROXIES_ENV = settings.TRUSTED_PROXIES


def trusted_proxies(value: str | None = None) -> str:
    """The trusted proxies, comma-separated and checked: `value`, else $SAYLAU_TRUSTED_PROXIES;
    each an IP address or network (CIDR), or `*` (any peer: only where no client can reach
    the server but through the proxy, e.g. a Unix socket). '' when none is (the default).
    Read and checked by saylau.settings, the one place settings come from."""
    return settings.trusted_proxies() if value is None else settings.check_trusted_proxies(value)


def uvicorn_proxy_options(trusted: str) -> dict[str, Any]:
    """uvicorn's options for `trusted` (as `trusted_proxies` returns it): forwarded headers
    read only from those peers, and not at all when there are none."""
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted}
