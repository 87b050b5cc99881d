"""Encrypted secret ballots: the pure cryptography shared by server, scrutineers and verifier.

Modules, one idea each (the bytes are fixed in ``docs/ballot-crypto.md``):

- :mod:`ballots.crypto.errors` — the error tree, with stable codes.
- :mod:`ballots.crypto.sodium` — typed names for the libsodium functions of ``rbcl``.
- :mod:`ballots.crypto.group` — ristretto255 points and scalars with strict encodings.
- :mod:`ballots.crypto.hashing` — ``Hash(tag, …)`` to a scalar and the context chain.
- :mod:`ballots.crypto.randomness` — where the prover's random scalars come from.
- :mod:`ballots.crypto.elgamal` — exponential ElGamal ciphertexts and their sums.
- :mod:`ballots.crypto.proofs` — EQ, PEQ, PoK and CDS disjunctions with strong Fiat–Shamir.
- :mod:`ballots.crypto.names` — write-in names as points, and their lenient decoding.
- :mod:`ballots.crypto.packing` — a motion's packed X = F + B·A and the split of its sum.
- :mod:`ballots.crypto.shape` — the ballot shape of each poll kind and the allowed choices.
- :mod:`ballots.crypto.statements` — what each shape proves, in proof order.
- :mod:`ballots.crypto.ballot` — make and verify a ballot; weeding.
- :mod:`ballots.crypto.encoding` — ballot bytes, ballot JSON, tracking code.
- :mod:`ballots.crypto.threshold` — the scrutineers' t-of-n key ceremony, decryption shares,
  their combination and backup cards (``docs/ballot-crypto-threshold.md``).
- :mod:`ballots.crypto.shuffle` — the verifiable shuffle of write-in vectors and the chain of
  scrutineer stations' shuffles (``docs/ballot-crypto-shuffle.md``).

No I/O: randomness enters as arguments, so every result is reproducible from its inputs.
"""
