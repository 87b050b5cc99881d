// Meeting documents on the tablet: the documents of the current agenda item, and on a motion's
// ballot the documents it approves, each named by its title, size and SHA-256 fingerprint so
// that a deputy can compare it with the copy that was distributed. A document opens in a reader:
// the browser's own PDF viewer in a frame (the server sends the PDF sandboxed), moved by large
// buttons to the previous or next page and zoomed for large text through the URL's
// #page=&zoom= fragment. The open document and its page survive a re-render of the screen.

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

/** Documents fetched once into the browser's HTTP cache, for reading offline. */
const cached = new Set();

/** Fetch each document not yet fetched: the server marks it immutable (its URL names its
 *  bytes), so the reader finds it in the cache when the hall network is down. */
export function keepForOffline(meeting, documents) {
  for (const document of documents) {
    if (cached.has(document.sha256)) continue;
    cached.add(document.sha256);
    fetch(documentUrl(meeting, document.sha256).split("#")[0], { cache: "force-cache" })
      .then((response) => response.arrayBuffer())
      .catch(() => cached.delete(document.sha256));
  }
}

/** The document being read: its hash, page and zoom (percent). */
const reading = { sha256: null, page: 1, zoom: 100 };
const ZOOMS = [100, 150, 200, 300];

/** Where the document is served, at the reader's page and zoom. */
export function documentUrl(meeting, sha256, page = 1, zoom = 100) {
  const path = `/api/meetings/${encodeURIComponent(meeting)}/documents/${sha256}`;
  return `${path}#page=${page}&zoom=${zoom}`;
}

function row(document, open) {
  return h(
    "li",
    { class: "document", "data-sha256": document.sha256 },
    h("span", { class: "document-title" }, zh(document.title)),
    h("span", { class: "document-size muted" }, readableSize(document.size)),
    h("code", { class: "document-hash", title: document.sha256 }, fingerprint(document.sha256)),
    open
      ? h(
          "button",
          {
            type: "button",
            class: "secondary",
            "aria-label": `${t("documents.read")}：${document.title}`,
            onclick: () => open(document),
          },
          t("documents.read"),
        )
      : null,
  );
}

function reader(meeting, document, close) {
  // The viewer reads #page= and #zoom= when it loads, not when the fragment changes: every
  // move loads a new frame (the PDF itself comes from the browser's cache).
  const frameNow = () =>
    h("iframe", {
      class: "document-frame",
      title: document.title,
      src: documentUrl(meeting, document.sha256, reading.page, reading.zoom),
    });
  let frame = frameNow();
  const where = h("span", { class: "document-where", role: "status" });
  const show = () => {
    const next = frameNow();
    frame.replaceWith(next);
    frame = next;
    where.textContent = t("documents.where", { page: reading.page, zoom: reading.zoom });
  };
  where.textContent = t("documents.where", { page: reading.page, zoom: reading.zoom });
  const button = (label, change) =>
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: () => {
          change();
          show();
        },
      },
      label,
    );
  const zoomBy = (step) => {
    const index = ZOOMS.indexOf(reading.zoom) + step;
    reading.zoom = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, index))];
  };
  return h(
    "div",
    { class: "document-reader" },
    h(
      "div",
      { class: "document-controls" },
      button(t("documents.previous"), () => {
        reading.page = Math.max(1, reading.page - 1);
      }),
      button(t("documents.next"), () => {
        reading.page += 1;
      }),
      button(t("documents.larger"), () => zoomBy(1)),
      button(t("documents.smaller"), () => zoomBy(-1)),
      where,
      h("button", { type: "button", class: "secondary", onclick: close }, t("documents.close")),
    ),
    frame,
  );
}

/** The list of an item's documents with a reader, or null when it has none. */
export function documentList(documents, meeting) {
  if (!documents || documents.length === 0) return null;
  keepForOffline(meeting, documents);
  const slot = h("div", { class: "document-reader-slot" });
  const close = () => {
    reading.sha256 = null;
    slot.replaceChildren();
  };
  const open = (document) => {
    if (reading.sha256 !== document.sha256) Object.assign(reading, { page: 1, zoom: 100 });
    reading.sha256 = document.sha256;
    slot.replaceChildren(reader(meeting, document, close));
  };
  const current = documents.find((d) => d.sha256 === reading.sha256);
  if (current) slot.append(reader(meeting, current, close));
  return h(
    "section",
    { class: "documents", "aria-label": t("documents.title") },
    h("h3", {}, t("documents.title")),
    h("ul", {}, documents.map((d) => row(d, open))),
    slot,
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
    h(
      "ul",
      {},
      listed.map((d) => row(d, null)),
    ),
  );
}
