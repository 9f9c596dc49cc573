"""`saylau backup` and `saylau restore` (services/backup.py; docs/operations.md, "Backup")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saylau.cli.common import DatabaseOption, announce, err, out, reports_errors


@reports_errors
def backup(
    out_file: Annotated[Path, typer.Argument(
        metavar="OUT", help="the backup file to write (never overwritten)")],
    with_key: Annotated[bool, typer.Option(
        "--with-key", help="also copy the central commission's private signing key to "
        "OUT.central.pem (mode 0600); default: the key stays out of the backup")] = False,
    database: DatabaseOption = None,
) -> None:
    """Back up the database while it runs.

    Writes OUT and OUT.manifest.json (and, on request, a copy of the central key)."""
    from saylau.services.backup import backup as run_backup

    r = run_backup(announce(database), out_file, with_key=with_key)
    m = r.manifest
    out.print(f"backup of {m['source']} ({m['database']}, schema {m['schema_revision']}): "
              f"{r.path}, {m['bytes']:,} bytes, sha256 {m['sha256']}")
    for eid, e in m["elections"].items():
        head = e["tree_head"]
        out.print(f"  {eid}: {e['log_size']:,} log leaves; latest signed tree head "
                  + (f"size {head['size']:,} root {head['root']}" if head else "none"))
    out.print(f"manifest: {r.manifest_path}")
    if r.key_path is not None:
        out.print(f"central key copied to {r.key_path} (mode 0600): keep this backup as safe "
                  "as the key itself")
    else:
        out.print(f"the central key is NOT in this backup: keep a copy of "
                  f"{r.central_key_source} apart, offline (needed to sign new tree heads)")


@reports_errors
def restore(
    in_file: Annotated[Path, typer.Argument(
        metavar="IN", help="a backup file written by `saylau backup` (its manifest beside it)")],
    database: DatabaseOption = None,
) -> None:
    """Restore a backup into an empty database, then verify it.

    The target (--database, else $SAYLAU_DATABASE_URL, else ./saylau.db) must hold no table.

    Every election's record, its signatures and every table's row count are checked."""
    from saylau.services.backup import restore as run_restore

    r = run_restore(in_file, announce(database), progress=lambda line: out.print(f"ok: {line}",
                                                                    markup=False))
    if r.key_state == "missing":
        err.print(f"WARNING: no central key at {r.key_path}. Put the backed-up key there "
                  "before serving: without it saylau would make a new key, whose tree heads "
                  "no verifier of this record accepts.", markup=False)
    out.print(f"[bold green]restored into {r.target} and verified[/bold green]")
