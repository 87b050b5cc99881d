// The seat map: attendance at a glance, and a seat's operator actions on a click.

import { api, ctx, meetingPath, notify, openAuthorisedPage, openDialog } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { attendanceLine, t } from "./i18n.js";
import { bulk, renderBulkBar, signable, toggleSeat } from "./chair-bulk.js";

/** What a seat shows: attendance word, its icon and a class for its colour. */
export function seatState(deputy) {
  if (deputy.status === "ended") return { key: "ended", icon: "—", text: t("seat_ended") };
  if (deputy.signed_in) return { key: "present", icon: "✓", text: t("seat_present") };
  if (deputy.leave) return { key: "leave", icon: "假", text: t("seat_leave") };
  return { key: "absent", icon: "✗", text: t("seat_absent") };
}

function deviceState(deputy) {
  if (!deputy.device) return { key: "none", text: t("device_none") };
  return deputy.online
    ? { key: "online", text: t("device_online") }
    : { key: "offline", text: t("device_offline") };
}

export function renderAttendance(state) {
  const a = state.attendance;
  const line = $("#attendance-line");
  line.textContent = attendanceLine(a);
  line.className = `attendance-line ${a.quorum_met ? "good" : "bad"}`;
  const absent = Math.max(0, a.electorate - a.present - a.leave);
  fill(
    $("#tiles"),
    ...[
      ["electorate", a.electorate],
      ["present", a.present],
      ["leave", a.leave],
      ["absent", absent],
    ].map(([key, value]) =>
      h(
        "div",
        { class: `tile tile-${key}` },
        h("dt", {}, t(key)),
        h("dd", { "data-count": key }, String(value)),
      ),
    ),
  );
  fill(
    $("#legend"),
    h(
      "li",
      { class: "legend-item present" },
      h("span", { class: "chip present", "aria-hidden": "true" }, "✓"),
      t("seat_present"),
    ),
    h(
      "li",
      { class: "legend-item leave" },
      h("span", { class: "chip leave", "aria-hidden": "true" }, "假"),
      t("seat_leave"),
    ),
    h(
      "li",
      { class: "legend-item absent" },
      h("span", { class: "chip absent", "aria-hidden": "true" }, "✗"),
      t("seat_absent"),
    ),
    h(
      "li",
      { class: "legend-item" },
      h("span", { class: "dot online", "aria-hidden": "true" }),
      t("device_online"),
    ),
    h(
      "li",
      { class: "legend-item" },
      h("span", { class: "dot offline", "aria-hidden": "true" }),
      t("device_offline"),
    ),
    h(
      "li",
      { class: "legend-item" },
      h("span", { class: "dot none", "aria-hidden": "true" }),
      t("device_none"),
    ),
  );
}

/** Seats by row from their numbers "row-seat" ("3-07"); others go to a last row. */
function layout(roster) {
  const rows = new Map();
  const others = [];
  let width = 1;
  for (const deputy of roster) {
    const match = /^(\d+)-(\d+)$/.exec(deputy.seat || "");
    if (!match) {
      others.push(deputy);
      continue;
    }
    const row = Number(match[1]);
    const seat = Number(match[2]);
    width = Math.max(width, seat);
    if (!rows.has(row)) rows.set(row, []);
    rows.get(row).push({ deputy, seat });
  }
  const ordered = [...rows.keys()]
    .sort((a, b) => a - b)
    .map((row) => ({
      label: t("row_label", { row }),
      seats: rows.get(row).sort((a, b) => a.seat - b.seat),
    }));
  if (others.length) {
    ordered.push({
      label: t("other_seats"),
      seats: others.map((deputy, index) => ({ deputy, seat: index + 1 })),
    });
    width = Math.max(width, others.length);
  }
  return { rows: ordered, width };
}

export function renderSeats(state) {
  bulk.redraw = () => renderSeats(ctx.state);
  renderBulkBar();
  const map = $("#seat-map");
  map.classList.toggle("selecting", bulk.active);
  const { rows, width } = layout(state.roster || []);
  map.style.setProperty("--seats", String(width));
  fill(
    map,
    ...rows.map((row) =>
      h(
        "div",
        { class: "seat-row", role: "group", "aria-label": row.label },
        h("span", { class: "row-label", "aria-hidden": "true" }, row.label),
        ...row.seats.map(({ deputy, seat }) => seatButton(deputy, seat)),
      ),
    ),
  );
}

