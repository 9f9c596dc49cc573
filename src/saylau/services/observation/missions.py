"""Missions and accreditation: create a mission, apply for observers, accredit (issuing the
observer's token), refuse or revoke (revoking the token); the rules' readings.

Who is who, by token (services/tokens.py; the name is bound to its signed admin-log entry, so
it cannot be edited in the database):

    the central commission   role admin
    a mission's head         role mission, named  mission:<election>:<CODE>
    an observer              role observer, named obs:<election>:<BADGE>

A mission head sees and acts on its own mission only (`require_mission`); an observer reports
as its badge only (services/observation/reports.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from saylau.domain.access import Principal, Role
from saylau.domain.errors import Conflict, NotFound, ValidationFailed
from saylau.domain.limits import check_text
from saylau.domain.observation.missions import (
    Mission,
    ObservationRules,
    Organisation,
    Status,
    badge_number,
    check_deadline,
    check_mission,
    move,
)
from saylau.domain.record.envelope import (
    format_timestamp,
    key_revocation_record,
    observer_key_record,
)
from saylau.domain.record.signing import key_id, public_key_from_hex
from saylau.services import logs, tokens
from saylau.services.context import Saylau
from saylau.services.elections import get_election
from saylau.services.observation.forms import ensure_default_forms
from saylau.services.observation.identity import (
    mission_token_name,
    observer_token_name,
    require_mission,
)
from saylau.store import elections as election_store
from saylau.store import observation as obs_store
from saylau.store.observation import ObserverRow

OBSERVER_TOKEN_TTL = timedelta(days=45)
"""An observer's token lives through the campaign's last weeks, voting day and the count."""


def rules(app: Saylau, election: str) -> ObservationRules:
    with app.read() as conn:
        params = election_store.election_params(conn, election)
    return ObservationRules.from_params(params)


def explain(app: Saylau, election: str) -> list[str]:
    e = get_election(app, election)
    return rules(app, election).explain(date.fromisoformat(e.date))


def create_mission(app: Saylau, election: str, code: str, name: str, organisation: str, *,
                   signed_reports: bool = False, by: str) -> Mission:
    get_election(app, election)
    try:
        org = Organisation(organisation)
    except ValueError:
        raise ValidationFailed(f"unknown organisation {organisation!r}",
                               details={"field": "organisation",
                                        "expected": [o.value for o in Organisation],
                                        "actual": organisation}) from None
    m = Mission(code, name, org, signed_reports)
    check_mission(m)
    check_text("name", name, 200)
    with app.write() as conn:
        if obs_store.mission(conn, election, code) is not None:
            raise Conflict(f"election {election} already has a mission {code}",
                           code="mission_exists", details={"field": "code", "actual": code})
        obs_store.insert_mission(conn, election, m, by, format_timestamp(app.clock()))
    ensure_default_forms(app, election, by)
    return m


def mission_token(app: Saylau, election: str, code: str, *, by: str) -> str:
    """Issue the mission head's token (shown once)."""
    get_mission(app, election, code)
    return tokens.create_token(app, mission_token_name(election, code), Role.MISSION.value,
                               ttl=OBSERVER_TOKEN_TTL, by=by)


def get_mission(app: Saylau, election: str, code: str) -> Mission:
    with app.read() as conn:
        m = obs_store.mission(conn, election, code)
    if m is None:
        raise NotFound(f"election {election} has no mission {code!r}",
                       code="mission_not_found", details={"field": "mission", "actual": code})
    return m


def missions(app: Saylau, election: str) -> list[Mission]:
    get_election(app, election)
    with app.read() as conn:
        return obs_store.missions(conn, election)


def apply(app: Saylau, who: Principal, election: str, code: str, name: str, *,
          public_key: str | None = None) -> str:
    """A mission applies for one named observer; returns the badge number it is given."""
    require_mission(who, election, code)
    get_mission(app, election, code)
    check_text("name", name, 200)
    if public_key is not None:
        public_key = public_key_from_hex(public_key).hex()
    if not name.strip():
        raise ValidationFailed("an observer has a name", details={
            "field": "name", "expected": "a name", "actual": name})
    now = format_timestamp(app.clock())
    with app.write() as conn:
        serial = obs_store.next_serial(conn, election, code)
        badge = badge_number(code, serial)
        obs_store.insert_observer(conn, election, ObserverRow(badge, code, serial, name,
                                                              public_key), who.name, now)
        obs_store.insert_status(conn, election, badge, Status.APPLIED, None, who.name, now)
    return badge


@dataclass(frozen=True, slots=True)
class ObserverState:
    badge: str
    mission: str
    name: str
    status: Status
    reason: str | None
    stations: tuple[str, ...]


