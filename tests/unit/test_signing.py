"""Ed25519 signatures over canonical bytes: records, tree heads, key ids, key files.

The key pairs and the signature of the empty message are RFC 8032 section 7.1, TEST 1 and
TEST 2 (published test vectors of Ed25519).
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from saylau.domain.errors import Conflict, NotFound, ValidationFailed
from saylau.domain.record.envelope import (
    Signature,
    key_record,
    protocol_record,
    record_signing_bytes,
    signing_bytes,
)
from saylau.domain.record.merkle import TreeHead, record_leaf_hash
from saylau.domain.record.signing import (
    key_id,
    private_key_from_seed,
    public_key_bytes,
    public_key_from_hex,
    sign,
    sign_body,
    sign_record,
    sign_tree_head,
    verify,
    verify_record,
    verify_tree_head,
)
from saylau.services import keys

RFC8032_TEST1_SEED = bytes.fromhex(
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_TEST1_PUBLIC = bytes.fromhex(
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_TEST1_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701"
    "cf9b46bd25bf5f0595bbe24655141438e7a100b")
RFC8032_TEST2_SEED = bytes.fromhex(
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
RFC8032_TEST2_PUBLIC = bytes.fromhex(
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")

CEC = private_key_from_seed(RFC8032_TEST1_SEED)
STATION = private_key_from_seed(RFC8032_TEST2_SEED)

COUNTS = {"registered": 1200, "ballots_received": 1200, "ballots_issued": 845,
          "ballots_cancelled": 355, "ballots_in_boxes": 845, "invalid": 12, "both_marked": 3}


def protocol(**changes: object) -> dict[str, object]:
    args: dict[str, object] = {
        "contest": "ref-2024-q", "station": "KZ-71-S1", "version": 1, "counts": COUNTS,
        "votes": {"yes": 610, "no": 220}, "reason": None, "recorded_by": "KZ-71-S1",
        "recorded_at": "2024-06-05T17:20:00Z",
    }
    args.update(changes)
    return protocol_record(**args)  # type: ignore[arg-type]


def test_rfc8032_test_vectors() -> None:
    assert public_key_bytes(CEC) == RFC8032_TEST1_PUBLIC
    assert public_key_bytes(STATION) == RFC8032_TEST2_PUBLIC
    signature = sign(CEC, b"")
    assert signature.value == RFC8032_TEST1_SIGNATURE
    assert verify(RFC8032_TEST1_PUBLIC, b"", RFC8032_TEST1_SIGNATURE)
    assert not verify(RFC8032_TEST2_PUBLIC, b"", RFC8032_TEST1_SIGNATURE)
    assert not verify(RFC8032_TEST1_PUBLIC, b"\x00", RFC8032_TEST1_SIGNATURE)


def test_key_id_is_the_first_16_bytes_of_sha256_of_the_raw_key() -> None:
    assert key_id(RFC8032_TEST1_PUBLIC) == hashlib.sha256(RFC8032_TEST1_PUBLIC).hexdigest()[:32]
    assert key_id(RFC8032_TEST1_PUBLIC) == "21fe31dfa154a261626bf854046fd227"
    assert sign(CEC, b"x").key == key_id(RFC8032_TEST1_PUBLIC)
    with pytest.raises(ValidationFailed):
        key_id(b"short")


def test_public_key_from_hex() -> None:
    assert public_key_from_hex(RFC8032_TEST1_PUBLIC.hex()) == RFC8032_TEST1_PUBLIC
    for bad in ("", "zz" * 32, RFC8032_TEST1_PUBLIC.hex().upper(), "ab" * 31):
        with pytest.raises(ValidationFailed):
            public_key_from_hex(bad)


def test_signed_record_verifies_with_its_key_only() -> None:
    record = sign_record(protocol(), STATION)
    assert record["signature"]["key"] == key_id(RFC8032_TEST2_PUBLIC)
    assert verify_record(record, RFC8032_TEST2_PUBLIC)
    assert not verify_record(record, RFC8032_TEST1_PUBLIC)
    assert not verify_record(protocol(), RFC8032_TEST2_PUBLIC)  # unsigned


def test_the_signature_covers_v_type_and_body() -> None:
    record = sign_record(protocol(), STATION)
    assert record_signing_bytes(record) == signing_bytes("protocol", record["body"])
    tampered_votes = {**record, "body": {**record["body"], "votes": {"yes": 611, "no": 220}}}
    assert not verify_record(tampered_votes, RFC8032_TEST2_PUBLIC)
    tampered_type = {**record, "type": "turnout"}
    assert not verify_record(tampered_type, RFC8032_TEST2_PUBLIC)
    bad_value = bytes.fromhex(record["signature"]["value"])
    flipped = {**record, "signature": {"key": record["signature"]["key"],
                                       "value": (bytes([bad_value[0] ^ 1]) + bad_value[1:]).hex()}}
    assert not verify_record(flipped, RFC8032_TEST2_PUBLIC)


def test_recorded_is_outside_the_signature_but_inside_the_leaf() -> None:
    # the commission signs before the server stamps 'recorded'; the log commits to both
    record = sign_record(protocol(), STATION)
    restamped = {**record, "recorded": {"at": "2024-06-05T18:00:00Z", "by": "KZ-71-S1"}}
    assert verify_record(restamped, RFC8032_TEST2_PUBLIC)
    assert record_leaf_hash(restamped) != record_leaf_hash(record)


def test_a_commission_can_sign_before_the_record_exists() -> None:
    unsigned = protocol()
    signature = sign_body(STATION, "protocol", unsigned["body"])  # type: ignore[arg-type]
    made = protocol(signature=signature)
    assert verify_record(made, RFC8032_TEST2_PUBLIC)
    assert made == sign_record(unsigned, STATION)  # Ed25519 is deterministic


def test_tree_heads() -> None:
    head = TreeHead(7, "03aa7598bb036694ce398c42b678183f5d37ef833df2ad102a5d907d04b9559c",
                    "2024-06-06T08:00:05Z")
    assert head.signing_bytes() == (
        b'{"body":{"root":"03aa7598bb036694ce398c42b678183f5d37ef833df2ad102a5d907d04b9559c",'
        b'"size":7,"timestamp":"2024-06-06T08:00:05Z"},"type":"tree-head","v":1}'
    )
    signed = sign_tree_head(head, CEC)
    assert verify_tree_head(signed, RFC8032_TEST1_PUBLIC)
    assert not verify_tree_head(head, RFC8032_TEST1_PUBLIC)         # unsigned
    assert not verify_tree_head(signed, RFC8032_TEST2_PUBLIC)       # another key
    for changed in (TreeHead(8, signed.root, signed.timestamp, signed.signature),
                    TreeHead(7, "00" * 32, signed.timestamp, signed.signature),
                    TreeHead(7, signed.root, "2024-06-06T08:00:06Z", signed.signature)):
        assert not verify_tree_head(changed, RFC8032_TEST1_PUBLIC)
    assert TreeHead.from_json(signed.as_json()) == signed


@pytest.mark.parametrize("data", [
    {"v": 2, "type": "tree-head", "body": {"size": 1, "root": "00" * 32,
                                           "timestamp": "2024-06-06T08:00:05Z"}},
    {"v": 1, "type": "protocol", "body": {"size": 1, "root": "00" * 32,
                                          "timestamp": "2024-06-06T08:00:05Z"}},
    {"v": 1, "type": "tree-head", "body": {"size": -1, "root": "00" * 32,
                                           "timestamp": "2024-06-06T08:00:05Z"}},
    {"v": 1, "type": "tree-head", "body": {"size": 1, "root": "00" * 31,
                                           "timestamp": "2024-06-06T08:00:05Z"}},
    {"v": 1, "type": "tree-head", "body": {"size": 1, "root": "00" * 32,
                                           "timestamp": "2024-06-06 08:00:05"}},
    {"v": 1, "type": "tree-head", "body": {"size": 1, "root": "00" * 32}},
    {"v": 1, "type": "tree-head", "body": {"size": 1, "root": "00" * 32,
                                           "timestamp": "2024-06-06T08:00:05Z"}, "extra": 1},
])
def test_malformed_tree_heads_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed):
        TreeHead.from_json(data)


def test_malformed_keys_and_signatures_do_not_verify() -> None:
    assert not verify(b"short", b"", RFC8032_TEST1_SIGNATURE)
    assert not verify(RFC8032_TEST1_PUBLIC, b"", b"short")
    with pytest.raises(ValidationFailed):
        Signature("21fe31dfa154a261626bf854046fd227", b"short")
    with pytest.raises(ValidationFailed):
        Signature("not-a-key-id", RFC8032_TEST1_SIGNATURE)
    with pytest.raises(ValidationFailed):
        private_key_from_seed(b"short")


def test_a_key_record_must_name_its_own_key() -> None:
    public = RFC8032_TEST2_PUBLIC.hex()
    ok = key_record(election="e", unit="KZ-71-S1", role="commission", key=key_id(
        RFC8032_TEST2_PUBLIC), public_key=public, recorded_by="cec",
        recorded_at="2024-06-01T00:00:00Z")
    assert ok["body"]["public_key"] == public
    with pytest.raises(ValidationFailed, match="not the id"):
        key_record(election="e", unit="KZ-71-S1", role="commission",
                   key=key_id(RFC8032_TEST1_PUBLIC), public_key=public, recorded_by="cec",
                   recorded_at="2024-06-01T00:00:00Z")


# ---- key files (services.keys) ------------------------------------------------------------


def test_generated_keys_sign_and_round_trip_through_pem(tmp_path: Path) -> None:
    private, public = keys.generate_keypair()
    assert len(public) == 32 and keys.public_key_hex(private) == public.hex()
    keys.save_private_key(private, tmp_path / "k.pem")
    keys.save_public_key(public, tmp_path / "k.pub.pem")
    assert stat.S_IMODE((tmp_path / "k.pem").stat().st_mode) == 0o600
    loaded = keys.load_private_key(tmp_path / "k.pem")
    assert public_key_bytes(loaded) == public
    assert keys.load_public_key(tmp_path / "k.pub.pem") == public
    assert verify(public, b"m", sign(loaded, b"m").value)
    other, _ = keys.generate_keypair()
    assert public_key_bytes(other) != public


def test_encrypted_private_key(tmp_path: Path) -> None:
    private, public = keys.generate_keypair()
    keys.save_private_key(private, tmp_path / "k.pem", passphrase=b"correct horse")
    assert b"ENCRYPTED" in (tmp_path / "k.pem").read_bytes()
    assert public_key_bytes(keys.load_private_key(tmp_path / "k.pem", b"correct horse")) == public
    with pytest.raises(ValidationFailed):
        keys.load_private_key(tmp_path / "k.pem", b"wrong")


def test_key_files_are_never_overwritten_and_errors_say_why(tmp_path: Path) -> None:
    private, _ = keys.generate_keypair()
    keys.save_private_key(private, tmp_path / "k.pem")
    with pytest.raises(Conflict):
        keys.save_private_key(private, tmp_path / "k.pem")
    with pytest.raises(NotFound):
        keys.load_private_key(tmp_path / "missing.pem")
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(ValidationFailed):
        keys.load_private_key(tmp_path / "junk.pem")
    with pytest.raises(ValidationFailed):
        keys.load_public_key(tmp_path / "junk.pem")
    with pytest.raises(ValidationFailed):
        keys.load_public_key(tmp_path / "k.pem")  # a private key where a public one belongs
