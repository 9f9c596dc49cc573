"""`saylau admin-log ...`: the signed log of administrative actions (tokens issued and
revoked, keys, elections created, geography loaded, bulk imports, corrections).

It was `saylau audit ...` until the word was kept for risk-limiting audits (issue 15):
`saylau audit list|verify` still works for one release, hidden from the help, and says on
stderr that it is deprecated (docs/operations.md, "Access").
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from saylau.cli.common import DatabaseOption, err, open_store, out, reports_errors

admin_log_app = typer.Typer(help="The signed log of administrative actions.",
                            no_args_is_help=True)


@admin_log_app.command("list")
@reports_errors
def admin_log_list(
    start: Annotated[int, typer.Option(help="first entry")] = 0,
    limit: Annotated[int, typer.Option(help="entries to show (at most 1000)")] = 100,
    database: DatabaseOption = None,
) -> None:
    """Show the admin log's entries, one JSON object per line."""
    from saylau.services.audit import entries

    for e in entries(open_store(database), start, limit):
        sys.stdout.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")


@admin_log_app.command("verify")
@reports_errors
def admin_log_verify(database: DatabaseOption = None) -> None:
    """Check the admin log; exit 1 on a problem.

    Checks the leaf hashes, the canonical bytes, every signed tree head's root and signature.

    Checks each election action's leaf in that election's log."""
    from saylau.services.audit import tree_head, verify

    s = open_store(database)
    tree_head(s)  # sign the log as it stands, so every entry is covered by a checked head
    check = verify(s)
    for p in check.problems:
        err.print(f"problem: {p}", markup=False)
    out.print(f"admin log: {check.size:,} entries, latest signed head covers "
              f"{check.head_size:,}: " + ("verified" if check.ok else "NOT verified"))
    if not check.ok:
        raise typer.Exit(1)


# --- the deprecated name, for one release --------------------------------------------------

DEPRECATION = ("`saylau audit` is deprecated and will be removed in the next release: use "
               "`saylau admin-log` (the same commands)")

audit_alias_app = typer.Typer(
    help="Deprecated: the old name of `saylau admin-log` (removed in the next release).",
    no_args_is_help=True)


@audit_alias_app.callback()
def _deprecated() -> None:
    """Deprecated: the old name of `saylau admin-log` (removed in the next release)."""
    err.print(f"warning: {DEPRECATION}", markup=False)


audit_alias_app.command("list", help="Deprecated: `saylau admin-log list`.")(admin_log_list)
audit_alias_app.command("verify", help="Deprecated: `saylau admin-log verify`.")(
    admin_log_verify)
