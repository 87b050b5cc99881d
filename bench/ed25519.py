"""One Ed25519 check with each implementation the project uses: OpenSSL (``cryptography``, the
verifier's) and libsodium (PyNaCl, the meeting server's), both through ``audit.tablet.DeviceKey``
and bare, on the pre-made signatures of entry-sized payloads that ``bench/ceiling.py`` uses, in one
process::

    python bench/ed25519.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.bindings import crypto_sign_open

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit.tablet import DeviceKey, Ed25519Library
from bench.ceiling import PAYLOAD_BYTES, SAMPLES, sample_signatures

Check = Callable[[int], None]


def microseconds(check: Check, seconds: float) -> float:
    """Wall time of one call of ``check(index)``, cycling through the samples for
    about ``seconds``."""
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for index in range(SAMPLES):
            check(index)
        count += SAMPLES
    return (time.perf_counter() - started) / count * 1e6


def device_key_check(
    made: list[tuple[Ed25519PrivateKey, bytes, bytes]], library: Ed25519Library
) -> Check:
    keys = [
        DeviceKey.parse(
            "ed25519", base64.b64encode(k.public_key().public_bytes_raw()).decode(), ed25519=library
        )
        for k, _, _ in made
    ]
    sigs = [base64.b64encode(s).decode() for _, _, s in made]
    return lambda i: keys[i].verify_payload(made[i][1], sigs[i])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent on each figure")
    args = parser.parse_args()
    made = sample_signatures()
    publics = [k.public_key() for k, _, _ in made]
    raws = [p.public_bytes_raw() for p in publics]
    figures = {
        "OpenSSL, bare (cryptography)": lambda i: publics[i].verify(made[i][2], made[i][1]),
        "OpenSSL, DeviceKey": device_key_check(made, "openssl"),
        "libsodium, bare (PyNaCl)": lambda i: crypto_sign_open(made[i][2] + made[i][1], raws[i]),
        "libsodium, DeviceKey": device_key_check(made, "libsodium"),
    }
    print(f"one Ed25519 check of a {PAYLOAD_BYTES}-byte payload, {SAMPLES} keys, one process:")
    for name, check in figures.items():
        print(f"  {name:<30} {microseconds(check, args.seconds):6.1f} µs")


if __name__ == "__main__":
    main()
