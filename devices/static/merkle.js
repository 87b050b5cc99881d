// RFC 6962 / RFC 9162 Merkle tree hashing and inclusion proof verification (audit-log.md §2),
// with SHA-256 from WebCrypto. Mirrors audit/merkle.py; failures throw ProofError.

import { concat, equalBytes, sha256, toHex } from "./bytes.js";

export class ProofError extends Error {
  constructor(message) {
    super(message);
    this.name = "ProofError";
  }
}

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

/** SHA-256(0x00 || entry bytes). */
export function leafHash(entryBytes) {
  return sha256(concat(LEAF, entryBytes));
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left, right) {
  return sha256(concat(NODE, left, right));
}

function bitLength(n) {
  let bits = 0;
  while (n > 0n) {
    n >>= 1n;
    bits += 1;
  }
  return bits;
}

function bitCount(n) {
  let count = 0;
  while (n > 0n) {
    count += Number(n & 1n);
    n >>= 1n;
  }
  return count;
}

function requireHash(value, what) {
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    throw new ProofError(`${what} must be 32 bytes`);
  }
}

/** The root that `proof` leads to from leaf `index` of a tree of `size` leaves. */
export async function rootFromInclusion(leaf, index, size, proof) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || size < 0) {
    throw new ProofError(`inclusion proof: leaf index ${index} and tree size ${size} must be >= 0`);
  }
  if (index >= size) {
    throw new ProofError(`inclusion proof: leaf index ${index} is not below the tree size ${size}`);
  }
  requireHash(leaf, "inclusion proof: the leaf hash");
  const i = BigInt(index);
  const inner = bitLength(i ^ BigInt(size - 1));
  const border = bitCount(i >> BigInt(inner));
  if (proof.length !== inner + border) {
    throw new ProofError(
      `inclusion proof for leaf ${index} in a tree of ${size} has ${proof.length} hashes, ` +
        `expected ${inner + border}`,
    );
  }
  proof.forEach((hash, n) => requireHash(hash, `inclusion proof: hash ${n}`));
  let result = leaf;
  for (let level = 0; level < inner; level++) {
    const sibling = proof[level];
    result =
      (i >> BigInt(level)) & 1n ? await nodeHash(sibling, result) : await nodeHash(result, sibling);
  }
  for (const sibling of proof.slice(inner)) result = await nodeHash(sibling, result);
  return result;
}

/** Check that leaf `index` with hash `leaf` is in the tree of `size` leaves with `root`. */
export async function verifyInclusion(leaf, index, size, proof, root) {
  requireHash(root, "inclusion proof: the root");
  const computed = await rootFromInclusion(leaf, index, size, proof);
  if (!equalBytes(computed, root)) {
    throw new ProofError(
      `inclusion proof for leaf ${index} in a tree of ${size} leads to root ` +
        `${toHex(computed)}, not the expected ${toHex(root)}`,
    );
  }
}
