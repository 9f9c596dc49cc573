"""The Merkle tree against published RFC 6962 / RFC 9162 test vectors.

Source of every figure below: github.com/transparency-dev/merkle (the Go library that
Certificate Transparency and Trillian use): testonly/constants.go (the eight leaf inputs, the
hashes of every complete subtree, the roots of the trees of 0 to 8 leaves) and
proof/verify_test.go (inclusion and consistency proofs in those trees, and the ways it
corrupts them). Those files number leaves from 1; here they are numbered from 0, as RFC 9162
does. The same leaves and roots appear in certificate-transparency's C++ merkle_tree_test.cc.
"""

from __future__ import annotations

import hashlib

import pytest

from saylau.domain.errors import ValidationFailed
from saylau.domain.record.merkle import (
    EMPTY_ROOT,
    ConsistencyProof,
    Frontier,
    InclusionProof,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


LEAVES = [h(x) for x in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]

NODE_HASHES = [  # level -> hashes of the complete subtrees of 2**level leaves, left to right
    [h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
     h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
     h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
     h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
     h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
     h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
     h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
     h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1")],
    [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
     h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
     h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
     h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0")],
    [h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
     h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")],
    [h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")],
]

ROOTS = [  # by tree size, 0 to 8
    h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

INCLUSION = [  # (leaf index from 0, tree size, path)
    (0, 1, []),
    (0, 8, [NODE_HASHES[0][1], NODE_HASHES[1][1], NODE_HASHES[2][1]]),
    (5, 8, [NODE_HASHES[0][4], NODE_HASHES[1][3], NODE_HASHES[2][0]]),
    (2, 3, [NODE_HASHES[1][0]]),
    (1, 5, [NODE_HASHES[0][0], NODE_HASHES[1][1], NODE_HASHES[0][4]]),
]

CONSISTENCY = [  # (first size, second size, path)
    (1, 1, []),
    (1, 8, [NODE_HASHES[0][1], NODE_HASHES[1][1], NODE_HASHES[2][1]]),
    (6, 8, [NODE_HASHES[1][2], NODE_HASHES[1][3], NODE_HASHES[2][0]]),
    (2, 5, [NODE_HASHES[1][1], NODE_HASHES[0][4]]),
    (6, 7, [NODE_HASHES[1][2], NODE_HASHES[0][6], NODE_HASHES[2][0]]),
]

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")

TREE = MerkleTree.of_leaves(LEAVES)


def test_the_vectors_spell_out_the_same_hashes() -> None:
    # the proofs above are written with NODE_HASHES; check they are the published literals
    assert NODE_HASHES[1][1].hex().startswith("5f083f0a")
    assert NODE_HASHES[1][2].hex().startswith("0ebc5d34")
    assert NODE_HASHES[2][1].hex().startswith("6b47aaf2")


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == ROOTS[0]
    assert root_hash([]) == EMPTY_ROOT
    assert MerkleTree.of([]).root() == EMPTY_ROOT


def test_leaf_and_node_hashes() -> None:
    assert [leaf_hash(d) for d in LEAVES] == NODE_HASHES[0]
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    for level in range(1, 4):
        for i, expected in enumerate(NODE_HASHES[level]):
            left, right = NODE_HASHES[level - 1][2 * i], NODE_HASHES[level - 1][2 * i + 1]
            assert node_hash(left, right) == expected
    assert [TREE.levels[k][32 * i: 32 * i + 32] for k in range(4)
            for i in range(8 >> k)] == [x for level in NODE_HASHES for x in level]


@pytest.mark.parametrize("size", range(9))
def test_roots_of_every_size(size: int) -> None:
    hashes = [leaf_hash(d) for d in LEAVES[:size]]
    assert root_hash(hashes) == ROOTS[size]
    assert MerkleTree.of(hashes).root() == ROOTS[size]
    assert TREE.root(size) == ROOTS[size]
    assert Frontier().extend(hashes).root() == ROOTS[size]


def test_frontier_appends_one_at_a_time_and_round_trips_json() -> None:
    f = Frontier()
    for size, d in enumerate(LEAVES, start=1):
        f = f.append(leaf_hash(d))
        assert f.size == size and f.root() == ROOTS[size]
        assert len(f.hashes) == bin(size).count("1")
        assert Frontier.from_json(f.as_json()) == f
    assert Frontier().extend(leaf_hash(d) for d in LEAVES[:3]).extend(
        leaf_hash(d) for d in LEAVES[3:]) == f


def test_frontier_refuses_a_wrong_shape() -> None:
    with pytest.raises(ValidationFailed):
        Frontier(3, (EMPTY_ROOT,))
    with pytest.raises(ValidationFailed):
        Frontier(1, (b"short",))
    with pytest.raises(ValidationFailed):
        Frontier().append(b"short")


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_published_ones(
    index: int, size: int, path: list[bytes]
) -> None:
    proof = TREE.inclusion_proof(index, size)
    assert proof == InclusionProof(index, size, tuple(path))
    assert proof.verify(leaf_hash(LEAVES[index]), ROOTS[size])
    assert verify_inclusion(leaf_hash(LEAVES[index]), index, size, path, ROOTS[size])
    assert InclusionProof.from_json(proof.as_json()) == proof


def _inclusion_probes(
    index: int, size: int, path: list[bytes], root: bytes, leaf: bytes
) -> list[tuple[int, int, list[bytes], bytes, bytes, str]]:
    """The corruptions proof/verify_test.go applies; each must fail."""
    probes = [
        (index - 1, size, path, root, leaf, "index - 1"),
        (index + 1, size, path, root, leaf, "index + 1"),
        (index ^ 2, size, path, root, leaf, "index ^ 2"),
        (index, size * 2, path, root, leaf, "size * 2"),
        (index, size // 2, path, root, leaf, "size / 2"),
        (index, size, path, root, b"WrongLeaf", "wrong leaf"),
        (index, size, path, EMPTY_ROOT, leaf, "empty root"),
        (index, size, path, SOME_HASH, leaf, "some other root"),
        (index, size, [*path, b""], root, leaf, "trailing garbage"),
        (index, size, [*path, root], root, leaf, "trailing root"),
        (index, size, [b"", *path], root, leaf, "preceding garbage"),
        (index, size, [root, *path], root, leaf, "preceding root"),
    ]
    for i in range(len(path)):
        bad = list(path)
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        probes.append((index, size, bad, root, leaf, f"path[{i}] bit 3 flipped"))
    if path:
        probes.append((index, size, path[:-1], root, leaf, "removed component"))
    if len(path) > 1:
        probes.append((index, size, [path[0], SOME_HASH, *path[1:]], root, leaf,
                       "inserted component"))
    return probes


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION[1:])
def test_corrupted_inclusion_proofs_fail(index: int, size: int, path: list[bytes]) -> None:
    leaf = leaf_hash(LEAVES[index])
    wrongly_verified = [
        desc for i, n, p, root, lh, desc in _inclusion_probes(index, size, path, ROOTS[size], leaf)
        if verify_inclusion(lh, i, n, p, root)
    ]
    assert wrongly_verified == []


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (0, 1)])
def test_inclusion_edge_cases(index: int, size: int) -> None:
    assert not verify_inclusion(SOME_HASH, index, size, [], b"")
    assert not verify_inclusion(b"", index, size, [], EMPTY_ROOT)
    assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


def test_single_leaf_tree_root_is_its_leaf_hash() -> None:
    data = leaf_hash(b"data")
    assert verify_inclusion(data, 0, 1, [], data)
    assert not verify_inclusion(data, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], data)


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_published_ones(
    first: int, second: int, path: list[bytes]
) -> None:
    proof = TREE.consistency_proof(first, second)
    assert proof == ConsistencyProof(first, second, tuple(path))
    assert proof.verify(ROOTS[first], ROOTS[second])
    assert ConsistencyProof.from_json(proof.as_json()) == proof


@pytest.mark.parametrize(("first", "second", "path"), [c for c in CONSISTENCY if c[2]])
def test_corrupted_consistency_proofs_fail(first: int, second: int, path: list[bytes]) -> None:
    r1, r2 = ROOTS[first], ROOTS[second]
    probes = [
        (first - 1, second, r1, r2, path, "first - 1"),
        (first + 1, second, r1, r2, path, "first + 1"),
        (first ^ 2, second, r1, r2, path, "first ^ 2"),
        (first, second * 2, r1, r2, path, "second * 2"),
        (first, second // 2, r1, r2, path, "second / 2"),
        (first, second, b"WrongRoot", r2, path, "wrong first root"),
        (first, second, r1, b"WrongRoot", path, "wrong second root"),
        (first, second, r2, r1, path, "swapped roots"),
        (first, second, r1, r2, [], "empty proof"),
        (first, second, r1, r2, [*path, b""], "trailing garbage"),
        (first, second, r1, r2, [*path, r1], "trailing first root"),
        (first, second, r1, r2, [*path, r2], "trailing second root"),
        (first, second, r1, r2, [b"", *path], "preceding garbage"),
        (first, second, r1, r2, [r1, *path], "preceding first root"),
        (first, second, r1, r2, [r2, *path], "preceding second root"),
        (first, second, r1, r2, [path[0], *path], "preceding path[0]"),
        (first, second, r1, r2, path[:-1], "truncated"),
    ]
    for i in range(len(path)):
        bad = list(path)
        bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
        probes.append((first, second, r1, r2, bad, f"path[{i}] bit 4 flipped"))
    wrongly_verified = [d for m, n, a, b, p, d in probes if verify_consistency(m, n, p, a, b)]
    assert wrongly_verified == []


@pytest.mark.parametrize(("first", "second", "root1", "root2", "path", "ok"), [
    (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
    (1, 1, ROOTS[1], ROOTS[1], [], True),
    (0, 5, EMPTY_ROOT, ROOTS[5], [], True),
    (0, 0, b"don't care 1", b"don't care 2", [], False),   # equal sizes, different roots
    (1, 1, ROOTS[1], ROOTS[2], [], False),
    (1, 0, ROOTS[1], EMPTY_ROOT, [], False),               # back in time
    (2, 1, ROOTS[2], ROOTS[1], [], False),
    (1, 2, ROOTS[1], ROOTS[2], [], False),                 # a proof is needed
    (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),   # roots match, proof not empty
    (0, 1, EMPTY_ROOT, ROOTS[1], [EMPTY_ROOT], False),
    (1, 1, ROOTS[1], ROOTS[1], [EMPTY_ROOT], False),
    (0, 3, SOME_HASH, ROOTS[3], [], False),                # stricter than the Go library
])
def test_consistency_edge_cases(
    first: int, second: int, root1: bytes, root2: bytes, path: list[bytes], ok: bool
) -> None:
    assert verify_consistency(first, second, path, root1, root2) is ok


def test_every_pair_and_every_leaf_of_the_published_tree() -> None:
    for second in range(9):
        for first in range(second + 1):
            assert TREE.consistency_proof(first, second).verify(ROOTS[first], ROOTS[second])
        for index in range(second):
            assert TREE.inclusion_proof(index, second).verify(leaf_hash(LEAVES[index]),
                                                              ROOTS[second])


def test_out_of_range_requests_are_refused_with_the_numbers() -> None:
    with pytest.raises(ValidationFailed) as err:
        TREE.inclusion_proof(8)
    assert err.value.details["findings"][0]["actual"] == 8
    with pytest.raises(ValidationFailed):
        TREE.inclusion_proof(3, 3)
    with pytest.raises(ValidationFailed):
        TREE.root(9)
    with pytest.raises(ValidationFailed):
        TREE.consistency_proof(5, 4)
    with pytest.raises(ValidationFailed):
        TREE.consistency_proof(1, 9)
    with pytest.raises(ValidationFailed):
        TREE.leaf_hash(-1)
    with pytest.raises(ValidationFailed):
        MerkleTree.of([b"short"])


@pytest.mark.parametrize("data", [
    {"index": 0, "size": 1, "path": "ab"},
    {"index": -1, "size": 1, "path": []},
    {"index": True, "size": 1, "path": []},
    {"index": 0, "size": 1, "path": ["AB" * 32]},
    {"index": 0, "size": 1, "path": ["ab" * 31]},
])
def test_proof_json_is_checked(data: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed):
        InclusionProof.from_json(data)
