// The next round of an election and the presidium's confirmation, on a counted election result:
// "就票数相等的候选人再次投票" when the result has a tie across the last seat (组织法 Art 29),
// "另行选举" when seats are unfilled (Art 29 ¶3), and "主席团确认结果" while the result is held
// from the hall (setting hold_election_results). The server prepares the next round's definition
// (POST …/runoff or …/further). A runoff is held among exactly the tied candidates: the chair
// checks them in a dialog and opens it in the mode of the round it follows (encrypted, or on paper
// entered by hand). A further election comes up in the poll form, the candidates not elected
// listed first, for the chair to change before opening (the server checks the 差额 rule when it
// opens).

import { defaultMode, openPollDialog } from "./chair-poll-form.js";
import { nextPollId } from "./chair-ceremony.js";
import { api, ctx, field, meetingPath, notify, openDialog } from "./chair-context.js";
import { h } from "/static/common/dom.js";
import { t } from "./i18n.js";

function pollPath(poll, suffix) {
  return meetingPath(`/polls/${encodeURIComponent(poll.poll)}${suffix}`);
}

/** Whether the console must still have the presidium confirm this poll's result. */
export function awaitsConfirmation(poll) {
  return Boolean(poll.result_held) && !poll.confirmation;
}

/** The buttons a counted election result calls for; [] for anything else. */
export function roundButtons(poll) {
  if (poll.kind !== "election" || poll.status !== "closed" || !poll.result) return [];
  const outcome = poll.result.outcome || {};
  const buttons = [];
  if (awaitsConfirmation(poll)) {
    buttons.push(button("primary", t("round_confirm"), () => confirmDialog(poll)));
  }
  if (outcome.runoff) {
    buttons.push(button("primary", t("round_runoff"), () => nextRound(poll, "runoff")));
  }
  if (outcome.unfilled > 0) {
    buttons.push(button("secondary", t("round_further"), () => nextRound(poll, "further")));
  }
  return buttons;
}

function button(tone, label, onclick) {
  return h("button", { type: "button", class: tone, onclick }, label);
}

async function nextRound(poll, kind) {
  let next;
  try {
    next = await api("POST", pollPath(poll, `/${kind}`), {});
  } catch (error) {
    notify(error.text || String(error), "error");
    return;
  }
  if (kind === "further") {
    const item = (ctx.state.items || []).find((i) => i.item === next.item);
    openPollDialog(item, { definition: next.definition, mode: poll.mode, change_policy: "last" });
    return;
  }
  const names = next.definition.candidates.map((c) => c.name || c.id).join("、");
  const mode = defaultMode("election", poll.mode);
  openDialog({
    title: t("round_runoff_title", { poll: poll.poll }),
    body: [
      h("p", {}, t("round_candidates", { names, seats: next.definition.seats })),
      h("p", { class: "help" }, t("round_runoff_help")),
      h("p", { id: "round-mode" }, t("round_mode", { mode: t(`mode_${mode}`) })),
    ],
    actions: [
      {
        label: t("round_open"),
        tone: "primary",
        run: async () => {
          const body = { item: next.item, definition: next.definition, mode };
          // The id the liveness challenge was issued for (chair-ceremony.js).
          if (mode === "encrypted") body.poll = nextPollId(ctx.state);
          await api("POST", meetingPath("/polls"), body);
          notify(t("round_opened"), "ok");
        },
      },
    ],
  });
}

function confirmDialog(poll) {
  const decision = h("textarea", { rows: "3", required: true, maxlength: "500" });
  decision.value = t("round_decision_template");
  const members = h("input", { type: "text", required: true, autocomplete: "off" });
  openDialog({
    title: t("round_confirm_title", { poll: poll.poll }),
    body: [
      field("confirm-decision", t("round_decision"), decision),
      field("confirm-members", t("round_members"), members, t("round_members_help")),
    ],
    actions: [
      {
        label: t("round_confirm"),
        tone: "primary",
        run: async () => {
          const by = members.value
            .split(/[,，、\s]+/)
            .map((name) => name.trim())
            .filter(Boolean);
          if (!decision.value.trim() || !by.length) throw new Error(t("round_confirm_missing"));
          await api("POST", pollPath(poll, "/confirm"), { decision: decision.value.trim(), by });
          notify(t("round_confirmed"), "ok");
        },
      },
    ],
  });
}