function seatButton(deputy, column) {
  const s = seatState(deputy);
  const d = deviceState(deputy);
  const selected = bulk.active && bulk.selected.has(deputy.deputy);
  const button = h(
    "button",
    {
      type: "button",
      class: `seat ${s.key}${deputy.status === "suspended" ? " suspended" : ""}${selected ? " selected" : ""}`,
      "aria-pressed": bulk.active && signable(deputy) ? String(selected) : null,
      dataset: { deputy: deputy.deputy, seat: deputy.seat, state: s.key },
      css: { "grid-column": String(column + 1) },
    },
    h(
      "span",
      { class: "seat-top" },
      h("span", { class: "seat-no" }, deputy.seat),
      h("span", { class: `dot ${d.key}`, title: d.text, "aria-hidden": "true" }),
    ),
    h("span", { class: "seat-name" }, deputy.name),
    h("span", { class: "seat-state" }, h("span", { "aria-hidden": "true" }, `${s.icon} `), s.text),
    h("span", { class: "visually-hidden" }, ` · ${d.text}`),
  );
  button.addEventListener("click", () =>
    bulk.active ? toggleSeat(deputy) : seatDialog(deputy.deputy),
  );
  return button;
}

function deputyNow(id) {
  return (ctx.state.roster || []).find((d) => d.deputy === id);
}

/** The operator's actions on one seat. */
export function seatDialog(id) {
  const deputy = deputyNow(id);
  if (!deputy) return;
  const s = seatState(deputy);
  const d = deviceState(deputy);
  const base = meetingPath(`/deputies/${encodeURIComponent(id)}`);
  const name = deputy.name;
  const actions = [];
  const simple = (label, path, body, done, tone = "primary") => ({
    label,
    tone,
    run: async () => {
      await api("POST", base + path, body);
      notify(done, "ok");
    },
  });
  if (deputy.status !== "ended") {
    actions.push(
      deputy.signed_in
        ? simple(
            t("act_sign_out"),
            "/sign-out",
            undefined,
            t("done_sign_out", { name }),
            "secondary",
          )
        : simple(t("act_sign_in"), "/sign-in", undefined, t("done_sign_in", { name })),
    );
    actions.push(
      deputy.leave
        ? simple(
            t("act_cancel_leave"),
            "/leave",
            { leave: false },
            t("done_cancel_leave", { name }),
            "secondary",
          )
        : simple(t("act_leave"), "/leave", { leave: true }, t("done_leave", { name }), "secondary"),
    );
    actions.push({
      label: t("act_pairing"),
      tone: "secondary",
      run: async () => {
        const answer = await api("POST", `${base}/pairing-code`);
        showPairingCode(deputy, answer);
        return false;
      },
    });
  }
  if (ctx.pairingCard && deputy.status !== "ended") {
    actions.push({
      label: t("act_pairing_card"),
      tone: "secondary",
      run: async () => {
        await openAuthorisedPage(`${base}/pairing-card`);
        return false;
      },
    });
  }
  if (deputy.device) {
    actions.push({
      label: t("act_revoke"),
      tone: "danger",
      run: async () => {
        confirmRevoke(deputy, base);
        return false;
      },
    });
  }
  openDialog({
    title: t("seat_dialog_title", { seat: deputy.seat, name }),
    body: [
      h("p", {}, t("seat_id", { deputy: deputy.deputy })),
      h(
        "p",
        { class: `seat-summary ${s.key}` },
        t("seat_attendance", { state: `${s.icon} ${s.text}` }),
      ),
      h("p", {}, t("seat_device", { state: d.text })),
      deputy.status === "suspended" ? h("p", { class: "warn" }, t("seat_status_suspended")) : null,
      h("div", { id: "pairing-result", "aria-live": "polite" }),
    ],
    actions,
    cancel: t("act_close"),
  });
}

function showPairingCode(deputy, answer) {
  const expires = new Date(answer.expires_at);
  const time = Number.isNaN(expires.getTime()) ? answer.expires_at : expires.toLocaleTimeString();
  fill(
    $("#pairing-result"),
    h(
      "div",
      { class: "pairing" },
      h("p", { class: "pairing-label" }, t("pairing_code")),
      h("p", { class: "pairing-code", "data-pairing-code": deputy.deputy }, answer.code),
      h("p", { class: "help" }, t("pairing_expires", { time })),
    ),
  );
}

function confirmRevoke(deputy, base) {
  const name = deputy.name;
  openDialog({
    title: t("act_revoke"),
    body: [h("p", {}, t("revoke_confirm", { name }))],
    actions: [
      {
        label: t("act_revoke"),
        tone: "danger",
        run: async () => {
          await api("POST", `${base}/revoke-device`);
          notify(t("done_revoke", { name }), "ok");
        },
      },
    ],
  });
}
