"""The protocol checks over many protocols at once (bulk import), vectorised with numpy.

`batch_flags` applies the same rules as `protocols.PROTOCOL_CHECKS` to columns and says which
rows have an error and which a warning; the caller then runs the scalar checks on the flagged
rows only, to get each finding's code and message. The property test
tests/property/test_tally_props.py holds the two to the same verdict on random protocols.

`canonical_hashes` and `votes_json` give, for every row at once, the content hash and the stored
votes text that the one-protocol path computes (`SubmittedProtocol.content_hash`,
`repository.votes_json`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from saylau.domain.ids import OptionId
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


_JSON_SPECIAL = re.compile(r'[\x00-\x1f"\\]')


def _template_text(text: str) -> str:
    """Constant text for a %-template."""
    return text.replace("%", "%%")


def canonical_hashes(
    contest: str,
    stations: Sequence[str],
    options: Sequence[OptionId],
    counts: npt.NDArray[np.int64],
) -> list[str]:
    """`SubmittedProtocol.content_hash` of every row, without building a protocol per row.

    `counts` has the columns COUNT_FIELDS + `options` (in that order). The text hashed is
    `protocols.canonical_json_fast`'s, built from one %-template (sorted keys, no spaces,
    UTF-8); tests/unit/test_bulk_paths.py holds the two equal, odd station ids included."""
    n_fields = len(COUNT_FIELDS)
    reg, rec, iss, can, box, inv, both = (counts[:, _F[f]].tolist() for f in COUNT_FIELDS)
    order = sorted(range(len(options)), key=lambda j: options[j])
    votes = [counts[:, n_fields + j].tolist() for j in order]
    d = json.dumps
    template = _template_text(
        '{"ballots_cancelled":\x00,"ballots_in_boxes":\x00,"ballots_issued":\x00,'
        '"ballots_received":\x00,"both_marked":\x00,"contest":'
        + d(contest, ensure_ascii=False)
        + ',"invalid":\x00,"registered":\x00,"station":\x01,"votes":{'
        + ",".join(d(options[j], ensure_ascii=False) + ":\x00" for j in order)
        + "}}"
    ).replace("\x00", "%d").replace("\x01", "%s")
    if _JSON_SPECIAL.search("".join(stations)) is None:
        quoted = ['"' + s + '"' for s in stations]
    else:
        quoted = [d(s, ensure_ascii=False) for s in stations]
    sha = hashlib.sha256
    return [
        sha((template % t).encode("utf-8")).hexdigest()
        for t in zip(can, box, iss, rec, both, inv, reg, quoted, *votes, strict=True)
    ]


def votes_json(options: Sequence[OptionId], counts: npt.NDArray[np.int64]) -> list[str]:
    """The stored `votes` text of every row: a JSON object of the options' votes, keys sorted,
    no spaces, ASCII (what `json.dumps(dict(sorted(...)), separators=(",", ":"))` writes).
    `counts` has the columns COUNT_FIELDS + `options`."""
    n_fields = len(COUNT_FIELDS)
    order = sorted(range(len(options)), key=lambda j: options[j])
    template = _template_text(
        "{" + ",".join(json.dumps(options[j]) + ":\x00" for j in order) + "}"
    ).replace("\x00", "%d")
    columns = [counts[:, n_fields + j].tolist() for j in order]
    if not columns:
        return [template] * len(counts)
    return [template % t for t in zip(*columns, strict=True)]
