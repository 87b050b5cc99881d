"""The known answers printed in docs/ballot-crypto.md §10 are the code's."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ballots.crypto.elgamal import Ciphertext, encrypt
from ballots.crypto.encoding import ballot_bytes, ballot_from_json, proof_sizes
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import hash_to_scalar
from ballots.crypto.names import encode_name
from ballots.crypto.packing import packed_value
from ballots.crypto.shape import BallotShape
from ballots.crypto.statements import branches, plan
from tests.ballots.crypto.known_answers import CASES, build

DOC = Path(__file__).parents[3] / "docs" / "ballot-crypto.md"

SIZES = {
    "motion": BallotShape.motion(40),
    "selection choose 10 of 12": BallotShape.selection_choose(12, 10),
    "selection each, 3 projects": BallotShape.selection_each(3),
    "evaluation 2 subjects x 3 levels": BallotShape.evaluation(2, 3),
    "election 3 candidates, 2 seats, open write-ins": BallotShape.election(3, 2, write_ins=True),
    "election 3 candidates, 2 seats, closed list": BallotShape.election(
        3, 2, write_ins=True, closed_list=True
    ),
    "election 3 candidates, 2 seats, no write-ins": BallotShape.election(3, 2, write_ins=False),
}


def size(shape: BallotShape) -> int:
    values = 2 * shape.ciphertext_count + sum(len(p) + sum(p) for p in proof_sizes(shape))
    return 32 * values


def _packed_motion(shape: BallotShape, x: Ciphertext) -> dict[str, str]:
    """B, the third branch's statement of the known-answer motion, and a sum split back."""
    base = shape.packing_base
    branches_ = branches(plan(shape)[0], [x])
    marks = [(1, 0)] * 7 + [(0, 1)] * 5 + [(0, 0)] * 3
    total = sum(packed_value(m, base) for m in marks)
    for_, against = shape.totals([total], len(marks))
    return {
        "motion packing base B": str(base),
        "motion statement of branch EQ(X, B)": branches_[2][0].encode().hex(),
        "motion sum of 7 for, 5 against, 3 abstain": str(total),
        "motion split of that sum (for, against, abstain)": f"{for_}, {against}, "
        f"{len(marks) - for_ - against}",
    }


def computed() -> dict[str, str]:
    key = Point.base_mul(Scalar.of(0x1234567890ABCDEF))
    values = {
        'hash("cv1/test", "abc")': hash_to_scalar("cv1/test", b"abc").encode().hex(),
        "enc(1; r=7) under H = 0x1234567890abcdef·G": encrypt(1, Scalar.of(7), key).encode().hex(),
        'name("王小明", k=2) point 1': encode_name("王小明", 2)[0].encode().hex(),
        'closed-list id("d17", k=1) point 1': encode_name("d17", 1)[0].encode().hex(),
    }
    for name in CASES:
        document = build(name)
        ballot = ballot_from_json(CASES[name][1], document["ballot"])
        if name == "motion":
            for field in ("public_key", "key_id", "poll_ctx", "ballot_ctx"):
                values[f"{name} {field}"] = str(document[field])
            values.update(_packed_motion(CASES[name][1], ballot.ciphertexts[0]))
        values[f"{name} ballot bytes sha256"] = hashlib.sha256(ballot_bytes(ballot)).hexdigest()
        values[f"{name} tracking code"] = str(document["tracking_code"])
    for label, shape in SIZES.items():
        values[f"size {label}"] = str(size(shape))
    return values


def printed() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## 10. Known answers", 1)[1]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block is not None, "§10 has a text block of known answers"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    return dict(line.rsplit(" = ", 1) for line in lines)  # type: ignore[misc]


def test_every_known_answer_in_the_document_is_the_codes() -> None:
    assert printed() == computed()


def test_the_tracking_code_example_in_the_document_is_a_known_answer() -> None:
    assert "`6FB7-CKWV-YRDW-GQIU`" in DOC.read_text(encoding="utf-8")
    assert computed()["motion tracking code"] == "6FB7-CKWV-YRDW-GQIU"
