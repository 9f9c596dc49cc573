"""`saylau results --lang kk|ru|en` on a store, both databases: the decision's explanation in
that language, and the JSON with each step's code and figures beside its text."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.access import Principal, Role
from saylau.domain.ids import ActorId, OptionId
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts
from saylau.services import parliament as ps
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.services.protocols import submit_protocol

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
runner = CliRunner()


def _use(app: Saylau, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAYLAU_DATABASE_URL", app.engine.url.render_as_string(
        hide_password=False))


def test_results_explain_a_referendum_in_kazakh(referendum: tuple[Saylau, str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    app, contest = referendum
    for k, s in enumerate(app.geography().stations()):
        issued = s.registered * 3 // 4
        yes = (issued - 10) * 2 // 3 - k
        submit_protocol(app, ADMIN, contest, s.id, ProtocolCounts.of(
            registered=s.registered, ballots_received=issued + 50, ballots_issued=issued,
            ballots_cancelled=50, ballots_in_boxes=issued, invalid=5, both_marked=5,
            votes=[(OptionId("yes"), yes), (OptionId("no"), issued - 10 - yes)]))
    d, _ = results_svc.decide(app, contest)
    assert d is not None
    _use(app, monkeypatch)
    r = runner.invoke(cli, ["results", contest, "--json", "--lang", "kk"])
    assert r.exit_code == 0, r.output
    decision = json.loads(r.stdout)["decision"]
    assert decision["lang"] == "kk"
    assert decision["explanation"] == [s.render("kk") for s in d.explanation]
    assert [s["code"] for s in decision["steps"]] == [s.code for s in d.explanation]
    turnout = next(s for s in decision["steps"] if s["code"] == "ref.turnout.valid")
    assert turnout["params"]["participants"] == d.participants
    r = runner.invoke(cli, ["results", contest, "--lang", "ru"])
    assert r.exit_code == 0, r.output
    lines = [" ".join(x.split()) for x in r.output.split("  - ")[1:]]
    assert [" ".join(s.render("ru").split()) for s in d.explanation] == lines


def test_results_explain_a_presidential_election_in_russian(
        referendum: tuple[Saylau, str], monkeypatch: pytest.MonkeyPatch) -> None:
    app, _ = referendum
    _, pres = ps.create_presidential(
        app, election_id="pres", name=Names.same("President"), ruleset_name="kz-2022",
        date="2022-11-20", by=ActorId("cec"),
        candidates=[ps.CandidateSpec("T", Names.same("T"), None),
                    ps.CandidateSpec("S", Names.same("S"), None)])
    for s in app.geography().stations():
        submit_protocol(app, ADMIN, pres.id, s.id, ProtocolCounts.of(
            registered=s.registered, ballots_received=300, ballots_issued=250,
            ballots_cancelled=50, ballots_in_boxes=250, invalid=10,
            votes=[(OptionId("T"), 200), (OptionId("S"), 30), (OptionId("AGAINST_ALL"), 10)]))
    decision, _ = ps.candidate_decision(app, pres.id)
    _use(app, monkeypatch)
    r = runner.invoke(cli, ["results", pres.id, "--lang", "ru"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    for s in decision.explanation:
        assert " ".join(s.render("ru").split()) in text
    assert "кандидат избран" in text
