"""`saylau integrity run` and `saylau pvt plan|sample|estimate` (issue 14).

    saylau integrity run --import KIND FILE [--json] [--plots DIR] [--draws N]
        [--calibration N] [--report FILE]
    saylau integrity run --election ID [--contest CONTEST] [...]     (stored protocols)
    saylau integrity params --election ID [--draws N ...]           (fix them before results)
    saylau integrity commit --election ID --commitment HEX --margin 0.01  (before results)
    saylau integrity reveal --election ID --seed SEED                 (after the count)
    saylau integrity report --election ID REPORTS.csv                 (the sampled stations)
    saylau integrity quick-count --election ID [--from-observers]     (observers' copies)

    saylau pvt plan   (--frame FRAME.csv | --import KIND FILE) --margin 0.01 [--sigma 0.1]
    saylau pvt sample (--frame FRAME.csv | --import KIND FILE) --seed SEED --margin 0.01
    saylau pvt estimate (--frame ... | --import ...) --seed SEED --margin 0.01
        [--commitment HEX] [--reports REPORTS.csv | --reports-from-import [--reported 0.5]]

KIND is one of russia-2011, russia-2012, russia-2020, albania-2013 (docs/importers.md).
Every result says it: these are signals that warrant a look, not proof of fraud.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from saylau.cli.common import DatabaseOption, open_store, plain_table, reports_errors
from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.integrity import CAVEAT, pvt
from saylau.domain.integrity.figures import StationFigures
from saylau.domain.integrity.suite import IntegrityParams, quick_count_on, run_all
from saylau.importers.forensics import KINDS, map_file
from saylau.services.integrity import (
    add_reports,
    commit_seed,
    fix_params,
    quick_count,
    reveal_seed,
    run_election,
)
from saylau.web import integrity_charts as charts

integrity_app = typer.Typer(
    help="Integrity analytics: forensic tests and the quick count.",
    no_args_is_help=True, add_completion=False)
pvt_app = typer.Typer(
    help="The quick count (parallel vote tabulation): plan, sample, estimate.",
    no_args_is_help=True, add_completion=False)

out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

ImportOption = Annotated[tuple[str, Path] | None, typer.Option(
    "--import", metavar="KIND FILE",
    help=f"a real file: KIND one of {', '.join(sorted(KINDS))}")]


def _figures(source: tuple[str, Path] | None) -> StationFigures:
    if source is None:
        raise ValidationFailed("say where the stations come from: --import KIND FILE",
                               code="integrity_source",
                               details=field_error("--import", "KIND FILE", None, "missing"))
    kind, path = source
    m = map_file(kind, Path(path).read_bytes())
    if m.problems:
        err.print(f"{len(m.problems)} row(s) of {m.rows:,} left out of {path} "
                  f"(first: line {m.problems[0].line}, {m.problems[0].field}: "
                  f"{m.problems[0].message}); notes: {len(m.notes)}")
    return m.figures


def _params(draws: int | None, calibration: int | None) -> IntegrityParams:
    data: dict[str, Any] = IntegrityParams().as_dict()
    if draws is not None:
        data["integer"]["draws"] = draws
    if calibration is not None:
        data["calibration"]["elections"] = calibration
    return IntegrityParams.from_dict(data)


def _print(result: dict[str, Any]) -> None:
    i = result["integer"]
    out.print(f"[bold]Integrity analytics[/bold]: {result['stations']:,} stations, "
              f"leader {result['leader']}")
    t = plain_table("integer test (Kobak et al. 2016)", "observed", "expected", "SD",
                    "excess", "z", "MC p")
    for name, key in (("turnout", "turnout"), ("leader's result", "leader_result"),
                      ("either", "either")):
        c = i[key]
        t.add_row(name, f"{c['observed']:,}", f"{c['expected_exact']:,.1f}",
                  f"{c['sd_exact']:,.1f}", f"{c['excess']:+,.1f}", f"{c['z']:.2f}",
                  f"{c['p_value']:.4f}")
    out.print(t)
    out.print(f"  stations included {i['stations_included']:,} of {i['stations_total']:,} "
              f"(left out: {i['excluded']}); voter-weighted excess "
              f"{i['voter_weighted_excess']:+,.0f} ballots (SD {i['voters_sd']:,.0f})")
    f = result["fingerprint"]
    hm = f["honest_mode"]
    out.print(f"[bold]fingerprint[/bold] (Klimek et al. 2012): honest mode turnout "
              f"{100 * hm['turnout']:.1f}%, share {100 * hm['share']:.1f}%; incremental "
              f"fraud f_i = {f['f_incremental']:.3f} +- {f['f_incremental_error']:.3f}, "
              f"extreme fraud f_e = {f['f_extreme']:.4f} +- {f['f_extreme_error']:.4f}")
    d = plain_table("digit/distribution test", "value", "clean law", "p", "signal",
                    "false alarms (clean)")
    fa = result.get("calibration", {}).get("false_alarms", {})
    for name, s in result["digits"]["tests"].items():
        p = "" if s["p_value"] is None else f"{s['p_value']:.4f}"
        d.add_row(name, f"{s['value']:.4f}", f"{s['expected']:.3f}", p,
                  "yes" if s["signal"] else "", f"{fa[name]:.0%}" if name in fa else "")
    out.print(d)
    if "calibration" in result:
        out.print(f"  integer test false alarms on {result['calibration']['elections']} clean "
                  f"elections of this structure: {fa.get('integer', 0):.0%}; outside the "
                  f"clean range: {', '.join(result['calibrated_signals']) or 'nothing'}")
    out.print(f"[bold]signal[/bold]: integer test {'YES' if i['signal'] else 'no'}. {CAVEAT}",
              soft_wrap=True)


def _plots(result: dict[str, Any], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    specs = {
        "fingerprint.vl.json": charts.fingerprint_chart(
            result["fingerprint_histogram"], x_title="turnout, %",
            y_title="winner's share, %", description="stations by turnout and share"),
        "integer-turnout.vl.json": charts.integer_chart(
            result["integer"]["by_integer"], "turnout", x_title="turnout, %",
            y_title="stations", band_title="expected", description="integer turnout"),
        "integer-leader.vl.json": charts.integer_chart(
            result["integer"]["by_integer"], "leader", x_title="leader's result, %",
            y_title="stations", band_title="expected", description="integer leader"),
    }
    paths = []
    for name, spec in specs.items():
        p = folder / name
        p.write_text(json.dumps(spec), encoding="utf-8")
        paths.append(p)
    return paths


@integrity_app.command("run")
@reports_errors
def run(
    source: ImportOption = None,
    election: Annotated[str | None, typer.Option(
        "--election", help="an election in the store: its stored parameters")] = None,
    contest: Annotated[str | None, typer.Option(help="the contest (default: the first)")
                       ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    plots: Annotated[Path | None, typer.Option(
        metavar="DIR", help="write the Vega-Lite charts here")] = None,
    draws: Annotated[int | None, typer.Option(help="Monte Carlo draws (1,000)")] = None,
    calibration: Annotated[int | None, typer.Option(
        help="clean elections simulated for the false-alarm rates (10; 0: none)")] = None,
    database: DatabaseOption = None,
) -> None:
    """Every forensic test, with its false-alarm rate on clean elections of the same shape."""
    if (source is None) == (election is None):
        raise ValidationFailed("give exactly one of --import KIND FILE and --election ID",
                               code="integrity_source",
                               details=field_error("--import/--election", "exactly one",
                                                   "both" if source else "neither", ""))
    if election is not None and (draws is not None or calibration not in (None, 0)):
        raise ValidationFailed(
            "with --election the tests run with the parameters fixed in the election's record "
            "(or the defaults, said so); --draws and --calibration N apply to --import only "
            "(--calibration 0 skips the false-alarm rates)", code="integrity_params_fixed",
            details=field_error("--draws/--calibration", "none with --election",
                                f"{draws}/{calibration}", "parameters are fixed in the record"))
    params = _params(draws, calibration)
    if election is not None:
        result = run_election(open_store(database), election, contest=contest,
                              calibrate_tests=calibration != 0)
    else:
        figs = _figures(source)
        result = run_all(figs, params, calibrate_tests=calibration != 0)
    if plots is not None:
        for p in _plots(result, plots):
            err.print(f"wrote {p}")
    if as_json:
        slim = {k: v for k, v in result.items() if k != "fingerprint_histogram"}
        out.print_json(json.dumps(slim))
    else:
        _print(result)


@integrity_app.command("params")
@reports_errors
def params_cmd(
    election: Annotated[str, typer.Option("--election", help="the election")],
    draws: Annotated[int | None, typer.Option(help="Monte Carlo draws (1,000)")] = None,
    calibration: Annotated[int | None, typer.Option(help="clean elections (10)")] = None,
    database: DatabaseOption = None,
) -> None:
    """Fix the tests' parameters in the election's record, before any result comes in."""
    p = _params(draws, calibration)
    leaf = fix_params(open_store(database), election, p)
    out.print(f"parameters of {election} fixed in its record (leaf {leaf}), sha256 "
              f"{p.digest()}")


def _frame(frame: Path | None, source: tuple[str, Path] | None) -> tuple[pvt.Frame,
                                                                          StationFigures | None]:
    if frame is not None:
        return pvt.frame_csv(frame.read_bytes()), None
    figs = _figures(source)
    strata = figs.units[0] if figs.units else ("all",) * len(figs)
    return pvt.frame_of(figs.stations, strata, figs.registered.tolist()), figs


FrameOption = Annotated[Path | None, typer.Option(
    "--frame", metavar="FRAME.csv", help="station,stratum,registered")]


@pvt_app.command("plan")
@reports_errors
def plan_cmd(
    margin: Annotated[float, typer.Option(help="95% margin of error on a share")],
    frame: FrameOption = None, source: ImportOption = None,
    sigma: Annotated[float, typer.Option(help="SD of the station shares")] = 0.1,
) -> None:
    """The sample size for a target margin of error, per top-level unit."""
    fr, _ = _frame(frame, source)
    p = pvt.plan(fr, margin, sigma=sigma)
    out.print_json(json.dumps(p.as_dict()))


@pvt_app.command("sample")
@reports_errors
def sample_cmd(
    seed: Annotated[str, typer.Option(help="the secret seed (publish its commitment first)")],
    margin: Annotated[float, typer.Option(help="95% margin of error on a share")],
    frame: FrameOption = None, source: ImportOption = None,
    sigma: Annotated[float, typer.Option(help="SD of the station shares")] = 0.1,
) -> None:
    """The seed's commitment and the sample it draws (redrawable by anyone from the seed)."""
    fr, _ = _frame(frame, source)
    p = pvt.plan(fr, margin, sigma=sigma)
    sample = pvt.draw_sample(fr, seed, p.per_stratum)
    out.print_json(json.dumps({"commitment": pvt.commit(seed), "plan": p.as_dict(),
                               "sample": list(sample)}))


