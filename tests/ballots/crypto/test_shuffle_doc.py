"""The known answers printed in docs/ballot-crypto-shuffle.md §10 are the code's."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ballots.crypto.shuffle.challenges import (
    challenge_hash,
    shuffle_context,
    statement_hash,
    u_challenges,
)
from ballots.crypto.shuffle.encoding import shuffle_bytes, shuffle_size
from ballots.crypto.shuffle.generators import GENERATOR_LABEL, generator
from tests.ballots.crypto.shuffle_known_answers import known_chain

DOC = Path(__file__).parents[3] / "docs" / "ballot-crypto-shuffle.md"


def computed() -> dict[str, str]:
    """Every known answer of the document, recomputed."""
    values = {
        "generator hash input i=1": (GENERATOR_LABEL + (1).to_bytes(4, "big")).hex(),
        "generator hash input i=-1": (GENERATOR_LABEL + (-1).to_bytes(4, "big", signed=True)).hex(),
    }
    for i in range(4):
        values[f"generator({i})"] = generator(i).encode().hex()
    known = known_chain()
    values["known public_key"] = known.key.public_key.encode().hex()
    values["known key_id"] = known.key.key_id.encode().hex()
    values["known poll_ctx"] = known.key.poll_context.encode().hex()
    current = known.inputs
    for mixed in known.shuffles:
        name = f"station {mixed.station}"
        proof = mixed.proof
        context = shuffle_context(known.key.for_station(mixed.station), 3, 2)
        statement = statement_hash(context, current, mixed.outputs, proof.permutation_commitments)
        values[f"{name} shuffle_ctx"] = context.encode().hex()
        values[f"{name} statement"] = statement.encode().hex()
        values[f"{name} u_0"] = u_challenges(statement, 3)[0].encode().hex()
        challenge = challenge_hash(
            statement,
            proof.chain,
            (proof.t1, proof.t2, proof.t3),
            proof.t4,
            proof.chain_commitments,
        )
        values[f"{name} challenge"] = challenge.encode().hex()
        values[f"{name} shuffle bytes sha256"] = hashlib.sha256(shuffle_bytes(mixed)).hexdigest()
        current = list(mixed.outputs)
    values["size N=3 W=2"] = str(shuffle_size(3, 2))
    values["size N=3000 W=2"] = str(shuffle_size(3000, 2))
    return values


def documented() -> dict[str, str]:
    """The ``name = value`` lines of the known-answer block of the document."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("## 10. Known answers", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    pairs = [re.fullmatch(r"(.+?) = (\S+)", line) for line in lines]
    assert all(pairs), [line for line, pair in zip(lines, pairs, strict=True) if not pair]
    return {pair.group(1): pair.group(2) for pair in pairs if pair}


def test_every_known_answer_of_the_document_is_the_codes() -> None:
    assert documented() == computed()
