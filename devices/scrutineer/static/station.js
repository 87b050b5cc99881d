// The scrutineer station's own page: shows what the station sees (api/state, read every
// second) and sends the person's answers (api/decide, api/card-copied). Every address is
// relative to the page's, which carries the station's per-run secret; the page talks to
// nothing else.

import { i18n } from "./station-words.js";

const REFRESH_MS = 1000;
const t = i18n.t;
let last = null;
let offersShown = "";
const sending = new Set();

function byId(id) {
  return document.getElementById(id);
}

/** A new element with `text` and attributes. */
function el(tag, text = "", attributes = {}) {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** The Chinese or English words of {zh, en}, by the page's language. */
function words(pair) {
  return i18n.lang() === "en" ? pair.en : pair.zh;
}

function renderStatic() {
  document.documentElement.lang = t("lang.code");
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  byId("lang").textContent = t("lang.switch");
}

function renderIdentity(state) {
  const who = state.identity;
  byId("label").textContent = state.label;
  const rows = [
    ["identity.meeting", who.meeting],
    ["identity.deputy", who.deputy],
    ["identity.station", who.station],
    [
      "identity.share",
      who.index === null || who.index === undefined
        ? t("identity.noShare")
        : t("identity.shareOf", { j: who.index, n: who.n, t: who.t }),
    ],
  ];
  const list = byId("identity-list");
  list.replaceChildren();
  for (const [key, value] of rows) {
    list.append(el("dt", t(key)), el("dd", value ?? ""));
  }
}

function renderCeremony(state) {
  const run = state.ceremony;
  const phase = byId("phase");
  if (!run.run) {
    phase.textContent = t("ceremony.none");
  } else {
    const name = run.phase ? t(`phase.${run.phase}`) : "";
    phase.textContent = t("ceremony.run", { run: run.run, phase: name });
  }
  const waiting = run.waiting ?? [];
  const open = run.phase && run.phase !== "complete" && run.phase !== "failed";
  byId("waiting").textContent = !open
    ? ""
    : waiting.length === 0
      ? t("ceremony.waitingNone")
      : t("ceremony.waiting", {
          who: waiting.map((w) => t("ceremony.who", w)).join("、"),
        });
  byId("faults").replaceChildren(
    ...(run.faults ?? []).map((fault) => el("li", t("ceremony.fault", fault))),
  );
  const key = byId("key");
  key.hidden = !state.key_prefix;
  key.textContent = state.key_prefix ? t("ceremony.key", { prefix: state.key_prefix }) : "";
}

function renderCard(state) {
  byId("card").hidden = !state.card;
  byId("card-text").textContent = state.card ?? "";
}

function offerBlock(offer, smallCount) {
  const block = el("article", "", { class: "offer", "data-poll": offer.poll });
  block.append(
    el("h3", t("offer.heading", offer)),
    el("p", t("offer.kind", { kind: t(`kind.${offer.kind}`) })),
    el("p", t("offer.counted", offer), { class: "counted" }),
  );
  if (offer.small) {
    block.append(el("p", t("offer.small", { n: smallCount }), { class: "warning" }));
  }
  block.append(el("p", t("offer.checks")));
  const checks = el("ul", "", { class: "checks" });
  checks.append(...offer.checks.map((check) => el("li", words(check))));
  block.append(checks);
  const confirm = el("button", t("offer.confirm"), { type: "button", class: "confirm" });
  const decline = el("button", t("offer.decline"), { type: "button", class: "decline" });
  const busy = sending.has(offer.poll);
  confirm.disabled = busy;
  decline.disabled = busy;
  confirm.addEventListener("click", () => decide(offer.poll, true));
  decline.addEventListener("click", () => decide(offer.poll, false));
  const buttons = el("p");
  buttons.append(confirm, decline);
  if (busy) buttons.append(el("span", t("offer.sending")));
  block.append(buttons);
  return block;
}

function renderOffers(state) {
  byId("offers-none").hidden = state.offers.length > 0;
  // Rebuilt only when something changed: a button replaced under the pointer loses the click.
  const shown = JSON.stringify([i18n.lang(), state.offers, [...sending]]);
  if (shown !== offersShown) {
    offersShown = shown;
    byId("offer-list").replaceChildren(
      ...state.offers.map((offer) => offerBlock(offer, state.small_count)),
    );
  }
  byId("done-list").replaceChildren(
    ...state.done.map((done) => {
      const item = el("li", t(`done.${done.decision}`, done), { "data-poll": done.poll });
      if (done.totals) {
        item.append(el("div", t("done.totals", { totals: done.totals.join(", ") }), {
          class: "totals",
        }));
      }
      return item;
    }),
  );
}

function renderLiveness(state) {
  const items = state.liveness.map((poll) => el("li", t("liveness.answered", { poll })));
  byId("liveness-list").replaceChildren(...(items.length ? items : [el("li", t("liveness.none"))]));
}

function renderErrors(state) {
  byId("errors").hidden = state.errors.length === 0;
  byId("error-list").replaceChildren(
    ...state.errors.map((error) =>
      el("li", t("errors.line", { words: words(error), code: error.code }), { class: "error" }),
    ),
  );
}

function render() {
  renderStatic();
  if (last === null) return;
  renderIdentity(last);
  renderCeremony(last);
  renderCard(last);
  renderOffers(last);
  renderLiveness(last);
  renderErrors(last);
}

async function refresh() {
  try {
    const response = await fetch("api/state", { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    last = await response.json();
    byId("unreachable").hidden = true;
  } catch {
    byId("unreachable").hidden = false;
  }
  render();
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const refusal = await response.json().catch(() => ({}));
    throw refusal;
  }
}

async function decide(poll, confirm) {
  sending.add(poll);
  render();
  try {
    await post("api/decide", { poll, confirm });
  } catch (refusal) {
    last?.errors.push({
      code: refusal.error ?? "http-error",
      zh: refusal.message ?? "",
      en: refusal.message_en ?? "",
    });
  }
  sending.delete(poll);
  await refresh();
}

byId("lang").addEventListener("click", () => i18n.setLang(i18n.lang() === "en" ? "zh" : "en"));
i18n.onLang(render);
byId("card-print").addEventListener("click", () => window.print());
byId("card-done").addEventListener("click", async () => {
  await post("api/card-copied", {}).catch(() => {});
  await refresh();
});
renderStatic();
refresh();
setInterval(refresh, REFRESH_MS);
