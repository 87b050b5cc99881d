"""What the entries of an encrypted poll mean, for the server that writes them and the verifier
that checks them (``docs/audit-log.md`` §4, ``docs/ballot-secrecy.md`` §7).

- :func:`counted_seqs`: the counted set — per deputy, the last ``encrypted_ballot`` in log order
  under change policy ``last``, the first under ``first``.
- :func:`aggregate_hash`: the hash an ``aggregate`` entry carries and decryption shares bind.
- :func:`counts_from_totals`: the tally format's ``counts`` from the decrypted mark totals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from ballots import PollDefinition
from ballots.crypto.elgamal import Ciphertext

__all__ = ["aggregate_hash", "counted_seqs", "counts_from_totals"]


def counted_seqs(cast: Iterable[tuple[int, str]], policy: str) -> list[int]:
    """The seqs of the counted ballots among ``(seq, deputy)`` in log order, in log order."""
    chosen: dict[str, int] = {}
    for seq, deputy in cast:
        if policy == "last" or deputy not in chosen:
            chosen[deputy] = seq
    return sorted(chosen.values())


def aggregate_hash(sums: Sequence[Ciphertext], write_in_sum: Ciphertext | None) -> str:
    """SHA-256 (hex) of ``a ‖ b`` of every aggregated ciphertext: the sums, then ΣU."""
    every = [*sums, *([write_in_sum] if write_in_sum is not None else [])]
    return hashlib.sha256(b"".join(c.encode() for c in every)).hexdigest()


def counts_from_totals(
    definition: PollDefinition, totals: Sequence[int], valid: int
) -> dict[str, Any]:
    """The ``counts`` of the tally format from the mark totals in layout order
    (``docs/ballot-crypto.md`` §7): 弃权 is what is neither 赞成 nor 反对."""

    def stances(offset: int) -> dict[str, int]:
        for_, against = totals[offset], totals[offset + 1]
        return {"for": for_, "against": against, "abstain": valid - for_ - against}

    if definition.kind == "motion":
        return stances(0)
    if definition.kind == "evaluation":
        levels = definition.levels
        return {
            subject.id: {level: totals[s * len(levels) + i] for i, level in enumerate(levels)}
            for s, subject in enumerate(definition.subjects)
        }
    if definition.kind == "selection" and definition.form != "each":
        return {p.id: {"for": totals[i]} for i, p in enumerate(definition.candidates)}
    return {entry.id: stances(2 * i) for i, entry in enumerate(definition.candidates)}
