// The plain-data form of what crosses between the page and the prover worker.
//
// A context travels as `{ poll, deputyId, deviceKey, key }` with the poll context, the device key
// and the joint key in lowercase hex; an error as `{ code, where, role, message }`.

import { fromHex } from "../bytes.js";
import { CryptoError } from "./errors.js";
import { decodePoint, decodeScalar } from "./group.js";

/** The ballot context from its message form (strictly decoded). */
export function contextFrom(message) {
  return {
    poll: decodeScalar(fromHex(message.poll), "context.poll"),
    deputyId: message.deputyId,
    deviceKey: fromHex(message.deviceKey),
    key: decodePoint(fromHex(message.key), "context.key"),
  };
}

/** The message form of an error thrown while making or verifying a ballot. */
export function errorMessage(error) {
  if (error instanceof CryptoError) {
    return { code: error.code, where: error.where, role: error.role, message: error.message };
  }
  return { code: "internal-error", where: "", role: null, message: String(error?.message ?? error) };
}
