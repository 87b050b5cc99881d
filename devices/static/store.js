// What the tablet keeps in IndexedDB. A device record (one per meeting and deputy) holds the
// non-extractable CryptoKey (structured clone keeps it non-extractable), the message counter and
// the outbox of messages not yet acknowledged; ballot records hold each poll's ballot as cast:
// a named vote's choice, or an encrypted ballot's tracking code, hash and the signed message sent.
//
// The database is shared by every tab of one browser (one origin), so records are keyed by
// meeting and deputy: tabs paired as different deputies do not overwrite each other. Which
// deputy a tab is stays in that tab's sessionStorage (see tabDeputy).

const DB_NAME = "congress-vote-tablet";
// Version 1 keyed devices by meeting and ballots by meeting/poll; version 2 adds the deputy.
const VERSION = 2;

let opening = null;

export function deviceKey(meeting, deputy) {
  return `${meeting}/${deputy}`;
}

export function ballotKey(meeting, deputy, poll) {
  return `${meeting}/${deputy}/${poll}`;
}

/** Re-create `name` keyed by "key", carrying over its records with `keyOf(record)`. */
function rekey(database, tx, name, keyOf) {
  if (!database.objectStoreNames.contains(name)) {
    database.createObjectStore(name, { keyPath: "key" });
    return;
  }
  const read = tx.objectStore(name).getAll();
  read.onsuccess = () => {
    database.deleteObjectStore(name);
    const store = database.createObjectStore(name, { keyPath: "key" });
    for (const record of read.result) store.put({ ...record, key: keyOf(record) });
  };
}

function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = (event) => {
        const database = request.result;
        const tx = request.transaction;
        if (event.oldVersion < 2) {
          rekey(database, tx, "devices", (r) => deviceKey(r.meeting, r.deputy));
          rekey(database, tx, "ballots", (r) => ballotKey(r.meeting, r.deputy, r.poll));
        }
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

export function getDevice(meeting, deputy) {
  return run("devices", "readonly", (s) => s.get(deviceKey(meeting, deputy)));
}

/** Every device record of `meeting` in this browser (one per deputy paired here). */
export async function devicesOf(meeting) {
  const all = await run("devices", "readonly", (s) => s.getAll());
  return all.filter((record) => record.meeting === meeting);
}

/** Write the device record; resolves once the transaction has committed. */
export function putDevice(record) {
  return run("devices", "readwrite", (s) =>
    s.put({ ...record, key: deviceKey(record.meeting, record.deputy) }),
  );
}

export function getBallot(meeting, deputy, poll) {
  return run("ballots", "readonly", (s) => s.get(ballotKey(meeting, deputy, poll)));
}

export function putBallot(record) {
  return run("ballots", "readwrite", (s) =>
    s.put({ ...record, key: ballotKey(record.meeting, record.deputy, record.poll) }),
  );
}

const TAB_KEY = "congress-vote-deputy";

/** The deputy this tab was paired as or chose, for `meeting` (sessionStorage: per tab). */
export function tabDeputy(meeting) {
  try {
    return sessionStorage.getItem(`${TAB_KEY}:${meeting}`);
  } catch {
    return null;
  }
}

export function setTabDeputy(meeting, deputy) {
  try {
    sessionStorage.setItem(`${TAB_KEY}:${meeting}`, deputy);
  } catch {
    // without session storage a tab falls back to the only pairing, or asks
  }
}
