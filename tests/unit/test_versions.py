"""One versioning rule (saylau.domain.versions): a table of every case, and properties over
random runs of submissions: versions only grow, one at a time; the same content again is
idempotent; nothing stored is ever changed; every correction names the version it corrects."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.domain.errors import ValidationFailed
from saylau.domain.versions import (
    Append,
    Head,
    History,
    Refusal,
    Refused,
    Submission,
    Unchanged,
    VersionConflict,
    check_reason,
    classify,
    content_hash,
    judge,
)

H1 = Head(1, "aaa", "station-1", "2030-01-01T10:00:00+05:00")
H3 = Head(3, "ccc")

# (slot's head, submission, expected verdict: "unchanged", ("append", version) or a Refusal)
CASES: list[tuple[str, Head | None, Submission, Any]] = [
    ("first", None, Submission("aaa"), ("append", 1)),
    ("first, named as a correction", None, Submission("aaa", correction=True),
     Refusal.CORRECTION_WITHOUT_ORIGINAL),
    ("first, corrects without correction", None, Submission("aaa", corrects=1),
     Refusal.CORRECTS_WITHOUT_CORRECTION),
    ("same again", H1, Submission("aaa"), "unchanged"),
    ("same again as a correction", H1, Submission("aaa", correction=True, corrects=1),
     "unchanged"),
    ("same again, stale corrects", H3, Submission("ccc", correction=True, corrects=1),
     "unchanged"),
    ("different, not a correction", H1, Submission("bbb"), Refusal.CONFLICT),
    ("different, correction without corrects", H1, Submission("bbb", correction=True),
     Refusal.CORRECTION_VERSION_MISSING),
    ("different, correction of the current", H1,
     Submission("bbb", correction=True, corrects=1), ("append", 2)),
    ("different, correction of an old version", H3,
     Submission("bbb", correction=True, corrects=2), Refusal.CORRECTION_STALE),
    ("different, correction of a future version", H1,
     Submission("bbb", correction=True, corrects=2), Refusal.CORRECTION_STALE),
    ("corrects without correction wins over sameness", H1, Submission("aaa", corrects=1),
     Refusal.CORRECTS_WITHOUT_CORRECTION),
]


@pytest.mark.parametrize(("head", "submission", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_rule_case_by_case(head: Head | None, submission: Submission, expected: Any) -> None:
    verdict = judge(head, submission)
    if expected == "unchanged":
        assert verdict == Unchanged(head) if head else False
    elif isinstance(expected, tuple):
        assert isinstance(verdict, Append)
        assert verdict.version == expected[1] and verdict.previous == head
        assert verdict.is_correction is (head is not None)
    else:
        assert isinstance(verdict, Refused) and verdict.refusal is expected
        assert verdict.code == expected.value
        with pytest.raises(VersionConflict if expected.is_conflict else ValidationFailed) as e:
            classify(head, submission, slot="station S1 for contest c")
        assert e.value.code == expected.value
        assert "field" in e.value.details and "expected" in e.value.details
        assert "station S1 for contest c" in e.value.message or \
            expected is Refusal.CORRECTS_WITHOUT_CORRECTION


def test_a_conflict_says_what_the_slot_holds_and_a_stale_correction_who_sent_it() -> None:
    with pytest.raises(VersionConflict) as e:
        classify(H1, Submission("bbb"), slot="round 1 of senate-kz-11", what="session protocol")
    assert e.value.code == "protocol_conflict"
    assert e.value.details["current_version"] == 1 and e.value.details["submitted_hash"] == "bbb"
    assert "round 1 of senate-kz-11 already has session protocol version 1" in e.value.message
    stale = Head(2, "x", "station-1", "2030-01-01T10:00:00+05:00")
    with pytest.raises(VersionConflict) as e:
        classify(stale, Submission("y", correction=True, corrects=1), slot="the slot")
    assert e.value.code == "correction_stale"
    assert "station-1 at 2030-01-01T10:00:00+05:00" in e.value.message
    assert (e.value.details["corrects"], e.value.details["current_version"]) == (1, 2)
    assert e.value.refused.refusal is Refusal.CORRECTION_STALE


@pytest.mark.parametrize(("is_correction", "reason", "expected"), [
    (False, None, None), (False, "", None), (False, "   ", None),
    (True, " miscounted ", "miscounted"),
    (False, "typo", "reason_without_correction"),
    (True, None, "correction_reason_missing"), (True, "  ", "correction_reason_missing"),
])
def test_a_correction_says_why_and_a_first_version_does_not(
        is_correction: bool, reason: str | None, expected: str | None) -> None:
    if expected is None or not expected.endswith(("_correction", "_missing")):
        assert check_reason(is_correction, reason) == expected
        return
    with pytest.raises(ValidationFailed) as e:
        check_reason(is_correction, reason)
    assert e.value.code == expected and e.value.details["field"] == "reason"


def test_the_content_hash_ignores_key_order_and_sees_every_figure() -> None:
    a = content_hash({"electors": 100, "votes": {"A": 1, "B": 2}})
    assert a == content_hash({"votes": {"B": 2, "A": 1}, "electors": 100})
    assert a != content_hash({"electors": 100, "votes": {"A": 2, "B": 1}})
    assert len(a) == 64 and int(a, 16) >= 0


# --- properties ---------------------------------------------------------------------------------

CONTENTS = st.sampled_from(["aaa", "bbb", "ccc", "ddd"])
SUBMISSIONS = st.builds(
    lambda h, correction, corrects, reason: (Submission(h, correction, corrects), reason),
    CONTENTS, st.booleans(), st.none() | st.integers(min_value=0, max_value=6),
    st.none() | st.sampled_from(["", "recount", " fixed a typo "]))


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(SUBMISSIONS, max_size=25))
def test_versions_only_grow_nothing_is_overwritten_the_same_is_idempotent(
        run: list[tuple[Submission, str | None]]) -> None:
    history = History()
    for submission, reason in run:
        before = history
        try:
            history, verdict = history.submit(submission, reason)
        except (VersionConflict, ValidationFailed) as refused:
            codes = {r.value for r in Refusal} | {"reason_without_correction",
                                                  "correction_reason_missing"}
            refusal = refused.code
        else:
            refusal = None
        if refusal is not None:
            # a refusal changes nothing, and says why in a stable code
            assert history == before and refusal in codes
            continue
        # nothing stored is ever changed: the old versions are a prefix of the new ones
        assert history.versions[:len(before.versions)] == before.versions
        if isinstance(verdict, Unchanged):
            # idempotent: only the current version's content, and nothing is added
            assert history == before and before.head is not None
            assert submission.content_hash == before.head.content_hash
            continue
        # versions grow by exactly one: the first, or a correction of the current one
        assert len(history.versions) == len(before.versions) + 1 == verdict.version
        assert history.versions[-1][0] == submission.content_hash
        if verdict.version == 1:
            assert not submission.correction and history.versions[-1][1] is None
        else:
            assert submission.correction and submission.corrects == verdict.version - 1
            assert history.versions[-1][1]  # a correction says why
            assert submission.content_hash != before.versions[-1][0]


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(CONTENTS, min_size=1, max_size=10))
def test_a_run_of_honest_corrections_numbers_every_change(contents: list[str]) -> None:
    """Each different content sent as a correction of the current version becomes the next
    version; each repeat is idempotent; so the versions count the changes."""
    history = History()
    changes = 0
    for c in contents:
        head = history.head
        first = head is None
        submission = Submission(c, correction=not first,
                                corrects=None if head is None else head.version)
        history, verdict = history.submit(submission, None if first else "recount")
        changes += isinstance(verdict, Append)
    assert len(history.versions) == changes
    assert changes == 1 + sum(1 for a, b in itertools.pairwise(contents) if a != b)
