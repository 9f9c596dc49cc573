"""The protocol checks over many protocols at once (bulk import), vectorised with numpy.

`batch_flags` applies the same rules as `protocols.PROTOCOL_CHECKS` to columns and says which
rows have an error and which a warning; the caller then runs the scalar checks on the flagged
rows only, to get each finding's code and message. The property test
tests/property/test_protocol_batch.py holds the two to the same verdict on random protocols.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from saylau.domain.protocols import COUNT_FIELDS, MAX_COUNT

Bools = npt.NDArray[np.bool_]

_F = {f: i for i, f in enumerate(COUNT_FIELDS)}


@dataclass(frozen=True)
class BatchFlags:
    error: Bools
    warning: Bools


def batch_flags(
    counts: npt.NDArray[np.int64],
    *,
    has_both_marked: bool,
    list_sizes: npt.NDArray[np.int64],
    last_turnout: npt.NDArray[np.int64] | None = None,
) -> BatchFlags:
    """Rows (protocols) whose scalar checks would give an error / a warning.

    `counts` has the columns COUNT_FIELDS + one per option; `list_sizes` is each station's
    loaded list; `last_turnout` each station's last turnout report (-1 when none)."""
    c = counts
    reg, rec, iss, can, box, inv, both = (c[:, _F[f]] for f in COUNT_FIELDS)
    votes = c[:, len(COUNT_FIELDS) :].sum(axis=1)
    error = ((c < 0) | (c > MAX_COUNT)).any(axis=1)
    if not has_both_marked:
        error |= both != 0
    error |= box != inv + both + votes
    error |= box > iss
    error |= iss + can > rec
    error |= iss > reg
    warning = (iss + can < rec) | (reg != list_sizes)
    if last_turnout is not None:
        warning |= (last_turnout >= 0) & (iss < last_turnout)
    return BatchFlags(error=error, warning=warning)
