"""Protocols sent at once are written in one transaction per batch (services.group_commit), on
both databases: each is acknowledged only after its batch commits, each gets its own answer
(stored, refused with its findings, or a conflict), one signed tree head covers a batch, and
the exported record verifies."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from saylau.domain.access import Principal, Role
from saylau.domain.errors import SaylauError, ValidationFailed
from saylau.domain.protocols import ProtocolCounts, SlotTaken
from saylau.services import protocols as protocol_svc
from saylau.services import record_export
from saylau.services import turnout as turnout_svc
from saylau.services.context import Saylau
from saylau.store import log, tables
from saylau.store import protocols as repository
from tests.integration.support import protocol as valid_protocol
from tests.integration.test_record import verify_dir

ADMIN = Principal("cec", Role.ADMIN)


def _counts(body: dict[str, Any]) -> ProtocolCounts:
    fields = {k: v for k, v in body.items() if k not in ("station", "votes")}
    return ProtocolCounts.of(votes=body["votes"].items(), **fields)


def _pause_first_batch(monkeypatch: pytest.MonkeyPatch
                       ) -> tuple[threading.Event, threading.Event, list[list[str]]]:
    """The first batch's insert of protocol versions waits inside its transaction until
    `release` is set (`inserted` says it got there), so that requests sent meanwhile queue up
    behind it; returns (inserted, release, the stations of each batch written)."""
    original = repository.insert_protocols
    inserted, release = threading.Event(), threading.Event()
    batches: list[list[str]] = []

    def paused(turn: Any, ps: Any) -> Any:
        batches.append([p.station for p in ps])
        out = original(turn, ps)
        if len(batches) == 1:
            inserted.set()
            assert release.wait(30)
        return out

    monkeypatch.setattr(repository, "insert_protocols", paused)
    return inserted, release, batches


def test_protocols_sent_at_once_share_a_batch_and_each_gets_its_own_answer(
    referendum: tuple[Saylau, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, contest = referendum
    stations = list(app.geography().stations())
    first, fine, bad, taken, *more = stations[:8]
    # the station `taken` already holds a protocol: different figures for it are a conflict
    protocol_svc.submit_protocol(app, ADMIN, contest, taken.id,
                                 _counts(valid_protocol(taken.id, taken.registered)))
    with app.read() as conn:
        heads_before = len(log.heads(conn, "ref"))

    # the first batch (one protocol) pauses inside its transaction until the others queue up
    inserted, release, _batches = _pause_first_batch(monkeypatch)
    answers: dict[str, Any] = {}

    def send(station: Any, body: dict[str, Any]) -> None:
        try:
            answers[station.id] = protocol_svc.submit_protocol(
                app, ADMIN, contest, station.id, _counts(body))
        except SaylauError as exc:
            answers[station.id] = exc

    bodies = {first.id: valid_protocol(first.id, first.registered),
              fine.id: valid_protocol(fine.id, fine.registered),
              # more ballots in the boxes than were issued: refused by the checks
              bad.id: valid_protocol(bad.id, bad.registered, in_boxes=bad.registered),
              taken.id: valid_protocol(taken.id, taken.registered, yes=1),
              **{s.id: valid_protocol(s.id, s.registered) for s in more}}
    by_id = {s.id: s for s in stations}
    lead = threading.Thread(target=send, args=(first, bodies[first.id]))
    lead.start()
    assert inserted.wait(30)
    rest = [threading.Thread(target=send, args=(by_id[s], b))
            for s, b in bodies.items() if s != first.id]
    for t in rest:
        t.start()
    group = protocol_svc._group(app, "ref")
    for _ in range(3000):
        with group._lock:
            if len(group._queue) == len(rest):
                break
        threading.Event().wait(0.01)
    assert first.id not in answers, "acknowledged before its batch committed"
    release.set()
    for t in [lead, *rest]:
        t.join(60)
        assert not t.is_alive()

    stored = [s for s, a in answers.items()
              if isinstance(a, protocol_svc.Submission)
              and a.status is protocol_svc.SubmissionStatus.ACCEPTED]
    assert sorted(stored) == sorted([first.id, fine.id, *(s.id for s in more)])
    assert isinstance(answers[bad.id], ValidationFailed)
    assert isinstance(answers[taken.id], SlotTaken)
    # both refusals are kept among the rejections (nothing sent is lost)
    refused = {r["station"] for r in protocol_svc.protocol_rejections(app, contest)}
    assert {bad.id, taken.id} <= refused
    with app.read() as conn:
        heads = log.heads(conn, "ref")
    # one head for the first batch and one for the six written together after it
    assert len(heads) - heads_before == 2, [h.size for h in heads]
    out = tmp_path / "record"
    record_export.export_record(app, "ref", out)
    verify_dir(out)



def _start_one_queued_after_another(group: Any, threads: list[threading.Thread]) -> None:
    """Start `threads` one after another, each once the one before is queued in `group`
    (waiting behind a paused batch), so that the next batch holds them in this order."""
    for k, t in enumerate(threads, start=1):
        t.start()
        for _ in range(3000):
            with group._lock:
                if len(group._queue) == k:
                    break
            threading.Event().wait(0.01)


def _country_and_referendum(app: Saylau) -> str:
    """The small country and the constitutional referendum of tests/conftest.py's
    `referendum` fixture, on `app`; returns the contest id."""
    from saylau.domain.contests import QUESTION_2022
    from saylau.domain.ids import ActorId
    from saylau.domain.names import Names
    from saylau.services.elections import create_referendum
    from saylau.services.geography import load_geography
    from tests.conftest import small_country

    load_geography(app, small_country())
    _, contest = create_referendum(
        app, election_id="ref", name=Names.same("Referendum"), ruleset_name="kz-2022",
        date="2022-06-05", question=QUESTION_2022, constitutional=True, by=ActorId("test"))
    return contest.id


def test_the_grouped_path_and_the_single_path_store_byte_identical_leaves(
    saylau: Saylau, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the same protocols, written one transaction each (a SQLite store of its own)
    and together in one batch (the database under test), give the same log, byte for byte:
    batching changes how many tree heads are signed, never a leaf."""
    from datetime import UTC, datetime

    at = datetime(2022, 6, 5, 20, 0, tzinfo=UTC)
    single = Saylau.open(f"sqlite:///{tmp_path / 'single.db'}")
    try:
        for app in (saylau, single):
            app.clock = lambda: at
        contest = _country_and_referendum(saylau)
        assert _country_and_referendum(single) == contest
        stations = list(saylau.geography().stations())[:7]
        bodies = {s.id: valid_protocol(s.id, s.registered, yes=k) for k, s in enumerate(stations)}

        # the single path: one submission at a time, each a transaction (a batch) of its own
        for s in stations:
            protocol_svc.submit_protocol(single, ADMIN, contest, s.id, _counts(bodies[s.id]))

        # the grouped path: the first batch waits inside its transaction until the six others
        # are queued, which are then written together
        inserted, release, batches = _pause_first_batch(monkeypatch)

        def send(station: str) -> None:
            protocol_svc.submit_protocol(saylau, ADMIN, contest, station,
                                         _counts(bodies[station]))

        first, *rest = (threading.Thread(target=send, args=(s.id,)) for s in stations)
        first.start()
        assert inserted.wait(30)
        # the rest start one after another, each queued before the next starts, so the batch
        # holds them in the single path's order
        _start_one_queued_after_another(protocol_svc._group(saylau, "ref"), rest)
        release.set()
        for t in [first, *rest]:
            t.join(60)
            assert not t.is_alive()
        assert [len(b) for b in batches] == [1, 6], "the six were not written in one batch"

        with saylau.read() as conn:
            grouped_leaves = log.leaf_rows(conn, "ref")
            grouped_heads = log.heads(conn, "ref")
        with single.read() as conn:
            single_leaves = log.leaf_rows(conn, "ref")
            single_heads = log.heads(conn, "ref")
        assert len(single_leaves) == len(grouped_leaves)
        for one, other in zip(single_leaves, grouped_leaves, strict=True):
            assert one == other, f"leaf {one[0]} differs between the single and grouped paths"
        # the same tree at the end; heads in between differ only in number
        assert grouped_heads[-1].root == single_heads[-1].root
        assert len(single_heads) - len(grouped_heads) == 5
    finally:
        single.engine.dispose()


