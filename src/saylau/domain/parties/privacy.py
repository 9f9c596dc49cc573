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
    """`iin_hash` of every IIN, in order: the hot loop of a million-row check.

    HMAC-SHA-256 is H((K ^ opad) || H((K ^ ipad) || m)) (RFC 2104). The two keyed blocks are
    the same for every IIN, so their SHA-256 states are computed once and copied for each
    IIN (what OpenSSL's HMAC does inside one call, without making them again each time):
    one inner and one outer compression per twelve-digit IIN. Equal to `iin_hash` for every
    key and text (tests/property/test_parties_privacy.py holds them equal)."""
    block = hashlib.sha256().block_size
    k = hashlib.sha256(key).digest() if len(key) > block else key
    k = k.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
    out: list[str] = []
    if not iins:
        return out
    # every text encoded in one C call, split at the newlines joined in (when no text holds
    # one; else one by one)
    texts = "\n".join(iins).encode("utf-8").split(b"\n")
    if len(texts) != len(iins):
        texts = [t.encode("utf-8") for t in iins]
    push = out.append
    icopy, ocopy = inner.copy, outer.copy
    for t in texts:
        i = icopy()
        i.update(t)
        o = ocopy()
        o.update(i.digest())
        push(o.hexdigest())
    return out


def key_id(key: bytes) -> str:
    """A public name of the key (16 hex digits): what rows record, so that a store started
    with another key is noticed instead of silently finding no duplicates."""
    return hashlib.sha256(b"saylau parties key id\x00" + key).hexdigest()[:16]
