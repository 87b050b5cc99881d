// The prover, as a module Web Worker: the page never blocks on encrypting and proving.
//
// Request  { id, op: "make", shape, choice, context }
//            → { id, ok: true, ballot, trackingCode, ballotHash (lowercase hex SHA-256) }
//          { id, op: "verify", shape, ballot, context } → { id, ok: true }
// Failure  → { id, ok: false, error: { code, where, role, message } }
// `shape` is the plain shape object, `choice` `{ marks, writeIns }`, `ballot` the ballot JSON and
// `context` the message form of messages.js. Randomness comes from crypto.getRandomValues.

import { makeBallot, verifyBallot } from "./ballot.js";
import { ballotFromJSON, ballotHash, ballotToJSON, trackingCode } from "./encoding.js";
import { contextFrom, errorMessage } from "./messages.js";
import { systemRandom } from "./random.js";
import { shapeFrom } from "./shape.js";

function handle(request) {
  const shape = shapeFrom(request.shape);
  const context = contextFrom(request.context);
  if (request.op === "make") {
    const choice = { marks: request.choice.marks, writeIns: request.choice.writeIns ?? [] };
    const ballot = makeBallot(shape, choice, { context, random: systemRandom() });
    return {
      ballot: ballotToJSON(ballot),
      trackingCode: trackingCode(ballot),
      ballotHash: ballotHash(ballot),
    };
  }
  if (request.op === "verify") {
    verifyBallot(shape, ballotFromJSON(shape, request.ballot), { context });
    return {};
  }
  throw new Error(`unknown operation ${JSON.stringify(request.op)}`);
}

self.addEventListener("message", (event) => {
  const { id } = event.data;
  try {
    self.postMessage({ id, ok: true, ...handle(event.data) });
  } catch (error) {
    self.postMessage({ id, ok: false, error: errorMessage(error) });
  }
});
