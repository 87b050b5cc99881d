// The agenda: make an item current, withdraw it with a reason, or open a vote on it.

import { api, ctx, field, meetingPath, notify, openDialog, run } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { t } from "./i18n.js";

const VOTING_KINDS = new Set(["motion", "election", "selection", "evaluation"]);
const SERVER_FILLED = new Set(["electorate", "present", "issued"]);

export function itemTitle(id) {
  const item = (ctx.state.items || []).find((i) => i.item === id);
  return item ? item.title : id;
}

export function renderAgenda(state) {
  const list = $("#agenda");
  const items = state.items || [];
  if (!items.length) {
    fill(list, h("li", { class: "empty" }, t("agenda_empty")));
    return;
  }
  const busy = state.poll && state.poll.status === "open";
  const closed = state.closed;
  fill(
    list,
    ...items.map((item) => {
      const isCurrent = state.current_item === item.item;
      const votable = VOTING_KINDS.has(item.kind);
      const withdrawn = item.status === "withdrawn";
      const actions = [];
      if (!closed && !withdrawn) {
        if (!isCurrent && !busy) {
          actions.push(
            h(
              "button",
              {
                type: "button",
                class: "secondary small",
                "aria-label": `${t("agenda_make_current")}：${item.title}`,
                onclick: () =>
                  run(
                    () =>
                      api("POST", meetingPath(`/items/${encodeURIComponent(item.item)}/current`)),
                    t("done_current", { title: item.title }),
                  ),
              },
              t("agenda_make_current"),
            ),
          );
        }
        if (votable && !busy) {
          actions.push(
            h(
              "button",
              {
                type: "button",
                class: "primary small",
                "aria-label": `${t("agenda_open_poll")}：${item.title}`,
                onclick: () => openPollDialog(item),
              },
              t("agenda_open_poll"),
            ),
          );
        }
        if (item.status === "draft" || (item.status === "current" && !busy)) {
          actions.push(
            h(
              "button",
              {
                type: "button",
                class: "danger small",
                "aria-label": `${t("agenda_withdraw")}：${item.title}`,
                onclick: () => withdrawDialog(item),
              },
              t("agenda_withdraw"),
            ),
          );
        }
      }
      return h(
        "li",
        { class: `agenda-item${isCurrent ? " is-current" : ""}`, dataset: { item: item.item } },
        h(
          "div",
          { class: "agenda-text" },
          h("span", { class: "agenda-title" }, item.title),
          h(
            "span",
            { class: "agenda-meta" },
            h("span", { class: "kind" }, t(`kind_${item.kind}`)),
            h(
              "span",
              { class: `badge status-${item.status}`, "data-status": item.status },
              t(`status_${item.status}`),
            ),
          ),
        ),
        actions.length ? h("div", { class: "agenda-actions" }, ...actions) : null,
      );
    }),
  );
}

function withdrawDialog(item) {
  const reason = h("textarea", { rows: "3", required: true, maxlength: "500" });
  openDialog({
    title: t("withdraw_title", { title: item.title }),
    body: [field("withdraw-reason", t("withdraw_reason"), reason)],
    actions: [
      {
        label: t("withdraw_confirm"),
        tone: "danger",
        run: async () => {
          if (!reason.value.trim()) throw new Error(t("reason_required"));
          await api("POST", meetingPath(`/items/${encodeURIComponent(item.item)}/withdraw`), {
            reason: reason.value.trim(),
          });
          notify(t("done_withdraw", { title: item.title }), "ok");
        },
      },
    ],
  });
}

function template(item) {
  const title = item.title;
  switch (item.kind) {
    case "election":
      return {
        kind: "election",
        title,
        seats: 1,
        candidates: [
          { id: "c1", name: "" },
          { id: "c2", name: "" },
        ],
        write_ins: true,
      };
    case "selection":
      return {
        kind: "selection",
        title,
        seats: 1,
        form: "choose",
        candidates: [{ id: "p1", name: "" }],
      };
    case "evaluation":
      return { kind: "evaluation", title, subjects: [{ id: "s1", name: "" }] };
    default:
      return { kind: item.kind, title };
  }
}

/**
 * Open a vote on `item`. `again` re-runs a voided poll: its definition, mode and policy are
 * proposed again.
 */
export function openPollDialog(item, again = null) {
  const base = again ? again.definition : ctx.definitions[item.item] || template(item);
  const definition = Object.fromEntries(
    Object.entries(base).filter(([key]) => !SERVER_FILLED.has(key)),
  );
  const mode = h(
    "select",
    {},
    ["secret", "named", "manual"].map((value) =>
      h(
        "option",
        { value, disabled: value === "named" && item.kind === "election" },
        t(`mode_${value}`),
      ),
    ),
  );
  mode.value = again ? again.mode : "secret";
  const policy = h(
    "select",
    {},
    ["last", "first"].map((value) => h("option", { value }, t(`policy_${value}`))),
  );
  policy.value = again ? again.change_policy : "last";
  const minutes = h("input", {
    type: "number",
    min: "1",
    max: "1440",
    step: "1",
    inputmode: "numeric",
  });
  const text = h("textarea", { rows: "8", class: "code", spellcheck: "false" });
  text.value = JSON.stringify(definition, null, 2);
  openDialog({
    title: t("open_title", { title: item.title }),
    body: [
      field("poll-mode", t("open_mode"), mode),
      field("poll-policy", t("open_policy"), policy),
      field("poll-minutes", t("open_timer"), minutes, t("open_timer_help")),
      field("poll-definition", t("open_definition"), text, t("open_definition_help")),
    ],
    actions: [
      {
        label: t("open_confirm"),
        tone: "primary",
        run: async () => {
          let parsed;
          try {
            parsed = JSON.parse(text.value);
          } catch (error) {
            throw new Error(t("open_bad_json", { problem: error.message }));
          }
          const body = {
            item: item.item,
            definition: parsed,
            mode: mode.value,
            change_policy: policy.value,
          };
          if (minutes.value.trim()) {
            const value = Number(minutes.value);
            if (!Number.isInteger(value) || value < 1) throw new Error(t("open_bad_minutes"));
            body.duration_s = value * 60;
          }
          await api("POST", meetingPath("/polls"), body);
          notify(t("done_open", { title: item.title }), "ok");
        },
      },
    ],
  });
}
