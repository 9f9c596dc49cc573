"""Missions, the accreditation of their observers, and deployment (docs/law.md §14).

- A mission is international (invited by the central commission on the Foreign Ministry's
  submission: ODIHR, CIS, SCO, OTS, OIC or another organisation or state, §14.1) or domestic
  (a political party, or a public association / NGO whose charter names observation, §14.2).
- A mission applies for the accreditation of named observers; the central commission accredits
  or refuses each one (a refusal says why), and may revoke an accreditation (saying why).
  Every state an observer passes through is kept: `applied -> accredited -> revoked`, or
  `applied -> refused`; nothing else moves.
- Accreditation closes some days before voting day at a time of day in Astana (§14.3); how
  many, and whether the deadline binds domestic missions too, are UNVERIFIED points, so they
  are parameters (`ObservationRules`) whose reading `explain` prints.
- Each accredited observer gets a badge number: the mission's code and a serial within it.
- The mission deploys its accredited observers to stations; at most `per_station` observers
  of one mission at one station (§14.3: "one per party or accredited association").
- An observer reports only for a station deployed to, only once accredited, never after
  revocation (`may_report`, 403 naming why).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum

from saylau.domain.errors import Forbidden, ValidationFailed

ASTANA = timezone(timedelta(hours=5), "Astana")
MISSION_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")


class MissionKind(StrEnum):
    INTERNATIONAL = "international"
    DOMESTIC = "domestic"


class Organisation(StrEnum):
    """Who sends the mission (docs/law.md §14.1, §14.2)."""

    ODIHR = "odihr"
    CIS = "cis"
    SCO = "sco"
    OTS = "ots"
    OIC = "oic"
    OTHER_INTERNATIONAL = "other_international"
    """Another organisation, a foreign state or a foreign election body (§14.1)."""
    PARTY = "party"
    ASSOCIATION = "association"
    """A public association or non-profit organisation (NGO), §14.2."""

    @property
    def kind(self) -> MissionKind:
        if self in (Organisation.PARTY, Organisation.ASSOCIATION):
            return MissionKind.DOMESTIC
        return MissionKind.INTERNATIONAL


class Status(StrEnum):
    APPLIED = "applied"
    ACCREDITED = "accredited"
    REFUSED = "refused"
    REVOKED = "revoked"


_MOVES: Mapping[Status, frozenset[Status]] = {
    Status.APPLIED: frozenset({Status.ACCREDITED, Status.REFUSED}),
    Status.ACCREDITED: frozenset({Status.REVOKED}),
    Status.REFUSED: frozenset(),
    Status.REVOKED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class ObservationRules:
    """The UNVERIFIED points of docs/law.md §14.3 as parameters, with their chosen reading."""

    deadline_days: int = 5
    """Accreditation closes this many days before voting day ..."""
    deadline_time: time = time(18, 0)
    """... at this time of day in Astana (UTC+5)."""
    deadline_binds_domestic: bool = False
    """False: the deadline is read as binding international missions only (§14.3 names it
    for international observers; parties need no accreditation, §14.2)."""
    per_station: int = 1
    """Observers of one mission at one station at a time."""

    PARAMS = ("observation.deadline_days", "observation.deadline_time",
              "observation.deadline_binds_domestic", "observation.per_station")

    @staticmethod
    def from_params(params: Mapping[str, str]) -> ObservationRules:
        """The rules from an election's parameters (the keys of `PARAMS`; defaults
        otherwise); a bad value is refused naming the key."""
        d = ObservationRules()
        try:
            days = int(params.get("observation.deadline_days", d.deadline_days))
            at = time.fromisoformat(params.get("observation.deadline_time", "18:00"))
            binds = params.get("observation.deadline_binds_domestic", "false").lower()
            per = int(params.get("observation.per_station", d.per_station))
        except ValueError as exc:
            raise ValidationFailed(f"an observation parameter is malformed: {exc}",
                                   details={"field": "params", "expected": list(
                                       ObservationRules.PARAMS), "actual": dict(params)}
                                   ) from None
        if days < 0 or per < 1 or binds not in ("true", "false"):
            raise ValidationFailed(
                "observation parameters: deadline_days >= 0, per_station >= 1, "
                "deadline_binds_domestic true or false",
                details={"field": "params", "expected": "as said",
                         "actual": {"deadline_days": days, "per_station": per,
                                    "deadline_binds_domestic": binds}})
        return ObservationRules(days, at, binds == "true", per)

    def deadline(self, voting_day: date) -> datetime:
        """When accreditation closes for an election on `voting_day` (aware, Astana time)."""
        return datetime.combine(voting_day - timedelta(days=self.deadline_days),
                                self.deadline_time, ASTANA)

    def explain(self, voting_day: date | None = None) -> list[str]:
        """The readings in words, each citing the law (printed by the CLI and the pages)."""
        when = "" if voting_day is None else \
            f" (for voting day {voting_day.isoformat()}: {self.deadline(voting_day).isoformat()})"
        return [
            f"Accreditation closes {self.deadline_days} days before voting day at "
            f"{self.deadline_time.strftime('%H:%M')} Astana time{when} "
            "(docs/law.md §14.3; UNVERIFIED, secondary sources: parameter "
            "observation.deadline_days / observation.deadline_time). In practice the "
            "published deadlines fell 6 days before (30 May 2022 for 5 June, 14 November "
            "2022 for 20 November, 13 March 2023 for 19 March): set "
            "observation.deadline_days=6 for that reading.",
            "The deadline binds " + ("every mission" if self.deadline_binds_domestic
                                     else "international missions only; domestic missions "
                                     "may be accredited until voting day") +
            " (docs/law.md §14.2-14.3; UNVERIFIED reading: parameter "
            "observation.deadline_binds_domestic).",
            f"At most {self.per_station} observer(s) of one mission at one station at a time "
            "(docs/law.md §14.3, Law on Elections Art. 20 per a lawyers' summary; UNVERIFIED: "
            "parameter observation.per_station).",
        ]


@dataclass(frozen=True, slots=True)
class Mission:
    code: str
    """Short, upper case, unique in the election: 'ODIHR', 'CIS', 'NGO-ADAL'."""
    name: str
    organisation: Organisation
    signed_reports: bool = False
    """The mission requires its observers' reports to be signed with their own key."""

    @property
    def kind(self) -> MissionKind:
        return self.organisation.kind


