"""An IIN as saylau keeps it: a keyed hash and its last four digits, never the number itself
(docs/law.md §10.3, §12; issue 13, "Privacy").

The hash is HMAC-SHA-256 (RFC 2104 with SHA-256, FIPS 198-1) of the IIN's twelve ASCII
characters under the party register's key: the same IIN gives the same hash in every party's
list, so duplicates within a list, one party per citizen across lists and the barred-officials
register are all checked on hashes; without the key nobody can test guessed IINs against a
stored hash (there are only about 10^11 of them: an unkeyed hash would be reversed by trying
them all). The key is kept by the shell like the central commission's signing key
(store/parties_key.py); the domain only computes with it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class KeptIin:
    """What is stored of an IIN."""

    hash: str
    """HMAC-SHA-256 of the IIN under the register's key, 64 lowercase hex digits."""
    last4: str
    """Its last four characters, for display ("…0012")."""


def iin_hash(key: bytes, iin: str) -> str:
    """HMAC-SHA-256 of the IIN's text (stripped of nothing: the caller passes the cell as the
    list gives it, after trimming spaces), hex."""
    return hmac.digest(key, iin.encode("utf-8"), hashlib.sha256).hex()


def keep(key: bytes, iin: str) -> KeptIin:
    return KeptIin(iin_hash(key, iin), iin[-4:])


def hash_all(key: bytes, iins: list[str] | tuple[str, ...]) -> list[str]:
    """`iin_hash` of every IIN, in order (the hot loop of a million-row check: one C call per
    IIN)."""
    digest = hmac.digest
    sha = hashlib.sha256
    return [digest(key, t.encode("utf-8"), sha).hex() for t in iins]


def key_id(key: bytes) -> str:
    """A public name of the key (16 hex digits): what rows record, so that a store started
    with another key is noticed instead of silently finding no duplicates."""
    return hashlib.sha256(b"saylau parties key id\x00" + key).hexdigest()[:16]
