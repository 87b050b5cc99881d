// What the tablet keeps in IndexedDB. The device record (one per meeting) holds the
// non-extractable CryptoKey (structured clone keeps it non-extractable), the message counter and
// the outbox of messages not yet acknowledged; ballot records hold each poll's receipt,
// replace-token, choice and the server's signed acknowledgement.

const DB_NAME = "congress-vote-tablet";
const VERSION = 1;

let opening = null;

function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = () => {
        const database = request.result;
        database.createObjectStore("devices", { keyPath: "meeting" });
        database.createObjectStore("ballots", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

async function run(store, mode, action) {
  const database = await db();
  return new Promise((resolve, reject) => {
    const tx = database.transaction(store, mode);
    const request = action(tx.objectStore(store));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export function getDevice(meeting) {
  return run("devices", "readonly", (s) => s.get(meeting));
}

/** Write the device record; resolves once the transaction has committed. */
export function putDevice(record) {
  return run("devices", "readwrite", (s) => s.put(record));
}

export function getBallot(meeting, poll) {
  return run("ballots", "readonly", (s) => s.get(`${meeting}/${poll}`));
}

export function putBallot(record) {
  return run("ballots", "readwrite", (s) =>
    s.put({ ...record, key: `${record.meeting}/${record.poll}` }),
  );
}
