"""`saylau token ...`: API bearer tokens, issued and revoked."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from typing import Annotated

import typer

from saylau.cli.common import CLI_ACTOR, DatabaseOption, open_store, out, reports_errors
from saylau.domain.errors import ValidationFailed

token_app = typer.Typer(help="API tokens.", no_args_is_help=True)


@token_app.command("create")
@reports_errors
def token_create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="who holds it, e.g. 'TEC Astana'")],
    role: Annotated[str, typer.Option(
        help="admin | territorial | precinct | observer | party | ministry | auditor")],
    scope: Annotated[str | None, typer.Option(
        help="unit (territorial), station (precinct) or party id (party)",
        show_default=False)] = None,
    ttl: Annotated[str, typer.Option(help="lifetime: minutes, hours or days (90m, 36h, 3d)")
                   ] = "3d",
    database: DatabaseOption = None,
) -> None:
    """Issue a bearer token: printed once, stored only as a hash.

    It expires after TTL and can be revoked at any time (`saylau token revoke`)."""
    from saylau.services.tokens import create_token

    sys.stdout.write(create_token(open_store(database), name, role, scope, ttl=_duration(ttl),
                                  by=CLI_ACTOR) + "\n")


def _duration(text: str) -> timedelta:
    m = re.fullmatch(r"(\d{1,6})([mhd])", text.strip())
    if m is None:
        raise ValidationFailed(f"not a duration: {text!r}",
                               details={"field": "ttl", "expected": "e.g. 90m, 36h or 3d",
                                        "actual": text})
    n, unit = int(m[1]), m[2]
    return timedelta(minutes=n) if unit == "m" else timedelta(hours=n) if unit == "h" \
        else timedelta(days=n)


@token_app.command("revoke")
@reports_errors
def token_revoke(
    name: Annotated[str, typer.Argument(metavar="NAME", help="as given to `token create`")],
    database: DatabaseOption = None,
) -> None:
    """Revoke every token issued to NAME."""
    from saylau.services.tokens import revoke_token

    s = open_store(database)
    out.print(f"revoked {revoke_token(s, name, by=CLI_ACTOR)} token(s) of {name}")
