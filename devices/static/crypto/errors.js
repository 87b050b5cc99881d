// Errors of the encrypted-ballot cryptography, the same codes and messages as ballots/crypto/errors.py.
//
// Every error names where the problem is (a path into the ballot JSON, "ballot.proofs[3]"),
// optionally the role of that value in the poll ("candidates[1].for"), and what the problem is.
// Its message is "{where}: {problem}", or "{where} ({role}): {problem}" when the role is known.

/** A cryptographic value or ballot at `where` is refused; `problem` says why. */
export class CryptoError extends Error {
  constructor(where, problem, role = null) {
    super(role ? `${where} (${role}): ${problem}` : `${where}: ${problem}`);
    this.name = new.target.name;
    this.where = where;
    this.problem = problem;
    this.role = role;
  }

  get code() {
    return "crypto-error";
  }

  /** The same error with `role` attached (when a lower layer did not know it). */
  withRole(role) {
    return new this.constructor(this.where, this.problem, role);
  }
}

/** Bytes that are not canonical base64url of 32 bytes. */
export class EncodingError extends CryptoError {
  get code() {
    return "bad-encoding";
  }
}

/** Not a strict ristretto255 encoding: not 32 bytes, bit 255 set, or does not decode. */
export class PointEncodingError extends EncodingError {
  get code() {
    return "bad-point";
  }
}

/** Not a strict scalar encoding: not 32 bytes, or not below the group order ℓ. */
export class ScalarEncodingError extends EncodingError {
  get code() {
    return "bad-scalar";
  }
}

/** The identity where it is refused (a first component, a key, a commitment). */
export class IdentityError extends EncodingError {
  get code() {
    return "identity-point";
  }
}

/** Wrong counts or keys, or a choice the rules forbid. */
export class LayoutError extends CryptoError {
  get code() {
    return "bad-layout";
  }
}

/** A zero-knowledge proof that does not verify. */
export class ProofError extends CryptoError {
  get code() {
    return "bad-proof";
  }
}

/** A first component already present in another ballot (or twice in this one). */
export class ReusedComponentError extends CryptoError {
  get code() {
    return "reused-component";
  }
}
