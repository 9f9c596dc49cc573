"""`saylau observers ...` (issue 12): `mission create|accredit|revoke|deploy|import` and
`report`.

Not registered yet: cli/main.py adds this group with its first command
(`app.add_typer(observers_app, name="observers")`), so `saylau --help` never lists a group
that does nothing.
"""

from __future__ import annotations

import typer

observers_app = typer.Typer(
    help="Election observation: missions, accreditation, deployment, reports.",
    no_args_is_help=True)
