"""The batch keyed hash (`privacy.hash_all`: the HMAC's two keyed SHA-256 states made once and
copied for each IIN) equals the standard library's HMAC-SHA-256 of each text, for every key
length (shorter than, equal to and longer than SHA-256's 64-byte block, which RFC 2104 hashes
first) and every text (empty, non-ASCII, holding the newline the batch path splits on)."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from saylau.domain.parties import privacy

keys = st.one_of(st.binary(min_size=0, max_size=130), st.sampled_from(
    [b"", b"k" * 32, b"x" * 64, b"y" * 65, bytes(range(256))]))
texts = st.one_of(st.text(alphabet="0123456789", min_size=12, max_size=12),
                  st.text(max_size=20), st.sampled_from(["", "\n", "1\n2", "\u0660" * 12]))


@given(keys, st.lists(texts, max_size=30))
def test_batch_equals_hmac_of_each(key: bytes, batch: list[str]) -> None:
    want = [hmac.new(key, t.encode("utf-8"), hashlib.sha256).hexdigest() for t in batch]
    assert privacy.hash_all(key, batch) == want
    assert privacy.hash_all(key, tuple(batch)) == want
    assert [privacy.iin_hash(key, t) for t in batch] == want


def test_a_known_value() -> None:
    """RFC 4231 test case 2 (key "Jefe"), through the batch path."""
    got = privacy.hash_all(b"Jefe", ["what do ya want for nothing?"] * 2)
    assert got == ["5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"] * 2
