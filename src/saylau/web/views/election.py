"""What every public page of an election starts from: the election with its contests and
the version of the record the pages are built from (and the snapshot's frozen record)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from fractions import Fraction

from saylau import settings
from saylau.domain.contests import Contest, ContestKind, Election, Option, OptionKind
from saylau.domain.errors import NotFound
from saylau.domain.geography import Geography, Unit
from saylau.domain.tally import UnitResult
from saylau.services import elections as election_svc
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.context import Saylau

MAIN_KINDS = (ContestKind.REFERENDUM, ContestKind.PARTY_LIST, ContestKind.PRESIDENTIAL,
              ContestKind.SENATE_SEAT, ContestKind.SINGLE_MEMBER)
"""Which contest an election's pages are about, in order of preference."""

PROBE_SECONDS = 1.0
"""The live pages' "anything new?" probe is computed at most once a second per election,
however many readers poll: election-night traffic costs the database nothing more."""


_FROZEN: ContextVar[bool] = ContextVar("saylau_web_frozen", default=False)


@contextmanager
def frozen_record() -> Iterator[None]:
    """Within the block, every tally is the one already computed (no re-reading): a static
    snapshot's pages all show the same record."""
    token = _FROZEN.set(True)
    try:
        yield
    finally:
        _FROZEN.reset(token)


def results_max_age() -> float:
    """As the API: seconds a tally may be reused ($SAYLAU_RESULTS_MAX_AGE, default 0)."""
    if _FROZEN.get():
        return float("inf")
    return settings.results_max_age()


# --- the election -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ElectionInfo:
    election: Election
    contests: tuple[Contest, ...]
    main: Contest

    @property
    def districts(self) -> tuple[Contest, ...]:
        return tuple(c for c in self.contests
                     if c.kind is ContestKind.SINGLE_MEMBER and c.district is not None)

    @property
    def senate_seats(self) -> tuple[Contest, ...]:
        return tuple(c for c in self.contests if c.kind is ContestKind.SENATE_SEAT)

    def contest(self, contest_id: str) -> Contest:
        for c in self.contests:
            if c.id == contest_id:
                return c
        raise NotFound(f"election {self.election.id!r} has no contest {contest_id!r}",
                       details={"election": self.election.id, "contest": contest_id})

    @property
    def has_stations(self) -> bool:
        """Whether polling stations vote (not a Senate election of electors)."""
        return self.main.kind is not ContestKind.SENATE_SEAT


def election_info(app: Saylau, election_id: str | None = None) -> ElectionInfo:
    """The named election (else the latest) with its contests (cached: they never change)."""
    e = election_svc.get_election(app, election_id)
    key = f"web:election:{e.id}"
    cached = app.caches.get(key)
    if isinstance(cached, ElectionInfo):
        return cached
    cs = tuple(election_svc.contests(app, e.id))
    if not cs:
        raise NotFound(f"election {e.id!r} has no contest yet", details={"election": e.id})
    main = next((c for k in MAIN_KINDS for c in cs if c.kind is k), cs[0])
    info = ElectionInfo(e, cs, main)
    app.caches[key] = info
    return info


def elections(app: Saylau) -> list[Election]:
    return election_svc.list_elections(app)


@dataclass
class _Probe:
    at: float = -1.0
    value: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def record_version(app: Saylau, info: ElectionInfo, *, fresh: bool = False) -> str:
    """Which record the pages are built from: every contest's last protocol and turnout
    sequence numbers (and Senate session versions). Changes whenever a figure can change.
    Computed at most once a second per election unless `fresh`."""
    key = f"web:probe:{info.election.id}"
    probe = app.caches.get(key)
    if not isinstance(probe, _Probe):
        probe = app.caches.setdefault(key, _Probe())
    assert isinstance(probe, _Probe)
    with probe.lock:
        now = app.monotonic()
        if fresh or now - probe.at >= PROBE_SECONDS:
            parts: list[str] = []
            for c in info.contests:
                if c.kind is ContestKind.SENATE_SEAT:
                    parts.append(str(sum(s.version for s in senate_svc.session_history(
                        app, c.id))))
                    continue
                _t, cache = results_svc.refresh(app, c.id, max_age=results_max_age())
                parts.append(f"{cache.seq}.{cache.turnout_seq}")
            probe.value = "-".join(parts) if len(parts) <= 4 else _digest(parts)
            probe.at = now
        return probe.value


def _digest(parts: Sequence[str]) -> str:
    import hashlib

    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def leading_option(contest: Contest, r: UnitResult) -> Option | None:
    votes = [(v, o) for o, v in r.votes
             if contest.option(o).kind is OptionKind.CHOICE and v > 0]
    if not votes:
        return None
    votes.sort(key=lambda x: -x[0])
    if len(votes) > 1 and votes[0][0] == votes[1][0]:
        return None
    return contest.option(votes[0][1])


def path_of(geo: Geography, unit: Unit) -> tuple[Unit, ...]:
    return tuple(reversed(geo.ancestors(unit.id)))


@dataclass(frozen=True)
class OptionRow:
    option: Option
    votes: int
    share: Fraction
    """: the votes over the participants (referendums, candidates) or over the
    threshold base (party lists)."""
    passed: bool | None = None
    seats: int | None = None
    party: Option | None = None
    """A candidate's nominating party (an option of the list contest)."""
