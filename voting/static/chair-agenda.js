// The agenda: make an item current, withdraw it with a reason, or open a vote on it (the form is
// in chair-poll-form.js).

import { api, ctx, field, meetingPath, notify, openDialog, run } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { t } from "./i18n.js";
import { oathButton, oathNote } from "./chair-oath.js";
import { documentsNote, uploadButton } from "./chair-documents.js";
import { openPollDialog } from "./chair-poll-form.js";

const VOTING_KINDS = new Set(["motion", "election", "selection", "evaluation"]);

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
        if (isCurrent && !busy && oathButton(item)) actions.push(oathButton(item));
        actions.push(uploadButton(item));
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
            oathNote(item),
            documentsNote(item),
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
