// Public notices (公告) on the console: the chair picks what to publish — an announced poll's
// result, the projects a selection adopted, or the proposals handled — and issues the next
// numbered notice; each issued notice links to its public page, which is also its print sheet.

import { api, ctx, meetingPath, run } from "./chair-context.js";
import { call } from "./api.js";
import { $, fill, h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    notices_heading: "公告",
    notices_kind: "公告内容",
    notices_kind_result: "表决结果",
    notices_kind_projects: "入选的民生实事项目",
    notices_kind_proposals: "议案、建议办理情况",
    notices_poll: "已宣布结果的表决",
    notices_no_poll: "尚无已宣布结果的表决",
    notices_issue: "发布公告",
    notices_none: "尚未发布公告",
    notices_number: "第{n}号",
    notices_public: "公开页面（无需登录）：{url}",
    done_notice: "已发布公告",
  },
  en: {
    notices_heading: "Public notices",
    notices_kind: "Notice of",
    notices_kind_result: "a poll's result",
    notices_kind_projects: "the livelihood projects adopted",
    notices_kind_proposals: "the proposals handled",
    notices_poll: "Poll with an announced result",
    notices_no_poll: "No result has been announced yet",
    notices_issue: "Issue the notice",
    notices_none: "No notice issued yet",
    notices_number: "No. {n}",
    notices_public: "Public page (no login): {url}",
    done_notice: "Notice issued",
  },
});

let listed = { meeting: null, notices: [] };

function publicPath(suffix = "") {
  return `/public/${encodeURIComponent(ctx.meeting)}${suffix}`;
}

async function refresh() {
  const answer = await call("GET", meetingPath("/notices"));
  listed = { meeting: ctx.meeting, notices: answer.notices };
  renderNotices(ctx.state);
}

async function issue(kind, poll) {
  const body = kind === "proposals" ? { kind } : { kind, poll };
  const written = await run(() => api("POST", meetingPath("/notices"), body), t("done_notice"));
  if (written) await refresh();
}

function choice(id, label, options) {
  return h(
    "label",
    { class: "field" },
    h("span", {}, label),
    h("select", { id }, ...options.map(([value, text]) => h("option", { value }, text))),
  );
}

export function renderNotices(state) {
  const el = $("#notices");
  if (!el || !state) return;
  if (listed.meeting !== ctx.meeting) {
    listed = { meeting: ctx.meeting, notices: [] };
    refresh().catch(() => {});
  }
  const titles = Object.fromEntries((state.items || []).map((i) => [i.item, i.title]));
  const announced = (state.polls || []).filter((p) => p.announced && p.status !== "voided");
  const kinds = ["result", "projects", "proposals"].map((k) => [k, t(`notices_kind_${k}`)]);
  const polls = announced.map((p) => [p.poll, `${p.poll} · ${titles[p.item] || p.item}`]);
  const form = h(
    "div",
    { class: "notice-form" },
    choice("notice-kind", t("notices_kind"), kinds),
    polls.length
      ? choice("notice-poll", t("notices_poll"), polls)
      : h("p", { class: "muted-line" }, t("notices_no_poll")),
    h(
      "button",
      {
        type: "button",
        id: "notice-issue",
        disabled: state.closed,
        onclick: () => issue($("#notice-kind").value, $("#notice-poll")?.value),
      },
      t("notices_issue"),
    ),
  );
  const items = listed.notices.map((n) =>
    h(
      "li",
      {},
      h(
        "a",
        { href: publicPath(`/notices/${n.notice}`), target: "_blank", rel: "noopener" },
        `${t("notices_number", { n: n.notice })} ${n.title}`,
      ),
    ),
  );
  const url = `${location.origin}${publicPath()}`;
  // Keep the chair's choices across the re-render of a push.
  const kept = { kind: $("#notice-kind")?.value, poll: $("#notice-poll")?.value };
  fill(
    el,
    form,
    items.length
      ? h("ol", { class: "notice-links", id: "notice-links" }, ...items)
      : h("p", { class: "muted-line" }, t("notices_none")),
    h("p", { class: "small" }, t("notices_public", { url })),
  );
  if (kept.kind) $("#notice-kind").value = kept.kind;
  if (kept.poll && $("#notice-poll")) $("#notice-poll").value = kept.poll;
  const pollChoice = $("#notice-poll");
  const kindChoice = $("#notice-kind");
  // A notice of the proposals handled names no poll.
  const follow = () => {
    if (pollChoice) pollChoice.disabled = kindChoice.value === "proposals";
  };
  kindChoice.addEventListener("change", follow);
  follow();
}
