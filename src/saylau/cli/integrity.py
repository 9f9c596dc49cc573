"""`saylau integrity ...` (issue 14): `run`; the quick count's `saylau pvt plan|sample|estimate`
gets a group of its own beside it.

Not registered yet: cli/main.py adds this group with its first command
(`app.add_typer(integrity_app, name="integrity")`), so `saylau --help` never lists a group that
does nothing.
"""

from __future__ import annotations

import typer

integrity_app = typer.Typer(
    help="Integrity analytics: forensic tests and the quick count.",
    no_args_is_help=True)
