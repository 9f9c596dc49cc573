"""`saylau geography ...`: load, export or generate the electoral geography."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from saylau.cli.common import CLI_ACTOR, DatabaseOption, err, open_store, out, reports_errors

geography_app = typer.Typer(help="Load, export or generate the electoral geography.",
                            no_args_is_help=True)


@geography_app.command("import")
@reports_errors
def geography_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         metavar="FILE.csv", help="the geography CSV")],
    database: DatabaseOption = None,
) -> None:
    """Import a geography CSV: all rows or none.

    The columns are described in docs/geography-csv.md."""
    from saylau.domain.geography_csv import parse_geography_csv
    from saylau.services.geography import load_geography

    s = open_store(database)
    geo = parse_geography_csv(file.read_bytes())
    n = load_geography(s, geo, by=CLI_ACTOR)
    out.print(f"imported {n:,} units ({len(geo.station_indices):,} stations)")


@geography_app.command("export")
@reports_errors
def geography_export(
    out_file: Annotated[Path | None, typer.Option(
        "--out", metavar="FILE", help="the CSV file to write (default: stdout)")] = None,
    database: DatabaseOption = None,
) -> None:
    """Export the loaded geography as CSV."""
    from saylau.domain.geography_csv import geography_to_csv

    text = geography_to_csv(open_store(database).geography())
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"wrote {out_file}")


@geography_app.command("generate")
@reports_errors
def geography_generate(
    stations: Annotated[int, typer.Option(min=1, max=2_000_000,
                                          help="polling stations in all")] = 10_000,
    seed: Annotated[int, typer.Option(help="the same seed makes the same country")] = 2022,
    abroad: Annotated[int, typer.Option(min=0, help="stations abroad, under the capital")
                      ] = 70,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATE", show_default=False,
        help="the top-level units of that day: 2022-06-05 gives the 17 of the 2022 "
        "referendum (default: the 20 in force since 8 June 2022)")] = None,
    out_file: Annotated[Path | None, typer.Option(
        "--out", metavar="FILE", help="write CSV here instead of loading it into the "
        "database")] = None,
    database: DatabaseOption = None,
) -> None:
    """Generate a synthetic Kazakhstan and load it.

    The same seed gives the same country."""
    from saylau.domain.geography_csv import geography_to_csv
    from saylau.services.geography import load_geography

    s = open_store(database) if out_file is None else None
    geo = generate_geography(stations, seed, abroad, as_of)
    if s is None:
        assert out_file is not None
        out_file.write_text(geography_to_csv(geo), encoding="utf-8")
        out.print(f"wrote {out_file}")
        return
    n = load_geography(s, geo, by=CLI_ACTOR)
    out.print(f"generated and loaded {n:,} units: {len(geo.top_level())} top-level units, "
              f"{len(geo.station_indices):,} stations, "
              f"{sum(u.registered for u in geo.stations()):,} voters")


def generate_geography(stations: int, seed: int, abroad: int, as_of: str | None = None) -> Any:
    from saylau.data import load_kz_units
    from saylau.domain.generator import generate_kazakhstan

    with Progress(transient=True, console=err) as progress:
        progress.add_task(f"generating {stations:,} stations", total=None)
        return generate_kazakhstan(load_kz_units(), stations=stations, seed=seed,
                                   abroad=abroad, as_of=as_of)
