"""`saylau record ...` and `saylau verify ...`: the verifiable record, exported, sealed, proved
and checked (the keys that sign it: cli/keys.py)."""

from __future__ import annotations

import contextlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

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
from saylau.domain.errors import SaylauError, ValidationFailed
from saylau.services.bulk import collector_paused

record_app = typer.Typer(help="The election's public record and receipts.",
                         no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)


@record_app.command("export")
@reports_errors
def record_export(
    election: Annotated[str | None, typer.Argument(
        metavar="ELECTION", show_default=False,
        help="election id (default: the only or latest election), or @parties for the "
             "party register")] = None,
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR",
                                          help="directory to write")] = Path("record"),
    database: DatabaseOption = None,
) -> None:
    """Write the election's whole public record to a directory, for `saylau verify`."""
    from saylau.domain.parties.record import PARTY_LOG
    from saylau.services.elections import get_election
    from saylau.services.record import export_record

    s = open_store(database)
    if election == PARTY_LOG:
        from saylau.services.parties.record_export import export_register

        n = export_register(s, out_dir)
        out.print(f"wrote the record of the party register: {n['leaves']:,} leaves, "
                  f"{n['tree_heads']} signed tree head(s) -> {out_dir}")
        return
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


@contextlib.contextmanager
def _chunk_pool(workers: int | None) -> Iterator[Any]:
    """The verifier's `map_chunks` over `workers` processes (None: one per CPU but the
    verifier's own), at most two chunks per worker read ahead of the verifier; None (its
    own process) for 0 workers. At 1,000,000 protocols on 2 CPUs the chunks' batch pass
    runs beside the verifier's reading of the geography (docs/benchmarks.md, "Verifying a
    record")."""
    n = max(0, (os.cpu_count() or 1) - 1) if workers is None else workers
    if n == 0:
        yield None
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    with ProcessPoolExecutor(n) as pool:
        def mapped(fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
            ahead: deque[Future[Any]] = deque()
            for task in tasks:
                ahead.append(pool.submit(fn, task))
                if len(ahead) > 2 * n:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()

        yield mapped


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
    workers: Annotated[int | None, typer.Option(
        min=0, help="processes reading the record's chunks besides this one (default: one "
                    "per CPU but this one's; 0: this process alone)")] = None,
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
            central = bytes.fromhex(read_hex(central_key)) if central_key else None
            for line in verify_receipt(json.loads(protocol.read_text(encoding="utf-8")),
                                       json.loads(proof.read_text(encoding="utf-8")),
                                       json.loads(tree_head.read_text(encoding="utf-8")),
                                       central):
                out.print(f"ok: {line}")
            out.print("[bold green]receipt verified[/bold green]")
            return
        central = bytes.fromhex(read_hex(central_key or directory / "central.pub"))
        heads_json = json.loads((directory / "tree-heads.json").read_text(encoding="utf-8"))
        if not isinstance(heads_json, list):
            raise ValidationFailed("tree-heads.json is not an array of tree heads",
                                   details={"field": "tree-heads.json", "expected": "an array",
                                            "actual": type(heads_json).__name__})
        heads = [TreeHead.from_json(h) for h in heads_json]
        if (directory / "register.json").exists():  # the party register's record
            _verify_register(directory, heads, central)
            return
        published = json.loads((directory / "results.json").read_text(encoding="utf-8")) \
            if (directory / "results.json").exists() else None

        def leaves() -> object:
            with (directory / "leaves.jsonl").open("rb") as f:
                for line in f:
                    yield line.rstrip(b"\n")

        # a one-shot command reading a million leaves into short-lived objects without cycles:
        # the cyclic collector's passes over them were about 5 s of 30 at 1,000,000 protocols
        # (docs/benchmarks.md, "Verifying a record"); reference counting still frees them
        with collector_paused(), _chunk_pool(workers) as map_chunks:
            report, v = verify_record(leaves(), heads, central,  # type: ignore[arg-type]
                                      published, map_chunks=map_chunks)
        for line in report.lines:
            out.print(f"ok: {line}")
        # observation (issue 12): the comparison re-derived from the leaves
        from saylau.domain.observation.record import verify_published

        obs_file = directory / "observation.json"
        published_obs = json.loads(obs_file.read_text(encoding="utf-8")) \
            if obs_file.exists() else None
        # without an observer's leaf the comparison is empty: the protocols need no second
        # reading (a JSON parse of each, about 10 s at 1,000,000)
        observed = any(t.startswith("observer-") for t in v.record_types)
        for line in verify_published(leaves() if observed else (),  # type: ignore[arg-type]
                                     published_obs):
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



def _verify_register(directory: Path, heads: list[Any], central: bytes) -> None:
    """The party register's record (`saylau record export @parties`): every decision
    re-derived from the leaves, the published register compared."""
    from saylau.domain.parties.record import verify_register

    published = json.loads((directory / "register.json").read_text(encoding="utf-8"))

    def leaves() -> object:
        with (directory / "leaves.jsonl").open("rb") as f:
            for line in f:
                yield line.rstrip(b"\n")

    report, v = verify_register(leaves(), heads, central, published)  # type: ignore[arg-type]
    for line in report.lines:
        out.print(f"ok: {line}")
    for party, status in v.statuses.items():
        out.print(f"  {party}: {status}")
    out.print("[bold green]the record of the party register verifies[/bold green]")
