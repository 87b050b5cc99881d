// Livelihood projects on the console (民生实事项目): this session's register (register and
// withdraw a project), the selection poll generated from it, the projects adopted in the term
// with their supervising deputies, milestones and rating, the evaluation poll generated from the
// previous session's adopted projects, and the yearly report (print, CSV).

import { ApiError } from "./api.js";
import { api, ctx, field, meetingPath, notify, openDialog, run } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";
import "./project-words.js";

register({
  zh: {
    projects_heading: "民生实事项目",
    projects_register: "登记项目",
    projects_selection: "生成票决",
    projects_evaluation: "生成满意度测评",
    projects_print: "年度报告（打印）",
    projects_csv: "导出 CSV",
    projects_empty: "本次会议尚未登记项目",
    projects_adopted_heading: "本届票决通过的项目",
    projects_adopted_empty: "本届尚无票决通过的项目",
    projects_withdraw: "撤回",
    projects_supervise: "督办代表",
    projects_milestone: "记录进度",
    projects_status_withdrawn: "已撤回",
    projects_status_adopted: "入选",
    projects_status_rejected: "未入选",
    projects_status_waiting: "待票决",
    projects_title_field: "项目名称",
    projects_budget_field: "预算（元）",
    projects_unit_field: "责任单位",
    projects_completion_field: "完成时限",
    projects_source_field: "项目来源",
    projects_description_field: "项目内容",
    projects_reason_field: "撤回理由",
    projects_status_field: "状态",
    projects_actions_field: "操作",
    projects_item_field: "议程",
    projects_seats_field: "应选项目数",
    projects_form_field: "票决方式",
    projects_form_choose: "选择（所选项目不得超过应选数）",
    projects_form_each: "逐项表决（赞成、反对、弃权）",
    projects_mode_field: "表决方式",
    projects_mode_manual: "纸质选票（手工计票）",
    projects_mode_encrypted: "无记名（加密）",
    projects_mode_named: "记名",
    projects_date_field: "日期",
    projects_percent_field: "完成进度（%）",
    projects_text_field: "进度说明",
    projects_confirm: "确定",
    projects_done: "已记录",
    projects_opened: "已开始表决 {poll}",
    projects_supervisors: "督办：{names}",
    projects_progress: "进度：{date} {percent}% {text}",
    projects_rated: "测评：{word}",
    projects_from: "{meeting} 票决",
  },
  en: {
    projects_heading: "Livelihood projects",
    projects_register: "Register a project",
    projects_selection: "Open the selection poll",
    projects_evaluation: "Open the evaluation",
    projects_print: "Yearly report (print)",
    projects_csv: "Export CSV",
    projects_empty: "No project registered at this meeting",
    projects_adopted_heading: "Projects adopted in this term",
    projects_adopted_empty: "No project adopted in this term yet",
    projects_withdraw: "Withdraw",
    projects_supervise: "Supervisors",
    projects_milestone: "Record progress",
    projects_status_withdrawn: "withdrawn",
    projects_status_adopted: "adopted",
    projects_status_rejected: "not adopted",
    projects_status_waiting: "awaiting the vote",
    projects_title_field: "Title",
    projects_budget_field: "Budget (yuan)",
    projects_unit_field: "Responsible unit",
    projects_completion_field: "To be completed by",
    projects_source_field: "Proposed by",
    projects_description_field: "Description",
    projects_reason_field: "Reason",
    projects_status_field: "Status",
    projects_actions_field: "Actions",
    projects_item_field: "Agenda item",
    projects_seats_field: "Projects to choose",
    projects_form_field: "Ballot form",
    projects_form_choose: "Choose (at most the number to choose)",
    projects_form_each: "Each project for / against / abstain",
    projects_mode_field: "Voting",
    projects_mode_manual: "Paper ballots (counted by hand)",
    projects_mode_encrypted: "Secret (encrypted)",
    projects_mode_named: "Roll call",
    projects_date_field: "Date",
    projects_percent_field: "Done (%)",
    projects_text_field: "What was done",
    projects_confirm: "Confirm",
    projects_done: "Recorded",
    projects_opened: "Poll {poll} opened",
    projects_supervisors: "Supervisors: {names}",
    projects_progress: "Progress: {date} {percent}% {text}",
    projects_rated: "Rated: {word}",
    projects_from: "adopted at {meeting}",
  },
});

const SOURCES = ["residents", "deputies", "government"];
const MODES = ["manual", "encrypted", "named"];
let loaded = { meeting: null, signature: null };
let data = null;

/** Reload the panel when the meeting changes or a poll changes state (a selection result makes
 * projects adopted); otherwise draw it again from what was loaded. */
