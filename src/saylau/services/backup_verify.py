"""A restored store checked end to end, trusting nothing it holds: every table's row count,
each election's log against the manifest, every election verified by the record's own
verifier (saylau.domain.record.verify) and the admin log by its own (services.admin_log).
Needs no private key and signs nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from saylau.domain.errors import ValidationFailed
from saylau.domain.record.verify import VerificationFailed, verify_record
from saylau.services import admin_log, logs
from saylau.services.context import Saylau
from saylau.services.record_export import published_results
from saylau.store.backup.inventory import election_logs, row_counts


def open_and_verify(url: str, manifest: dict[str, Any], say: Callable[[str], None]
                     ) -> list[str]:
    """Open the restored store (migrating it when the backup's schema is older) and check it
    against the manifest and with the record's verifier."""
    app = Saylau.open(url)
    try:
        lines: list[str] = []
        with app.read() as conn:
            counts = row_counts(conn, manifest["rows"])
        for name, expected in sorted(manifest["rows"].items()):
            if counts[name] != expected:
                raise ValidationFailed(
                    f"table {name} has {counts[name]:,} rows after the restore, the backup had "
                    f"{expected:,}", code="restore_mismatch",
                    details={"field": f"rows.{name}", "expected": expected,
                             "actual": counts[name]})
        lines.append(f"{len(counts)} tables, {sum(counts.values()):,} rows: every count as in "
                     "the manifest")
        say(lines[-1])
        lines += verify_store(app, manifest, say)
        return lines
    finally:
        app.engine.dispose()


def verify_store(app: Saylau, manifest: dict[str, Any] | None = None,
                 say: Callable[[str], None] | None = None) -> list[str]:
    """Verify every election of the store with the record's own verifier: the Merkle root of
    the stored leaves against every signed tree head, every signature (tree heads by the
    central key named in the election's record), every protocol, and the results computed
    from the tables against those recomputed from the log. With a manifest, each election's
    log size, latest tree head and central key must also be the manifest's. Needs no private
    key and signs nothing."""
    emit = say or (lambda _line: None)
    lines: list[str] = []
    with app.read() as conn:
        found = election_logs(conn)
    if manifest is not None and sorted(found) != sorted(manifest["elections"]):
        raise ValidationFailed("the restored store holds other elections than the backup",
                               code="restore_mismatch",
                               details={"field": "elections",
                                        "expected": sorted(manifest["elections"]),
                                        "actual": sorted(found)})
    for eid, have in found.items():
        if manifest is not None:
            want = manifest["elections"][eid]
            for f in ("log_size", "tree_head", "central_public_key"):
                if have[f] != want.get(f):
                    raise ValidationFailed(
                        f"election {eid}: {f} after the restore differs from the backup's",
                        code="restore_mismatch",
                        details={"field": f"elections.{eid}.{f}", "expected": want.get(f),
                                 "actual": have[f]})
        central = have["central_public_key"]
        if central is None:
            raise ValidationFailed(f"election {eid} has no central commission key",
                                   code="restore_mismatch",
                                   details={"field": f"elections.{eid}.central_public_key",
                                            "expected": "one central key", "actual": None})
        try:
            report, _v = verify_record(logs.all_leaves(app, eid), logs.tree_heads(app, eid),
                                       bytes.fromhex(central), published_results(app, eid))
        except VerificationFailed as exc:
            raise VerificationFailed(f"election {eid}: {exc.message}",
                                     details={**exc.details, "election": eid}) from None
        head = have["tree_head"]
        if head is None:
            summary = "no signed tree head yet: no leaf is covered by the central signature"
        else:
            summary = (f"the latest signed tree head (size {head['size']:,}, root "
                       f"{head['root'][:16]}...) recomputed from the stored leaves and equal")
            if have["log_size"] > head["size"]:
                summary += f"; {have['log_size'] - head['size']:,} leaf(s) after it, not yet signed"
        lines.append(f"election {eid}: {have['log_size']:,} leaves; {summary}")
        emit(lines[-1])
        for line in report.lines:
            lines.append(f"  {line}")
            emit(lines[-1])
    lines.append(_verify_admin_log(app, [h["central_public_key"] for h in found.values()]))
    emit(lines[-1])
    return lines


def _verify_admin_log(app: Saylau, central_keys: list[str]) -> str:
    """The admin log (services.admin_log), checked like an election's log: leaf hashes, every
    signed head's root and signature (by the central key the elections' records name)."""
    keys = set(central_keys)
    if len(keys) > 1:
        raise ValidationFailed("the elections name different central keys: which one signed "
                               "the audit log is not known", code="restore_mismatch",
                               details={"field": "central_public_key", "expected": "one key",
                                        "actual": sorted(keys)})
    if not keys:
        return "audit log: no election, so no central key named to check it against (skipped)"
    check = admin_log.verify(app, keys.pop())
    if not check.ok:
        raise ValidationFailed(f"the audit log does not verify: {'; '.join(check.problems)}",
                               code="restore_mismatch",
                               details={"field": "audit", "expected": "a verified log",
                                        "actual": check.problems})
    return (f"audit log: {check.size:,} entries; the latest signed tree head (size "
            f"{check.head_size:,}) recomputed from the stored entries and equal")


__all__ = ["open_and_verify", "verify_store"]
