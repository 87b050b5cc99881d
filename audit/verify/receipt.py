"""A deputy's receipt: find its ballot and prove the ballot is in the signed log
(audit-log.md §6.5), as the tablet does after the poll closes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audit.errors import ProofError
from audit.merkle import MerkleTree, leaf_hash, verify_inclusion
from audit.verify.report import ReceiptResult
from audit.verify.secrecy import RECEIPT_PATTERN
from audit.verify.signatures import SignedCheckpoint

__all__ = ["FoundBallot", "normalize_receipt", "prove_receipt"]


@dataclass(frozen=True)
class FoundBallot:
    """The ballot entry holding the receipt: its seq, exact bytes, poll and choice."""

    seq: int
    data: bytes
    poll: str
    choice: Any


def normalize_receipt(receipt: str) -> str | None:
    """The receipt as the log writes it (lowercase hex), or ``None`` if it is not one."""
    text = receipt.strip().lower()
    return text if RECEIPT_PATTERN.fullmatch(text) else None


def prove_receipt(
    receipt: str,
    found: FoundBallot | None,
    tree: MerkleTree | None,
    newest: SignedCheckpoint | None,
) -> ReceiptResult:
    """Build the ballot's inclusion proof from the bundle's tree and verify it against the
    newest signed checkpoint."""
    if found is None:
        return ReceiptResult(receipt, ok=False, failure=f"no ballot with receipt {receipt}")
    if tree is None or newest is None:
        return ReceiptResult(
            receipt, ok=False, seq=found.seq, failure="no signed checkpoint covers the ballot"
        )
    size = newest.checkpoint.size
    if found.seq >= size:
        return ReceiptResult(
            receipt,
            ok=False,
            seq=found.seq,
            failure=f"entry {found.seq} is not covered by the newest checkpoint {newest.name}",
        )
    proof = tree.inclusion_proof(found.seq, size)
    try:
        verify_inclusion(leaf_hash(found.data), found.seq, size, proof, newest.checkpoint.root)
    except ProofError as exc:
        return ReceiptResult(
            receipt, ok=False, seq=found.seq, failure=f"entry {found.seq}: {exc.message}"
        )
    return ReceiptResult(
        receipt,
        ok=True,
        seq=found.seq,
        poll=found.poll,
        choice=found.choice,
        checkpoint=newest.name,
    )
