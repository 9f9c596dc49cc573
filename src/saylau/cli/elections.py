"""`saylau election ...`: create referendums and parliamentary elections."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saylau.cli.common import (
    CLI_ACTOR,
    CONSTITUTIONAL_HELP,
    DatabaseOption,
    open_store,
    out,
    reports_errors,
)
from saylau.domain.contests import QUESTION_2022
from saylau.domain.names import Names

election_app = typer.Typer(help="Create elections.", no_args_is_help=True)


SignaturesOption = Annotated[str, typer.Option(
    help="required: every protocol signed by its commission's registered key; optional: "
    "unsigned protocols taken, except from a station whose own key is registered")]


@election_app.command("create")
@reports_errors
def election_create(
    election_id: Annotated[str, typer.Option("--id", help="a short id, e.g. ref-2022")],
    ruleset: Annotated[str, typer.Option(help="kz-2007, kz-2022, kz-2026 or generic")
                       ] = "kz-2022",
    date: Annotated[str, typer.Option(help="polling day, YYYY-MM-DD")] = "2022-06-05",
    name: Annotated[str, typer.Option(help="the election's name")] = "Republican referendum",
    question_kk: Annotated[str, typer.Option(
        help="the question in Kazakh", show_default="the 2022 question")] = QUESTION_2022.kk,
    question_ru: Annotated[str, typer.Option(
        help="the question in Russian", show_default="the 2022 question")] = QUESTION_2022.ru,
    question_en: Annotated[str, typer.Option(
        help="the question in English", show_default="the 2022 question")] = QUESTION_2022.en,
    constitutional: Annotated[bool, typer.Option(
        "--constitutional/--ordinary", help=CONSTITUTIONAL_HELP)] = True,
    signatures: SignaturesOption = "optional",
    database: DatabaseOption = None,
) -> None:
    """Create a referendum with one question over the whole country.

    By default the 5 June 2022 constitutional referendum (its date and question)."""
    from saylau.services.elections import create_referendum

    e, c = create_referendum(
        open_store(database), election_id=election_id, name=Names.same(name), ruleset_name=ruleset,
        date=date, question=Names(kk=question_kk, ru=question_ru, en=question_en),
        constitutional=constitutional, by=CLI_ACTOR, signatures=signatures,
    )
    out.print(f"created election {e.id} ({e.ruleset}, signatures {e.signatures}) with "
              f"contest {c.id}")


@election_app.command("create-parliament")
@reports_errors
def election_create_parliament(
    election_id: Annotated[str, typer.Option("--id", help="a short id, e.g. majilis-2023")],
    parties: Annotated[Path, typer.Option(
        exists=True, dir_okay=False,
        help="CSV: party,name_kk,name_ru,name_en,registration_order")],
    candidates: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False,
        help="CSV: district,candidate,name,party (district = its number; party empty when "
        "self-nominated)")] = None,
    ruleset: Annotated[str, typer.Option(help="kz-2007, kz-2022 or kz-2026")] = "kz-2022",
    date: Annotated[str, typer.Option(help="polling day, YYYY-MM-DD")] = "2023-03-19",
    name: Annotated[str, typer.Option(help="the election's name")] = "Majilis election",
    signatures: SignaturesOption = "optional",
    database: DatabaseOption = None,
) -> None:
    """Create a Majilis (kz-2007, kz-2022) or Kurultai (kz-2026) election.

    Under kz-2022 the 29 single-member districts are drawn over the geography."""
    import csv
    import io

    s = open_store(database)
    from saylau.domain.districts import draw_districts
    from saylau.domain.errors import ImportFailed
    from saylau.domain.limits import id_rows, text_rows
    from saylau.domain.protocol_csv import decode
    from saylau.services.parliament import (
        CandidateSpec,
        PartySpec,
        create_parliament,
    )

    def rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
        reader = csv.DictReader(io.StringIO(decode(path.read_bytes())))
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFailed(f"{path.name}: missing columns {missing}", rows=[{
                "line": 1, "field": "header", "expected": ",".join(columns),
                "actual": ",".join(reader.fieldnames or []), "message": "header mismatch"}])
        return [(k + 2, r) for k, r in enumerate(reader)]

    bad: list[dict[str, object]] = []
    specs: list[PartySpec] = []
    for line, r in rows(parties, ("party", "name_kk", "name_ru", "name_en",
                                  "registration_order")):
        bad += [{"line": line, **row} for row in (
            id_rows("party", r["party"].strip())
            + [x for f in ("name_kk", "name_ru", "name_en") for x in text_rows(f, r[f])])]
        order = r["registration_order"].strip()
        if not order.isdigit():
            bad.append({"line": line, "field": "registration_order", "expected": "a number",
                        "actual": order, "message": "registration order must be a number"})
            continue
        specs.append(PartySpec(r["party"].strip(), Names(kk=r["name_kk"], ru=r["name_ru"],
                                                         en=r["name_en"]), int(order)))
    by_number: dict[str, list[CandidateSpec]] = {}
    if candidates is not None:
        for line, r in rows(candidates, ("district", "candidate", "name", "party")):
            bad += [{"line": line, **row} for row in (
                id_rows("candidate", r["candidate"].strip()) + text_rows("name", r["name"]))]
            by_number.setdefault(r["district"].strip(), []).append(CandidateSpec(
                r["candidate"].strip(), Names.same(r["name"]), r["party"].strip() or None))
    if bad:
        raise ImportFailed(f"{len(bad)} bad row(s) in {parties.name}"
                           + (f" or {candidates.name}" if candidates else ""), rows=bad)
    from saylau.domain.rulesets import ruleset as lookup

    n = lookup(ruleset).chamber.districts or 0  # the ruleset registry's
    districts = draw_districts(s.geography(), n) if n else ()
    e, made = create_parliament(
        s, election_id=election_id, name=Names.same(name), ruleset_name=ruleset, date=date,
        parties=specs, districts=districts,
        candidates={d.id: by_number.get(str(d.number), []) for d in districts},
        by=CLI_ACTOR, signatures=signatures,
    )
    out.print(f"created election {e.id} ({e.ruleset}): " + ", ".join(c.id for c in made[:3])
              + (f" and {len(made) - 3} more contests" if len(made) > 3 else ""))