export function renderProjects(state) {
  const el = $("#projects");
  if (!el) return;
  const signature = JSON.stringify((state.polls || []).map((p) => [p.poll, p.status, !!p.result]));
  if (loaded.meeting === ctx.meeting && loaded.signature === signature) {
    draw();
    return;
  }
  if (loaded.meeting !== ctx.meeting) data = null;
  loaded = { meeting: ctx.meeting, signature };
  reload();
}

async function reload() {
  const meeting = ctx.meeting;
  const view = await run(() => api("GET", meetingPath("/projects")));
  if (!view || meeting !== ctx.meeting) return;
  data = view;
  draw();
}

function draw() {
  const el = $("#projects");
  if (!el || !data) return;
  const adopted = data.projects.filter((row) => row.selection && row.selection.adopted);
  fill(
    el,
    h(
      "div",
      { class: "button-row" },
      button(t("projects_register"), registerDialog, "projects-register"),
      button(t("projects_selection"), () => pollDialog("selection"), "projects-selection"),
      button(t("projects_evaluation"), () => pollDialog("evaluation"), "projects-evaluation"),
      button(t("projects_print"), printReport, "projects-print"),
      button(t("projects_csv"), () => run(downloadCsv), "projects-csv"),
    ),
    data.session_register.length
      ? registerTable(data.session_register)
      : h("p", { class: "muted-line" }, t("projects_empty")),
    h("h3", {}, t("projects_adopted_heading")),
    adopted.length
      ? h("ul", { class: "proposal-list", id: "projects-adopted" }, ...adopted.map(adoptedRow))
      : h("p", { class: "muted-line" }, t("projects_adopted_empty")),
  );
}

function button(label, onclick, id = null, aria = null) {
  return h(
    "button",
    { type: "button", class: "secondary small", id, "aria-label": aria, onclick },
    label,
  );
}

function status(p) {
  if (p.withdrawn) return t("projects_status_withdrawn");
  if (p.adopted === null) return t("projects_status_waiting");
  return t(p.adopted ? "projects_status_adopted" : "projects_status_rejected");
}

function registerTable(rows) {
  const head = ["project", "source", "budget", "unit", "completion"].map((c) =>
    h("th", { scope: "col" }, t(c === "project" ? "projects_title_field" : `projects_${c}_field`)),
  );
  return h(
    "table",
    { class: "absences", id: "projects-register-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...head,
        h("th", { scope: "col" }, t("projects_status_field")),
        h("th", { scope: "col" }, t("projects_actions_field")),
      ),
    ),
    h(
      "tbody",
      {},
      ...rows.map((p) =>
        h(
          "tr",
          { "data-project": p.project },
          h("th", { scope: "row" }, `${p.project} ${p.title}`),
          h("td", {}, t(`source_${p.source}`)),
          h("td", {}, p.budget_yuan.toLocaleString("zh-CN")),
          h("td", {}, p.unit),
          h("td", {}, p.completion),
          h("td", {}, status(p)),
          h(
            "td",
            {},
            p.withdrawn || p.adopted !== null
              ? ""
              : button(t("projects_withdraw"), () => withdrawDialog(p), null, `${t("projects_withdraw")}：${p.title}`),
          ),
        ),
      ),
    ),
  );
}

function adoptedRow(row) {
  const last = row.milestones[row.milestones.length - 1];
  const names = row.supervisors.map((d) => d.name || d.deputy).join("、");
  return h(
    "li",
    { class: "proposal", "data-project": `${row.meeting}/${row.project}` },
    h("p", { class: "proposal-title" }, `${row.project} ${row.title}`),
    h("p", { class: "muted-line" }, t("projects_from", { meeting: row.meeting })),
    names ? h("p", {}, t("projects_supervisors", { names })) : null,
    last ? h("p", {}, t("projects_progress", last)) : null,
    row.evaluation ? h("p", {}, t("projects_rated", { word: t(`level_${row.evaluation.rating}`) })) : null,
    button(t("projects_supervise"), () => superviseDialog(row), null, `${t("projects_supervise")}：${row.title}`),
    button(t("projects_milestone"), () => milestoneDialog(row), null, `${t("projects_milestone")}：${row.title}`),
  );
}

function input(attrs) {
  return h("input", { required: true, ...attrs });
}

function select(options, label) {
  return h("select", {}, ...options.map((value) => h("option", { value }, label(value))));
}

/** A dialog whose confirm button posts `body()` to `path` and reloads the panel. */
function post(title, fields, path, body, done = () => t("projects_done")) {
  openDialog({
    title,
    body: fields,
    actions: [
      {
        label: t("projects_confirm"),
        tone: "primary",
        run: async () => {
          const answer = await api("POST", meetingPath(path), body());
          notify(done(answer), "ok");
          await reload();
        },
      },
    ],
  });
}

