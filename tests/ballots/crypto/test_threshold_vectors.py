"""Known answers: a 2-of-3 ceremony and a decryption from fixed randomness, byte for byte.

``vectors/threshold_2_of_3.json`` holds every message of the ceremony, the joint key, its
``key_id``, a decryption by scrutineers 1 and 3 and the backup card of scrutineer 2; the same
values are printed in ``docs/ballot-crypto-threshold.md``. Regenerate (only for a deliberate
format change) with ``python -m tests.ballots.crypto.test_threshold_vectors --write``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.card import make_card, render_card
from ballots.crypto.threshold.ceremony import trial_ciphertext
from ballots.crypto.threshold.decryption import (
    combine,
    decryption_context,
    make_decryption_share,
)
from ballots.crypto.threshold.dlog import discrete_log
from ballots.crypto.threshold.liveness import LABEL_LIVENESS, liveness_context, prove_liveness
from ballots.crypto.threshold.polynomial import lagrange_coefficients
from ballots.crypto.threshold.proofs import verify_knowledge
from ballots.crypto.threshold.transcript import dealing_hash
from ballots.crypto.threshold.transport import share_context
from tests.ballots.crypto.threshold_fixtures import full_ceremony, seeded

ROOT = Path(__file__).resolve().parents[3]
VECTORS = Path(__file__).parent / "vectors" / "threshold_2_of_3.json"
DOC = ROOT / "docs" / "ballot-crypto-threshold.md"


def build_vectors() -> dict[str, Any]:
    """Every known-answer value, recomputed from the seeded ceremony."""
    run = full_ceremony(2, 3, seed="kat")
    key = run.ceremony.joint_key()
    r = seeded("kat/ballot").scalar()
    total = 17
    ciphertext = Ciphertext(
        Point.base_mul(r), Point.base_mul(Scalar.of(total)) + key.public_key.mul(r)
    )
    context = decryption_context(
        key=key.key_id,
        poll_id="poll-1",
        checkpoint=b"checkpoint-1",
        aggregate_hash=hashlib.sha256(ciphertext[0].encode() + ciphertext[1].encode()).digest(),
    )
    shares = [
        make_decryption_share(context, j, run.shares[j], ciphertext, seeded(f"kat/decrypt/{j}"))
        for j in (1, 3)
    ]
    assert combine(ciphertext, shares, 2, "kat") == Point.base_mul(Scalar.of(total))
    card = make_card(
        origin=run.params.origin,
        key_id=key.key_id,
        scrutineer=2,
        t=2,
        n=3,
        share=run.shares[2],
    )
    trial = trial_ciphertext(key)
    return {
        "seed": 'Hash("cv1/deterministic-random", "kat/{i}", u32(counter)) per device',
        "origin": run.params.origin,
        "ceremony_id": run.params.ceremony_id,
        "t": 2,
        "n": 3,
        "ceremony_ctx": run.params.context().encode().hex(),
        "share_context_1_2": share_context(run.params, 1, 2).hex(),
        "messages": [message.encode().hex() for message in run.messages],
        "dealing_hash": dealing_hash(run.params, run.announcements, run.sealed).encode().hex(),
        "public_key": key.public_key.encode().hex(),
        "key_id": key.key_id.encode().hex(),
        "verification_keys": [key.verification_keys[j].encode().hex() for j in (1, 2, 3)],
        "trial_ciphertext": [point.encode().hex() for point in trial],
        "decryption": {
            "poll_id": "poll-1",
            "checkpoint": b"checkpoint-1".hex(),
            "total": total,
            "ciphertext": [point.encode().hex() for point in ciphertext],
            "context": context.encode().hex(),
            "shares": [share.encode().hex() for share in shares],
        },
        "card_2": render_card(card),
    }


def test_the_ceremony_reproduces_the_stored_vectors_byte_for_byte() -> None:
    stored = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert build_vectors() == stored


def test_the_stored_sealed_share_opens_with_an_independent_ecies() -> None:
    """Scrutineer 2 opens dealer 1's share with HKDF and AES-GCM called here directly."""
    run = full_ceremony(2, 3, seed="kat")
    stored = json.loads(VECTORS.read_text(encoding="utf-8"))
    sealed = bytes.fromhex(stored["messages"][3])  # round 2, first message: dealer 1 → 2
    assert sealed[:2] == bytes((1, 2))
    ephemeral, ciphertext = sealed[2:34], sealed[34:]
    info = b"\x00\x09cv1/share" + b"".join(
        len(part).to_bytes(4, "big") + part
        for part in (
            stored["origin"].encode(),
            stored["ceremony_id"].encode(),
            *(k.to_bytes(4, "big") for k in (2, 3, 1, 2)),
        )
    )
    assert info.hex() == stored["share_context_1_2"]
    e2 = run.secrets[2].transport_secret
    ecdh = Point.decode(ephemeral, "R").mul(e2).encode()
    e2_public = Point.base_mul(e2).encode()
    material = HKDF(hashes.SHA256(), 44, None, info).derive(ephemeral + e2_public + ecdh)
    plaintext = AESGCM(material[:32]).decrypt(material[32:], ciphertext, info)
    expected = sum(int(c) * 2**k for k, c in enumerate(run.secrets[1].coefficients)) % (
        2**252 + 27742317777372353535851937790883648493
    )
    assert int.from_bytes(plaintext, "little") == expected


