"""`saylau parties ...` (issue 13): `apply|import-members|decide|list|conflicts`.

Not registered yet: cli/main.py adds this group with its first command
(`app.add_typer(parties_app, name="parties")`), so `saylau --help` never lists a group that
does nothing.
"""

from __future__ import annotations

import typer

parties_app = typer.Typer(
    help="Party registration: applications, member lists, decisions, the register.",
    no_args_is_help=True)
