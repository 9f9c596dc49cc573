"""`saylau allocate`: party-list seats from a CSV of votes, without a store.

    saylau allocate --ruleset kz-2022 FILE.csv --json
    saylau allocate --ruleset generic --seats 10 --threshold 3.5 --method dhondt FILE.csv

FILE.csv: `party,votes,registration_order` (see saylau.domain.law.allocation_csv). A bad file
or bad parameters never print a traceback: the problems go to stderr with their line, field,
expected and actual value, and the command exits with code 2. A tie that neither the
registration order nor a lot (`--seed`) can break is printed as it stands (with `ties` in the
JSON) and the command still exits with code 2, saying which parties need an order or a seed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from saylau.cli.decide import EXIT_BAD_INPUT, LangOption, fail_error, fail_input, read_input
from saylau.domain.errors import ImportFailed, SaylauError
from saylau.domain.explain import decimal_text, grouped, percent
from saylau.domain.law.allocation import Lot, Method
from saylau.domain.law.allocation_csv import parse_party_csv
from saylau.domain.law.parliament import (
    LeftoverSeats,
    ListDecision,
    ListReadings,
    RunnerUpMinimum,
    SecondPartyReading,
    ThresholdBase,
    decide_list_seats,
    decision_json,
    parse_percent,
)
from saylau.domain.law.referendum_csv import decode_csv
from saylau.domain.names import Lang
from saylau.domain.rulesets import RulesetName


def _print(d: ListDecision, lang: Lang = Lang.EN) -> None:
    out = Console(highlight=False, soft_wrap=True)
    table = Table(title=f"{d.body}, ruleset {d.ruleset.value}, method {d.method.value}, "
                        f"{d.seats_total} seats")
    for column in ("party", "votes", "% of base", "admitted", "quotient", "seats"):
        table.add_column(column, justify="left" if column in ("party", "admitted") else "right")
    for r in d.rows:
        table.add_row(
            r.party, grouped(r.votes), percent(r.share),
            ("yes" if r.passed else "by guarantee") if r.admitted else "no",
            decimal_text(r.quotient, 4) if r.quotient is not None else "",
            str(r.seats),
        )
    if d.against_all is not None:
        table.add_row("against all", grouped(d.against_all), "", "", "", "")
    out.print(table)
    quota = f"  quota {decimal_text(d.quota, 4)}" if d.quota is not None else ""
    out.print(f"Decision: {d.outcome.value.upper()}  seats {d.seats_total - d.undecided} of "
              f"{d.seats_total}{quota}", markup=False)
    out.print("Explanation:", markup=False)
    for step in d.explanation:
        out.print(f"  - {step.render(lang)}", markup=False)


def allocate_command(
    *,
    file: Annotated[
        Path,
        typer.Argument(help="CSV: party,votes,registration_order (a row AGAINST_ALL carries "
                            "the 'against all' votes)", dir_okay=False, metavar="FILE.csv"),
    ],
    ruleset: Annotated[RulesetName, typer.Option("--ruleset", help="kz-2007, kz-2022, "
                                                                   "kz-2026 or generic.")],
    seats: Annotated[int | None, typer.Option(
        "--seats", help="Seats to allocate (required under generic; fixed by the Kazakh "
                        "rulesets).")] = None,
    threshold: Annotated[str | None, typer.Option(
        "--threshold", help="Threshold as an exact decimal percent, e.g. 5 or 3.5 (generic; "
                            "default 0).")] = None,
    method: Annotated[Method | None, typer.Option(
        "--method", help="hare, droop, dhondt or sainte-lague (generic; kz-2026, whose "
                         "method is UNVERIFIED).")] = None,
    seed: Annotated[str | None, typer.Option(
        "--seed", help="Recorded public seed (hex) for a lot when the statute leaves a "
                       "tie.")] = None,
    threshold_base: Annotated[ThresholdBase, typer.Option(
        "--threshold-base", help="What the threshold is a percentage of (UNVERIFIED under "
                                 "kz-2022/kz-2026).")] = ThresholdBase.PARTIES_AND_AGAINST_ALL,
    second_party: Annotated[SecondPartyReading, typer.Option(
        "--second-party", help="Apply the kz-2007 second-party guarantee when fewer than two "
                               "pass (UNVERIFIED under kz-2022/kz-2026).")
    ] = SecondPartyReading.APPLY,
    runner_up_minimum: Annotated[RunnerUpMinimum, typer.Option(
        "--runner-up-minimum", help="Guarantee (a): the runner-up's minimum (UNVERIFIED).")
    ] = RunnerUpMinimum.TWO,
    leftover: Annotated[LeftoverSeats, typer.Option(
        "--leftover", help="Guarantee (b): who takes the seats left over (UNVERIFIED).")
    ] = LeftoverSeats.LEADER,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
    lang: LangOption = Lang.EN,
) -> None:
    """Allocate party-list seats under a ruleset, with the explanation of every step."""
    source = str(file)
    try:
        share = parse_percent(threshold) if threshold is not None else None
        lot = Lot.from_hex(seed) if seed is not None else None
    except SaylauError as exc:
        fail_error(source, exc)
    data = read_input(file)
    try:
        parsed = parse_party_csv(decode_csv(data))
    except ImportFailed as exc:
        fail_input(source, exc.rows, f"the file was refused: {exc.message}")
    readings = ListReadings(
        threshold_base=ThresholdBase(threshold_base),
        second_party=SecondPartyReading(second_party),
        runner_up_minimum=RunnerUpMinimum(runner_up_minimum),
        leftover=LeftoverSeats(leftover),
    )
    try:
        decision = decide_list_seats(
            parsed.parties,
            ruleset=ruleset,
            against_all=parsed.against_all,
            seats=seats,
            threshold_share=share,
            method=method,
            readings=readings,
            lot=lot,
        )
    except SaylauError as exc:
        fail_error(source, exc, parsed.line_of)
    if as_json:
        typer.echo(json.dumps(decision_json(decision, lang.value), ensure_ascii=False, indent=2))
    else:
        _print(decision, lang)
    if decision.ties:
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        orders = {r.party: r.registration_order for r in decision.rows}
        for t in decision.ties:
            missing = [p for p in t.parties if orders.get(p) is None]
            err.print(
                f"error: {source}: undecided: {t.describe()}; "
                + (f"give registration_order for {', '.join(missing)}, or " if missing else "")
                + "give --seed HEX (a recorded public seed) to draw a lot",
                markup=False,
            )
        raise typer.Exit(code=EXIT_BAD_INPUT)


__all__ = ["allocate_command"]