def _doc_values() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## 13. Known answers") :]
    return dict(re.findall(r"^([a-z_0-9.\[\]]+) = ([0-9a-f]+)$", section, flags=re.MULTILINE))


def worked_values() -> dict[str, str]:
    """The worked combination of §9 (the decryption by scrutineers 1 and 3) and a liveness
    answer of §10 by scrutineer 2, as the document prints them."""
    run = full_ceremony(2, 3, seed="kat")
    key = run.ceremony.joint_key()
    weights = lagrange_coefficients([1, 3])
    context = liveness_context(key=key.key_id, poll_id="poll-1", challenge=bytes(range(32)))
    answer = prove_liveness(context, 2, run.shares[2], seeded("kat/liveness/2"))
    verify_knowledge(context, LABEL_LIVENESS, 2, key.verification_keys[2], answer.proof, "kat")
    return {
        "decryption.lambda[1]": weights[1].encode().hex(),
        "decryption.lambda[3]": weights[3].encode().hex(),
        "decryption.combined": Point.base_mul(Scalar.of(17)).encode().hex(),
        "decryption.total": "17",
        "liveness.challenge": bytes(range(32)).hex(),
        "liveness.context": context.encode().hex(),
        "liveness.answer[2]": answer.encode().hex(),
    }


def test_the_worked_combination_is_the_decryption_of_the_stored_shares() -> None:
    """λ_1 = 3/2 and λ_3 = −1/2 mod ℓ; b − λ_1·D_1 − λ_3·D_3 is 17·G, found by the table."""
    stored = json.loads(VECTORS.read_text(encoding="utf-8"))["decryption"]
    worked = worked_values()
    order = 2**252 + 27742317777372353535851937790883648493
    lambda_1 = int.from_bytes(bytes.fromhex(worked["decryption.lambda[1]"]), "little")
    lambda_3 = int.from_bytes(bytes.fromhex(worked["decryption.lambda[3]"]), "little")
    assert (2 * lambda_1 % order, 2 * lambda_3 % order) == (3, order - 1)
    b = Point.decode(bytes.fromhex(stored["ciphertext"][1]), "b")
    shares = [Point.decode(bytes.fromhex(share)[1:33], "D") for share in stored["shares"]]
    combined = b - shares[0].mul(Scalar.of(lambda_1)) - shares[1].mul(Scalar.of(lambda_3))
    assert combined.encode().hex() == worked["decryption.combined"]
    assert discrete_log(combined, 100, "kat") == 17


def test_the_document_prints_the_values_the_code_computes() -> None:
    vectors = build_vectors()
    expected = {
        **worked_values(),
        "ceremony_ctx": vectors["ceremony_ctx"],
        "share_context_1_2": vectors["share_context_1_2"],
        "dealing_hash": vectors["dealing_hash"],
        "public_key": vectors["public_key"],
        "key_id": vectors["key_id"],
        **{f"verification_keys[{j}]": v for j, v in enumerate(vectors["verification_keys"], 1)},
        **{f"messages[{k}]": m for k, m in enumerate(vectors["messages"])},
        "trial_ciphertext.a": vectors["trial_ciphertext"][0],
        "trial_ciphertext.b": vectors["trial_ciphertext"][1],
        "decryption.ciphertext.a": vectors["decryption"]["ciphertext"][0],
        "decryption.ciphertext.b": vectors["decryption"]["ciphertext"][1],
        "decryption.context": vectors["decryption"]["context"],
        "decryption.shares[0]": vectors["decryption"]["shares"][0],
        "decryption.shares[1]": vectors["decryption"]["shares"][1],
    }
    assert _doc_values() == expected
    assert vectors["card_2"] in DOC.read_text(encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    VECTORS.write_text(json.dumps(build_vectors(), indent=2, ensure_ascii=False) + "\n", "utf-8")
