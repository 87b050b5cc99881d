// The administrator's account panel on the meeting picker: every account with its role and the
// meetings it may run, a form to create a chair or operator account with its meetings, and a
// change of an account's meetings ("all" for a county office's staff, or a listed set). Inside a
// meeting, a chair sees who may run it.

import { api, meetingPath, run } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    accounts_heading: "账户与会议范围",
    accounts_user: "用户名",
    accounts_role: "角色",
    accounts_meetings: "可管理的会议",
    accounts_all: "全部会议",
    accounts_none: "无（仅限其创建的会议）",
    accounts_runners: "可管理本会议的账户：{names}",
    accounts_change: "更改范围",
    accounts_save: "保存范围",
    accounts_cancel: "取消",
    accounts_new: "新建账户",
    accounts_password: "初始密码（至少8个字符）",
    accounts_create: "创建账户",
    accounts_created: "已创建账户 {user}",
    accounts_saved: "已更改 {user} 的会议范围",
    role_admin: "管理员",
    role_chair: "主持人",
    role_operator: "操作员",
  },
  en: {
    accounts_heading: "Accounts and their meetings",
    accounts_user: "User name",
    accounts_role: "Role",
    accounts_meetings: "Meetings it may run",
    accounts_all: "All meetings",
    accounts_none: "None (only those it creates)",
    accounts_runners: "Accounts that may run this meeting: {names}",
    accounts_change: "Change meetings",
    accounts_save: "Save meetings",
    accounts_cancel: "Cancel",
    accounts_new: "New account",
    accounts_password: "First password (at least 8 characters)",
    accounts_create: "Create the account",
    accounts_created: "Account {user} created",
    accounts_saved: "Meetings of {user} changed",
    role_admin: "administrator",
    role_chair: "chair",
    role_operator: "operator",
  },
});

/** Show the panel to an administrator (hidden for everyone else); `meetings` as listed. */
export async function renderAccounts(role, meetings) {
  const panel = $("#accounts-panel");
  panel.hidden = role !== "admin";
  $("#picker-view").classList.toggle("managing", !panel.hidden);
  if (panel.hidden) return;
  const answer = await run(() => api("GET", "/api/accounts"));
  if (!answer) return;
  fill(
    $("#accounts"),
    accountTable(answer.accounts, meetings, () => renderAccounts(role, meetings)),
    newAccountForm(meetings, () => renderAccounts(role, meetings)),
  );
}

/** The line under the seat map naming who may run the open meeting (chairs and admins). */
export async function renderRunners(role) {
  const line = $("#meeting-runners");
  line.hidden = true;
  if (role !== "admin" && role !== "chair") return;
  let answer;
  try {
    answer = await api("GET", meetingPath("/accounts"));
  } catch {
    return; // an older server, or a meeting just withdrawn from this account: no line
  }
  const names = answer.accounts.map((a) => `${a.username}（${t(`role_${a.role}`)}）`).join("、");
  line.textContent = t("accounts_runners", { names });
  line.hidden = false;
}

function scopeText(scope, meetings) {
  if (scope === "all") return t("accounts_all");
  if (!scope.length) return t("accounts_none");
  const titles = new Map(meetings.map((m) => [m.meeting, m.title]));
  return scope.map((id) => titles.get(id) || id).join("、");
}

function accountTable(accounts, meetings, refresh) {
  return h(
    "table",
    { class: "accounts-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, t("accounts_user")),
        h("th", {}, t("accounts_role")),
        h("th", {}, t("accounts_meetings")),
        h("th", {}),
      ),
    ),
    h(
      "tbody",
      {},
      accounts.map((account) => {
        const scopeCell = h("td", { class: "account-scope" }, scopeText(account.meetings, meetings));
        const change =
          account.role === "admin"
            ? null
            : h(
                "button",
                {
                  type: "button",
                  onclick: () => editScope(scopeCell, account, meetings, refresh),
                },
                t("accounts_change"),
              );
        return h(
          "tr",
          { dataset: { account: account.username } },
          h("td", {}, account.username),
          h("td", {}, t(`role_${account.role}`)),
          scopeCell,
          h("td", {}, change),
        );
      }),
    ),
  );
}

/** Checkboxes for "all meetings" and for each meeting; `value()` is "all" or the ids. */
function scopeEditor(meetings, current, name) {
  const all = h("input", { type: "checkbox", name: `${name}-all`, checked: current === "all" });
  const boxes = meetings.map((m) =>
    h("input", {
      type: "checkbox",
      name: `${name}-meeting`,
      value: m.meeting,
      checked: current !== "all" && current.includes(m.meeting),
      disabled: current === "all",
    }),
  );
  all.addEventListener("change", () => {
    for (const box of boxes) box.disabled = all.checked;
  });
  const el = h(
    "fieldset",
    { class: "scope-editor" },
    h("legend", {}, t("accounts_meetings")),
    h("label", {}, all, " ", t("accounts_all")),
    meetings.map((m, i) => h("label", {}, boxes[i], " ", `${m.title}（${m.origin}）`)),
  );
  const value = () => (all.checked ? "all" : boxes.filter((b) => b.checked).map((b) => b.value));
  return { el, value };
}

function editScope(cell, account, meetings, refresh) {
  const editor = scopeEditor(meetings, account.meetings, `scope-${account.username}`);
  const save = async () => {
    const done = await run(
      () =>
        api("PUT", `/api/accounts/${encodeURIComponent(account.username)}/meetings`, {
          meetings: editor.value(),
        }),
      t("accounts_saved", { user: account.username }),
    );
    if (done) refresh();
  };
  fill(
    cell,
    editor.el,
    h("button", { type: "button", class: "primary", onclick: save }, t("accounts_save")),
    " ",
    h("button", { type: "button", onclick: refresh }, t("accounts_cancel")),
  );
}

function newAccountForm(meetings, refresh) {
  const username = h("input", { id: "new-account-user", autocomplete: "off", required: true });
  const password = h("input", {
    id: "new-account-password",
    type: "password",
    autocomplete: "new-password",
    required: true,
  });
  const role = h(
    "select",
    { id: "new-account-role" },
    ["chair", "operator"].map((r) => h("option", { value: r }, t(`role_${r}`))),
  );
  const editor = scopeEditor(meetings, [], "new-account");
  const submit = async (event) => {
    event.preventDefault();
    const user = username.value.trim();
    const body = { username: user, role: role.value, password: password.value };
    body.meetings = editor.value();
    const done = await run(
      () => api("POST", "/api/accounts", body),
      t("accounts_created", { user }),
    );
    if (done) refresh();
  };
  return h(
    "form",
    { class: "new-account", onsubmit: submit },
    h("h3", {}, t("accounts_new")),
    h("label", { for: "new-account-user" }, t("accounts_user")),
    username,
    h("label", { for: "new-account-role" }, t("accounts_role")),
    role,
    h("label", { for: "new-account-password" }, t("accounts_password")),
    password,
    editor.el,
    h("button", { type: "submit", class: "primary" }, t("accounts_create")),
  );
}
