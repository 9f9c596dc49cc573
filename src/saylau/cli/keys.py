"""`saylau keys ...`: the commissions' Ed25519 signing keys, made, registered and revoked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from saylau.cli.common import (
    CLI_ACTOR,
    DatabaseOption,
    open_store,
    print_error,
    read_hex,
    reports_errors,
)
from saylau.domain.errors import SaylauError

keys_app = typer.Typer(help="Commission signing keys (Ed25519).", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="the commission, e.g. 'PEC 0042'")],
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR",
                                          help="directory for NAME.pem and NAME.pub")] = Path(),
) -> None:
    """Make a commission's key pair: NAME.pem (private, mode 0600) and NAME.pub (hex)."""
    from saylau.services.keys import generate_keypair, save_private_key

    try:
        key, pub = generate_keypair()
        out_dir.mkdir(parents=True, exist_ok=True)
        save_private_key(key, out_dir / f"{name}.pem")
        (out_dir / f"{name}.pub").write_text(pub.hex() + "\n", encoding="utf-8")
    except SaylauError as exc:
        print_error(exc)
        raise typer.Exit(2) from None
    from saylau.domain.record.signing import key_id

    out.print(f"key {key_id(pub)}: private {out_dir / (name + '.pem')}, public "
              f"{out_dir / (name + '.pub')}")


ElectionArg = Annotated[str, typer.Argument(metavar="ELECTION", help="election id")]


@keys_app.command("register")
@reports_errors
def keys_register(
    election: ElectionArg,
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="its station or unit id")],
    public_key: Annotated[Path, typer.Argument(metavar="FILE.pub",
                                               help="the public key, hex (`keys create`)")],
    database: DatabaseOption = None,
) -> None:
    """Register a commission's public key for its station or unit."""
    from saylau.services.record import register_key

    s = open_store(database)
    kid = register_key(s, election, unit, read_hex(public_key), CLI_ACTOR)
    out.print(f"registered key {kid} for {unit} in {election}")


@keys_app.command("revoke")
@reports_errors
def keys_revoke(
    election: ElectionArg,
    key: Annotated[str, typer.Argument(metavar="KEY", help="the key's id")],
    reason: Annotated[str, typer.Option(help="why it is no longer trusted")],
    database: DatabaseOption = None,
) -> None:
    """Revoke a key from now on; what it signed before stays valid."""
    from saylau.services.record import revoke_key

    revoke_key(open_store(database), election, key, reason, CLI_ACTOR)
    out.print(f"revoked key {key} in {election}")