def test_turnout_reports_sent_at_once_share_a_batch_each_with_its_own_answer(
    referendum: tuple[Saylau, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Turnout reports go through the group commit too (the election night's day phase was
    one transaction per report): while a first report's batch is held inside its transaction,
    reports sent meanwhile queue and are written together; each gets its own answer: stored,
    unchanged (sent again), or refused (fewer ballots than the same station reported earlier
    in the day, or a second figure for a time already reported, even within the batch), and
    the record verifies with one leaf per stored report."""
    app, contest = referendum
    stations = list(app.geography().stations())
    first, again, fall, *more = stations[:6]
    turnout_svc.submit_turnout(app, ADMIN, contest, again.id, "10:00", 50)
    turnout_svc.submit_turnout(app, ADMIN, contest, fall.id, "10:00", 80)
    original = repository.insert_turnouts
    inserted, release = threading.Event(), threading.Event()
    batches: list[list[str]] = []

    def paused(turn: Any, rs: Any, by: Any, at: Any) -> Any:
        batches.append([f"{r.station}@{r.at:%H:%M}" for r in rs])
        out = original(turn, rs, by, at)
        if len(batches) == 1:
            inserted.set()
            assert release.wait(30)
        return out

    monkeypatch.setattr(repository, "insert_turnouts", paused)
    answers: dict[str, Any] = {}

    def send(name: str, station: str, at: str, n: int) -> None:
        try:
            answers[name] = turnout_svc.submit_turnout(app, ADMIN, contest, station, at, n)
        except SaylauError as exc:
            answers[name] = exc

    lead = threading.Thread(target=send, args=("lead", first.id, "10:00", 10))
    lead.start()
    assert inserted.wait(30)
    sent = [("again", again.id, "10:00", 50),  # the same report again: unchanged
            ("fall", fall.id, "14:00", 70),  # fewer than at 10:00: refused
            ("m0", more[0].id, "10:00", 30),
            ("m0-twice", more[0].id, "10:00", 31),  # a second figure for 10:00: refused
            ("m1", more[1].id, "10:00", 40),
            ("m2", more[2].id, "14:00", 60)]
    rest = [threading.Thread(target=send, args=a) for a in sent]
    _start_one_queued_after_another(turnout_svc._turnout_group(app, "ref"), rest)
    assert "lead" not in answers, "acknowledged before its batch committed"
    release.set()
    for t in [lead, *rest]:
        t.join(60)
        assert not t.is_alive()

    assert [len(b) for b in batches] == [1, 3], batches  # lead; then m0, m1, m2 together
    assert answers["lead"][1] is True
    assert answers["again"][1] is False
    assert isinstance(answers["fall"], ValidationFailed)
    assert isinstance(answers["m0-twice"], ValidationFailed)
    assert [answers[n][1] for n in ("m0", "m1", "m2")] == [True, True, True]
    with app.read() as conn:
        stored = {(s, at): n for s, at, n in conn.execute(
            select(tables.turnout_reports.c.station_id, tables.turnout_reports.c.at,
                   tables.turnout_reports.c.ballots_issued))}
    assert stored == {(first.id, "10:00"): 10, (again.id, "10:00"): 50,
                      (fall.id, "10:00"): 80, (more[0].id, "10:00"): 30,
                      (more[1].id, "10:00"): 40, (more[2].id, "14:00"): 60}
    out = tmp_path / "record"
    record_export.export_record(app, "ref", out)
    verify_dir(out)
    leaves = [json.loads(x) for x in (out / "leaves.jsonl").read_text().splitlines()]
    logged = sorted((x["body"]["station"], x["body"]["at"]) for x in leaves
                    if x["type"] == "turnout")
    assert logged == sorted(stored)