@pvt_app.command("estimate")
@reports_errors
def estimate_cmd(
    seed: Annotated[str, typer.Option(help="the revealed seed")],
    margin: Annotated[float, typer.Option(help="the margin the sample was planned for")],
    frame: FrameOption = None, source: ImportOption = None,
    sigma: Annotated[float, typer.Option(help="SD of the station shares")] = 0.1,
    commitment: Annotated[str | None, typer.Option(
        help="the commitment published before voting ended (checked)")] = None,
    reports: Annotated[Path | None, typer.Option(
        metavar="REPORTS.csv", help="station,registered,given,valid,<options>")] = None,
    from_import: Annotated[bool, typer.Option(
        "--reports-from-import", help="take the sampled stations' figures from the "
        "imported file (a simulation of the night)")] = False,
    reported: Annotated[float, typer.Option(
        help="with --reports-from-import: the share of the sample reported so far")] = 1.0,
) -> None:
    """The quick count with 95% intervals, against the official figures when known."""
    if commitment is not None:
        pvt.check_commitment(seed, commitment)
    fr, figs = _frame(frame, source)
    if from_import:
        if figs is None:
            raise ValidationFailed("--reports-from-import needs --import KIND FILE",
                                   code="integrity_source",
                                   details=field_error("--import", "KIND FILE", None, ""))
        result = quick_count_on(figs, seed, margin, sigma=sigma, reported=reported)
        out.print_json(json.dumps(result["quick_count"] | {
            "commitment": result["commitment"], "comparison": result["comparison"]}))
        return
    if reports is None:
        raise ValidationFailed("give --reports REPORTS.csv or --reports-from-import",
                               code="integrity_source",
                               details=field_error("--reports", "a CSV", None, "missing"))
    p = pvt.plan(fr, margin, sigma=sigma)
    sample = pvt.draw_sample(fr, seed, p.per_stratum)
    rs = pvt.csv_reports(reports.read_bytes())
    options = list(rs[0].votes) if rs else []
    qc = pvt.estimate(fr, sample, rs, options)
    out.print_json(json.dumps(qc.as_dict()))


