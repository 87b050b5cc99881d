// The page's side of the prover worker: each request is a promise, the page never blocks.

const WORKER_URL = new URL("./worker.js", import.meta.url);

/** A failure reported by the worker, with its stable code (`bad-proof`, `bad-layout`, …). */
export class ProverError extends Error {
  constructor({ code, where, role, message }) {
    super(message);
    this.name = "ProverError";
    this.code = code;
    this.where = where;
    this.role = role;
  }
}

/** Start a prover worker; `make` and `verify` return promises of the worker's answers. */
export function startProver() {
  const worker = new Worker(WORKER_URL, { type: "module" });
  const pending = new Map();
  let next = 0;
  worker.addEventListener("message", (event) => {
    const { id, ok, error, ...answer } = event.data;
    const entry = pending.get(id);
    pending.delete(id);
    if (ok) entry.resolve(answer);
    else entry.reject(new ProverError(error));
  });
  worker.addEventListener("error", (event) => {
    for (const entry of pending.values()) entry.reject(new Error(event.message || "the prover stopped"));
    pending.clear();
  });
  const ask = (request) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...request });
    });
  return {
    /** Encrypt and prove `choice`: resolves to `{ ballot, trackingCode }`. */
    make: (shape, choice, context) => ask({ op: "make", shape, choice, context }),
    /** Verify a ballot JSON: resolves to `{}` or rejects with a ProverError. */
    verify: (shape, ballot, context) => ask({ op: "verify", shape, ballot, context }),
    stop: () => worker.terminate(),
  };
}
