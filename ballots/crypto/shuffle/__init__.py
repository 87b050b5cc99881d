"""Verifiable re-encryption shuffles of write-in vectors (``docs/ballot-crypto-shuffle.md``).

The scrutineer stations mix the list of write-in vectors of the counted ballots
(``docs/ballot-secrecy.md`` §6): each re-encrypts and permutes whole vectors of ciphertexts and
proves it with a Terelius–Wikström proof of shuffle. Modules, one idea each:

- :mod:`ballots.crypto.shuffle.errors` — the shuffle errors, with stable codes.
- :mod:`ballots.crypto.shuffle.generators` — the independent generators ĥ, h_0 … h_{N−1}.
- :mod:`ballots.crypto.shuffle.challenges` — the context, statement and challenge hashes.
- :mod:`ballots.crypto.shuffle.proof` — prove and verify the proof of shuffle.
- :mod:`ballots.crypto.shuffle.mix` — :func:`shuffle` and :func:`verify_shuffle`.
- :mod:`ballots.crypto.shuffle.chain` — a chain of shuffles by stations, and who is in it.
- :mod:`ballots.crypto.shuffle.encoding` — the bytes and the JSON form of a shuffle.

No I/O: randomness enters as a :class:`~ballots.crypto.randomness.RandomSource` argument.
"""
