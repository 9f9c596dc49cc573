"""The integrity wing's record leaves (issue 14) and what the verifier re-derives from them.

- "integrity-params": {"election", "params", "sha256"}: the tests' parameters as their
  canonical JSON text (`IntegrityParams.canonical`: a record holds only integers and strings,
  and the parameters have shares), and the SHA-256 of that text;
- "pvt-commitment": {"election", "commitment", "margin", "sigma"}: the SHA-256 of the quick
  count's seed (hex), and the margin of error and spread the sample is planned with (as text).

Both must come before the first protocol of the election's log (parameters fixed, and the
sample's seed committed, before results come in): `leaf_problems` says what is wrong with one
such leaf given whether results have begun, for the verifier.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from saylau.domain.errors import field_error
from saylau.domain.record.envelope import Record, make_record
from saylau.domain.record.envelope.types import RecordType

if TYPE_CHECKING:  # the verifier imports this module: it need not load the statistics
    from saylau.domain.integrity.suite import IntegrityParams

HEX64 = re.compile(r"[0-9a-f]{64}")


def params_record(*, election: str, params: IntegrityParams, recorded_by: str,
                  recorded_at: str) -> Record:
    body = {"election": election, "params": params.canonical().decode("utf-8"),
            "sha256": params.digest()}
    return make_record(RecordType.INTEGRITY_PARAMS, body, recorded_at=recorded_at,
                       recorded_by=recorded_by)


def commitment_record(*, election: str, commitment: str, margin: str, sigma: str,
                      recorded_by: str, recorded_at: str) -> Record:
    body = {"election": election, "commitment": commitment, "margin": margin, "sigma": sigma}
    return make_record(RecordType.PVT_COMMITMENT, body, recorded_at=recorded_at,
                       recorded_by=recorded_by)


def params_digest(text: str) -> str:
    """The SHA-256 of the parameters' text, re-derived from the leaf's own members."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_canonical(text: str) -> bool:
    """Whether the text is the canonical JSON of an object (sorted keys, no spaces)."""
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and json.dumps(
        value, sort_keys=True, separators=(",", ":")) == text


def leaf_problems(type_: str, body: Mapping[str, Any], results_began: bool,
                  ) -> list[dict[str, Any]]:
    """What is wrong with an integrity leaf: after results, or not re-deriving."""
    out: list[dict[str, Any]] = []
    if results_began:
        out.append(field_error("type", "before the first protocol", type_,
                               f"a {type_} leaf after results began: fixed too late"))
    if type_ == RecordType.INTEGRITY_PARAMS:
        params = body.get("params")
        if not isinstance(params, str) or not is_canonical(params):
            out.append(field_error("body.params", "canonical JSON text", params,
                                   "the parameters are not canonical JSON"))
        elif params_digest(params) != body.get("sha256"):
            out.append(field_error("body.sha256", params_digest(params), body.get("sha256"),
                                   "the parameters do not hash to the recorded digest"))
    elif type_ == RecordType.PVT_COMMITMENT:
        c = body.get("commitment")
        if not isinstance(c, str) or not HEX64.fullmatch(c):
            out.append(field_error("body.commitment", "64 lowercase hex digits", c,
                                   "not a SHA-256 commitment"))
    return out
