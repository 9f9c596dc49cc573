"""The old name of services.admin_log, kept only for the layers that still import it (api/app.py
and cli/main.py at the time of the rename): the administrative actions' log is the admin log,
so that risk-limiting audits can take the word. Import services.admin_log instead; this module
goes once nothing imports it."""

from __future__ import annotations

from saylau.services.admin_log import (
    ADMIN_LOG,
    ENTRY_TYPE,
    LEAF_TYPES,
    Action,
    AdminLogCheck,
    entries,
    entry_bytes,
    inclusion,
    log_action,
    tree_head,
    verify,
)

AUDIT_LOG = ADMIN_LOG
AUDIT_TYPE = ENTRY_TYPE
AuditCheck = AdminLogCheck

__all__ = [
    "AUDIT_LOG",
    "AUDIT_TYPE",
    "LEAF_TYPES",
    "Action",
    "AuditCheck",
    "entries",
    "entry_bytes",
    "inclusion",
    "log_action",
    "tree_head",
    "verify",
]
