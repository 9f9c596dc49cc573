"""Observers' submissions: checklists, incidents, protocol copies, photos and text messages.

Each accepted submission is a version of its slot (domain/versions.py: the same content again
is `unchanged`, other content needs a correction of the current version with a reason), stored
and appended to the election's log in one transaction under the log's turn (store/log.py), as a
protocol is. A refused submission is kept among the rejections with why (nothing an observer
sent is lost), then the error is raised. An observer reports as their own badge only, for the
stations they are deployed to, once accredited and never after revocation (403 naming why).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from saylau.domain.access import Principal, Role
from saylau.domain.contests import Contest
from saylau.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    SaylauError,
    ValidationFailed,
)
from saylau.domain.ids import StationId, UnitId
from saylau.domain.observation.comparison import in_protocol_order
from saylau.domain.observation.copies import check_copy, copy_counts
from saylau.domain.observation.forms import FormKind, check_answers
from saylau.domain.observation.missions import may_report
from saylau.domain.observation.record import check_signature, copy_record, report_record
from saylau.domain.protocols.values import ProtocolCheckContext
from saylau.domain.record.envelope import Signature, format_timestamp
from saylau.domain.versions import (
    Append,
    Head,
    Refused,
    Submission,
    Unchanged,
    check_reason,
    content_hash,
    judge,
)
from saylau.services.context import Saylau, retry_lost_races
from saylau.services.elections import get_contest
from saylau.services.observation.forms import get_form
from saylau.services.observation.missions import observer_state
from saylau.services.observation.photos import accept_photo
from saylau.store import log
from saylau.store import observation as obs_store
from saylau.store.observation import VersionRow

MAX_REF = 64


@dataclass(frozen=True, slots=True)
class Stored:
    """The answer to a submission: `accepted` (a new version) or `unchanged` (the same
    content again: idempotent), with the slot's version and its leaf in the log."""

    status: str
    badge: str
    station: str
    slot: str
    version: int
    leaf: int
    skipped_rules: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "badge": self.badge, "station": self.station,
                "slot": self.slot, "version": self.version, "leaf": self.leaf,
                "skipped_rules": list(self.skipped_rules)}


def badge_of(who: Principal, election: str) -> str:
    """The badge an observer's token speaks for in `election`."""
    prefix = f"obs:{election}:"
    if who.role is Role.OBSERVER and who.name.startswith(prefix):
        return who.name[len(prefix):]
    raise Forbidden(f"{who.role} {who.name!r} is no accredited observer of election "
                    f"{election}", code="observer_unknown",
                    details={"field": "token", "expected": f"an observer token of {election}",
                             "actual": who.name})


def _may_report(app: Saylau, election: str, badge: str, station: str) -> str:
    """Raise Forbidden naming why `badge` may not report for `station`; returns its mission."""
    try:
        state = observer_state(app, election, badge)
    except NotFound:
        may_report(badge, None, frozenset(), station)
        raise
    may_report(badge, state.status, frozenset(state.stations), station)
    return state.mission


def _head(row: VersionRow | None) -> Head | None:
    return None if row is None else Head(row.version, row.content_hash, row.submitted_by,
                                         row.submitted_at)


def _keep_refused(app: Saylau, election: str, badge: str | None, station: str | None,
                  kind: str, submitted: Mapping[str, Any], exc: SaylauError) -> None:
    with app.write() as conn:
        obs_store.insert_rejection(conn, election, badge, station, kind, submitted, exc.code,
                                   exc.message, format_timestamp(app.clock()))


def _photo_known(app: Saylau, photo: str | None) -> None:
    if photo is None:
        return
    with app.read() as conn:
        if not obs_store.photo_exists(conn, photo):
            raise ValidationFailed(f"no photo {photo!r} was uploaded; upload it first",
                                   code="photo_unknown",
                                   details={"field": "photo", "expected": "an uploaded photo's "
                                            "sha256", "actual": photo})


