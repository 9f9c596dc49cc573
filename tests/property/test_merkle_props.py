"""Property tests of the Merkle log against a naive implementation written here from the
text of RFC 9162 section 2.1 (recursive MTH, PATH, PROOF/SUBPROOF), separately from the
project's code: roots, inclusion proofs for every leaf, consistency proofs for every pair of
sizes, and their failure on a wrong leaf, index, root or path."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.domain.record.merkle import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

# ---- the naive oracle: straight from the RFC's recursive definitions ----------------------


def naive_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def naive_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_mth(leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return naive_leaf(leaves[0])
    k = naive_split(n)
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = naive_split(n)
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_mth(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_mth(leaves)]
    k = naive_split(n)
    if m <= k:
        return [*naive_subproof(m, leaves[:k], whole), naive_mth(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_mth(leaves[:k])]


def naive_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    return naive_subproof(m, leaves, True) if 0 < m < len(leaves) else []


# ---- strategies ---------------------------------------------------------------------------


@st.composite
def logs(draw: st.DrawFn, max_size: int = 200) -> list[bytes]:
    """Distinct leaves (a leaf's bytes start with its index), so that no two leaves hash alike
    and a proof for one leaf can never pass for another."""
    n = draw(st.integers(1, max_size))
    salt = draw(st.binary(max_size=8))
    return [i.to_bytes(4, "big") + salt + bytes([i % 7]) * (i % 5) for i in range(n)]


def _flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


@settings(max_examples=60, deadline=None)
@given(logs(), st.data())
def test_roots_equal_the_naive_mth_whichever_way_they_are_computed(
    leaves: list[bytes], data: st.DataObject
) -> None:
    hashes = [naive_leaf(d) for d in leaves]
    expected = naive_mth(leaves)
    assert root_hash(hashes) == expected
    tree = MerkleTree.of_leaves(leaves)
    assert tree.root() == expected
    # appending in random chunks gives the same frontier as appending all at once
    frontier, i = Frontier(), 0
    while i < len(hashes):
        step = data.draw(st.integers(1, 17))
        frontier = frontier.extend(hashes[i:i + step])
        i += step
        assert frontier.root() == naive_mth(leaves[:min(i, len(hashes))])
    assert frontier == Frontier().extend(hashes)
    # the root of every earlier size, from the full tree
    m = data.draw(st.integers(0, len(leaves)))
    assert tree.root(m) == naive_mth(leaves[:m])


@settings(max_examples=40, deadline=None)
@given(logs())
def test_inclusion_proofs_verify_for_every_leaf(leaves: list[bytes]) -> None:
    tree = MerkleTree.of_leaves(leaves)
    n, root = len(leaves), tree.root()
    for index, data in enumerate(leaves):
        proof = tree.inclusion_proof(index)
        assert list(proof.path) == naive_path(index, leaves)
        leaf = naive_leaf(data)
        assert proof.verify(leaf, root)
        # a wrong leaf, index or root, or a changed path, fails
        assert not proof.verify(naive_leaf(data + b"x"), root)
        assert not proof.verify(leaf, _flip(root))
        other = (index + 1) % n
        if other != index:
            assert not verify_inclusion(naive_leaf(leaves[other]), index, n, proof.path, root)
            assert not verify_inclusion(leaf, other, n, proof.path, root)
        # a size whose path to this leaf is longer needs more nodes than the proof has (a size
        # with the same path shape passes: the size is vouched for by the signed tree head)
        assert not verify_inclusion(leaf, index, 2 * n, proof.path, root)
        if proof.path:
            assert not verify_inclusion(leaf, index, n, proof.path[:-1], root)
            assert not verify_inclusion(leaf, index, n, (*proof.path, root), root)
            assert not verify_inclusion(leaf, index, n, (_flip(proof.path[0]),
                                                         *proof.path[1:]), root)


@settings(max_examples=40, deadline=None)
@given(logs(max_size=120), st.data())
def test_inclusion_in_earlier_tree_heads(leaves: list[bytes], data: st.DataObject) -> None:
    tree = MerkleTree.of_leaves(leaves)
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    proof = tree.inclusion_proof(index, size)
    assert list(proof.path) == naive_path(index, leaves[:size])
    assert proof.verify(naive_leaf(leaves[index]), naive_mth(leaves[:size]))


def test_consistency_proofs_verify_for_every_pair_of_sizes_up_to_64() -> None:
    leaves = [bytes([i, i ^ 0x5A]) for i in range(64)]
    tree = MerkleTree.of_leaves(leaves)
    roots = [naive_mth(leaves[:n]) for n in range(65)]
    for second in range(65):
        for first in range(second + 1):
            proof = tree.consistency_proof(first, second)
            assert list(proof.path) == naive_proof(first, leaves[:second])
            assert proof.verify(roots[first], roots[second])
            if 0 < first < second:
                assert not proof.verify(_flip(roots[first]), roots[second])
                assert not proof.verify(roots[first], _flip(roots[second]))
                assert not verify_consistency(first, second, proof.path[:-1],
                                              roots[first], roots[second])
                assert not verify_consistency(first, second, (*proof.path, EMPTY_ROOT),
                                              roots[first], roots[second])
                if first > 1:
                    assert not verify_consistency(first - 1, second, proof.path,
                                                  roots[first - 1], roots[second])


@settings(max_examples=80, deadline=None)
@given(logs(), st.data())
def test_consistency_proofs_on_random_trees(leaves: list[bytes], data: st.DataObject) -> None:
    tree = MerkleTree.of_leaves(leaves)
    second = data.draw(st.integers(0, len(leaves)))
    first = data.draw(st.integers(0, second))
    proof = tree.consistency_proof(first, second)
    assert list(proof.path) == naive_proof(first, leaves[:second])
    r1, r2 = naive_mth(leaves[:first]), naive_mth(leaves[:second])
    assert proof.verify(r1, r2)
    if 0 < first < second:
        # a log that rewrote one of the first leaves cannot prove consistency
        changed = list(leaves[:second])
        changed[data.draw(st.integers(0, first - 1))] += b"!"
        assert not proof.verify(r1, naive_mth(changed))
        other = MerkleTree.of_leaves(changed).consistency_proof(first, second)
        assert not other.verify(r1, naive_mth(changed))
