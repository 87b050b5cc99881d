"""A deputy's tracking code: find their encrypted ballot and prove it is in the signed log, as
the tablet does after casting (docs/verifying.md, "your own ballot").

The tracking code is the first 10 bytes of the SHA-256 of the ballot bytes in base32, in four
groups of four (``ABCD-EFGH-IJKL-MNOP``); the ``encrypted_ballot`` entry carries that SHA-256
as its signed body's ``ballot_hash``, which check 7 recomputes from the ballot. The look-up
also says whether the poll's ``aggregate`` counted the ballot (under change policy ``last`` a
later ballot of the same deputy replaces it).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Final

from audit.errors import ProofError
from audit.merkle import MerkleTree, leaf_hash, verify_inclusion
from audit.verify.report import TrackingResult
from audit.verify.signatures import SignedCheckpoint

__all__ = ["FoundBallot", "normalize_tracking_code", "prove_tracking_code", "tracking_code_of"]

#: Bytes of the SHA-256 the tracking code shows.
TRACKING_BYTES: Final = 10
_CODE: Final = re.compile(r"[A-Z2-7]{16}")


@dataclass
class FoundBallot:
    """The encrypted ballot with the tracking code: its seq, exact bytes, poll and deputy, and
    whether the poll's aggregate counted it (``None`` before an aggregate of the poll)."""

    seq: int
    data: bytes
    poll: str
    deputy: str
    counted: bool | None = None


def normalize_tracking_code(text: str) -> str | None:
    """The code as the tablet shows it (upper case, four groups of four), or ``None`` if
    ``text`` is not one; spaces, dashes and case do not matter."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if not _CODE.fullmatch(compact):
        return None
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


def tracking_code_of(ballot_hash: object) -> str | None:
    """The tracking code of a ballot from its SHA-256 in hex (a body's ``ballot_hash``)."""
    if not isinstance(ballot_hash, str) or not re.fullmatch(r"[0-9a-f]{64}", ballot_hash):
        return None
    text = base64.b32encode(bytes.fromhex(ballot_hash)[:TRACKING_BYTES]).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def prove_tracking_code(
    code: str,
    found: FoundBallot | None,
    tree: MerkleTree | None,
    newest: SignedCheckpoint | None,
) -> TrackingResult:
    """Build the ballot's inclusion proof from the bundle's tree and verify it against the
    newest signed checkpoint."""
    if found is None:
        return TrackingResult(
            code, ok=False, failure=f"no encrypted ballot with tracking code {code}"
        )
    if tree is None or newest is None:
        return TrackingResult(
            code, ok=False, seq=found.seq, failure="no signed checkpoint covers the ballot"
        )
    size = newest.checkpoint.size
    if found.seq >= size:
        return TrackingResult(
            code,
            ok=False,
            seq=found.seq,
            failure=f"entry {found.seq} is not covered by the newest checkpoint {newest.name}",
        )
    proof = tree.inclusion_proof(found.seq, size)
    try:
        verify_inclusion(leaf_hash(found.data), found.seq, size, proof, newest.checkpoint.root)
    except ProofError as exc:
        return TrackingResult(
            code, ok=False, seq=found.seq, failure=f"entry {found.seq}: {exc.message}"
        )
    return TrackingResult(
        code,
        ok=True,
        seq=found.seq,
        poll=found.poll,
        deputy=found.deputy,
        counted=found.counted,
        checkpoint=newest.name,
    )
