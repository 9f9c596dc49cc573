"""The group commit (services.group_commit): every request gets its own outcome, requests that
arrive while a batch is written go together in the next one, a batch that fails as a whole is
written again one by one, and no request waits for ever."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from saylau.services.group_commit import Group, Outcome


class Recorder:
    """A write_batch that records its batches; the first one waits until `release` is set, so
    the requests sent meanwhile queue up behind it."""

    def __init__(self, fail_on: frozenset[int] = frozenset(),
                 refuse: frozenset[int] = frozenset()) -> None:
        self.batches: list[list[int]] = []
        self.alone: list[int] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.fail_on = fail_on
        self.refuse = refuse

    def write_batch(self, jobs: Sequence[int]) -> list[Outcome[int]]:
        self.batches.append(list(jobs))
        if len(self.batches) == 1:
            self.started.set()
            assert self.release.wait(10)
        if self.fail_on & set(jobs):
            raise RuntimeError(f"the batch {list(jobs)} failed as a whole")
        return [ValueError(f"job {j} refused") if j in self.refuse else j * 10 for j in jobs]

    def write_alone(self, job: int) -> int:
        self.alone.append(job)
        if job in self.fail_on:
            raise RuntimeError(f"job {job} failed alone too")
        return job * 10


def _run(group: Group[int, int], rec: Recorder, jobs: list[int]
         ) -> dict[int, int | BaseException]:
    out: dict[int, int | BaseException] = {}

    def one(j: int) -> None:
        try:
            out[j] = group.submit(j)
        except Exception as exc:  # each caller sees its own error
            out[j] = exc

    first = threading.Thread(target=one, args=(jobs[0],))
    first.start()
    assert rec.started.wait(10)
    rest = [threading.Thread(target=one, args=(j,)) for j in jobs[1:]]
    for t in rest:
        t.start()
    # every other request is queued behind the first batch before it is released
    deadline = threading.Event()
    for _ in range(1000):
        with group._lock:
            if len(group._queue) == len(jobs) - 1:
                break
        deadline.wait(0.01)
    rec.release.set()
    for t in [first, *rest]:
        t.join(10)
        assert not t.is_alive(), "a request waited for ever"
    return out


def test_requests_queued_behind_a_batch_are_written_together() -> None:
    rec = Recorder()
    group: Group[int, int] = Group(rec.write_batch, rec.write_alone)
    out = _run(group, rec, list(range(1, 9)))
    assert out == {j: j * 10 for j in range(1, 9)}
    assert rec.batches[0] == [1]
    assert sorted(rec.batches[1]) == list(range(2, 9)), rec.batches  # one batch for seven
    assert len(rec.batches) == 2
    assert rec.alone == []


def test_a_refused_request_is_refused_alone() -> None:
    rec = Recorder(refuse=frozenset({4}))
    group: Group[int, int] = Group(rec.write_batch, rec.write_alone)
    out = _run(group, rec, list(range(1, 7)))
    assert isinstance(out[4], ValueError) and str(out[4]) == "job 4 refused"
    assert {j: v for j, v in out.items() if j != 4} == {j: j * 10 for j in (1, 2, 3, 5, 6)}


def test_a_batch_that_fails_as_a_whole_is_written_again_one_by_one() -> None:
    rec = Recorder(fail_on=frozenset({5}))
    group: Group[int, int] = Group(rec.write_batch, rec.write_alone)
    out = _run(group, rec, list(range(1, 7)))
    assert sorted(rec.alone) == [2, 3, 4, 5, 6]  # the failed batch, each alone
    assert isinstance(out[5], RuntimeError) and "alone too" in str(out[5])
    assert {j: v for j, v in out.items() if j != 5} == {j: j * 10 for j in (1, 2, 3, 4, 6)}


def test_no_batch_is_longer_than_its_limit() -> None:
    rec = Recorder()
    group: Group[int, int] = Group(rec.write_batch, rec.write_alone, max_batch=3)
    out = _run(group, rec, list(range(1, 11)))
    assert out == {j: j * 10 for j in range(1, 11)}
    assert max(len(b) for b in rec.batches) == 3
    assert sorted(j for b in rec.batches for j in b) == list(range(1, 11))  # each once


def test_an_interrupted_batch_leaves_no_request_waiting() -> None:
    calls = []

    def interrupted(jobs: Sequence[int]) -> list[Outcome[int]]:
        calls.append(list(jobs))
        raise KeyboardInterrupt

    group: Group[int, int] = Group(interrupted, lambda j: j)
    with pytest.raises(KeyboardInterrupt):
        group.submit(1)
    assert calls == [[1]]
    assert group._leading is False