def submit_report(app: Saylau, who: Principal, election: str, station: str, form_id: str,
                  answers: Mapping[str, Any], *, ref: str | None = None,
                  correction: bool = False, corrects: int | None = None,
                  reason: str | None = None, photo: str | None = None,
                  signature: Signature | None = None) -> Stored:
    """A checklist (slot: the form) or an incident (slot: `incident:<ref>`, the client's own
    id for it, or its content's hash when none is given)."""
    badge = badge_of(who, election)
    submitted = {"station": station, "form": form_id, "answers": dict(answers), "ref": ref,
                 "correction": correction, "corrects": corrects, "reason": reason,
                 "photo": photo}
    try:
        mission = _may_report(app, election, badge, station)
        row = get_form(app, election, form_id)
        checked = check_answers(row.form, answers)
        _photo_known(app, photo)
        incident = row.form.kind is FormKind.INCIDENT
        content = {"form": form_id, "form_version": row.version,
                   "answers": dict(checked.answers), "photo": photo}
        digest = content_hash(content)
        if ref is not None and (not ref or len(ref) > MAX_REF or not ref.isprintable()):
            raise ValidationFailed("an incident's ref is 1-64 printable characters",
                                   details={"field": "ref", "expected": "1-64 characters",
                                            "actual": ref})
        slot = f"incident:{ref or digest[:16]}" if incident else form_id
        skipped = tuple(r.expression for r in checked.skipped_rules)
        return retry_lost_races(lambda: _store_report(
            app, who, election, mission, badge, station, slot,
            "incident" if incident else "checklist", row.version, content, digest,
            correction, corrects, reason, skipped, signature), "slot")
    except (ValidationFailed, Forbidden, NotFound, Conflict) as exc:
        if not isinstance(exc, Forbidden) or exc.code.startswith("observer_"):
            _keep_refused(app, election, badge, station, "report", submitted, exc)
        raise


def _store_report(app: Saylau, who: Principal, election: str, mission: str, badge: str,
                  station: str, slot: str, kind: str, form_version: int,
                  content: Mapping[str, Any], digest: str, correction: bool,
                  corrects: int | None, reason: str | None, skipped: tuple[str, ...],
                  signature: Signature | None) -> Stored:
    now = app.clock()
    with app.write() as conn:
        turn = log.take_turn(conn, election)
        head_row = obs_store.report_head(conn, election, badge, station, slot)
        verdict = judge(_head(head_row), Submission(digest, correction, corrects))
        if isinstance(verdict, Refused):
            raise verdict.error(f"{badge}'s {slot} at {station}", "report")
        if isinstance(verdict, Unchanged):
            assert head_row is not None
            return Stored("unchanged", badge, station, slot, head_row.version,
                          head_row.leaf_idx, skipped)
        assert isinstance(verdict, Append)
        kept = check_reason(verdict.is_correction, reason, "report")
        at = format_timestamp(now)
        record = report_record(
            election=election, kind=kind, station=station, badge=badge, mission=mission,
            slot=slot, form=str(content["form"]), form_version=form_version,
            version=verdict.version, answers=content["answers"], reason=kept,
            photo=content["photo"], recorded_by=who.name, recorded_at=at, signature=signature)
        _check_signed(conn, election, mission, badge, record, signature)
        idx = log.append(turn, record)
        obs_store.insert_report(turn, {
            "election_id": election, "kind": kind, "badge": badge, "station_id": station,
            "slot": slot, "form_id": content["form"], "form_version": form_version,
            "version": verdict.version, "answers": _json(content["answers"]),
            "content_hash": digest, "photo_hash": content["photo"], "reason": kept,
            "submitted_by": who.name, "submitted_at": at, "leaf_idx": idx})
    return Stored("accepted", badge, station, slot, verdict.version, idx, skipped)


def _check_signed(conn: Any, election: str, mission: str, badge: str,
                  record: Mapping[str, Any], signature: Signature | None) -> None:
    m = obs_store.mission(conn, election, mission)
    o = obs_store.observer(conn, election, badge)
    check_signature(record, signature, None if o is None else o.public_key,
                    required=m is not None and m.signed_reports)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _station_in(app: Saylau, contest: Contest, station: str) -> int:
    geo = app.geography()
    if station not in geo or not geo.unit(UnitId(station)).is_station \
            or not geo.is_within(UnitId(station), contest.area):
        raise NotFound(f"no station {station!r} votes in contest {contest.id}",
                       code="station_not_found",
                       details={"field": "station", "expected": f"a station in {contest.area}",
                                "actual": station})
    return geo.unit(UnitId(station)).registered


