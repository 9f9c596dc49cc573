"""Ruleset data in one registry (saylau.domain.rulesets.RULESETS), and one shape for an unknown
name everywhere (saylau.domain.lookup).

- No module of the services, the API, the site or the command line names a ruleset's member to
  choose a number by it, nor keeps a table keyed by ruleset: the numbers (seats, districts,
  APK seats, senators, chamber names) are read from the registry (an AST walk, shown failing on
  a synthetic module).
- The chamber and the Senate the services compose follow the registry for every ruleset.
- An unknown name at the services' and the API's entries (a Senate seat's unit, a candidate's
  party, an export format, a token's role, an open-data file) is refused with the one details
  shape: field, expected (the known names), actual, and the same as a one-item `findings`."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import saylau
from saylau.api.app import create_app
from saylau.domain.errors import SaylauError
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.rulesets import RULESETS, RulesetName
from saylau.services import parliament as ps
from saylau.services import senate as senate_svc
from saylau.services.context import Saylau
from saylau.services.export import election_snapshots, open_data_files
from saylau.services.tokens import create_token
from tests.integration import test_parliament as parliament_tests

majilis = parliament_tests.majilis  # the kz-2022 Majilis election of test_parliament.py

SRC = Path(saylau.__file__).parent
SHELL = ("services", "api", "web", "cli")


def ruleset_choices(source: str) -> list[int]:
    """Lines that name a member of RulesetName (RulesetName.KZ_2022 ...) or build a table
    keyed by them: a choice of a number by ruleset outside the registry."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "RulesetName" and node.attr.isupper():
            found.append(node.lineno)
    return sorted(set(found))


def test_no_ruleset_is_chosen_by_name_outside_the_registry() -> None:
    bad = []
    for room in SHELL:
        for path in sorted((SRC / room).rglob("*.py")):
            bad += [f"{path.relative_to(SRC)}:{n}"
                    for n in ruleset_choices(path.read_text(encoding="utf-8"))]
    assert not bad, "read the number from saylau.domain.rulesets.RULESETS:\n" + "\n".join(bad)


def test_the_walk_finds_a_choice_by_ruleset() -> None:
    src = ("APPOINTED = {RulesetName.KZ_2007: 15}\n"
           "def chamber(rs):\n    return 'Kurultai' if rs is RulesetName.KZ_2026 else 'M'\n"
           "def fine(rs):\n    return RULESETS[RulesetName(rs)].chamber.name\n")
    assert ruleset_choices(src) == [1, 3]


def test_the_services_compose_what_the_registry_says(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    tops = app.geography().top_level()
    for name, rs in RULESETS.items():
        if rs.senate is None:
            with pytest.raises(SaylauError) as e:
                ps.senate(app, name.value)
            assert e.value.code == "no_senate"
            continue
        s = ps.senate(app, name.value)
        assert (s.elected, s.appointed, s.apk_recommended) == (
            rs.senate.per_unit * len(tops), rs.senate.appointed, rs.senate.apk_recommended)
        assert ps.APPOINTED.get(name, 0) == rs.senate.appointed
    for name, rs in RULESETS.items():
        assert ps.DISTRICTS.get(name, 0) == (rs.chamber.districts or 0)
        assert ps.APK_MAJILIS.get(name, 0) == rs.chamber.apk
    assert RULESETS[RulesetName("kz-2026")].chamber.name == "Kurultai"


def _shape(exc: SaylauError, field: str, actual: object) -> None:
    d = exc.details
    assert (d["field"], d["actual"]) == (field, actual), d
    assert isinstance(d["expected"], list) and d["expected"], d
    (finding,) = d["findings"]
    assert {k: finding[k] for k in ("field", "expected", "actual")} == {
        k: d[k] for k in ("field", "expected", "actual")}
    assert finding["message"] == exc.message


def _senate_unit(app: Saylau) -> None:
    senate_svc.create_senate_election(
        app, election_id="s", name=Names.same("S"), ruleset_name="kz-2022", date="2023-01-01",
        seats={"KZ-99": [ps.CandidateSpec("A", Names.same("A"), None)]}, by=ActorId("cec"))


def _export_format(app: Saylau) -> None:
    open_data_files(*election_snapshots(app, "ref"), "xml")


def _role(app: Saylau) -> None:
    create_token(app, "someone", "janitor")


@pytest.mark.parametrize(("call", "field", "actual", "code"), [
    (_senate_unit, "seats", "KZ-99", "seats_unknown"),
    (_export_format, "format", "xml", "format_unknown"),
    (_role, "role", "janitor", "role_unknown"),
], ids=["senate unit", "export format", "role"])
def test_an_unknown_name_at_a_service_has_the_one_shape(
        referendum: tuple[Saylau, str], call: Callable[[Saylau], Any], field: str,
        actual: str, code: str) -> None:
    app, _ = referendum
    with pytest.raises(SaylauError) as e:
        call(app)
    assert e.value.code == code
    _shape(e.value, field, actual)


def test_an_unknown_file_at_the_api_has_the_one_shape(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    c = TestClient(create_app(app), raise_server_exceptions=False)
    r = c.get("/api/elections/ref/open-data/json/nope.json")
    assert r.status_code == 404, r.text
    err = r.json()["error"]
    assert (err["details"]["field"], err["details"]["actual"]) == ("name", "nope.json")
    assert "ref.referendum.units.json" in err["details"]["expected"]
    (finding,) = err["details"]["findings"]
    assert (finding["expected"], finding["message"]) == (err["details"]["expected"],
                                                         err["message"])


def test_an_unknown_party_of_a_candidate_has_the_one_shape(
        majilis: tuple[Saylau, list[str]]) -> None:
    from saylau.domain.districts import draw_districts

    app, _ = majilis
    districts = draw_districts(app.geography(), 29)
    with pytest.raises(SaylauError) as e:
        ps.create_parliament(
            app, election_id="m2", name=Names.same("M"), ruleset_name="kz-2022",
            date="2023-03-19", parties=[ps.PartySpec("P1", Names.same("P1"), 1)],
            districts=districts, by=ActorId("cec"),
            candidates={d.id: [ps.CandidateSpec("X", Names.same("X"), "P9")]
                        for d in districts})
    assert e.value.code == "party_unknown"
    _shape(e.value, f"candidates.{districts[0].id}.X.party", "P9")
