// Bulk 补签: the operator selects seats on the seat map (or every deputy not yet signed in) and
// signs them in with one call, POST /api/meetings/{m}/attendance/sign-in {"deputies": [...]}.
// The server signs in all of them or none: its error names the first deputy it refused.

import { api, ctx, meetingPath, notify } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { t } from "./i18n.js";
import { ApiError } from "./api.js";

export const bulk = {
  active: false,
  /** Deputy ids selected, kept in roster order when sent. */
  selected: new Set(),
  /** Called to redraw the seat map after a change of the selection. */
  redraw: () => {},
};

/** Can `deputy` be signed in by the operator now? */
export function signable(deputy) {
  return deputy.status !== "ended" && !deputy.signed_in;
}

/** A seat clicked while selecting: select or unselect it. */
export function toggleSeat(deputy) {
  if (!signable(deputy)) return;
  if (bulk.selected.has(deputy.deputy)) bulk.selected.delete(deputy.deputy);
  else bulk.selected.add(deputy.deputy);
  bulk.redraw();
}

function roster() {
  return ctx.state?.roster || [];
}

function setActive(active) {
  bulk.active = active;
  bulk.selected.clear();
  bulk.redraw();
}

async function signInSelected() {
  const deputies = roster()
    .filter((d) => bulk.selected.has(d.deputy))
    .map((d) => d.deputy);
  if (!deputies.length) {
    notify(t("bulk_none"), "error");
    return;
  }
  try {
    await api("POST", meetingPath("/attendance/sign-in"), { deputies });
  } catch (error) {
    // Nothing changed: the selection stays, so that the operator can fix it and try again.
    notify(error instanceof ApiError ? error.text : String(error), "error");
    return;
  }
  notify(t("done_bulk", { n: deputies.length }), "ok");
  setActive(false);
}

/** The selection bar above the seat map. */
export function renderBulkBar() {
  const bar = $("#bulk-bar");
  if (!bar) return;
  // Seats signed in meanwhile (by their tablets) leave the selection.
  for (const deputy of roster()) if (!signable(deputy)) bulk.selected.delete(deputy.deputy);
  if (!bulk.active) {
    fill(
      bar,
      h(
        "button",
        { type: "button", class: "secondary small", onclick: () => setActive(true) },
        t("bulk_select"),
      ),
    );
    return;
  }
  const n = bulk.selected.size;
  fill(
    bar,
    h("p", { class: "help" }, t("bulk_hint")),
    h(
      "div",
      { class: "button-row" },
      h(
        "button",
        {
          type: "button",
          class: "secondary small",
          onclick: () => {
            for (const deputy of roster()) if (signable(deputy)) bulk.selected.add(deputy.deputy);
            bulk.redraw();
          },
        },
        t("bulk_all"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "secondary small",
          onclick: () => {
            bulk.selected.clear();
            bulk.redraw();
          },
        },
        t("bulk_clear"),
      ),
      h(
        "button",
        { type: "button", class: "primary small", disabled: n === 0, onclick: signInSelected },
        t("bulk_sign_in", { n }),
      ),
      h(
        "button",
        { type: "button", class: "secondary small", onclick: () => setActive(false) },
        t("bulk_cancel"),
      ),
    ),
  );
}
