"""The meeting's transparency log: canonical entries, Merkle tree, proofs, signed checkpoints,
export bundle and the auditor's verifier."""
