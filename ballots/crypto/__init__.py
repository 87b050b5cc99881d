"""Encrypted secret ballots: the pure cryptography shared by server, scrutineers and verifier.

Modules, one idea each (the bytes are fixed in ``docs/ballot-crypto.md``):

- :mod:`ballots.crypto.errors` — the error tree, with stable codes.
- :mod:`ballots.crypto.sodium` — typed names for the libsodium functions of ``rbcl``.
- :mod:`ballots.crypto.group` — ristretto255 points and scalars with strict encodings.
- :mod:`ballots.crypto.hashing` — ``Hash(tag, …)`` to a scalar and the context chain.

No I/O: randomness enters as arguments, so every result is reproducible from its inputs.
"""
