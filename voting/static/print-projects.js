// The yearly report of the term's livelihood projects (民生实事项目年度报告) as an A4 sheet:
// per project, from its registration to its rating, with the log entries each fact came from.

import { h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";
import "./project-words.js";

register({
  zh: {
    sheet_projects: "民生实事项目年度报告",
    projects_term: "届次",
    projects_sessions: "会议",
    projects_col_project: "项目",
    projects_col_source: "来源",
    projects_col_budget: "预算（元）",
    projects_col_unit: "责任单位",
    projects_col_votes: "票决赞成票",
    projects_col_adopted: "入选",
    projects_col_supervisors: "督办代表",
    projects_col_progress: "进度",
    projects_col_rating: "满意度测评",
    projects_votes: "{votes}（占实有 {electorate} 人 {rate_e}，占投票 {cast} 张 {rate_c}）",
    projects_rating: "满意 {s}，基本满意 {b}，不满意 {d}：{word}",
    projects_withdrawn: "已撤回",
    projects_yes: "是",
    projects_no: "否",
    projects_none: "本届尚未登记民生实事项目",
    projects_cites: "日志出处（会议#条目序号：条目哈希）",
  },
  en: {
    sheet_projects: "Livelihood projects: yearly report",
    projects_term: "Term",
    projects_sessions: "Sessions",
    projects_col_project: "Project",
    projects_col_source: "Source",
    projects_col_budget: "Budget (yuan)",
    projects_col_unit: "Responsible unit",
    projects_col_votes: "Votes for",
    projects_col_adopted: "Adopted",
    projects_col_supervisors: "Supervisors",
    projects_col_progress: "Progress",
    projects_col_rating: "Evaluation",
    projects_votes: "{votes} ({rate_e} of {electorate} deputies, {rate_c} of {cast} ballots)",
    projects_rating: "satisfied {s}, basically {b}, dissatisfied {d}: {word}",
    projects_withdrawn: "withdrawn",
    projects_yes: "yes",
    projects_no: "no",
    projects_none: "No project registered in this term yet",
    projects_cites: "Log entries (meeting#seq: entry hash)",
  },
});

function percent(rate) {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
}

function votes(row) {
  const s = row.selection;
  if (!s) return row.withdrawn ? t("projects_withdrawn") : "—";
  return t("projects_votes", {
    votes: s.votes,
    electorate: s.electorate,
    cast: s.cast,
    rate_e: percent(s.rate_electorate),
    rate_c: percent(s.rate_cast),
  });
}

function rating(row) {
  const e = row.evaluation;
  if (!e) return "—";
  const c = e.counts;
  return t("projects_rating", {
    s: c.satisfied,
    b: c.basically_satisfied,
    d: c.dissatisfied,
    word: t(`level_${e.rating}`),
  });
}

function progress(row) {
  return row.milestones.map((m) => h("div", {}, `${m.date} ${m.percent}% ${m.text}`));
}

function projectRow(row) {
  const s = row.selection;
  return h(
    "tr",
    { "data-project": `${row.meeting}/${row.project}` },
    h("td", {}, `${row.project} ${row.title}`, h("div", { class: "small" }, row.completion)),
    h("td", {}, t(`source_${row.source}`)),
    h("td", { class: "num" }, row.budget_yuan.toLocaleString("zh-CN")),
    h("td", {}, row.unit),
    h("td", {}, votes(row)),
    h("td", {}, s ? t(s.adopted ? "projects_yes" : "projects_no") : "—"),
    h("td", {}, row.supervisors.map((d) => d.name || d.deputy).join("、") || "—"),
    h("td", {}, ...progress(row)),
    h("td", { class: "rating" }, rating(row)),
  );
}

function cites(rows) {
  return h(
    "section",
    { class: "log" },
    h("h2", {}, t("projects_cites")),
    h(
      "ul",
      { class: "cites small" },
      ...rows.map((row) =>
        h(
          "li",
          {},
          `${row.project} ${row.title}：`,
          ...row.cites.map((c) => h("code", {}, ` ${c.meeting}#${c.seq}:${c.hash}`)),
        ),
      ),
    ),
  );
}

/** The sheet's contents from the report (`…/projects/report`) and the meeting's view. */
export function projectsSheet(report, view) {
  const columns = [
    "project",
    "source",
    "budget",
    "unit",
    "votes",
    "adopted",
    "supervisors",
    "progress",
    "rating",
  ];
  const sessions = report.sessions.map((s) => `${s.title}（${s.date}）`).join("；");
  return [
    h("p", { class: "meeting-name" }, view.meeting.title),
    h("h1", {}, t("sheet_projects")),
    h(
      "dl",
      { class: "facts" },
      h("div", { class: "fact" }, h("dt", {}, t("projects_term")), h("dd", {}, report.term || "—")),
      h("div", { class: "fact wide" }, h("dt", {}, t("projects_sessions")), h("dd", {}, sessions)),
    ),
    report.projects.length
      ? h(
          "table",
          { class: "projects", id: "projects-report" },
          h(
            "thead",
            {},
            h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, t(`projects_col_${c}`)))),
          ),
          h("tbody", {}, ...report.projects.map(projectRow)),
        )
      : h("p", {}, t("projects_none")),
    report.projects.length ? cites(report.projects) : null,
  ];
}