def submit_copy(app: Saylau, who: Principal, contest_id: str, station: str,
                figures: Mapping[str, Any], *, correction: bool = False,
                corrects: int | None = None, reason: str | None = None,
                photo: str | None = None, signature: Signature | None = None) -> Stored:
    """An observer's copy of the station's posted protocol: the same fields and checks as the
    official protocol, versioned per observer; compared live (services/observation/compare)."""
    contest = get_contest(app, contest_id)
    election = contest.election
    badge = badge_of(who, election)
    submitted = {"contest": contest_id, "station": station, "figures": dict(figures),
                 "correction": correction, "corrects": corrects, "reason": reason,
                 "photo": photo}
    try:
        mission = _may_report(app, election, badge, station)
        registered = _station_in(app, contest, station)
        counts = copy_counts(figures, tuple(contest.option_ids))
        check_copy(ProtocolCheckContext(contest, StationId(UnitId(station)), registered),
                   counts)
        _photo_known(app, photo)
        flat = {k: int(v) for k, v in figures.items()}
        flat.setdefault("both_marked", 0)
        flat = in_protocol_order(flat)
        digest = content_hash({"figures": flat, "photo": photo})
        return retry_lost_races(lambda: _store_copy(
            app, who, contest, mission, badge, station, flat, photo, digest, correction,
            corrects, reason, signature), "slot")
    except (ValidationFailed, Forbidden, NotFound, Conflict) as exc:
        if not isinstance(exc, Forbidden) or exc.code.startswith("observer_"):
            _keep_refused(app, election, badge, station, "copy", submitted, exc)
        raise


def _store_copy(app: Saylau, who: Principal, contest: Contest, mission: str, badge: str,
                station: str, figures: dict[str, int], photo: str | None, digest: str,
                correction: bool, corrects: int | None, reason: str | None,
                signature: Signature | None) -> Stored:
    election = contest.election
    with app.write() as conn:
        turn = log.take_turn(conn, election)
        head_row = obs_store.copy_head(conn, contest.id, station, badge)
        verdict = judge(_head(head_row), Submission(digest, correction, corrects))
        if isinstance(verdict, Refused):
            raise verdict.error(f"{badge}'s copy of {station}", "copy")
        if isinstance(verdict, Unchanged):
            assert head_row is not None
            return Stored("unchanged", badge, station, "copy", head_row.version,
                          head_row.leaf_idx)
        assert isinstance(verdict, Append)
        kept = check_reason(verdict.is_correction, reason, "copy")
        at = format_timestamp(app.clock())
        record = copy_record(
            election=election, contest=contest.id, station=station, badge=badge,
            mission=mission, version=verdict.version, figures=figures, reason=kept,
            photo=photo, recorded_by=who.name, recorded_at=at, signature=signature)
        _check_signed(conn, election, mission, badge, record, signature)
        idx = log.append(turn, record)
        obs_store.insert_copy(turn, {
            "election_id": election, "contest_id": contest.id, "station_id": station,
            "badge": badge, "version": verdict.version, "figures": _json(figures),
            "content_hash": digest, "photo_hash": photo, "reason": kept,
            "submitted_by": who.name, "submitted_at": at, "leaf_idx": idx})
    return Stored("accepted", badge, station, "copy", verdict.version, idx)


def store_photo(app: Saylau, who: Principal, election: str, data: bytes) -> dict[str, Any]:
    """Check, strip and store a photo; returns its hash (the same photo twice: one row)."""
    badge = badge_of(who, election)
    state = observer_state(app, election, badge)
    may_report(badge, state.status, frozenset(state.stations),
               state.stations[0] if state.stations else "")
    p = accept_photo(data)
    with app.write() as conn:
        if not obs_store.photo_exists(conn, p.sha256):
            obs_store.insert_photo(conn, election, p.sha256, p.media_type, p.data, who.name,
                                   format_timestamp(app.clock()))
    return {"sha256": p.sha256, "media_type": p.media_type, "size": len(p.data),
            "metadata_removed": p.removed}


def photo(app: Saylau, digest: str) -> tuple[str, bytes]:
    with app.read() as conn:
        found = obs_store.photo(conn, digest)
    if found is None:
        raise NotFound(f"no photo {digest!r}", details={"field": "photo", "actual": digest})
    return found
