// Pairing a tablet: a fresh non-extractable key, registered with the one-time code of the
// pairing card; the device record is stored (per meeting and deputy) with the servers it may
// connect to (the card may name a standby's address too), and this tab remembers which deputy
// it is.

import * as store from "./store.js";
import { makeDeviceKey } from "./keys.js";
import { randomHex } from "./bytes.js";

/**
 * The origin (`https://host:port`) of the peer server named on the pairing card (`peer` in the
 * URL's fragment), or null if there is none or it is not an http(s) address.
 */
export function peerOrigin(peer) {
  if (!peer) return null;
  try {
    const url = new URL(peer);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * The servers a device record connects to, this page's own first: the server it was paired on
 * and the peer of a primary/standby pair (records paired before pairs existed: this one).
 */
export function serversOf(record) {
  const known = record?.servers || [];
  return [location.origin, ...known.filter((origin) => origin !== location.origin)];
}

/**
 * Pair with `code` for `meeting`; `peer` is the other server of a primary/standby pair named on
 * the card (an origin, or null). Resolves to {record} (the stored device record) or to
 * {failed}: the server's error answer, or {error: "crypto" | "network" (with the code) |
 * "storage"}.
 */
export async function pairDevice(meeting, code, peer = null) {
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
    servers: peer && peer !== location.origin ? [location.origin, peer] : [location.origin],
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
