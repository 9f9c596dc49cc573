"""`saylau keys ...`, `saylau record ...` and `saylau verify ...`: the verifiable record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from saylau.cli.common import CLI_ACTOR, DatabaseOption, open_store, print_error, reports_errors
from saylau.domain.errors import NotFound, SaylauError, ValidationFailed

keys_app = typer.Typer(help="Commission signing keys (Ed25519).", no_args_is_help=True)
record_app = typer.Typer(help="The election's public record and receipts.",
                         no_args_is_help=True)
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
    kid = register_key(s, election, unit, _read_hex(public_key), CLI_ACTOR)
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


def _read_hex(path: Path) -> str:
    if not path.exists():
        raise NotFound(f"no file {path}", details={"field": "path", "actual": str(path)})
    return path.read_text(encoding="utf-8").strip()


@record_app.command("export")
@reports_errors
def record_export(
    election: Annotated[str | None, typer.Argument(
        metavar="ELECTION", show_default=False,
        help="election id (default: the only or latest election)")] = None,
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR",
                                          help="directory to write")] = Path("record"),
    database: DatabaseOption = None,
) -> None:
    """Write the election's whole public record to a directory, for `saylau verify`."""
    from saylau.services.elections import get_election
    from saylau.services.record import export_record

    s = open_store(database)
    e = get_election(s, election)
    n = export_record(s, e.id, out_dir)
    out.print(f"wrote the record of {e.id}: {n['leaves']:,} leaves, {n['tree_heads']} "
              f"signed tree head(s) -> {out_dir}")


@record_app.command("seal")
@reports_errors
def record_seal(
    election: Annotated[str, typer.Argument(
        metavar="ELECTION", help="the election (or @audit, the audit log)")],
    database: DatabaseOption = None,
) -> None:
    """Sign a tree head over leaves stored beyond the latest signed one.

    Only after a 503 log_unsealed, once you have examined those leaves (docs/operations.md)."""
    from saylau.services.record import seal_unsigned

    n = seal_unsigned(open_store(database), election, CLI_ACTOR)
    if n["from"] == n["to"]:
        out.print(f"the log of {election} is covered up to its {n['to']:,} leaves already")
    else:
        out.print(f"signed a tree head over leaves {n['from']:,} to {n['to'] - 1:,} of the log "
                  f"of {election}")


@record_app.command("proof")
@reports_errors
def record_proof(
    contest: Annotated[str, typer.Argument(metavar="CONTEST", help="contest id")],
    station: Annotated[str, typer.Argument(metavar="STATION", help="polling station id")],
    version: Annotated[int, typer.Option(help="the protocol's version")] = 1,
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR",
                                          help="directory to write")] = Path("receipt"),
    database: DatabaseOption = None,
) -> None:
    """A station's receipt: protocol.json, proof.json and tree-head.json."""
    from saylau.services.elections import get_contest
    from saylau.services.record import inclusion, protocol_leaf_index

    s = open_store(database)
    c = get_contest(s, contest)
    idx = protocol_leaf_index(s, c.election, c.id, station, version)
    doc = inclusion(s, c.election, idx)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, key in (("protocol.json", "leaf"), ("proof.json", "proof"),
                      ("tree-head.json", "tree_head")):
        (out_dir / name).write_text(json.dumps(doc[key], ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    out.print(f"receipt of {station} v{version} (leaf {idx}) -> {out_dir}")


def verify_command(
    directory: Annotated[Path | None, typer.Argument(
        metavar="DIR", show_default=False,
        help="a directory written by `saylau record export`")] = None,
    protocol: Annotated[Path | None, typer.Option(help="a station's record (receipt)")] = None,
    proof: Annotated[Path | None, typer.Option(help="its inclusion proof")] = None,
    tree_head: Annotated[Path | None, typer.Option(help="the signed tree head")] = None,
    central_key: Annotated[Path | None, typer.Option(
        help="the central commission's public key (hex file); default: DIR/central.pub")
    ] = None,
) -> None:
    """Check a published record from the files alone, or one station's receipt."""
    from saylau.domain.record.merkle import TreeHead
    from saylau.domain.record.verify import VerificationFailed, verify_receipt, verify_record

    try:
        if directory is None:
            if protocol is None or proof is None or tree_head is None:
                raise ValidationFailed(
                    "give a record directory, or --protocol, --proof and --tree-head",
                    details={"field": "arguments", "expected": "DIR or the three files",
                             "actual": None})
            central = bytes.fromhex(_read_hex(central_key)) if central_key else None
            for line in verify_receipt(json.loads(protocol.read_text(encoding="utf-8")),
                                       json.loads(proof.read_text(encoding="utf-8")),
                                       json.loads(tree_head.read_text(encoding="utf-8")),
                                       central):
                out.print(f"ok: {line}")
            out.print("[bold green]receipt verified[/bold green]")
            return
        central = bytes.fromhex(_read_hex(central_key or directory / "central.pub"))
        heads_json = json.loads((directory / "tree-heads.json").read_text(encoding="utf-8"))
        if not isinstance(heads_json, list):
            raise ValidationFailed("tree-heads.json is not an array of tree heads",
                                   details={"field": "tree-heads.json", "expected": "an array",
                                            "actual": type(heads_json).__name__})
        heads = [TreeHead.from_json(h) for h in heads_json]
        published = json.loads((directory / "results.json").read_text(encoding="utf-8")) \
            if (directory / "results.json").exists() else None

        def leaves() -> object:
            with (directory / "leaves.jsonl").open("rb") as f:
                for line in f:
                    yield line.rstrip(b"\n")

        report, v = verify_record(leaves(), heads, central, published)  # type: ignore[arg-type]
        for line in report.lines:
            out.print(f"ok: {line}")
        for cid, d in v.decisions.items():
            out.print(f"  {cid}: {json.dumps(d, ensure_ascii=False)}")
        out.print(f"[bold green]the record of {v.election} verifies[/bold green]")
    except VerificationFailed as exc:
        Console(stderr=True).print(f"MISMATCH: {exc.message}", markup=False)
        raise typer.Exit(1) from None
    except SaylauError as exc:
        print_error(exc)
        raise typer.Exit(2) from None
    except (OSError, ValueError) as exc:  # not UTF-8, not JSON, not hex
        Console(stderr=True).print(f"error: cannot read the record: {exc}", markup=False)
        raise typer.Exit(2) from None