# --- the quick count of a stored election (under `saylau integrity`: they use the store) ----


@integrity_app.command("commit")
@reports_errors
def commit_cmd(
    election: Annotated[str, typer.Option("--election", help="the election")],
    commitment: Annotated[str, typer.Option(
        help="SHA-256 of the secret seed, hex (saylau pvt sample prints it)")],
    margin: Annotated[float, typer.Option(help="95% margin of error on a share")],
    sigma: Annotated[float, typer.Option(help="SD of the station shares")] = 0.1,
    database: DatabaseOption = None,
) -> None:
    """Publish the quick count's seed commitment in the record, before results."""
    leaf = commit_seed(open_store(database), election, commitment, margin, sigma)
    out.print(f"commitment {commitment} published in the record of {election} (leaf {leaf})")


@integrity_app.command("reveal")
@reports_errors
def reveal_cmd(
    election: Annotated[str, typer.Option("--election", help="the election")],
    seed: Annotated[str, typer.Option(help="the secret seed, now revealed")],
    database: DatabaseOption = None,
) -> None:
    """Reveal the seed after the count (checked against the commitment); prints the sample."""
    drawn = reveal_seed(open_store(database), election, seed)
    out.print_json(json.dumps({"sample": list(drawn)}))


@integrity_app.command("report")
@reports_errors
def report_cmd(
    election: Annotated[str, typer.Option("--election", help="the election")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, metavar="REPORTS.csv",
                                         help="station,registered,given,valid,<options>")],
    database: DatabaseOption = None,
) -> None:
    """Store sampled stations' figures and print the quick count against the official one."""
    s = open_store(database)
    n = add_reports(s, election, pvt.csv_reports(file.read_bytes()))
    qc = quick_count(s, election)
    err.print(f"{n} report(s) stored")
    out.print_json(json.dumps(qc))


