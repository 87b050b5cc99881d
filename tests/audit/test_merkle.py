"""Merkle tree hashing, proof generation and verification (audit-log.md §2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.errors import ProofError
from audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_inclusion,
    root_of,
    verify_consistency,
    verify_inclusion,
)

Loader = Callable[[Path], dict[str, Any]]

# The leaves of the RFC 6962 reference tree used by Certificate Transparency's tests and by the
# transparency-dev/merkle vectors.
REFERENCE_LEAVES = [
    bytes.fromhex(item)
    for item in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
# Published roots of that tree's prefixes of 1..8 leaves.
REFERENCE_ROOTS = [
    bytes.fromhex(item)
    for item in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
EMPTY_ROOT_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def reference_tree() -> MerkleTree:
    return MerkleTree(leaf_hash(entry) for entry in REFERENCE_LEAVES)


def numbered_leaves(count: int) -> list[bytes]:
    return [leaf_hash(str(number).encode()) for number in range(count)]


def compact_of(leaf_hashes: list[bytes]) -> CompactRange:
    compact = CompactRange()
    compact.extend(leaf_hashes)
    return compact


# Known answers ---------------------------------------------------------------------------------


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == EMPTY_ROOT_HEX
    assert root_of([]) == EMPTY_ROOT
    assert MerkleTree().root() == EMPTY_ROOT
    assert CompactRange().root() == EMPTY_ROOT


def test_leaf_and_node_hashes_use_their_domain_prefixes() -> None:
    first, second = leaf_hash(REFERENCE_LEAVES[0]), leaf_hash(REFERENCE_LEAVES[1])
    assert first == REFERENCE_ROOTS[0]
    assert node_hash(first, second) == REFERENCE_ROOTS[1]


def test_reference_tree_root() -> None:
    assert reference_tree().root().hex() == (
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_three_implementations_give_the_published_prefix_roots(size: int) -> None:
    hashes = [leaf_hash(entry) for entry in REFERENCE_LEAVES]
    expected = REFERENCE_ROOTS[size - 1]
    assert reference_tree().root(size) == expected
    assert compact_of(hashes[:size]).root() == expected
    assert root_of(hashes[:size]) == expected


# Generated proofs against the vectors -----------------------------------------------------------


def test_inclusion_proofs_equal_the_vectors_happy_paths(
    tlog_vector_files: dict[str, list[Path]], load_vector: Loader
) -> None:
    tree = reference_tree()
    compared = 0
    for path in tlog_vector_files["inclusion"]:
        vector = load_vector(path)
        index, size = vector["leafIdx"], vector["treeSize"]
        if vector["wantErr"] or size > tree.size:
            continue
        if vector["leafHash"] != tree.leaf_hash(index) or vector["root"] != tree.root(size):
            continue  # a happy path for another tree
        assert tree.inclusion_proof(index, size) == vector["proof"], path.name
        compared += 1
    assert compared == 5, "expected 5 happy-path vectors for the reference tree"


def test_consistency_proofs_equal_the_vectors_happy_paths(
    tlog_vector_files: dict[str, list[Path]], load_vector: Loader
) -> None:
    tree = reference_tree()
    compared = 0
    for path in tlog_vector_files["consistency"]:
        vector = load_vector(path)
        size1, size2 = vector["size1"], vector["size2"]
        if vector["wantErr"] or not 0 < size1 <= size2 <= tree.size:
            continue
        if vector["root1"] != tree.root(size1) or vector["root2"] != tree.root(size2):
            continue
        assert tree.consistency_proof(size1, size2) == vector["proof"], path.name
        compared += 1
    assert compared == 5, "expected 5 happy-path vectors for the reference tree"


# Every small proof ------------------------------------------------------------------------------

SMALL = 40


@pytest.fixture(scope="module")
def small_tree() -> MerkleTree:
    return MerkleTree(numbered_leaves(SMALL))


def test_every_small_inclusion_proof_verifies(small_tree: MerkleTree) -> None:
    for size in range(1, SMALL + 1):
        root = small_tree.root(size)
        for index in range(size):
            proof = small_tree.inclusion_proof(index, size)
            verify_inclusion(small_tree.leaf_hash(index), index, size, proof, root)


def test_every_small_consistency_proof_verifies(small_tree: MerkleTree) -> None:
    for size2 in range(1, SMALL + 1):
        root2 = small_tree.root(size2)
        for size1 in range(1, size2 + 1):
            proof = small_tree.consistency_proof(size1, size2)
            verify_consistency(size1, size2, proof, small_tree.root(size1), root2)


def test_compact_range_of_a_prefix_matches_a_fresh_one(small_tree: MerkleTree) -> None:
    leaves = numbered_leaves(SMALL)
    for size in range(SMALL + 1):
        fresh = compact_of(leaves[:size])
        stored = small_tree.compact_range(size)
        assert stored.size == size
        assert stored.peaks() == fresh.peaks()
        assert stored.root() == fresh.root() == small_tree.root(size)


# Verification errors ----------------------------------------------------------------------------


def test_inclusion_errors_name_what_failed() -> None:
    tree = reference_tree()
    leaf, root = tree.leaf_hash(2), tree.root(8)
    proof = tree.inclusion_proof(2, 8)
    with pytest.raises(ProofError) as caught:
        verify_inclusion(leaf, 8, 8, proof, root)
    assert caught.value.message == "inclusion proof: leaf index 8 is not below the tree size 8"
    with pytest.raises(ProofError) as caught:
        verify_inclusion(leaf, 2, 8, proof[:2], root)
    assert str(caught.value) == "inclusion proof for leaf 2 in a tree of 8 has 2 hashes, expected 3"
    with pytest.raises(ProofError) as caught:
        verify_inclusion(leaf[:31], 2, 8, proof, root)
    assert str(caught.value) == "inclusion proof: the leaf hash is 31 bytes, expected 32"
    with pytest.raises(ProofError) as caught:
        verify_inclusion(leaf, 2, 8, [proof[0], b"", proof[2]], root)
    assert str(caught.value) == "inclusion proof: hash 1 is 0 bytes, expected 32"
    with pytest.raises(ProofError) as caught:
        verify_inclusion(leaf, 3, 8, proof, root)
    computed = root_from_inclusion(leaf, 3, 8, proof)
    assert str(caught.value) == (
        f"inclusion proof for leaf 3 in a tree of 8 leads to root {computed.hex()}, "
        f"not the expected {root.hex()}"
    )


def test_consistency_errors_name_what_failed() -> None:
    tree = reference_tree()
    root3, root8 = tree.root(3), tree.root(8)
    proof = tree.consistency_proof(3, 8)
    cases: list[tuple[tuple[int, int, list[bytes], bytes, bytes], str]] = [
        ((8, 3, [], root8, root3), "consistency proof: size1 8 is greater than size2 3"),
        (
            (0, 8, [], EMPTY_ROOT, root8),
            "consistency proof from the empty tree (size1 0) is meaningless",
        ),
        (
            (3, 3, proof, root3, root3),
            "consistency proof between equal sizes 3 must be empty, it has 4 hashes",
        ),
        ((3, 3, [], root3, root8), "consistency proof: both trees have size 3 but different roots"),
        ((3, 8, [], root3, root8), "consistency proof from size 3 to 8 is empty"),
        (
            (3, 8, proof[:3], root3, root8),
            "consistency proof from size 3 to 8 has 3 hashes, expected 4",
        ),
    ]
    for arguments, message in cases:
        with pytest.raises(ProofError) as caught:
            verify_consistency(*arguments)
        assert caught.value.message == message
    with pytest.raises(
        ProofError, match=r"^consistency proof from size 3 to 8 leads to first root"
    ):
        verify_consistency(3, 8, proof, root8, root8)
    with pytest.raises(
        ProofError, match=r"^consistency proof from size 3 to 8 leads to second root"
    ):
        verify_consistency(3, 8, proof, root3, root3)


def test_equal_sizes_with_equal_roots_are_consistent() -> None:
    root = reference_tree().root(5)
    verify_consistency(5, 5, [], root, root)


# Generation and compact-range arguments ---------------------------------------------------------


def test_generation_rejects_impossible_arguments() -> None:
    tree = reference_tree()
    with pytest.raises(ValueError, match=r"^size 9 is outside 0\.\.8, the tree's sizes$"):
        tree.root(9)
    with pytest.raises(ValueError, match=r"^leaf index 5 is outside a tree of 5 leaves$"):
        tree.inclusion_proof(5, 5)
    with pytest.raises(ValueError, match=r"^a consistency proof needs 0 < size1 <= size2"):
        tree.consistency_proof(0, 4)
    with pytest.raises(ValueError, match=r"^a consistency proof needs 0 < size1 <= size2"):
        tree.consistency_proof(5, 4)
    with pytest.raises(ValueError, match=r"^leaf hash is 3 bytes, expected 32$"):
        tree.append(b"abc")
    assert tree.consistency_proof(4, 4) == []


def test_from_peaks_checks_the_peak_count() -> None:
    peaks = compact_of(numbered_leaves(6)).peaks()
    assert len(peaks) == 2
    assert CompactRange.from_peaks(6, peaks).root() == root_of(numbered_leaves(6))
    with pytest.raises(ValueError, match=r"^a tree of 7 leaves has 3 peaks, 2 were given$"):
        CompactRange.from_peaks(7, peaks)
    with pytest.raises(ValueError, match=r"^peak 1 is 4 bytes, expected 32$"):
        CompactRange.from_peaks(6, [peaks[0], b"abcd"])


def test_compact_range_copy_is_independent() -> None:
    original = compact_of(numbered_leaves(5))
    copy = original.copy()
    copy.append(leaf_hash(b"more"))
    assert (original.size, copy.size) == (5, 6)
    assert original.root() == root_of(numbered_leaves(5))
    assert copy.root() == root_of([*numbered_leaves(5), leaf_hash(b"more")])


def test_tree_serves_proofs_for_earlier_sizes_after_growing() -> None:
    tree = MerkleTree(numbered_leaves(10))
    proof = tree.inclusion_proof(4, 7)
    root7 = tree.root(7)
    tree.extend(numbered_leaves(100)[10:])
    assert tree.inclusion_proof(4, 7) == proof
    assert tree.root(7) == root7
    verify_inclusion(tree.leaf_hash(4), 4, 7, proof, root7)


# Properties ------------------------------------------------------------------------------------

leaf_lists = st.lists(st.binary(max_size=40).map(leaf_hash), max_size=200)


@given(leaf_lists)
def test_three_roots_agree(leaves: list[bytes]) -> None:
    tree = MerkleTree(leaves)
    assert tree.root() == compact_of(leaves).root() == root_of(leaves)
    assert tree.compact_range().peaks() == compact_of(leaves).peaks()


@given(st.data())
def test_random_inclusion_proofs_verify(data: st.DataObject) -> None:
    total = data.draw(st.integers(1, 300), label="leaves")
    tree = MerkleTree(numbered_leaves(total))
    size = data.draw(st.integers(1, total), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = tree.inclusion_proof(index, size)
    verify_inclusion(tree.leaf_hash(index), index, size, proof, tree.root(size))


@given(st.data())
def test_random_consistency_proofs_verify(data: st.DataObject) -> None:
    total = data.draw(st.integers(1, 300), label="leaves")
    tree = MerkleTree(numbered_leaves(total))
    size2 = data.draw(st.integers(1, total), label="size2")
    size1 = data.draw(st.integers(1, size2), label="size1")
    proof = tree.consistency_proof(size1, size2)
    verify_consistency(size1, size2, proof, tree.root(size1), tree.root(size2))


def flip(proof: list[bytes], position: int, bit: int) -> list[bytes]:
    damaged = bytearray(proof[position])
    damaged[bit // 8] ^= 1 << (bit % 8)
    return [*proof[:position], bytes(damaged), *proof[position + 1 :]]


@given(st.data())
def test_a_flipped_bit_breaks_an_inclusion_proof(data: st.DataObject) -> None:
    total = data.draw(st.integers(2, 300), label="leaves")
    tree = MerkleTree(numbered_leaves(total))
    size = data.draw(st.integers(2, total), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = tree.inclusion_proof(index, size)
    position = data.draw(st.integers(0, len(proof) - 1), label="position")
    bit = data.draw(st.integers(0, 255), label="bit")
    with pytest.raises(ProofError):
        verify_inclusion(
            tree.leaf_hash(index), index, size, flip(proof, position, bit), tree.root(size)
        )


@given(st.data())
def test_a_flipped_bit_breaks_a_consistency_proof(data: st.DataObject) -> None:
    total = data.draw(st.integers(2, 300), label="leaves")
    tree = MerkleTree(numbered_leaves(total))
    size2 = data.draw(st.integers(2, total), label="size2")
    size1 = data.draw(st.integers(1, size2 - 1), label="size1")
    proof = tree.consistency_proof(size1, size2)
    position = data.draw(st.integers(0, len(proof) - 1), label="position")
    bit = data.draw(st.integers(0, 255), label="bit")
    with pytest.raises(ProofError):
        verify_consistency(
            size1, size2, flip(proof, position, bit), tree.root(size1), tree.root(size2)
        )
