"""``bench/ed25519.py`` times one Ed25519 check with each implementation: the four lines are
checked exactly, never how fast anything was."""

from __future__ import annotations

import re

from tests.bench.scripts import run_bench


def test_both_implementations_are_timed_bare_and_through_the_device_key() -> None:
    done = run_bench("ed25519.py", "--seconds", "0.02", timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "one Ed25519 check of a 256-byte payload, 400 keys, one process:"
    names = [re.fullmatch(r"  (.+?) +\d+\.\d µs", line) for line in lines[1:]]
    assert [m.group(1) if m else line for m, line in zip(names, lines[1:], strict=True)] == [
        "OpenSSL, bare (cryptography)",
        "OpenSSL, DeviceKey",
        "libsodium, bare (PyNaCl)",
        "libsodium, DeviceKey",
    ]
