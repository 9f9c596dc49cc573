"""`saylau audit ...` (issue 15): risk-limiting audits, `plan|seed|sample|enter|measure|report`.

Not registered yet: cli/main.py adds this group with its first command
(`app.add_typer(audit_app, name="audit")`). The name `audit` is held for one release by the
deprecated alias of `saylau admin-log` (cli/admin_log.py); this group takes it when the alias
is removed (`saylau rla` meanwhile, if the audits come first).
"""

from __future__ import annotations

import typer

audit_app = typer.Typer(
    help="Risk-limiting audits: plan, seed, sample, hand counts, risk, report.",
    no_args_is_help=True)
