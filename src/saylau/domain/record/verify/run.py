"""The whole run of the verifier over an election's record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from saylau.domain.contests import Contest
from saylau.domain.decide import SessionRound, decide
from saylau.domain.errors import SaylauError
from saylau.domain.geography import Geography
from saylau.domain.ids import ContestId
from saylau.domain.record.merkle import Frontier, TreeHead, leaf_hash
from saylau.domain.record.signing import key_id, verify_tree_head
from saylau.domain.record.verify.audits import check_audits
from saylau.domain.record.verify.core import (
    MALFORMED,
    Report,
    VerificationFailed,
    VerifiedElection,
    _fail,
    _malformed,
)
from saylau.domain.record.verify.leaves import _read_leaf, _State
from saylau.domain.record.verify.published import compare_published
from saylau.domain.record.verify.tally import _check_and_tally, _contest, decision_summary
from saylau.domain.rulesets import RulesetName
from saylau.domain.tally import Tally


def verify_record(
    leaves: Iterable[bytes],
    tree_heads: Sequence[TreeHead],
    central_public_key: bytes,
    published: Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    check_signatures: bool = True,
) -> tuple[Report, VerifiedElection]:
    """Check a whole election record; raises VerificationFailed at the first mismatch.

    `check_signatures=False` skips only the Ed25519 arithmetic of the records' signatures
    (their keys, scopes and presence are still checked), for measuring the rest apart; the
    tree heads' signatures are always verified."""
    report = Report()
    central_id = key_id(central_public_key)
    heads = sorted(tree_heads, key=lambda h: h.size)
    for h in heads:
        if not verify_tree_head(h, central_public_key):
            raise _fail(f"the tree head of size {h.size} is not signed by the central "
                        f"commission's key {central_id}", tree_head=h.size)
    report.ok(f"{len(heads)} tree head(s) signed by the central commission's key {central_id}")

    frontier = Frontier()
    pending: list[bytes] = []  # leaf hashes not yet folded into the frontier
    head_at = {h.size: h for h in heads}
    state = _State(central_id, check_signatures=check_signatures)
    unsigned = 0
    idx = -1
    first_problem: VerificationFailed | None = None
    for idx, data in enumerate(leaves):
        pending.append(leaf_hash(data))
        if idx + 1 in head_at or len(pending) >= 65_536:
            frontier = frontier.extend(pending)
            pending = []
        if idx + 1 in head_at and frontier.root().hex() != head_at[idx + 1].root:
            h = head_at[idx + 1]
            raise _fail(f"the root of the first {h.size} leaves is {frontier.root().hex()}, "
                        f"not the signed tree head's {h.root}: the log was changed",
                        tree_head=h.size)
        if first_problem is not None:
            continue  # keep hashing: a changed log is the more fundamental finding
        try:
            unsigned += _read_leaf(idx, data, state)
        except VerificationFailed as exc:
            first_problem = exc
        except MALFORMED as exc:
            first_problem = _malformed(f"leaf {idx}", exc, leaf=idx)
        if progress is not None and idx % 100_000 == 0:
            progress(idx)
    size = idx + 1
    if heads and heads[-1].size > size:
        raise _fail(f"the latest tree head covers {heads[-1].size} leaves but the record has "
                    f"only {size}: leaves were dropped", tree_head=heads[-1].size)
    if first_problem is not None:
        raise first_problem
    units, election_body, versions = state.units, state.election, state.versions
    counts_by_type = state.counts_by_type
    report.ok(f"{size:,} leaves, every one canonical and well-formed; the Merkle root of each "
              f"signed tree head recomputed and equal")
    report.ok("records: " + ", ".join(f"{n:,} {t}" for t, n in sorted(counts_by_type.items())))
    report.ok(f"every signature checked against keys registered before it "
              f"({unsigned:,} unsigned record(s), accepted by the election's rules)")
    if election_body is None:
        raise _fail("the record holds no election definition")
    try:
        geo = Geography.build(units)
        contests = tuple(_contest(election_body["election"], c)
                         for c in election_body["contests"])
        ruleset = RulesetName(election_body["ruleset"])
        params = {str(k): str(v) for k, v in dict(election_body.get("params") or {}).items()}
    except MALFORMED as exc:
        raise _malformed("the election's definition", exc) from None
    tallies = _check_and_tally(geo, contests, versions)
    report.ok(f"{sum(len(h) for h in versions.values()):,} protocol version(s) of "
              f"{len(versions):,} station-contest pair(s): versions in order, every "
              "correction with a reason, every version passes the protocol checks")
    rounds: dict[str, list[SessionRound]] = {}
    for (contest, _round), history in sorted(state.sessions.items()):
        rounds.setdefault(contest, []).append(history[-1][1])  # each round's current version
    _check_runoffs(contests, tallies, geo, ruleset, rounds, state)
    summaries: dict[str, dict[str, Any]] = {
        c.id: decision_summary(c, tallies[c.id], geo, ruleset, rounds.get(c.id, ()), params)
        for c in contests}
    report.ok(f"tallied {len(geo.units):,} units for {len(contests)} contest(s) from the "
              "current versions; decisions recomputed by the law")
    if state.audit_leaves:
        try:
            report.ok(check_audits(state.audit_leaves, versions, geo, contests,
                                    ruleset, params))
        except MALFORMED as exc:
            raise _malformed("an audit's leaves", exc) from None
    verified = VerifiedElection(election_body["election"], ruleset, geo, contests, tallies,
                                summaries)
    if published is not None:
        try:
            compare_published(verified, published, report)
        except MALFORMED as exc:
            raise _malformed("the published results", exc) from None
    return report, verified


def _check_runoffs(contests: Sequence[Contest], tallies: Mapping[str, Tally], geo: Geography,
                   ruleset: RulesetName, rounds: Mapping[str, Sequence[SessionRound]],
                   state: _State) -> None:
    """A Senate seat's round 2 is held between the top two of round 1 when no one won
    (docs/law.md §8.2): round 1's current protocol must decide a runoff, and round 2's votes
    go to exactly that pair."""
    by_id = {c.id: c for c in contests}
    for seat, held in rounds.items():
        if len(held) < 2:
            continue
        leaf = state.sessions[(seat, 2)][0][0]
        try:
            first = decide(by_id[ContestId(seat)], tallies[seat], geo, ruleset,
                           rounds=held[:1])
        except SaylauError as exc:  # round 1's figures are impossible
            raise _fail(f"leaf {leaf}: round 2 of {seat} follows a round 1 the law cannot "
                        f"decide: {exc.message}", leaf=leaf, contest=seat) from None
        pair = None if first.candidates is None else first.candidates.runoff
        given = sorted(name for name, _n in held[1].votes)
        if pair is None or sorted(pair) != given:
            raise _fail(f"leaf {leaf}: round 2 of {seat} gives votes to {given}, but round 1 "
                        f"decides {first.outcome}"
                        + (f" with a runoff of {sorted(pair)}" if pair else ", no runoff"),
                        leaf=leaf, contest=seat, expected=None if pair is None else sorted(pair),
                        actual=given)
