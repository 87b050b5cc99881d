"""An independent verifier of motion and election ballots, written from docs/ballot-crypto.md.

It uses only ``rbcl`` (the raw libsodium calls), ``hashlib`` and ``base64`` — none of
:mod:`ballots.crypto` — so an agreement with the production verifier checks the document as
much as the code: hash framing, contexts, statement and commitment order, branch order.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import rbcl  # type: ignore[import-untyped]

L = 2**252 + 27742317777372353535851937790883648493
ZERO = bytes(32)


def b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=")


def sc(n: int) -> bytes:
    return (n % L).to_bytes(32, "little")


def mul(s: int, p: bytes) -> bytes:
    return bytes(rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero(sc(s), p))


def base(s: int) -> bytes:
    return bytes(rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero(sc(s)))


def add(p: bytes, q: bytes) -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_add(p, q))


def sub(p: bytes, q: bytes) -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_sub(p, q))


def framed(tag: bytes, *parts: bytes) -> int:
    data = len(tag).to_bytes(2, "big") + tag
    for part in parts:
        data += len(part).to_bytes(4, "big") + part
    return int.from_bytes(hashlib.sha512(data).digest(), "little") % L


def packed_motion_statements(poll_definition: str) -> list[tuple[str, Any]]:
    """A motion: X at 0, IN(X, {0, 1, B}) with B = electorate + 1 of the poll definition."""
    electorate = json.loads(poll_definition)["electorate"]
    return [("in", ([(1, 0)], [0, 1, electorate + 1]))]


def stance_statements(n_candidates: int) -> list[tuple[str, Any]]:
    """Per entry IN(F,{0,1}), IN(A,{0,1}), IN(F+A,{0,1}); F at 2j, A at 2j+1."""
    out: list[tuple[str, Any]] = []
    for j in range(n_candidates):
        f, a = 2 * j, 2 * j + 1
        out += [("in", ([(1, f)], [0, 1])), ("in", ([(1, a)], [0, 1]))]
        out.append(("in", ([(1, f), (1, a)], [0, 1])))
    return out


def election_statements(c: int, seats: int, slots: int, k: int) -> list[tuple[str, Any]]:
    out = stance_statements(c)
    flags = [2 * c + i * (1 + k) for i in range(slots)]
    out += [("slot", (u, list(range(u + 1, u + 1 + k)))) for u in flags]
    if slots:
        terms = [(1, 2 * j + 1) for j in range(c)] + [(-1, u) for u in flags]
        out.append(("in", (terms, list(range(c + 1)))))
    terms = [(1, 2 * j) for j in range(c)] + [(1, u) for u in flags]
    out.append(("in", (terms, list(range(seats + 1)))))
    return out


def verify(
    document: dict[str, Any], statements: list[tuple[str, Any]], poll_ctx: bytes, key: bytes
) -> None:
    """Raise AssertionError unless every proof of the ballot JSON checks out."""
    inputs = document["inputs"]
    cts = [(b64(a), b64(b)) for a, b in document["ballot"]["ciphertexts"]]
    ballot_ctx = framed(
        b"cv1/ballot",
        poll_ctx,
        inputs["deputy_id"].encode(),
        bytes.fromhex(inputs["device_key"]),
        *(a + b for a, b in cts),
    )
    assert sc(ballot_ctx).hex() == document["ballot_ctx"]
    for index, ((kind, args), proof) in enumerate(
        zip(statements, document["ballot"]["proofs"], strict=True)
    ):
        branches: list[list[tuple[bytes, bytes | None]]] = []
        if kind == "in":
            terms, values = args
            a_sum, b_sum = ZERO, ZERO
            for sign, pos in terms:
                a_sum = add(a_sum, cts[pos][0]) if sign > 0 else sub(a_sum, cts[pos][0])
                b_sum = add(b_sum, cts[pos][1]) if sign > 0 else sub(b_sum, cts[pos][1])
            branches = [[(a_sum, sub(b_sum, base(v)))] for v in values]
        else:
            u, names = args
            blank = [(cts[u][0], cts[u][1])] + [(cts[n][0], cts[n][1]) for n in names]
            written = [(cts[u][0], sub(cts[u][1], base(1)))] + [(cts[n][0], None) for n in names]
            branches = [blank, written]
        challenges = [int.from_bytes(b64(c), "little") for c in proof["challenges"]]
        statement_parts: list[bytes] = []
        commitment_parts: list[bytes] = []
        for c, responses, branch in zip(challenges, proof["responses"], branches, strict=True):
            for s_text, (a, d) in zip(responses, branch, strict=True):
                s = int.from_bytes(b64(s_text), "little")
                t_g = sub(base(s), mul(c, a))
                statement_parts.append(a if d is None else a + d)
                if d is None:
                    commitment_parts.append(t_g)
                else:
                    commitment_parts.append(t_g + sub(mul(s, key), mul(c, d)))
        expected = framed(
            b"cv1/proof",
            sc(ballot_ctx),
            index.to_bytes(4, "big"),
            len(branches).to_bytes(4, "big"),
            *statement_parts,
            *commitment_parts,
        )
        assert sum(challenges) % L == expected, f"proof {index} does not verify"
