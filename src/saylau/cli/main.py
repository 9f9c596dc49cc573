"""`saylau`: the command line of the election commission and of anyone checking results.

Every command that touches the store takes `--database PATH|URL`, else $SAYLAU_DATABASE_URL,
else ./saylau.db (SQLite), and first says on stderr which store it opened (cli/common.py).
A SaylauError becomes a message on stderr naming the field, the expected and the actual
values (every bad row of a file, with its line) and exit code 2; never a traceback.

This module only assembles the command groups, one module each: geography, elections,
protocols, results (and compare), tokens, admin_log, keys, record (and verify), export,
importers, decide, allocate, backup (and restore), publish, serve, demo. The groups of the
coming wings (observers, parties, integrity, audits) are not registered until they have
commands (docs/architecture.md).
"""

from __future__ import annotations

import typer

from saylau.cli.admin_log import admin_log_app
from saylau.cli.allocate import allocate_command
from saylau.cli.audits import audit_app
from saylau.cli.backup import backup, restore
from saylau.cli.common import (
    EXIT_ERROR,
    DatabaseOption,
    open_store,
    out,
    print_error,
    reports_errors,
)
from saylau.cli.decide import decide_app
from saylau.cli.demo import demo
from saylau.cli.elections import election_app
from saylau.cli.export import export_app
from saylau.cli.geography import geography_app
from saylau.cli.importers import import_app
from saylau.cli.integrity import integrity_app, pvt_app
from saylau.cli.keys import keys_app
from saylau.cli.observers import observers_app
from saylau.cli.parties import parties_app  # parties wing (issue 13)
from saylau.cli.protocols import protocols_app
from saylau.cli.publish import publish_command
from saylau.cli.record import record_app, verify_command
from saylau.cli.results import compare, print_composition, results
from saylau.cli.serve import serve
from saylau.cli.tokens import token_app

__all__ = ["EXIT_ERROR", "app", "main", "print_composition", "print_error"]

app = typer.Typer(
    help="saylau: run referendums and elections by Kazakhstan's rules, and check them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(decide_app, name="decide")
app.add_typer(keys_app, name="keys")
app.add_typer(record_app, name="record")
app.command("verify")(verify_command)
app.command("allocate")(allocate_command)
app.command("publish")(publish_command)
app.add_typer(geography_app, name="geography")
app.add_typer(election_app, name="election")
app.add_typer(protocols_app, name="protocols")
app.add_typer(token_app, name="token")
app.add_typer(admin_log_app, name="admin-log")
# risk-limiting audits (issue 15): `audit` keeps the admin log's deprecated list/verify, hidden
app.add_typer(audit_app, name="audit")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(parties_app, name="parties")  # parties wing (issue 13)
app.add_typer(observers_app, name="observers")  # observation (issue 12)
# integrity analytics (issue 14)
app.add_typer(integrity_app, name="integrity")
app.add_typer(pvt_app, name="pvt")


@app.command()
@reports_errors
def init(database: DatabaseOption = None) -> None:
    """Create the database, or bring its schema up to date."""
    s = open_store(database)
    out.print(f"database ready: {s.engine.url.render_as_string(hide_password=True)}")


app.command("results")(results)
app.command("compare")(compare)
app.command("backup")(backup)
app.command("restore")(restore)
app.command("serve")(serve)
app.command("demo")(demo)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
