"""The scrutineers' threshold key and the decryption of totals (``ballot-secrecy.md`` §4, §7).

Modules, in the order a reader meets them:

- :mod:`~.params` — t of n (t > n/2), indices 1..n, the ceremony context.
- :mod:`~.polynomial` — Shamir shares, Feldman commitments, Lagrange coefficients.
- :mod:`~.proofs` — Schnorr proofs of knowledge and Chaum–Pedersen equality proofs.
- :mod:`~.transport` — shares sealed to a scrutineer by ECIES (HKDF-SHA-256, AES-256-GCM).
- :mod:`~.messages` — the ceremony's public messages and their byte layouts.
- :mod:`~.transcript` — the dealing hash that acceptances carry and the ``key_id``.
- :mod:`~.checks` — the check of each message from public data (reused by verifiers).
- :mod:`~.complaints` — complaints with a revealed ECDH point, judged from public data.
- :mod:`~.scrutineer` — what one scrutineer's device computes in each round.
- :mod:`~.ceremony` — the ceremony as a state machine: complete, missing, at fault.
- :mod:`~.decryption` — decryption shares with proofs, Lagrange combination.
- :mod:`~.dlog` — the small discrete logarithm (table, baby-step giant-step).
- :mod:`~.liveness` — t devices prove they hold their share before a poll opens.
- :mod:`~.card` — the printed backup card and its restore check.

Everything is pure: no I/O, randomness passed in as a
:class:`ballots.crypto.randomness.RandomSource`. The byte layouts are
in ``docs/ballot-crypto-threshold.md``.
"""
