// Every vote of the meeting: status, ballots cast and the verdict, with its print sheet.

import { itemTitle } from "./chair-agenda.js";
import { $, fill, h } from "/static/common/dom.js";
import { lang, t } from "./i18n.js";
import { failed, verdictLines } from "/static/common/results.js";
import { openPrint } from "./chair-poll.js";

export function renderHistory(state) {
  const polls = state.polls || [];
  const el = $("#history");
  if (!polls.length) {
    fill(el, h("p", { class: "muted-line" }, t("history_empty")));
    return;
  }
  const l = lang();
  fill(
    el,
    h(
      "table",
      { class: "history" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[
            "history_poll",
            "history_item",
            "history_status",
            "history_cast",
            "history_verdict",
            "history_actions",
          ].map((key) => h("th", { scope: "col" }, t(key))),
        ),
      ),
      h(
        "tbody",
        {},
        ...polls.map((poll) => {
          const verdict =
            poll.status === "closed" && poll.result
              ? verdictLines(l, poll.definition, poll.result).join("；")
              : poll.status === "voided"
                ? t("poll_voided_line", { reason: poll.void_reason || "" })
                : "";
          const status =
            poll.status === "closed" && poll.announced
              ? t("status_announced")
              : t(`poll_${poll.status}`);
          return h(
            "tr",
            { dataset: { poll: poll.poll } },
            h("th", { scope: "row" }, poll.poll),
            h("td", {}, itemTitle(poll.item)),
            h("td", {}, status),
            h("td", { class: "num" }, String(poll.cast)),
            h(
              "td",
              {
                class:
                  poll.status === "voided" || (poll.result && failed(poll.result))
                    ? "verdict-cell bad"
                    : "verdict-cell",
              },
              verdict,
            ),
            h(
              "td",
              {},
              poll.status === "closed"
                ? h(
                    "button",
                    {
                      type: "button",
                      class: "secondary small",
                      "aria-label": t("history_print", { poll: poll.poll }),
                      onclick: () => openPrint(poll.poll),
                    },
                    t("history_print_short"),
                  )
                : null,
            ),
          );
        }),
      ),
    ),
  );
}
