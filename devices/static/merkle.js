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

/** Check that the tree of `size1` leaves with `root1` is a prefix of the tree of `size2` leaves
 * with `root2` (RFC 9162 §2.1.4.2; mirrors audit/merkle.py verify_consistency). */
export async function verifyConsistency(size1, size2, proof, root1, root2) {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < 0) {
    throw new ProofError(`consistency proof: sizes ${size1} and ${size2} must be >= 0`);
  }
  if (size2 < size1) {
    throw new ProofError(`consistency proof: size1 ${size1} is greater than size2 ${size2}`);
  }
  if (size1 === 0) throw new ProofError("consistency proof from the empty tree is meaningless");
  if (size1 === size2) {
    if (proof.length) throw new ProofError("consistency proof between equal sizes must be empty");
    if (!equalBytes(root1, root2)) {
      throw new ProofError(`consistency proof: both trees have size ${size1} but different roots`);
    }
    return;
  }
  if (!proof.length) throw new ProofError(`consistency proof from ${size1} to ${size2} is empty`);
  requireHash(root1, "consistency proof: root1");
  requireHash(root2, "consistency proof: root2");
  const s1 = BigInt(size1);
  let inner = bitLength((s1 - 1n) ^ BigInt(size2 - 1));
  const border = bitCount((s1 - 1n) >> BigInt(inner));
  const shift = bitLength(s1 & -s1) - 1;
  inner -= shift;
  const oldIsPerfect = s1 === 1n << BigInt(shift);
  const expected = (oldIsPerfect ? 0 : 1) + inner + border;
  if (proof.length !== expected) {
    throw new ProofError(
      `consistency proof from size ${size1} to ${size2} has ${proof.length} hashes, ` +
        `expected ${expected}`,
    );
  }
  proof.forEach((hash, n) => requireHash(hash, `consistency proof: hash ${n}`));
  const seed = oldIsPerfect ? root1 : proof[0];
  const path = oldIsPerfect ? proof : proof.slice(1);
  const mask = (s1 - 1n) >> BigInt(shift);
  let hash1 = seed;
  let hash2 = seed;
  for (let level = 0; level < inner; level++) {
    const sibling = path[level];
    if ((mask >> BigInt(level)) & 1n) {
      hash1 = await nodeHash(sibling, hash1);
      hash2 = await nodeHash(sibling, hash2);
    } else {
      hash2 = await nodeHash(hash2, sibling);
    }
  }
  for (const sibling of path.slice(inner)) {
    hash1 = await nodeHash(sibling, hash1);
    hash2 = await nodeHash(sibling, hash2);
  }
  if (!equalBytes(hash1, root1) || !equalBytes(hash2, root2)) {
    throw new ProofError(
      `consistency proof from size ${size1} to ${size2} does not lead to both roots ` +
        `(${toHex(hash1)}, ${toHex(hash2)})`,
    );
  }
}