def observer_state(app: Saylau, election: str, badge: str) -> ObserverState:
    with app.read() as conn:
        row = obs_store.observer(conn, election, badge)
        st = obs_store.statuses(conn, election, badge)
        dep = obs_store.deployments(conn, election, badge)
    if row is None:
        raise NotFound(f"election {election} has no observer {badge!r}",
                       code="observer_not_found", details={"field": "badge", "actual": badge})
    status, reason, _ = st[badge]
    return ObserverState(badge, row.mission, row.name, status, reason,
                         tuple(sorted(dep.get(badge, set()))))


def observers(app: Saylau, who: Principal, election: str, code: str) -> list[ObserverState]:
    """A mission's observers with their status and stations (the mission's own view)."""
    require_mission(who, election, code)
    get_mission(app, election, code)
    with app.read() as conn:
        rows = obs_store.observers(conn, election, code)
        st = obs_store.statuses(conn, election)
        dep = obs_store.deployments(conn, election)
    return [ObserverState(r.badge, r.mission, r.name, st[r.badge][0], st[r.badge][1],
                          tuple(sorted(dep.get(r.badge, set())))) for r in rows]


def _change(app: Saylau, election: str, badge: str, to: Status, reason: str | None,
            by: str) -> ObserverState:
    state = observer_state(app, election, badge)
    move(state.status, to, observer=badge, reason=reason)
    if reason is not None:
        check_text("reason", reason)
    if to is Status.ACCREDITED:
        e = get_election(app, election)
        check_deadline(rules(app, election), get_mission(app, election, state.mission),
                       date.fromisoformat(e.date), app.clock())
    with app.write() as conn:
        # the status is read again under the write lock: two accreditations at once never
        # both pass (the second sees the first's event)
        current = obs_store.statuses(conn, election, badge)[badge][0]
        move(current, to, observer=badge, reason=reason)
        at = format_timestamp(app.clock())
        obs_store.insert_status(conn, election, badge, to,
                                None if reason is None else reason.strip(), by, at)
        _key_leaf(conn, app, election, badge, to, reason, by, at)
    return observer_state(app, election, badge)


def _key_leaf(conn: Connection, app: Saylau, election: str, badge: str, to: Status,
              reason: str | None, by: str, at: str) -> None:
    """An observer who gave a public key: it becomes a `key` leaf (role observer) at
    accreditation and is revoked by a `key-revocation` leaf with the accreditation, so that
    `saylau verify` checks each signed report against the key the record holds."""
    row = obs_store.observer(conn, election, badge)
    if row is None or row.public_key is None or to not in (Status.ACCREDITED, Status.REVOKED):
        return
    kid = key_id(bytes.fromhex(row.public_key))
    if to is Status.ACCREDITED:
        m = obs_store.mission(conn, election, row.mission)
        idx = logs.append(conn, election, observer_key_record(
            election=election, badge=badge, mission=row.mission, key=kid,
            public_key=row.public_key, signed_reports=m is not None and m.signed_reports,
            recorded_by=by, recorded_at=at))
        logs.log_action(conn, app, logs.Action.KEY_REGISTERED, by, election=election,
                        badge=badge, key=kid, leaf=idx)
    else:
        why = f"accreditation of {badge} revoked: {(reason or '').strip()}"
        idx = logs.append(conn, election, key_revocation_record(
            election=election, key=kid, reason=why, recorded_by=by, recorded_at=at))
        logs.log_action(conn, app, logs.Action.KEY_REVOKED, by, election=election, key=kid,
                        reason=why, leaf=idx)


def accredit(app: Saylau, election: str, badge: str, *, by: str, issue_token: bool = True
             ) -> tuple[ObserverState, str]:
    """Accredit an observer (before the deadline); returns the state and the observer's token,
    shown once ("" when `issue_token` is False: `observer_token` issues it later)."""
    state = _change(app, election, badge, Status.ACCREDITED, None, by)
    return state, observer_token(app, election, badge, by=by) if issue_token else ""


def observer_token(app: Saylau, election: str, badge: str, *, by: str) -> str:
    """Issue an accredited observer's token (again, when one was lost: the old one stays
    valid until revoked); refused for an observer who is not accredited."""
    state = observer_state(app, election, badge)
    if state.status is not Status.ACCREDITED:
        raise ValidationFailed(f"observer {badge} is {state.status}: no token is issued",
                               code="not_accredited",
                               details={"field": "badge", "expected": "accredited",
                                        "actual": state.status.value})
    return tokens.create_token(app, observer_token_name(election, badge),
                               Role.OBSERVER.value, ttl=OBSERVER_TOKEN_TTL, by=by)


def refuse(app: Saylau, election: str, badge: str, reason: str, *, by: str) -> ObserverState:
    return _change(app, election, badge, Status.REFUSED, reason, by)


def revoke(app: Saylau, election: str, badge: str, reason: str, *, by: str) -> ObserverState:
    """Revoke an accreditation: the observer's token is revoked at once, and no report of
    theirs is taken after (domain/observation/missions.may_report)."""
    state = _change(app, election, badge, Status.REVOKED, reason, by)
    tokens.revoke_token(app, observer_token_name(election, badge), by=by)
    return state