@integrity_app.command("quick-count")
@reports_errors
def quick_count_cmd(
    election: Annotated[str, typer.Option("--election", help="the election")],
    from_observers: Annotated[bool, typer.Option(
        "--from-observers", help="take the sampled stations' figures from the observers' "
        "protocol copies in the store first")] = False,
    contest: Annotated[str | None, typer.Option(help="the contest (default: the first)")] = None,
    database: DatabaseOption = None,
) -> None:
    """The quick count against the official result, once the seed is revealed.

    With --from-observers it is fed by the observers' copies of the sampled stations."""
    s = open_store(database)
    if from_observers:
        from saylau.services.integrity.observers import reports_from_observers

        fed = reports_from_observers(s, election, contest=contest)
        err.print(f"observers' copies: {fed['from_copies']} of {fed['sample']} sampled stations "
                  f"usable ({fed['stored']} stored now, {fed['unchanged']} unchanged); "
                  f"{fed['missing']} without a copy, {len(fed['conflicts'])} in conflict, "
                  f"{len(fed['incomplete'])} incomplete; copies outside the sample not used: "
                  f"{fed['outside_sample']}")
        qc = fed["quick_count"]
    else:
        qc = quick_count(s, election, contest)
    if qc is None:
        raise ValidationFailed("the seed is not revealed yet: the sample is not known",
                               code="pvt_seed_hidden",
                               details=field_error("election", "a revealed seed", election,
                                                   "seed hidden"))
    out.print_json(json.dumps(qc))


# --- the demo's integrity (cli/demo.py calls these for the referendum night) -----------------


def demo_seed(seed: int) -> str:
    """The demo's quick-count seed: a real one is a secret chosen on the eve."""
    return f"saylau-demo-{seed}"


def against_interval(c: dict[str, Any]) -> str:
    """One national figure of the comparison in words: the official figure against the quick
    count's 95% interval, and whether it lies inside or outside it (a signal to look at)."""
    low, high = c["estimate"]["low"], c["estimate"]["high"]
    where = "OUTSIDE it: a signal" if c["outside"] else "inside it"
    return (f"{c['figure']} official {100 * c['official']:.2f}% against the quick count's "
            f"[{100 * low:.2f}, {100 * high:.2f}], {where}")


def integrity_before_results(app: Any, election: str, seed: str) -> None:
    """Before the first protocol: the tests' parameters and the quick count's commitment go
    in the record."""
    params = IntegrityParams.from_dict({"calibration": {"elections": 5}})
    fix_params(app, election, params, by="demo")
    commit_seed(app, election, pvt.commit(seed), 0.01, 0.1, by="demo")


def integrity_after_night(app: Any, election: str, seed: str, console: Console) -> None:
    """After the count: the seed revealed, the sampled stations' figures taken from the
    observers' copies (the domestic mission observed the sample), every test run and stored;
    one line of each printed."""
    from saylau.services.integrity.observers import reports_from_observers

    reveal_seed(app, election, seed)
    fed = reports_from_observers(app, election, by="demo")
    result = run_election(app, election)
    qc = result.get("quick_count") or {}
    national = [c for c in qc.get("comparison", []) if c["unit"] == ""]
    lines = ", ".join(against_interval(c) for c in national if c["estimate"]["low"] is not None)
    i = result["integer"]
    console.print(f"integrity: integer-percentage test {'SIGNAL' if i['signal'] else 'no signal'}"
                  f" (excess {i['either']['excess']:+.0f} stations, p {i['either']['p_value']:.3f})"
                  f"; quick count of {fed['from_copies']} of {fed['sample']} sampled stations "
                  f"from the observers' copies ({len(fed['conflicts'])} in conflict, "
                  f"{fed['missing']} without a copy): {lines or 'no interval'}. "
                  f"{CAVEAT} (/elections/{election}/integrity)", markup=False, soft_wrap=True)
