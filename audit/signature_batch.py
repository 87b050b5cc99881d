"""Batched tablet-signature checks: the one kernel the server's workers and the verifier share.

Checking an Ed25519 signature costs some 70 µs of CPU and ``cryptography`` holds the GIL while
it does, so callers with many signatures send batches of :data:`SignatureJob` to worker
processes, which run :func:`check_signatures`. Device keys are parsed once per process. The
meeting server checks with libsodium, the verifier with OpenSSL (:mod:`audit.tablet`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from audit.tablet import DeviceKey, Ed25519Library, TabletSignatureError

__all__ = ["SignatureJob", "Verdict", "check_signatures"]

#: One signature to check: key algorithm, public key (base64), signed payload, signature.
SignatureJob = tuple[str, str, bytes, str]

#: Parsed device keys of this process, by (algorithm, public key, Ed25519 implementation).
_KEYS: dict[tuple[str, str, Ed25519Library], DeviceKey] = {}
#: Keys kept at most (a plenary has 3,000 tablets; a verifier may see more over many meetings).
_MAX_KEYS: Final = 20_000


def check_signatures(
    jobs: list[SignatureJob], ed25519: Ed25519Library = "openssl"
) -> list[str | None]:
    """For each job, None if the signature verifies, else the reason it does not (a malformed
    key or signature, or a signature that does not verify). ``ed25519``: the implementation
    that checks Ed25519 signatures."""
    verdicts: list[str | None] = []
    for alg, public_key, payload, sig in jobs:
        try:
            key = _KEYS.get((alg, public_key, ed25519))
            if key is None:
                if len(_KEYS) >= _MAX_KEYS:
                    _KEYS.clear()
                key = DeviceKey.parse(alg, public_key, ed25519=ed25519)
                _KEYS[(alg, public_key, ed25519)] = key
            key.verify_payload(payload, sig)
        except TabletSignatureError as exc:
            verdicts.append(exc.message)
        else:
            verdicts.append(None)
    return verdicts


@dataclass(frozen=True)
class Verdict:
    """What :func:`check_signatures` found for one signature under the key ``(alg,
    public_key)``: valid or not. Whoever uses it must check that it was given for the key it
    trusts."""

    alg: str
    public_key: str
    valid: bool
