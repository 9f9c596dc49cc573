"""Group commit: the writes of many concurrent requests for one election in one transaction.

Every submission of an election appends to one log, so its writers are serialised by the log's
sequencer (store.log) and each pays for a transaction of its own: the sequencer, the latest
signed head, a new signed head, a durable COMMIT. Here the requests that arrive while a batch
is being written wait for the next batch and are written together: one sequencer turn, one
signed head, one COMMIT for all of them (docs/benchmarks.md, "Live submissions").

A request is acknowledged only after the COMMIT of the batch that holds it: durable before it
is answered, as before. There is no writer thread: the first waiting request becomes the
leader, writes the batch that is queued (its own request among them), and hands the lead to the
oldest request still queued when it is done; the others sleep until their outcome is set or
the lead is handed to them. Each
request's outcome is its own: a request the checks refuse is refused alone; if the batch's
transaction fails as a whole (a lost race for a version slot with another process, a database
error), nothing of it was committed and every request of it is written again alone, so one bad
request never costs another its answer.

Why by hand: this is the transaction boundary of the election's log (its sequencer, its
signed head); no library batches SQLAlchemy transactions for a caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeAlias, TypeVar

J = TypeVar("J")
R = TypeVar("R")

Outcome: TypeAlias = R | BaseException
"""A request's outcome: its result, or the error to raise in its caller."""

MAX_BATCH = 256
"""At most this many requests in one transaction: a longer queue waits for the next batch,
so no transaction (and no leader) grows without bound."""


@dataclass(slots=True)
class _Slot(Generic[J, R]):
    job: J
    done: bool = False
    lead: bool = False
    result: R | None = None
    error: BaseException | None = None
    wake: threading.Event = field(default_factory=threading.Event)


@dataclass
class Group(Generic[J, R]):
    """One election's queue of writes.

    `write_batch(jobs)` writes a batch in one transaction and returns one outcome per job, in
    order (an exception object for a job that is refused); if it raises, nothing of the batch
    was committed. `write_alone(job)` writes one job in a transaction of its own (with
    whatever retries it needs) and returns its result or raises: it is used when a batch
    failed as a whole.

    Each waiting request sleeps on an event of its own and is woken once: when its batch is
    committed, or when the lead is handed to it (the oldest request still queued). A shared
    condition woken for every batch made every waiting thread wake, take the lock and sleep
    again: a tenth of the process's time under load (docs/benchmarks.md, "Live
    submissions")."""

    write_batch: Callable[[Sequence[J]], list[Outcome[R]]]
    write_alone: Callable[[J], R]
    max_batch: int = MAX_BATCH
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _queue: list[_Slot[J, R]] = field(default_factory=list, repr=False)
    _leading: bool = field(default=False, repr=False)

    def submit(self, job: J) -> R:
        """Write `job` with whatever is queued beside it; return its result once committed,
        or raise its error."""
        slot: _Slot[J, R] = _Slot(job)
        with self._lock:
            self._queue.append(slot)
            if not self._leading:  # the lead is free: take it
                self._leading = slot.lead = True
        if not slot.lead:
            slot.wake.wait()
        if not slot.done:
            # this request leads: it is the oldest queued, so its batch holds it
            assert slot.lead
            with self._lock:
                batch = self._queue[:self.max_batch]
                del self._queue[:self.max_batch]
            try:
                self._write(batch)
            finally:
                with self._lock:
                    if self._queue:  # hand the lead to the oldest waiting request
                        nxt = self._queue[0]
                        nxt.lead = True
                        nxt.wake.set()
                    else:
                        self._leading = False
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _write(self, batch: list[_Slot[J, R]]) -> None:
        try:
            try:
                outcomes = self.write_batch([s.job for s in batch])
                if len(outcomes) != len(batch):  # pragma: no cover - a programming error
                    raise RuntimeError(f"{len(outcomes)} outcomes for a batch of {len(batch)}")
            except Exception:  # nothing was committed: write each one alone
                outcomes = [self._alone(s.job) for s in batch]
            for s, outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    s.error = outcome
                else:
                    s.result = outcome
                s.done = True
                s.wake.set()
        except BaseException as exc:  # interrupted: no request of the batch waits for ever
            for s in batch:
                if not s.done:
                    s.error, s.done = exc, True
                    s.wake.set()
            raise

    def _alone(self, job: J) -> Outcome[R]:
        try:
            return self.write_alone(job)
        except Exception as exc:  # the caller of this job raises it
            return exc


__all__ = ["MAX_BATCH", "Group", "Outcome"]