function registerDialog() {
  const title = input({ type: "text", maxlength: "100" });
  const budget = input({ type: "number", min: "1", step: "1" });
  const unit = input({ type: "text", maxlength: "100" });
  const completion = input({ type: "date" });
  const source = select(SOURCES, (s) => t(`source_${s}`));
  const description = h("textarea", { rows: "3", required: true, maxlength: "500" });
  post(
    t("projects_register"),
    [
      field("project-title", t("projects_title_field"), title),
      field("project-budget", t("projects_budget_field"), budget),
      field("project-unit", t("projects_unit_field"), unit),
      field("project-completion", t("projects_completion_field"), completion),
      field("project-source", t("projects_source_field"), source),
      field("project-description", t("projects_description_field"), description),
    ],
    "/projects",
    () => ({
      title: title.value.trim(),
      budget_yuan: Number(budget.value),
      unit: unit.value.trim(),
      completion: completion.value,
      source: source.value,
      description: description.value.trim(),
    }),
  );
}

function withdrawDialog(p) {
  const reason = input({ type: "text", maxlength: "500" });
  post(
    `${t("projects_withdraw")}：${p.title}`,
    [field("project-reason", t("projects_reason_field"), reason)],
    `/projects/${encodeURIComponent(p.project)}/withdraw`,
    () => ({ reason: reason.value.trim() }),
  );
}

function pollDialog(kind) {
  const items = (ctx.state.items || []).filter((i) => i.kind === kind && i.status !== "withdrawn");
  const item = h("select", {}, ...items.map((i) => h("option", { value: i.item }, i.title)));
  const mode = select(MODES, (m) => t(`projects_mode_${m}`));
  const seats = input({ type: "number", min: "1", step: "1" });
  const form = select(["choose", "each"], (f) => t(`projects_form_${f}`));
  const open = data.session_register.filter((p) => !p.withdrawn).length;
  if (kind === "selection") seats.value = String(Math.max(1, open - 1));
  post(
    t(kind === "selection" ? "projects_selection" : "projects_evaluation"),
    [
      field(`project-${kind}-item`, t("projects_item_field"), item),
      kind === "selection" ? field("project-seats", t("projects_seats_field"), seats) : null,
      kind === "selection" ? field("project-form", t("projects_form_field"), form) : null,
      field(`project-${kind}-mode`, t("projects_mode_field"), mode),
    ],
    `/projects/${kind}-poll`,
    () => ({
      item: item.value,
      mode: mode.value,
      ...(kind === "selection" ? { seats: Number(seats.value), form: form.value } : {}),
    }),
    (answer) => t("projects_opened", { poll: answer.poll }),
  );
}

function superviseDialog(row) {
  const seated = (ctx.state.roster || []).filter((d) => d.status !== "ended");
  const chosen = new Set(row.supervisors.map((d) => d.deputy));
  const boxes = seated.map((d) =>
    h(
      "label",
      { class: "check" },
      h("input", { type: "checkbox", value: d.deputy, checked: chosen.has(d.deputy) }),
      ` ${d.name}（${d.seat}）`,
    ),
  );
  post(
    `${t("projects_supervise")}：${row.title}`,
    [h("fieldset", { class: "checks", id: "project-supervisors" }, ...boxes)],
    "/projects/supervisors",
    () => ({
      adopted_in: row.meeting,
      project: row.project,
      deputies: boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value),
    }),
  );
}

function milestoneDialog(row) {
  const date = input({ type: "date" });
  const percent = input({ type: "number", min: "0", max: "100", step: "1" });
  const text = input({ type: "text", maxlength: "500" });
  post(
    `${t("projects_milestone")}：${row.title}`,
    [
      field("project-milestone-date", t("projects_date_field"), date),
      field("project-milestone-percent", t("projects_percent_field"), percent),
      field("project-milestone-text", t("projects_text_field"), text),
    ],
    "/projects/milestones",
    () => ({
      adopted_in: row.meeting,
      project: row.project,
      date: date.value,
      percent: Number(percent.value),
      text: text.value.trim(),
    }),
  );
}

function printReport() {
  window.open(`/print/${encodeURIComponent(ctx.meeting)}?sheet=projects`, "_blank");
}

/** The CSV as the server sends it (UTF-8 with its byte order mark), saved by the browser. */
async function downloadCsv() {
  const response = await fetch(meetingPath("/projects/report.csv"), {
    headers: { Authorization: `Bearer ${ctx.token}` },
  });
  if (!response.ok) throw new ApiError(response.status, await response.json());
  const url = URL.createObjectURL(await response.blob());
  const link = h("a", { href: url, download: `projects-${ctx.meeting}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
