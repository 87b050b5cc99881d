"""RFC 6962 Merkle tree hashing, inclusion and consistency proofs (audit-log.md §2).

Hashes are 32-byte SHA-256 digests::

    MTH({})   = SHA-256("")
    leaf hash = SHA-256(0x00 || entry bytes)
    node hash = SHA-256(0x01 || left || right)
    MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two below n

Proof generation follows RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (PROOF/SUBPROOF), verification
§2.1.3.2 and §2.1.4.2, with the edge cases of the transparency-dev/merkle reference
implementation, whose test vectors these functions pass.

Verification raises :class:`~audit.errors.ProofError`; wrong arguments to generation (an index
or size beyond the tree) raise :class:`ValueError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

from audit.errors import ProofError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "MerkleTree",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion",
    "root_of",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE: Final = 32
#: MTH of the empty tree: SHA-256 of the empty string.
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """Return the leaf hash of one entry's bytes: SHA-256(0x00 || entry)."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the hash of an interior node: SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return MTH of a list of leaf hashes, straight from the recursive definition."""

    def mth(start: int, end: int) -> bytes:
        count = end - start
        if count == 1:
            return leaf_hashes[start]
        split = start + _largest_power_of_two_below(count)
        return node_hash(mth(start, split), mth(split, end))

    if not leaf_hashes:
        return EMPTY_ROOT
    return mth(0, len(leaf_hashes))


