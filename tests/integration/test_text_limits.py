"""One limit for every name and text, one for every id (saylau.domain.limits), enforced at
every entry, and never stricter on the way out than on the way in (issue 17, item 3).

- `test_every_stored_text_column_is_accounted_for` walks the tables: each text column is
  either typed by someone (and listed here with the entries that feed it and its limit) or
  made by saylau itself (and listed with why); a new column fails it until it is listed.
- `test_a_store_with_every_text_at_its_limit_serves_everything` fills every typed column at
  its limit through the public entries (the geography's CSV, the API, the services behind the
  CLI), then reads every route, every page and the static snapshot: nothing gives a 500.
- the other tests send one character more at each entry: a clear refusal naming the field
  (and the line, for a file), never a 500 and nothing stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import String, Text
from typer.testing import CliRunner

from saylau.api.app import create_app
from saylau.cli.main import app as cli
from saylau.domain.access import Principal, Role
from saylau.domain.errors import ValidationFailed
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import ActorId, UnitId
from saylau.domain.limits import MAX_ACTOR, MAX_ID, MAX_TEXT
from saylau.domain.names import Names
from saylau.services.context import Saylau
from saylau.services.tokens import create_token
from saylau.store import tables as t
from tests.integration.support import error_of, names_field

TYPED: dict[str, str] = {
    "units.id": "geography CSV `id` (API POST /api/geography, saylau geography import): MAX_ID",
    "units.parent": "geography CSV `parent`: an id of the file",
    "units.name_kk": "geography CSV `name_kk`: MAX_TEXT",
    "units.name_ru": "geography CSV `name_ru`: MAX_TEXT",
    "units.name_en": "geography CSV `name_en`: MAX_TEXT",
    "units.code": "geography CSV `code`: an ISO 3166-2 code",
    "elections.id": "API body `id`, CLI --id: MAX_ID with its contests' ids",
    "elections.name_kk": "API body `name.kk`, CLI --name: MAX_TEXT",
    "elections.name_ru": "API body `name.ru`, CLI --name: MAX_TEXT",
    "elections.name_en": "API body `name.en`, CLI --name: MAX_TEXT",
    "elections.date": "API body `date`, CLI --date: a calendar date",
    "elections.created_by": "the token's name: MAX_ACTOR",
    "elections.params": "API body `params` (ids): JSON of MAX_ID keys and values",
    "contests.name_kk": "a referendum's question (API `question`, CLI --question-kk): MAX_TEXT",
    "contests.name_ru": "a referendum's question: MAX_TEXT",
    "contests.name_en": "a referendum's question: MAX_TEXT",
    "options.id": "party and candidate ids (API, CLI parties/candidates CSV): MAX_ID",
    "options.name_kk": "party and candidate names (API, CLI CSV): MAX_TEXT",
    "options.name_ru": "party and candidate names: MAX_TEXT",
    "options.name_en": "party and candidate names: MAX_TEXT",
    "options.party": "a candidate's party: one of the election's party ids",
    "options.list_names": "a party's list (API `list_names`): JSON of MAX_TEXT names",
    "protocol_versions.reason": "API `reason` of a correction: MAX_TEXT",
    "protocol_versions.submitted_by": "the token's name: MAX_ACTOR",
    "protocol_rejections.submitted_by": "the token's name: MAX_ACTOR",
    "turnout_reports.submitted_by": "the token's name: MAX_ACTOR",
    "senate_sessions.reason": "API `reason` of a session correction: MAX_TEXT",
    "senate_sessions.submitted_by": "the token's name: MAX_ACTOR",
    "tokens.name": "saylau token create NAME: MAX_ACTOR",
    # parties wing (issue 13)
    "party_applications.id": "API body `id`, CLI PARTY: MAX_ID",
    "party_applications.name_kk": "API body `name.kk`, CLI --name: MAX_TEXT",
    "party_applications.name_ru": "API body `name.ru`, CLI --name: MAX_TEXT",
    "party_applications.name_en": "API body `name.en`, CLI --name: MAX_TEXT",
    "party_applications.submitted_by": "the token's name: MAX_ACTOR",
    "party_events.reason": "API/CLI liquidation `reason`: MAX_TEXT (else made by saylau)",
    "party_events.by": "the token's name: MAX_ACTOR",
    "party_member_rows.full_name": "member list cell `full_name`, correction: MAX_TEXT",
    "party_member_rows.birth_date": "member list cell `birth_date`, correction: 32",
    "party_member_rows.region": "member list cell `region`, correction: 16",
    "party_member_rows.joined": "member list cell `joined`, correction: 32",
    "party_member_rows.reason": "API/CLI correction `reason`: MAX_TEXT",
    "party_member_rows.submitted_by": "the token's name: MAX_ACTOR",
    "party_barred.imported_by": "the token's name: MAX_ACTOR",
    # observation (issue 12)
    "obs_missions.code": "API body `code`, CLI: 16 (api/schemas/observation.py)",
    "obs_missions.name": "API body `name`, CLI: 200 (services/observation/missions.py)",
    "obs_missions.created_by": "the token's name: MAX_ACTOR",
    "obs_observers.name": "API body `name` of an applicant: 200",
    "obs_observers.applied_by": "the token's name: MAX_ACTOR",
    "obs_accreditations.reason": "API `reason` of a refusal or revocation: MAX_TEXT",
    "obs_accreditations.by": "the token's name: MAX_ACTOR",
    "obs_deployments.by": "the token's name: MAX_ACTOR",
    "obs_forms.definition": "API body `definition`: JSON, its texts 2,000 (forms.MAX_TEXT)",
    "obs_forms.by": "the token's name: MAX_ACTOR",
    "obs_reports.answers": "API `answers`: JSON, keys 40, text answers 2,000",
    "obs_reports.reason": "API `reason` of a correction: MAX_TEXT",
    "obs_reports.submitted_by": "the token's name: MAX_ACTOR",
    "obs_copies.figures": "API `figures`: JSON, keys 100, values counts",
    "obs_copies.reason": "API `reason` of a correction: MAX_TEXT",
    "obs_copies.submitted_by": "the token's name: MAX_ACTOR",
    "obs_rejections.submitted": "JSON of what was sent (a text message: 2,000)",
    "obs_photos.stored_by": "the token's name: MAX_ACTOR",
    # integrity analytics (issue 14)
    "integrity_params.params": "API body of the parameters: JSON of checked numbers",
    "integrity_params.fixed_by": "the token's name: MAX_ACTOR",
    "pvt_commitments.commitment": "API `commitment`: 64 hex",
    "pvt_commitments.seed": "API `seed` revealed: 1,000 (api/routes/integrity.py)",
    "pvt_commitments.committed_by": "the token's name: MAX_ACTOR",
    "pvt_reports.votes": "API `reports[].votes`: JSON of option ids and counts",
    "pvt_reports.station_id": "API `reports[].station`: 64 (a station of the geography)",
    "pvt_reports.received_by": "the token's name: MAX_ACTOR",
    # risk-limiting audits (issue 15)
    "audits.risk_limit": "API `risk_limit`: 0.NNNNNN (api/schemas/audits.py)",
    "audits.created_by": "the token's name: MAX_ACTOR",
    "audit_assignments.auditor": "API `auditor`: 128",
    "audit_seeds.observers": "API `observers`: JSON of at most 50 names of 200",
    "audit_seeds.entered_by": "the token's name: MAX_ACTOR",
    "audit_counts.auditor": "the token's name (an auditor's): MAX_ACTOR",
    "audit_counts.counts": "API `counts` (JSON of option ids and counts) or `readings` (JSON "
                           "of at most 10,000 places and option ids)",
    "audit_samples.drawn_by": "the token's name: MAX_ACTOR",
    "audit_measures.measured_by": "the token's name: MAX_ACTOR",
    "audit_outcomes.concluded_by": "the token's name: MAX_ACTOR",
}
"""Text columns that hold what someone typed, and where it comes from."""

MADE: dict[str, str] = {
    "units.kind": "an enum value", "elections.ruleset": "a known ruleset's name",
    "elections.created_at": "a timestamp", "elections.signatures": "required | optional",
    "electoral_districts.id": "SMD-NN", "electoral_districts.election_id": "an election id",
    "electoral_districts.name_kk": "made from a unit's name",
    "electoral_districts.name_ru": "made from a unit's name",
    "electoral_districts.name_en": "made from a unit's name",
    "electoral_districts.unit": "a unit id", "district_stations.election_id": "an id",
    "district_stations.district_id": "an id", "district_stations.station_id": "a unit id",
    "contests.id": "the election's id + a suffix, checked with the election's id",
    "contests.election_id": "an id", "contests.kind": "an enum value",
    "contests.area": "a unit id", "contests.district_id": "an id",
    "options.contest_id": "an id", "options.kind": "an enum value",
    "protocol_versions.contest_id": "an id", "protocol_versions.station_id": "a unit id",
    "protocol_versions.votes": "JSON of option ids and counts",
    "protocol_versions.content_hash": "hex", "protocol_versions.warnings": "JSON findings",
    "protocol_versions.submitted_at": "a timestamp",
    "protocol_rejections.contest_id": "an id",
    "protocol_rejections.station_id": "a unit id (the station must exist)",
    "protocol_rejections.submitted": "JSON of a checked protocol",
    "protocol_rejections.findings": "JSON findings",
    "protocol_rejections.submitted_at": "a timestamp",
    "turnout_reports.contest_id": "an id", "turnout_reports.station_id": "a unit id",
    "turnout_reports.at": "HH:MM", "turnout_reports.submitted_at": "a timestamp",
    "senate_sessions.contest_id": "an id", "senate_sessions.votes": "JSON counts",
    "senate_sessions.submitted_at": "a timestamp",
    "log_leaves.election_id": "an id", "log_leaves.type": "a record type",
    "log_leaves.data": "canonical JSON of a record", "log_leaves.leaf_hash": "hex",
    "tree_heads.election_id": "an id", "tree_heads.root": "hex",
    "tree_heads.timestamp": "a timestamp", "tree_heads.key": "hex",
    "tree_heads.signature": "hex", "tree_heads.frontier": "JSON of hashes",
    "commission_keys.election_id": "an id", "commission_keys.key": "hex",
    "commission_keys.unit": "a unit id (the unit must exist)",
    "commission_keys.role": "an enum value", "commission_keys.public_key": "hex",
    "commission_keys.registered_at": "a timestamp", "commission_keys.revoked_at": "a timestamp",
    "tokens.role": "an enum value", "tokens.scope": "a unit id (the unit must exist)",
    "tokens.token_hash": "hex", "tokens.created_at": "a timestamp",
    "tokens.revoked_at": "a timestamp", "tokens.expires_at": "a timestamp",
    # parties wing (issue 13)
    "party_applications.ruleset": "a known ruleset's name",
    "party_applications.founder_regions": "JSON of region codes (each must exist)",
    "party_applications.initiative_formed": "a date", "party_applications.congress_held":
    "a date", "party_applications.submitted_on": "a date",
    "party_applications.submitted_at": "a timestamp", "party_events.party_id": "an id",
    "party_events.status": "an enum value", "party_events.decision": "JSON of a decision",
    "party_events.at": "a timestamp", "party_member_rows.party_id": "an id",
    "party_member_rows.iin_hash": "hex", "party_member_rows.iin_last4": "4 characters",
    "party_member_rows.key_id": "hex", "party_member_rows.findings": "JSON findings",
    "party_member_rows.content_hash": "hex", "party_member_rows.submitted_at": "a timestamp",
    "party_barred.iin_hash": "hex", "party_barred.iin_last4": "4 digits",
    "party_barred.key_id": "hex", "party_barred.category": "an enum value",
    "party_barred.imported_at": "a timestamp",
    # observation (issue 12)
    "obs_missions.election_id": "an id", "obs_missions.organisation": "an enum value",
    "obs_missions.created_at": "a timestamp", "obs_observers.election_id": "an id",
    "obs_observers.badge": "made from the mission's code", "obs_observers.mission_code": "a code",
    "obs_observers.public_key": "hex", "obs_observers.applied_at": "a timestamp",
    "obs_accreditations.election_id": "an id", "obs_accreditations.badge": "a badge",
    "obs_accreditations.status": "an enum value", "obs_accreditations.at": "a timestamp",
    "obs_deployments.election_id": "an id", "obs_deployments.badge": "a badge",
    "obs_deployments.station_id": "a unit id (the station must exist)",
    "obs_deployments.action": "an enum value", "obs_deployments.at": "a timestamp",
    "obs_forms.election_id": "an id", "obs_forms.form_id": "a form id (checked)",
    "obs_forms.owner": "a mission code or the commission", "obs_forms.content_hash": "hex",
    "obs_forms.at": "a timestamp", "obs_reports.election_id": "an id",
    "obs_reports.badge": "a badge", "obs_reports.station_id": "a unit id",
    "obs_reports.form_id": "a form id", "obs_reports.kind": "an enum value",
    "obs_reports.slot": "made from the badge, station and form",
    "obs_reports.photo_hash": "hex", "obs_reports.content_hash": "hex",
    "obs_reports.submitted_at": "a timestamp", "obs_copies.election_id": "an id",
    "obs_copies.contest_id": "an id", "obs_copies.badge": "a badge",
    "obs_copies.station_id": "a unit id", "obs_copies.photo_hash": "hex",
    "obs_copies.content_hash": "hex", "obs_copies.submitted_at": "a timestamp",
    "obs_rejections.election_id": "an id", "obs_rejections.badge": "a badge",
    "obs_rejections.station_id": "a unit id", "obs_rejections.kind": "an enum value",
    "obs_rejections.code": "an error code", "obs_rejections.message": "an error's message",
    "obs_rejections.at": "a timestamp", "obs_photos.election_id": "an id",
    "obs_photos.hash": "hex", "obs_photos.media_type": "image/png | image/jpeg",
    "obs_photos.stored_at": "a timestamp",
    # integrity analytics (issue 14)
    "integrity_params.election_id": "an id", "integrity_params.sha256": "hex",
    "integrity_params.fixed_at": "a timestamp", "integrity_runs.election_id": "an id",
    "integrity_runs.contest_id": "an id", "integrity_runs.params_sha256": "hex",
    "integrity_runs.result": "JSON of a run", "integrity_runs.run_at": "a timestamp",
    "pvt_commitments.election_id": "an id", "pvt_commitments.margin": "a checked number",
    "pvt_commitments.sigma": "a checked number", "pvt_commitments.committed_at": "a timestamp",
    "pvt_commitments.revealed_at": "a timestamp", "pvt_reports.election_id": "an id",
    "pvt_reports.source": "an enum value", "pvt_reports.received_at": "a timestamp",
    # risk-limiting audits (issue 15)
    "audits.id": "made from the contest's id", "audits.election_id": "an id",
    "audits.contest_id": "an id", "audits.kind": "an enum value",
    "audits.manifest": "JSON of the stations' figures", "audits.manifest_sha256": "hex",
    "audits.assertions": "JSON of assertions", "audits.notes": "made by saylau",
    "audits.created_at": "a timestamp", "audit_assignments.audit_id": "an id",
    "audit_assignments.station": "a unit id (a sampled station)",
    "audit_assignments.assigned_at": "a timestamp", "audit_seeds.audit_id": "an id",
    "audit_seeds.dice": "JSON of digits", "audit_seeds.seed": "digits",
    "audit_seeds.entered_at": "a timestamp", "audit_samples.audit_id": "an id",
    "audit_samples.stations": "JSON of unit ids", "audit_samples.drawn_at": "a timestamp",
    "audit_counts.audit_id": "an id", "audit_counts.station": "a unit id (a sampled station)",
    "audit_counts.entered_at": "a timestamp", "audit_measures.audit_id": "an id",
    "audit_measures.risk": "a number as text", "audit_measures.decision": "an enum value",
    "audit_measures.measured_at": "a timestamp",
    "snapshots.name": "a name saylau gives ('geography')",
    "snapshots.sha256": "a hex digest saylau computes",
    "audits.method": "an enum value (API `method`: bravo|minerva)",
    "audit_outcomes.audit_id": "an id", "audit_outcomes.totals": "JSON of hand-count sums",
    "audit_outcomes.reported": "JSON made by saylau (an outcome)",
    "audit_outcomes.counted": "JSON made by saylau (an outcome)",
    "audit_outcomes.outcome": "an enum value", "audit_outcomes.concluded_at": "a timestamp",
    "auth_failures.limit_key": "the rate limit's rule and the client's address (the peer's, or "
                               "a trusted proxy's X-Forwarded-For as uvicorn parsed it)",
}
"""Text columns whose values saylau makes itself (or checks against what exists)."""


def test_every_stored_text_column_is_accounted_for() -> None:
    columns = {f"{table.name}.{c.name}" for table in t.metadata.sorted_tables
               for c in table.columns if isinstance(c.type, String | Text)}
    assert not set(TYPED) & set(MADE)
    assert columns - set(TYPED) - set(MADE) == set(), "a text column nobody accounted for"
    assert set(TYPED) | set(MADE) <= columns, "a listed column no longer exists"


def test_the_api_is_never_stricter_on_the_way_out() -> None:
    """No response model limits a string's length or characters: what was accepted is
    always given back (a name accepted then refused by the response model was a 500)."""
    from saylau.api import schemas

    strict: list[str] = []
    for name in dir(schemas):
        model = getattr(schemas, name)
        if not (isinstance(model, type) and name.endswith("Out")):
            continue
        for prop, spec in _string_specs(model.model_json_schema()):
            if {"maxLength", "pattern", "minLength"} & set(spec):
                strict.append(f"{name}.{prop}: {spec}")
    assert not strict, "\n".join(strict)


def _string_specs(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    defs = schema.get("$defs", {})
    for model in [schema, *defs.values()]:
        for prop, spec in model.get("properties", {}).items():
            for s in [spec, *spec.get("anyOf", []), spec.get("items", {}),
                      spec.get("additionalProperties") or {}]:
                if isinstance(s, dict) and s.get("type") == "string":
                    yield prop, s


# --- every text at its limit -------------------------------------------------------------------

NAME = "Ж" * MAX_TEXT
LONG_STATION = ("KZ-71-D0-" + "s" * MAX_ID)[:MAX_ID]
ACTOR = "a" * MAX_ACTOR


def at_limit_csv() -> bytes:
    rows = ["id,parent,kind,name_kk,name_ru,name_en,code,registered,abroad",
            f"KZ,,country,{'Қ' * MAX_TEXT},{'Б' * MAX_TEXT},{'E' * MAX_TEXT},,,"]
    for top in ("KZ-71", "KZ-75", "KZ-11"):
        rows.append(f"{top},KZ,{'city' if top != 'KZ-11' else 'region'},{_n(top)},{_n(top)},"
                    f"{_n(top)},{top},,")
        rows.append(f"{top}-D0,{top},district,{_n(top + 'D')},{NAME},{NAME},,,")
        station = LONG_STATION if top == "KZ-71" else f"{top}-D0-S0"
        rows.append(f"{station},{top}-D0,station,{NAME},{NAME},{NAME},,1000,false")
    return ("\n".join(rows) + "\n").encode("utf-8")


def _n(tag: str) -> str:
    """A name of MAX_TEXT characters ending in `tag` (units' names differ, as the law's
    decisions want them to)."""
    return NAME[: MAX_TEXT - len(tag)] + tag


def names(text: str = NAME) -> dict[str, str]:
    return {"kk": text, "ru": text, "en": text}


def _id(prefix: str, suffix: str = "") -> str:
    """An id that makes its longest contest id exactly MAX_ID characters."""
    return (prefix * MAX_ID)[: MAX_ID - len(suffix)]


def _protocol(station: str, reason: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"station": station, "registered": 1000, "ballots_received": 1000,
                            "ballots_issued": 700, "ballots_cancelled": 300,
                            "ballots_in_boxes": 700, "invalid": 7, "both_marked": 3,
                            "votes": {"yes": 500, "no": 190}}
    return body if reason is None else {**body, "votes": {"yes": 501, "no": 189},
                                        "correction": True, "corrects": 1, "reason": reason}


def test_a_store_with_every_text_at_its_limit_serves_everything(
    saylau: Saylau, tmp_path: Path
) -> None:
    admin = create_token(saylau, ACTOR, "admin")
    auth = {"Authorization": f"Bearer {admin}"}
    c = TestClient(create_app(saylau), raise_server_exceptions=False)
    r = c.post("/api/geography", content=at_limit_csv(), headers=auth)
    assert r.status_code == 201, r.text[:500]

    ref, maj, pres, sen = _id("r", ".referendum"), _id("p", ".list"), \
        _id("q", ".president"), _id("s", ".senate-kz-71")
    party, cand = "P" * MAX_ID, "C" * MAX_ID
    made = [
        c.post("/api/elections/referendum", headers=auth, json={
            "id": ref, "name": names(), "date": "2022-06-05", "question": names(),
            "constitutional": True}),
        c.post("/api/elections/parliament", headers=auth, json={
            "id": maj, "name": names(), "ruleset": "generic", "date": "2023-03-19",
            "params": {"seats": "10"},
            "parties": [{"id": party, "name": names(), "registration_order": 1,
                         "list_names": [NAME] * 13},
                        {"id": "P2", "name": names(), "registration_order": 2}]}),
        c.post("/api/elections/presidential", headers=auth, json={
            "id": pres, "name": names(), "date": "2024-01-01",
            "candidates": [{"id": cand, "name": names(), "party": None},
                           {"id": "C2", "name": names()}]}),
        c.post("/api/elections/senate", headers=auth, json={
            "id": sen, "name": names(), "date": "2023-01-14",
            "seats": {"KZ-71": [{"id": cand, "name": names()}, {"id": "C2", "name": names()}]}}),
    ]
    assert [m.status_code for m in made] == [201] * 4, [m.text[:300] for m in made]

    contest = f"{ref}.referendum"
    url = f"/api/contests/{contest}/protocols"
    assert c.post(url, json=_protocol(LONG_STATION), headers=auth).status_code == 201
    r = c.post(url, json=_protocol(LONG_STATION, NAME), headers=auth)
    assert r.status_code == 201, r.text[:300]
    r = c.post(url, json={**_protocol("KZ-75-D0-S0"), "invalid": 0}, headers=auth)
    assert r.status_code == 422  # a rejection, kept with the actor's name
    seat = f"{sen}.senate-kz-71"
    session = {"electors": 100, "electors_present": 90, "invalid": 0,
               "votes": {cand: 60, "C2": 30}}
    assert c.post(f"/api/contests/{seat}/session", json=session, headers=auth).status_code \
        == 201
    r = c.post(f"/api/contests/{seat}/session", headers=auth, json={
        **session, "votes": {cand: 61, "C2": 29}, "correction": True, "corrects": 1,
        "reason": NAME})
    assert r.status_code == 201, r.text[:300]
    r = c.post(f"/api/contests/{contest}/turnout", headers=auth,
               json={"station": LONG_STATION, "at": "10:00", "ballots_issued": 100})
    assert r.status_code == 201, r.text[:300]
    from saylau.domain.record.signing import public_key_bytes
    from saylau.services.keys import generate_keypair

    key, _ = generate_keypair()
    r = c.post(f"/api/elections/{ref}/keys", headers=auth,
               json={"unit": LONG_STATION, "public_key": public_key_bytes(key).hex()})
    assert r.status_code == 201, r.text[:300]
    r = c.post(f"/api/elections/{ref}/keys/{r.json()['key']}/revoke", headers=auth,
               json={"reason": NAME})
    assert r.status_code == 200, r.text[:300]

    units = [u.id for u in saylau.geography().units]
    contests = [x["id"] for e in c.get("/api/elections").json() for x in e["contests"]]
    paths = ["/api/geography/root", "/api/geography.csv", "/api/elections",
             "/api/admin-log/tree-head",
             "/api/admin-log/entries?limit=1000", f"/api/contests/{contest}/rejections",
             f"/api/contests/{contest}/stations/{LONG_STATION}/protocols",
             f"/api/contests/{contest}/stations/{LONG_STATION}/protocols/2/proof",
             f"/api/contests/{seat}/sessions", f"/api/elections/{maj}/composition", "/",
             "/elections"]
    paths += [f"/api/geography/units/{u}" for u in units]
    for e in (ref, maj, pres, sen):
        paths += [f"/api/elections/{e}", f"/api/elections/{e}/tree-head",
                  f"/api/elections/{e}/keys", f"/api/elections/{e}/cdf.json",
                  f"/elections/{e}"]
        for fmt in ("csv", "json"):
            paths += list(c.get(f"/api/elections/{e}/open-data/{fmt}").json()["files"].values())
    for x in contests:
        paths += [f"/api/contests/{x}", f"/api/contests/{x}/decision"]
        if ".senate-" not in x:
            paths += [f"/api/contests/{x}/results?unit={u}" for u in units]
    paths += [f"/elections/{ref}/units/{u}" for u in units]
    paths += [f"/elections/{ref}/contests/{contest}"]
    no_votes_yet = {f"/api/contests/{maj}.list/decision", f"/api/elections/{maj}/composition"}
    failed = {p[:120]: r.status_code for p in paths
              if (r := c.get(p, headers=auth)).status_code != (422 if p in no_votes_yet else 200)}
    assert failed == {}

    from saylau.web.publish import publish

    for e in (ref, maj):
        snap = publish(saylau, tmp_path / f"site-{e[:1]}", e, workers=1)
        assert snap is not None


# --- one character more, at every entry --------------------------------------------------------


def _csv_refused(c: TestClient, auth: dict[str, str], csv_text: str) -> list[dict[str, Any]]:
    r = c.post("/api/geography", content=csv_text.encode("utf-8"), headers=auth)
    assert r.status_code == 422, r.text[:300]
    rows: list[dict[str, Any]] = error_of(r)["details"]["rows"]
    return rows


def test_the_geography_refuses_a_name_or_id_over_the_limit_naming_the_line(
    saylau: Saylau
) -> None:
    admin = create_token(saylau, "op", "admin")
    auth = {"Authorization": f"Bearer {admin}"}
    c = TestClient(create_app(saylau), raise_server_exceptions=False)
    base = at_limit_csv().decode("utf-8").splitlines()
    too_long = "Ж" * (MAX_TEXT + 1)
    lines = [*base[:3], base[3].replace(f",{_n('KZ-71D')},", f",{too_long},", 1), *base[4:]]
    rows = _csv_refused(c, auth, "\n".join(lines) + "\n")
    assert [(r["line"], r["field"]) for r in rows] == [(4, "name_kk")], rows
    assert f"{MAX_TEXT + 1:,}" in rows[0]["message"] and f"{MAX_TEXT:,}" in rows[0]["message"]

    long_id = "K" * (MAX_ID + 1)
    lines = [*base, f"{long_id},KZ-71-D0,station,x,x,x,,10,false",
             "KZ-71/D9,KZ-71-D0,station,y,y,y,,10,false",
             "KZ-71-D8,KZ-71,district,,,\x00,,,"]
    rows = _csv_refused(c, auth, "\n".join(lines) + "\n")
    found = sorted((r["line"], r["field"]) for r in rows)
    assert found == [(len(base) + 1, "id"), (len(base) + 2, "id"), (len(base) + 3, "name_en")], \
        rows
    assert "/" in rows[1]["message"] and "URL" in rows[1]["message"]
    assert c.get("/api/geography/root").status_code == 404  # nothing was loaded


def test_units_made_in_code_are_held_to_the_same_limits(saylau: Saylau) -> None:
    """The service that stores a geography checks it too, so every importer meets the rule
    (the generator, the Russian 2020 importer, a geography built in code)."""
    from saylau.services.geography import load_geography

    root = Unit(UnitId("KZ"), None, UnitKind.COUNTRY, Names.same("K" * (MAX_TEXT + 1)))
    top = Unit(UnitId("KZ/71"), UnitId("KZ"), UnitKind.CITY, Names.same("A\x00"))
    with pytest.raises(ValidationFailed) as raised:
        load_geography(saylau, Geography.build([root, top]))
    fields = {(r["unit"], r["field"]) for r in raised.value.details["problems"]}
    assert fields == {("KZ", "name_kk"), ("KZ", "name_ru"), ("KZ", "name_en"),
                      ("KZ/71", "id"), ("KZ/71", "name_kk"), ("KZ/71", "name_ru"),
                      ("KZ/71", "name_en")}
    with saylau.read() as conn:
        from saylau.store import repository

        assert repository.unit_count(conn) == 0


def test_the_api_refuses_one_character_more(saylau: Saylau) -> None:
    from saylau.services.geography import load_geography
    from tests.conftest import small_country

    load_geography(saylau, small_country())
    admin = create_token(saylau, "op", "admin")
    auth = {"Authorization": f"Bearer {admin}"}
    c = TestClient(create_app(saylau), raise_server_exceptions=False)
    over = "Ж" * (MAX_TEXT + 1)
    cases = [
        ("/api/elections/referendum", {"id": "r1", "name": names(over), "date": "2022-06-05",
                                       "question": names(), "constitutional": True}, "name.kk"),
        ("/api/elections/referendum", {"id": "r2", "name": names(), "date": "2022-06-05",
                                       "question": names(over), "constitutional": True},
         "question.en"),
        ("/api/elections/referendum", {"id": _id("r", ".referendum") + "r", "name": names(),
                                       "date": "2022-06-05", "question": names(),
                                       "constitutional": True}, "election_id"),
        ("/api/elections/presidential", {"id": "x" * 55, "name": names(), "date": "2024-01-01",
                                         "candidates": [{"id": "C", "name": names()}]},
         "election_id"),
        ("/api/elections/parliament", {
            "id": "m", "name": names(), "ruleset": "generic", "date": "2023-03-19",
            "params": {"seats": "10"}, "parties": [{
                "id": "P", "name": names(), "registration_order": 1,
                "list_names": [over]}]}, "parties.0.list_names.0"),
        ("/api/elections/senate", {"id": "s" * 52, "name": names(), "date": "2023-01-14",
                                   "seats": {"KZ-71": [{"id": "C", "name": names()}]}},
         "election_id"),
    ]
    wrong = []
    for route, body, field in cases:
        r = c.post(route, json=body, headers=auth)
        if r.status_code != 422 or not names_field(error_of(r), field):
            wrong.append(f"{route} {field}: {r.status_code} {r.text[:300]}")
    assert not wrong, "\n".join(wrong)
    assert c.get("/api/elections").json() == []


def test_the_cli_and_services_refuse_one_character_more(
    saylau: Saylau, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saylau.domain.contests import QUESTION_2022
    from saylau.domain.protocols import ProtocolCounts
    from saylau.services.elections import create_referendum
    from saylau.services.geography import load_geography
    from saylau.services.protocols import submit_protocol
    from tests.conftest import small_country

    load_geography(saylau, small_country())
    monkeypatch.setenv("SAYLAU_DATABASE_URL", db_url)
    over = "Ж" * (MAX_TEXT + 1)
    runner = CliRunner()
    r = runner.invoke(cli, ["election", "create", "--id", "r1", "--name", over])
    assert r.exit_code == 2, r.output
    assert "name" in r.output and f"{MAX_TEXT:,}" in r.output
    parties = tmp_path / "parties.csv"
    parties.write_text("party,name_kk,name_ru,name_en,registration_order\n"
                       f"P1,{over},b,c,1\n{'P' * (MAX_ID + 1)},a,b,c,2\n", encoding="utf-8")
    r = runner.invoke(cli, ["election", "create-parliament", "--id", "m1", "--ruleset",
                            "kz-2007", "--parties", str(parties)])
    assert r.exit_code == 2, r.output
    assert "line 2" in r.output and "name_kk" in r.output, r.output
    assert "line 3" in r.output and "party" in r.output, r.output
    r = runner.invoke(cli, ["token", "create", "n" * (MAX_ACTOR + 1), "--role", "observer"])
    assert r.exit_code == 2, r.output
    assert "name" in r.output and f"{MAX_ACTOR}" in r.output
    with pytest.raises(ValidationFailed) as raised:
        create_token(saylau, "", "observer")
    assert raised.value.details["field"] == "name"

    create_referendum(saylau, election_id="ok", name=Names.same("R"), ruleset_name="kz-2022",
                      date="2022-06-05", question=QUESTION_2022, constitutional=True,
                      by=ActorId("t"))
    station = next(saylau.geography().stations())
    admin = Principal(ActorId("t"), Role.ADMIN)
    counts = ProtocolCounts.of(registered=station.registered, ballots_received=100,
                               ballots_issued=100, ballots_cancelled=0, ballots_in_boxes=100,
                               invalid=0, both_marked=0, votes={"yes": 60, "no": 40}.items())
    submit_protocol(saylau, admin, "ok.referendum", station.id, counts)
    other = ProtocolCounts.of(registered=station.registered, ballots_received=100,
                              ballots_issued=100, ballots_cancelled=0, ballots_in_boxes=100,
                              invalid=0, both_marked=0, votes={"yes": 61, "no": 39}.items())
    with pytest.raises(ValidationFailed) as raised:
        submit_protocol(saylau, admin, "ok.referendum", station.id, other, correction=True,
                        corrects=1, reason=over)
    assert raised.value.details["field"] == "reason"
    with saylau.read() as conn:
        stored = conn.execute(t.elections.select().with_only_columns(t.elections.c.id))
        assert [row[0] for row in stored] == ["ok"]