def check_mission(m: Mission) -> None:
    problems = []
    if not MISSION_CODE.match(m.code):
        problems.append({"field": "code", "expected": "2-16 of A-Z, 0-9, - (starting with a "
                         "letter or digit)", "actual": m.code})
    if not m.name.strip() or len(m.name) > 200:
        problems.append({"field": "name", "expected": "1-200 characters", "actual": m.name})
    if problems:
        raise ValidationFailed(f"mission {m.code!r} is not valid", code="mission_invalid",
                               details={"findings": problems})


def move(current: Status, to: Status, *, observer: str, reason: str | None = None) -> Status:
    """The accreditation's next state; refusing and revoking need a reason."""
    if to not in _MOVES[current]:
        raise ValidationFailed(
            f"observer {observer} is {current}: cannot become {to}",
            code="accreditation_state",
            details={"field": "status", "expected": sorted(s.value for s in _MOVES[current])
                     or "nothing (final)", "actual": to.value, "current": current.value})
    if to in (Status.REFUSED, Status.REVOKED) and not (reason or "").strip():
        raise ValidationFailed(f"a {to} accreditation must say why",
                               code="reason_missing",
                               details={"field": "reason", "expected": "a reason",
                                        "actual": reason})
    return to


def check_deadline(rules: ObservationRules, mission: Mission, voting_day: date,
                   now: datetime) -> None:
    """Refuse accrediting after the deadline (`accreditation_closed`)."""
    if mission.kind is MissionKind.DOMESTIC and not rules.deadline_binds_domestic:
        return
    closes = rules.deadline(voting_day)
    if now >= closes:
        raise Forbidden(
            f"accreditation for {mission.code} closed at {closes.isoformat()} "
            f"({rules.deadline_days} days before voting day {voting_day.isoformat()}, "
            "docs/law.md §14.3)", code="accreditation_closed",
            details={"field": "now", "expected": f"before {closes.isoformat()}",
                     "actual": now.isoformat()})


def badge_number(mission_code: str, serial: int) -> str:
    """'ODIHR-0007': the mission's code and the observer's serial in it."""
    return f"{mission_code}-{serial:04d}"


@dataclass(frozen=True, slots=True)
class Deployment:
    badge: str
    station: str
    mission: str


def check_deployment(rules: ObservationRules, status: Status, badge: str, station: str,
                     mission: str, others: Sequence[Deployment]) -> None:
    """Refuse deploying an observer who is not accredited, or over the mission's per-station
    limit (`others`: the station's current deployments)."""
    if status is not Status.ACCREDITED:
        raise ValidationFailed(f"observer {badge} is {status}, not accredited: cannot be "
                               "deployed", code="not_accredited",
                               details={"field": "badge", "expected": "an accredited observer",
                                        "actual": status.value})
    same = sorted(d.badge for d in others if d.mission == mission and d.badge != badge)
    if len(same) >= rules.per_station:
        raise ValidationFailed(
            f"station {station} already has {len(same)} observer(s) of {mission} "
            f"({', '.join(same)}); at most {rules.per_station} (docs/law.md §14.3, parameter "
            "observation.per_station)", code="per_station_limit",
            details={"field": "station", "expected": f"at most {rules.per_station}",
                     "actual": len(same) + 1})


def may_report(badge: str, status: Status | None, deployed_to: frozenset[str],
               station: str) -> None:
    """Raise Forbidden naming why `badge` may not report for `station`."""
    if status is None or status is Status.APPLIED:
        raise Forbidden(f"observer {badge} is not accredited yet: no report is taken before "
                        "accreditation", code="observer_not_accredited",
                        details={"field": "badge", "expected": "accredited",
                                 "actual": None if status is None else status.value})
    if status is Status.REFUSED:
        raise Forbidden(f"observer {badge} was refused accreditation", code="observer_refused",
                        details={"field": "badge", "expected": "accredited",
                                 "actual": status.value})
    if status is Status.REVOKED:
        raise Forbidden(f"observer {badge}'s accreditation was revoked: no report is taken "
                        "after revocation", code="observer_revoked",
                        details={"field": "badge", "expected": "accredited",
                                 "actual": status.value})
    if station not in deployed_to:
        raise Forbidden(
            f"observer {badge} is not deployed to station {station}"
            + (f" (deployed to {', '.join(sorted(deployed_to))})" if deployed_to
               else " (deployed nowhere)"), code="observer_not_deployed",
            details={"field": "station", "expected": sorted(deployed_to), "actual": station})
