// Meeting documents on the tablet: the documents of the current agenda item, and on a motion's
// ballot the documents it approves, each named by its title, size and SHA-256 fingerprint so
// that a deputy can compare it with the copy that was distributed.

import { t } from "./i18n.js";
import { h, zh } from "./ui.js";

/** The first and last 8 hex digits of a SHA-256, as printed on the distributed copies. */
export function fingerprint(sha256) {
  return `${sha256.slice(0, 8)}…${sha256.slice(-8)}`;
}

/** A size in bytes as KB or MB. */
export function readableSize(bytes) {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function row(document) {
  return h(
    "li",
    { class: "document", "data-sha256": document.sha256 },
    h("span", { class: "document-title" }, zh(document.title)),
    h("span", { class: "document-size muted" }, readableSize(document.size)),
    h("code", { class: "document-hash", title: document.sha256 }, fingerprint(document.sha256)),
  );
}

/** The list of an item's documents, or null when it has none. */
export function documentList(documents) {
  if (!documents || documents.length === 0) return null;
  return h(
    "section",
    { class: "documents", "aria-label": t("documents.title") },
    h("h3", {}, t("documents.title")),
    h("ul", {}, documents.map(row)),
  );
}

/** On a motion's ballot: the documents its definition approves (hashes the item lists). */
export function approvedDocuments(item, definition) {
  const named = definition?.documents;
  if (!named || named.length === 0) return null;
  const known = new Map((item?.documents || []).map((d) => [d.sha256, d]));
  const listed = named.map(
    (sha256) => known.get(sha256) || { sha256, title: t("documents.unknown"), size: 0 },
  );
  return h(
    "section",
    { class: "documents documents-approved" },
    h("p", { class: "prompt" }, t("documents.approves")),
    h("ul", {}, listed.map(row)),
  );
}
