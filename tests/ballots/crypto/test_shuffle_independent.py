"""An independent verifier of the stored shuffle chain, written from docs/ballot-crypto-shuffle.md.

It uses only the raw libsodium calls and framed SHA-512 of ``independent.py`` — none of
:mod:`ballots.crypto` — so its agreement with the stored chain checks the document: generator
derivation, hash inputs and their order, the JSON layout and every verification equation.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import rbcl  # type: ignore[import-untyped]

from tests.ballots.crypto.independent import L, add, b64, base, framed, mul, sub

VECTORS = Path(__file__).parent / "vectors"
ZERO = bytes(32)
G = base(1)


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def generator(i: int) -> bytes:
    digest = hashlib.sha512(
        b"congress-vote/v1/shuffle-generator" + i.to_bytes(4, "big", signed=True)
    )
    return bytes(rbcl.crypto_core_ristretto255_from_hash(digest.digest()))


def msm(scalars: list[int], points: list[bytes]) -> bytes:
    total = ZERO
    for s, p in zip(scalars, points, strict=True):
        total = add(total, mul(s, p))
    return total


def vec(vector: list[list[str]]) -> bytes:
    return b"".join(b64(a) + b64(b) for a, b in vector)


def verify_one(
    board: dict[str, Any], inputs: list[list[list[str]]], shuffle: dict[str, Any]
) -> bool:
    """True iff every equation of §5 holds for ``shuffle`` of ``inputs``."""
    n, w_count = len(inputs), len(inputs[0])
    key = bytes.fromhex(board["public_key"])
    outputs, p = shuffle["outputs"], shuffle["proof"]
    hhat, h = generator(0), [generator(k + 1) for k in range(n)]
    if len({hhat, *h, G, key}) != n + 3:
        return False
    ctx = framed(
        b"cv1/shuffle/context",
        bytes.fromhex(board["key_id"]),
        bytes.fromhex(board["poll_context"]),
        G,
        key,
        u32(shuffle["station"]),
        u32(n),
        u32(w_count),
    ).to_bytes(32, "little")
    c_perm = [b64(x) for x in p["permutation_commitments"]]
    chain = [b64(x) for x in p["chain"]]
    statement = framed(
        b"cv1/shuffle/statement",
        ctx,
        *[vec(v) for v in inputs],
        *[vec(v) for v in outputs],
        *c_perm,
    ).to_bytes(32, "little")
    u = [framed(b"cv1/shuffle/u", statement, u32(k)) for k in range(n)]
    t1, t2, t3 = b64(p["t1"]), b64(p["t2"]), b64(p["t3"])
    t4 = [(b64(a), b64(b)) for a, b in p["t4"]]
    t_hat = [b64(x) for x in p["chain_commitments"]]
    c = framed(
        b"cv1/shuffle/challenge",
        statement,
        *chain,
        t1,
        t2,
        t3,
        *[a + b for a, b in t4],
        *t_hat,
    )
    s1, s2, s3 = (int.from_bytes(b64(p[name]), "little") for name in ("s1", "s2", "s3"))
    s4 = [int.from_bytes(b64(x), "little") for x in p["s4"]]
    s_hat = [int.from_bytes(b64(x), "little") for x in p["chain_responses"]]
    s_perm = [int.from_bytes(b64(x), "little") for x in p["permutation_responses"]]
    u_product = 1
    for value in u:
        u_product = u_product * value % L
    c_bar = sub(msm([1] * n, c_perm), msm([1] * n, h))
    ok = sub(base(s1), mul(c, c_bar)) == t1
    ok &= sub(base(s2), mul(c, sub(chain[-1], mul(u_product, hhat)))) == t2
    ok &= sub(add(base(s3), msm(s_perm, h)), mul(c, msm(u, c_perm))) == t3
    for w in range(w_count):
        out_a = [b64(v[w][0]) for v in outputs]
        out_b = [b64(v[w][1]) for v in outputs]
        in_a = [b64(v[w][0]) for v in inputs]
        in_b = [b64(v[w][1]) for v in inputs]
        cu = [c * x % L for x in u]
        ok &= sub(sub(msm(s_perm, out_a), base(s4[w])), msm(cu, in_a)) == t4[w][0]
        ok &= sub(sub(msm(s_perm, out_b), mul(s4[w], key)), msm(cu, in_b)) == t4[w][1]
    previous = hhat
    for k in range(n):
        expected = sub(add(base(s_hat[k]), mul(s_perm[k], previous)), mul(c, chain[k]))
        ok &= expected == t_hat[k]
        previous = chain[k]
    return ok


def verify_board(board: dict[str, Any]) -> bool:
    current = board["inputs"]
    for shuffle in board["shuffles"]:
        if not verify_one(board, current, shuffle):
            return False
        current = shuffle["outputs"]
    return True


def test_the_independent_verifier_accepts_the_stored_chain_and_agrees_on_the_generators() -> None:
    board = json.loads((VECTORS / "shuffle.json").read_text(encoding="utf-8"))
    assert [generator(i).hex() for i in range(4)] == board["generators"]
    assert verify_board(board) is True


def test_the_independent_verifier_refuses_swapped_outputs() -> None:
    board = json.loads((VECTORS / "shuffle.json").read_text(encoding="utf-8"))
    outputs = board["shuffles"][1]["outputs"]
    outputs[0], outputs[2] = outputs[2], outputs[0]
    assert verify_board(board) is False
