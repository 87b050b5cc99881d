// Pairing a tablet: a fresh non-extractable key, registered with the one-time code of the
// pairing card; the device record is stored (per meeting and deputy) and this tab remembers
// which deputy it is.

import * as store from "./store.js";
import { makeDeviceKey } from "./keys.js";
import { randomHex } from "./bytes.js";

/**
 * Pair with `code` for `meeting`. Resolves to {record} (the stored device record) or to
 * {failed}: the server's error answer, or {error: "crypto" | "network" (with the code) |
 * "storage"}.
 */
export async function pairDevice(meeting, code) {
  let key;
  try {
    key = await makeDeviceKey();
  } catch {
    return { failed: { error: "crypto" } };
  }
  const device = `t-${randomHex(8)}`;
  let response;
  let data;
  try {
    response = await fetch(`/api/meetings/${encodeURIComponent(meeting)}/pair`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, device, alg: key.alg, public_key: key.publicKey }),
    });
    data = await response.json();
  } catch {
    return { failed: { error: "network", code } };
  }
  if (!response.ok) return { failed: data };
  const record = {
    meeting,
    deputy: data.deputy,
    device: data.device,
    origin: data.origin,
    alg: key.alg,
    privateKey: key.privateKey,
    publicKey: key.publicKey,
    counter: 0,
    logKey: data.log_key || null, // pinned: a different log key is refused later
    outbox: [],
    pairedAt: new Date().toISOString(),
  };
  try {
    await store.putDevice(record);
  } catch {
    return { failed: { error: "storage" } };
  }
  store.setTabDeputy(meeting, record.deputy);
  return { record };
}

/**
 * The device record this tab uses for `meeting`: the deputy the tab chose or was paired as;
 * else the only pairing of this browser. `choices` lists the pairings to choose from when
 * there are several and the tab has not chosen.
 */
export async function findDevice(meeting) {
  const chosen = store.tabDeputy(meeting);
  if (chosen) {
    const record = await store.getDevice(meeting, chosen);
    if (record) return { record, choices: [] };
  }
  const all = await store.devicesOf(meeting);
  if (all.length === 1) {
    store.setTabDeputy(meeting, all[0].deputy);
    return { record: all[0], choices: [] };
  }
  return { record: null, choices: all };
}
