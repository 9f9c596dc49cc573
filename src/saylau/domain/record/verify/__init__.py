"""The independent verifier: from a published record alone, recompute and check everything.

Input (docs/record.md, "The exported record"): the log's leaves (canonical bytes), the signed
tree heads, the central commission's public key (the trust anchor, obtained outside the log)
and, optionally, the results the server published. Checked, in order:

1. every leaf is canonical and well-formed; every tree head is signed by the central key and
   its root is the Merkle root of the first `size` leaves;
2. every signed record is signed by a key registered earlier in the log, not revoked before
   it, whose unit covers the record's station; unsigned protocols only where the election
   accepts them (turnout reports, relayed during the day, may always be unsigned);
3. protocol versions of a station and contest follow 1, 2, 3 ... and every correction gives a
   reason; every version passes the protocol checks without an error;
4. the tally of every unit from the current versions, and the law's decision or seats;
5. when published results are given: every unit's figures and every decision equal them.

The first failure stops the run and names the leaf, station, unit or figure. Pure: it uses
only the core (no store, no server code).
"""

from __future__ import annotations

from saylau.domain.record.verify.core import (
    MALFORMED,
    Report,
    VerificationFailed,
    VerifiedElection,
)
from saylau.domain.record.verify.published import (
    UNIT_FIGURES,
    compare_published,
    published_results,
)
from saylau.domain.record.verify.receipt import (
    verify_receipt,
)
from saylau.domain.record.verify.run import (
    verify_record,
)
from saylau.domain.record.verify.tally import (
    decision_summary,
)

__all__ = [
    "MALFORMED",
    "UNIT_FIGURES",
    "Report",
    "VerificationFailed",
    "VerifiedElection",
    "compare_published",
    "decision_summary",
    "published_results",
    "verify_receipt",
    "verify_record",
]