class CompactRange:
    """The peaks of a growing tree: one perfect-subtree hash per set bit of its size.

    Appending is O(1) amortised and the root is always at hand, so the log can keep this
    instead of every hash. Peaks run from left (the largest subtree) to right.
    """

    __slots__ = ("_peaks", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._peaks: list[bytes] = []

    @classmethod
    def from_peaks(cls, size: int, peaks: Sequence[bytes]) -> CompactRange:
        """Rebuild a range from stored peaks; raises :class:`ValueError` if they cannot be the
        peaks of a tree of ``size`` leaves."""
        if size < 0:
            raise ValueError(f"tree size {size} is negative")
        expected = size.bit_count()
        if len(peaks) != expected:
            raise ValueError(
                f"a tree of {size} leaves has {expected} peaks, {len(peaks)} were given"
            )
        for position, peak in enumerate(peaks):
            _require_hash_argument(peak, f"peak {position}")
        compact = cls()
        compact._size = size
        compact._peaks = [bytes(peak) for peak in peaks]
        return compact

    @property
    def size(self) -> int:
        """Number of leaves appended."""
        return self._size

    def append(self, leaf_hash: bytes) -> None:
        """Append one leaf hash."""
        _require_hash_argument(leaf_hash, "leaf hash")
        peaks = self._peaks
        merged = bytes(leaf_hash)
        size = self._size
        while size & 1:
            merged = _sha256(b"\x01" + peaks.pop() + merged).digest()
            size >>= 1
        peaks.append(merged)
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaf hashes in order."""
        for item in leaf_hashes:
            self.append(item)

    def root(self) -> bytes:
        """Return the Merkle root of the leaves appended so far."""
        peaks = self._peaks
        if not peaks:
            return EMPTY_ROOT
        root = peaks[-1]
        for peak in reversed(peaks[:-1]):
            root = _sha256(b"\x01" + peak + root).digest()
        return root

    def peaks(self) -> list[bytes]:
        """Return a copy of the peaks, left to right."""
        return list(self._peaks)

    def copy(self) -> CompactRange:
        """Return an independent copy."""
        return CompactRange.from_peaks(self._size, self._peaks)

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()})"


class MerkleTree:
    """An in-memory tree keeping every perfect subtree hash, for proof generation.

    Level 0 holds the leaf hashes; item ``i`` of level ``k`` is the hash of leaves
    ``[i * 2**k, (i + 1) * 2**k)``. That is about ``2n`` hashes, packed in one byte array per
    level. Roots and proofs for any size up to the current one take O(log n) hashes.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0]) // HASH_SIZE

    def append(self, leaf_hash: bytes) -> None:
        """Append one leaf hash, completing every perfect subtree it closes."""
        _require_hash_argument(leaf_hash, "leaf hash")
        levels = self._levels
        row = levels[0]
        row += leaf_hash
        level = 0
        # A row whose length became even has just completed a pair: hash it into the next row.
        while len(row) % (2 * HASH_SIZE) == 0:
            parent = _sha256(b"\x01" + row[-2 * HASH_SIZE :]).digest()
            level += 1
            if level == len(levels):
                levels.append(bytearray())
            row = levels[level]
            row += parent

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaf hashes in order."""
        append = self.append
        for item in leaf_hashes:
            append(item)

    def leaf_hash(self, index: int) -> bytes:
        """Return the leaf hash at ``index``."""
        if not 0 <= index < self.size:
            raise ValueError(f"leaf index {index} is outside a tree of {self.size} leaves")
        return self._node(0, index)

    def root(self, size: int | None = None) -> bytes:
        """Return the root of the first ``size`` leaves (default: all of them)."""
        if size is None:
            size = self.size
        self._require_size(size)
        if size == 0:
            return EMPTY_ROOT
        return self._range_hash(0, size)

    def compact_range(self, size: int | None = None) -> CompactRange:
        """Return the compact range (peaks) of the first ``size`` leaves."""
        if size is None:
            size = self.size
        self._require_size(size)
        peaks = []
        start = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                peaks.append(self._node(level, start >> level))
                start += 1 << level
        return CompactRange.from_peaks(size, peaks)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Return the inclusion proof of leaf ``index`` in the tree of the first ``size``
        leaves (RFC 9162 §2.1.3.1), ordered from the leaf upwards."""
        self._require_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
        proof: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            split = start + _largest_power_of_two_below(end - start)
            if index < split:
                proof.append(self._range_hash(split, end))
                end = split
            else:
                proof.append(self._range_hash(start, split))
                start = split
        proof.reverse()
        return proof

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """Return the proof that the tree of ``size1`` leaves is a prefix of the tree of
        ``size2`` leaves (RFC 9162 §2.1.4.1); empty when the sizes are equal."""
        self._require_size(size2)
        if not 0 < size1 <= size2:
            raise ValueError(
                f"a consistency proof needs 0 < size1 <= size2, got size1 {size1} and size2 {size2}"
            )
        proof: list[bytes] = []
        start, end = 0, size2
        whole_old_tree = True  # SUBPROOF's b: the node at the bottom is the old root itself
        while size1 - start != end - start:
            split = start + _largest_power_of_two_below(end - start)
            if size1 <= split:
                proof.append(self._range_hash(split, end))
                end = split
            else:
                proof.append(self._range_hash(start, split))
                start = split
                whole_old_tree = False
        if not whole_old_tree:
            proof.append(self._range_hash(start, end))
        proof.reverse()
        return proof

    def _require_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} is outside 0..{self.size}, the tree's sizes")

    def _node(self, level: int, index: int) -> bytes:
        offset = index * HASH_SIZE
        return bytes(self._levels[level][offset : offset + HASH_SIZE])

    def _range_hash(self, start: int, end: int) -> bytes:
        """MTH of leaves ``[start, end)``, a node of the tree: ``start`` is a multiple of the
        largest power of two not above ``end - start``, so the range splits left to right into
        stored perfect subtrees of decreasing size."""
        count = end - start
        pieces: list[bytes] = []
        for level in range(count.bit_length() - 1, -1, -1):
            if count >> level & 1:
                pieces.append(self._node(level, start >> level))
                start += 1 << level
        result = pieces[-1]
        for piece in reversed(pieces[:-1]):
            result = _sha256(b"\x01" + piece + result).digest()
        return result

    def __repr__(self) -> str:
        return f"MerkleTree(size={self.size})"


# Verification -----------------------------------------------------------------------------------


