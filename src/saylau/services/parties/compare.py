"""A member list decided under several rulesets without a store (`saylau parties decide
--rulesets kz-2007,kz-2022 LIST.csv`): the list's own checks (IINs, duplicates, regions,
fields) and the registration conditions, side by side. Without a store there are no other
parties' lists and no barred register: the result says so. The IINs are hashed under a key
made for this run only and forgotten with it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from saylau.domain.parties import privacy
from saylau.domain.parties.members import RowFinding, check_list, valid_by_region
from saylau.domain.parties.rules import Application, Readings, RegistrationDecision, decide
from saylau.services.parties.member_files import read_member_file
from saylau.services.parties.register import regions

NOT_CHECKED = ("other parties' lists and the barred register are not checked without a store "
               "(one party per citizen, docs/law.md §11): apply and import the list to check "
               "them")


@dataclass(frozen=True, slots=True)
class FileComparison:
    rows: int
    findings: tuple[RowFinding, ...]
    members_by_region: dict[str, int]
    decisions: tuple[RegistrationDecision, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "valid": sum(self.members_by_region.values()),
                "members_by_region": self.members_by_region,
                "findings": [f.as_dict() for f in self.findings],
                "decisions": [d.as_dict() for d in self.decisions], "note": NOT_CHECKED}


def decide_file(data: bytes, filename: str, rulesets: Sequence[str], *, party: str,
                founders: int, founder_regions: Sequence[str] | None,
                initiative_formed: date | None, congress_held: date | None,
                submitted_on: date, readings: Readings | None = None) -> FileComparison:
    cols = read_member_file(data, filename)
    key = secrets.token_bytes(privacy.KEY_BYTES)
    hashes = privacy.hash_all(key, [i.strip() for i in cols.iins])
    regs = regions()
    findings = check_list(cols, hashes, frozenset(regs), submitted_on)
    counts = valid_by_region(cols.lines, cols.regions, findings)
    a = Application(party, initiative_formed, founders,
                    frozenset(regs if founder_regions is None else founder_regions),
                    congress_held, counts)
    decisions = tuple(decide(a, name, regs, readings or Readings()) for name in rulesets)
    return FileComparison(len(cols), tuple(findings), dict(sorted(counts.items())), decisions)
