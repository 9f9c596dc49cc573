"""The verifiable record, as the layers above the services see it: one name for what lives in
the services' smaller rooms (the old single module's names, kept importable here).

    services.logs            appending to the logs, tree heads, proofs, sealing, central key
    services.election_log    the first leaves of a new election's log
    services.commission_keys registering, revoking and listing commissions' keys
    services.signatures      the checks of signatures on what commissions send
    services.record_export   the public record exported, and the results it publishes

No service imports this module (it would tie the rooms back together); the API, the site and
the commands may.
"""

from __future__ import annotations

from saylau.services.commission_keys import (
    KeyInfo,
    keys,
    register_key,
    register_keys,
    revoke_key,
)
from saylau.services.election_log import GEOGRAPHY_PART, contest_json, log_election, unit_json
from saylau.services.logs import (
    _tree,  # noqa: F401 - the Merkle tree of a log prefix, for tests of the proofs
    all_leaves,
    append,
    append_many,
    central_key,
    central_key_path,
    central_public_hex,
    consistency,
    head_at,
    inclusion,
    latest_head,
    leaf,
    log_size,
    protocol_leaf_index,
    seal_unsigned,
    sequence,
    tree_head,
    tree_heads,
)
from saylau.services.record_export import export_record, published_results
from saylau.services.signatures import (
    SIGNATURES_OPTIONAL,
    SIGNATURES_REQUIRED,
    check_signature,
    own_keys,
    signatures_rule,
)

__all__ = [
    "GEOGRAPHY_PART",
    "SIGNATURES_OPTIONAL",
    "SIGNATURES_REQUIRED",
    "KeyInfo",
    "all_leaves",
    "append",
    "append_many",
    "central_key",
    "central_key_path",
    "central_public_hex",
    "check_signature",
    "consistency",
    "contest_json",
    "export_record",
    "head_at",
    "inclusion",
    "keys",
    "latest_head",
    "leaf",
    "log_election",
    "log_size",
    "own_keys",
    "protocol_leaf_index",
    "published_results",
    "register_key",
    "register_keys",
    "revoke_key",
    "seal_unsigned",
    "sequence",
    "signatures_rule",
    "tree_head",
    "tree_heads",
    "unit_json",
]
