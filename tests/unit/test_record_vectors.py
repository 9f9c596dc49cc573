"""The test vectors of docs/record.md, rebuilt through saylau's public builders: if the code
or the document changes alone, this fails. Every figure printed in section 8 is checked."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from saylau.domain.record import (
    MerkleTree,
    TreeHead,
    canonical_bytes,
    canonical_text,
    leaf_bytes,
    leaf_hash,
    parse_canonical,
    record_signing_bytes,
)
from saylau.domain.record.envelope import (
    election_record,
    geography_record,
    key_body,
    key_record,
    key_revocation_record,
    protocol_record,
    turnout_record,
)
from saylau.domain.record.signing import (
    key_id,
    private_key_from_seed,
    public_key_bytes,
    sign_record,
    sign_tree_head,
    verify_record,
    verify_tree_head,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "record.md"

CEC = private_key_from_seed(bytes.fromhex(
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))  # RFC 8032 TEST 1
STATION = private_key_from_seed(bytes.fromhex(
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))  # RFC 8032 TEST 2
TERRITORIAL = private_key_from_seed(bytes(range(32)))
ELECTION = "ref-2024"
CONTEST = "ref-2024-q"
COUNTS = {"registered": 1200, "ballots_received": 1200, "ballots_issued": 845,
          "ballots_cancelled": 355, "ballots_in_boxes": 845, "invalid": 12, "both_marked": 3}


def _key(private: Any, unit: str, role: str) -> dict[str, Any]:
    public = public_key_bytes(private)
    return key_body(election=ELECTION, unit=unit, role=role, key=key_id(public),
                    public_key=public.hex())


def sample_log() -> list[dict[str, Any]]:
    """The seven records of docs/record.md section 8.3."""
    units = [
        {"id": "KZ-71-S1", "parent": "KZ-71", "kind": "station",
         "name": {"kk": "№1", "ru": "№1", "en": "No. 1"}, "code": None, "registered": 1200,
         "abroad": False},
        {"id": "KZ", "parent": None, "kind": "country",
         "name": {"kk": "Қазақстан", "ru": "Казахстан", "en": "Kazakhstan"}, "code": None,
         "registered": 0, "abroad": False},
        {"id": "KZ-71", "parent": "KZ", "kind": "city",
         "name": {"kk": "Астана", "ru": "Астана", "en": "Astana"}, "code": "KZ-71",
         "registered": 0, "abroad": False},
    ]
    election = {
        "election": ELECTION,
        "name": {"kk": "Референдум", "ru": "Референдум", "en": "Referendum"},
        "ruleset": "kz-2022", "date": "2024-06-05",
        "contests": [{"contest": CONTEST, "kind": "referendum", "area": "KZ",
                      "options": ["yes", "no"]}],
        "keys": [_key(CEC, "KZ", "central"), _key(STATION, "KZ-71-S1", "commission")],
    }
    corrected = dict(COUNTS, invalid=11)
    return [
        sign_record(geography_record(units, recorded_by="cec",
                                     recorded_at="2024-06-01T04:00:00Z"), CEC),
        sign_record(election_record(election, recorded_by="cec",
                                    recorded_at="2024-06-01T04:05:00Z"), CEC),
        sign_record(key_record(**_key(TERRITORIAL, "KZ-71", "commission"), recorded_by="cec",
                               recorded_at="2024-06-02T09:30:00Z"), CEC),
        sign_record(turnout_record(contest=CONTEST, station="KZ-71-S1", at="10:00",
                                   ballots_issued=312, recorded_by="KZ-71-S1",
                                   recorded_at="2024-06-05T05:01:07Z"), STATION),
        sign_record(protocol_record(contest=CONTEST, station="KZ-71-S1", version=1,
                                    counts=COUNTS, votes={"yes": 610, "no": 220}, reason=None,
                                    recorded_by="KZ-71-S1",
                                    recorded_at="2024-06-05T17:20:00Z"), STATION),
        sign_record(protocol_record(contest=CONTEST, station="KZ-71-S1", version=2,
                                    counts=corrected, votes={"yes": 611, "no": 220},
                                    reason="one ballot counted as invalid was valid (yes)",
                                    recorded_by="KZ-71-S1",
                                    recorded_at="2024-06-05T19:02:45.5Z"), STATION),
        sign_record(key_revocation_record(election=ELECTION,
                                          key=key_id(public_key_bytes(TERRITORIAL)),
                                          reason="key replaced", recorded_by="cec",
                                          recorded_at="2024-06-06T08:00:00Z"), CEC),
    ]


LEAF_HASHES = [
    "c1b72b2c574e55a28c07db0c686204da67faffa127944790d4d5c6ffba3c239d",
    "cc28630aa971f25515fadfe48c8f86a72844d32e2edd6b2dc7710b9cd6b260b3",
    "3f8361f343e8116cc7fd43335c1e86423a4d5266db6718900438e812b4e76ecd",
    "581439476fbe183713a222a1804d8f2aa8a3a8241006dd63cf263db700f04840",
    "6126bfb7a563baef586ec4fc43d536e1c2896d19b3204f675d54c93d68e42fed",
    "839a42847e9e6bb883c58c0d36914bf544aec595e4257b2fa6689fbacbb81c29",
    "08624dbdabd649475f4e55f052a4e8ca005cbf56e5e1ee809e7b0911d7fd35a7",
]
ROOT_3 = "f7807d64dda9d36b641623cb6c3bf163ab22dc0a3a4c5007cd1896a0de54e29c"
ROOT_7 = "03aa7598bb036694ce398c42b678183f5d37ef833df2ad102a5d907d04b9559c"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def log() -> list[dict[str, Any]]:
    return sample_log()


def test_leaves_are_printed_exactly(doc: str, log: list[dict[str, Any]]) -> None:
    blocks = re.findall(r"```json\n(.*?)\n```", doc, flags=re.DOTALL)
    for i, record in enumerate(log):
        data = leaf_bytes(record)
        assert leaf_hash(data).hex() == LEAF_HASHES[i]
        assert data.decode("utf-8") in blocks, f"leaf {i} is not printed as its bytes"
        assert f"**Leaf {i}**" in doc and f"{len(data)} bytes; leaf hash `{LEAF_HASHES[i]}`" in doc
        assert parse_canonical(data) == record


def test_signatures_verify(log: list[dict[str, Any]]) -> None:
    cec, station = public_key_bytes(CEC), public_key_bytes(STATION)
    for record in log:
        key = station if record["type"] in {"protocol", "turnout"} else cec
        assert verify_record(record, key)


def test_signed_bytes_of_the_protocol(doc: str, log: list[dict[str, Any]]) -> None:
    signed = record_signing_bytes(log[4])
    assert len(signed) == 283 and "283 bytes" in doc
    assert signed.decode() in doc


def test_tree_roots_nodes_and_tree_heads(doc: str, log: list[dict[str, Any]]) -> None:
    tree = MerkleTree.of_leaves(leaf_bytes(r) for r in log)
    assert tree.root(3).hex() == ROOT_3 and tree.root().hex() == ROOT_7
    for start, end in ((0, 2), (2, 4), (4, 6), (0, 4), (4, 7)):
        line = f"MTH(D[{start}:{end}]) {tree.subtree_hash(start, end).hex()}"
        assert line in doc
    for size, root, at in ((3, ROOT_3, "2024-06-02T10:00:00Z"),
                           (7, ROOT_7, "2024-06-06T08:00:05Z")):
        head = sign_tree_head(TreeHead(size, root, at), CEC)
        assert verify_tree_head(head, public_key_bytes(CEC))
        assert canonical_text(head.as_json()) in doc


def test_proofs(doc: str, log: list[dict[str, Any]]) -> None:
    tree = MerkleTree.of_leaves(leaf_bytes(r) for r in log)
    inclusion = tree.inclusion_proof(4)
    assert inclusion.verify(bytes.fromhex(LEAF_HASHES[4]), bytes.fromhex(ROOT_7))
    assert canonical_text(inclusion.as_json()) in doc
    consistency = tree.consistency_proof(3)
    assert consistency.verify(bytes.fromhex(ROOT_3), bytes.fromhex(ROOT_7))
    assert canonical_text(consistency.as_json()) in doc


def test_keys_table(doc: str) -> None:
    for private in (CEC, STATION, TERRITORIAL):
        public = public_key_bytes(private)
        row = f"`{public.hex()}` | `{key_id(public)}` |"
        assert row in doc


def test_worked_canonical_example(doc: str) -> None:
    value = {"votes": {"yes": 610, "no": 220}, "station": "KZ-71-S1", "note": "\u049a\n",
             "\U0001f600": -1, "\ufb33": [True, None]}
    data = canonical_bytes(value)
    assert data.decode() in doc
    hex_block = re.search(r"bytes in hex:\n\n```\n(.*?)\n```", doc, flags=re.DOTALL)
    assert hex_block is not None
    assert hex_block.group(1).replace("\n", "") == data.hex()
    assert f"{len(data)} bytes in hex" in doc
    assert hashlib.sha256(data).hexdigest() in doc


def test_published_merkle_roots_are_quoted(doc: str) -> None:
    from tests.unit.test_merkle import ROOTS

    for size in range(1, 9):
        assert f"{size} {ROOTS[size].hex()}" in doc