def root_from_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """Return the root that ``proof`` leads to from leaf ``index`` of a tree of ``size``
    leaves; raises :class:`ProofError` if the proof is malformed."""
    if index < 0 or size < 0:
        raise ProofError(f"inclusion proof: leaf index {index} and tree size {size} must be >= 0")
    if index >= size:
        raise ProofError(f"inclusion proof: leaf index {index} is not below the tree size {size}")
    _require_hash(leaf_hash, "inclusion proof: the leaf hash")
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    if len(proof) != inner + border:
        raise ProofError(
            f"inclusion proof for leaf {index} in a tree of {size} has {len(proof)} hashes, "
            f"expected {inner + border}"
        )
    _require_proof_hashes(proof, "inclusion proof")
    result = bytes(leaf_hash)
    for level in range(inner):
        sibling = proof[level]
        if index >> level & 1:
            result = _sha256(b"\x01" + sibling + result).digest()
        else:
            result = _sha256(b"\x01" + result + sibling).digest()
    for sibling in proof[inner:]:
        result = _sha256(b"\x01" + sibling + result).digest()
    return result


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that leaf ``index`` with ``leaf_hash`` is in the tree of ``size`` leaves with
    ``root`` (RFC 9162 §2.1.3.2); raises :class:`ProofError` otherwise."""
    _require_hash(root, "inclusion proof: the root")
    computed = root_from_inclusion(leaf_hash, index, size, proof)
    if computed != root:
        raise ProofError(
            f"inclusion proof for leaf {index} in a tree of {size} leads to root "
            f"{computed.hex()}, not the expected {bytes(root).hex()}"
        )


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of ``size1`` leaves with ``root1`` is a prefix of the tree of
    ``size2`` leaves with ``root2`` (RFC 9162 §2.1.4.2); raises :class:`ProofError` otherwise.

    As in the reference implementation, a proof from the empty tree is rejected as meaningless,
    and for equal sizes the proof must be empty and the roots equal.
    """
    if size1 < 0 or size2 < 0:
        raise ProofError(f"consistency proof: sizes {size1} and {size2} must be >= 0")
    if size2 < size1:
        raise ProofError(f"consistency proof: size1 {size1} is greater than size2 {size2}")
    if size1 == 0:
        raise ProofError("consistency proof from the empty tree (size1 0) is meaningless")
    if size1 == size2:
        if proof:
            raise ProofError(
                f"consistency proof between equal sizes {size1} must be empty, "
                f"it has {len(proof)} hashes"
            )
        if root1 != root2:
            raise ProofError(f"consistency proof: both trees have size {size1} but different roots")
        return
    if not proof:
        raise ProofError(f"consistency proof from size {size1} to {size2} is empty")
    _require_hash(root1, "consistency proof: root1")
    _require_hash(root2, "consistency proof: root2")

    inner = ((size1 - 1) ^ (size2 - 1)).bit_length()
    border = ((size1 - 1) >> inner).bit_count()
    shift = (size1 & -size1).bit_length() - 1  # trailing zero bits of size1
    inner -= shift
    # The old tree's rightmost perfect subtree (2**shift leaves) starts the chain: the proof
    # carries its hash unless that subtree is the whole old tree, whose root we already have.
    old_is_perfect = size1 == 1 << shift
    expected = (0 if old_is_perfect else 1) + inner + border
    if len(proof) != expected:
        raise ProofError(
            f"consistency proof from size {size1} to {size2} has {len(proof)} hashes, "
            f"expected {expected}"
        )
    _require_proof_hashes(proof, "consistency proof")
    seed = bytes(root1) if old_is_perfect else bytes(proof[0])
    path = proof if old_is_perfect else proof[1:]

    mask = (size1 - 1) >> shift
    hash1 = hash2 = seed
    for level in range(inner):
        sibling = path[level]
        if mask >> level & 1:
            hash1 = _sha256(b"\x01" + sibling + hash1).digest()
            hash2 = _sha256(b"\x01" + sibling + hash2).digest()
        else:
            hash2 = _sha256(b"\x01" + hash2 + sibling).digest()
    for sibling in path[inner:]:
        hash1 = _sha256(b"\x01" + sibling + hash1).digest()
        hash2 = _sha256(b"\x01" + sibling + hash2).digest()
    if hash1 != root1:
        raise ProofError(
            f"consistency proof from size {size1} to {size2} leads to first root "
            f"{hash1.hex()}, not the expected {bytes(root1).hex()}"
        )
    if hash2 != root2:
        raise ProofError(
            f"consistency proof from size {size1} to {size2} leads to second root "
            f"{hash2.hex()}, not the expected {bytes(root2).hex()}"
        )


# Helpers ----------------------------------------------------------------------------------------


def _largest_power_of_two_below(count: int) -> int:
    """The largest power of two strictly below ``count`` (``count`` >= 2)."""
    return 1 << ((count - 1).bit_length() - 1)


def _require_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, expected {HASH_SIZE}")


def _require_proof_hashes(proof: Sequence[bytes], what: str) -> None:
    for position, item in enumerate(proof):
        if len(item) != HASH_SIZE:
            raise ProofError(f"{what}: hash {position} is {len(item)} bytes, expected {HASH_SIZE}")


def _require_hash_argument(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ValueError(f"{what} is {len(value)} bytes, expected {HASH_SIZE}")
