// The constitution oath (宪法宣誓) on the console: record that it took place, who led it (领誓人)
// and who swore; the deputies signed in are proposed as those who swore.

import { api, ctx, field, meetingPath, notify, openDialog } from "./chair-context.js";
import { h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    agenda_record_oath: "记录宣誓",
    oath_title: "记录宪法宣誓：{title}",
    oath_led_by_label: "领誓人",
    oath_sworn_label: "宣誓人（每行一名）",
    oath_confirm: "记录",
    oath_led_by_required: "须写明领誓人姓名",
    oath_sworn_required: "须列出宣誓人姓名",
    done_oath: "已记录宪法宣誓：{title}",
    oath_recorded: "已宣誓：领誓人 {name}，宣誓人 {count} 名",
  },
  en: {
    agenda_record_oath: "Record the oath",
    oath_title: "Record the constitution oath: {title}",
    oath_led_by_label: "Led by (领誓人)",
    oath_sworn_label: "Sworn (one name a line)",
    oath_confirm: "Record",
    oath_led_by_required: "Name whoever led the oath",
    oath_sworn_required: "Name those who swore",
    done_oath: "Constitution oath recorded: {title}",
    oath_recorded: "Oath taken: led by {name}, {count} sworn",
  },
});

/** The button that opens the oath dialog of an oath item not yet recorded, or null. */
export function oathButton(item) {
  if (item.kind !== "oath" || item.oath) return null;
  return h(
    "button",
    {
      type: "button",
      class: "primary small",
      "aria-label": `${t("agenda_record_oath")}：${item.title}`,
      onclick: () => oathDialog(item),
    },
    t("agenda_record_oath"),
  );
}

/** The line under a recorded oath item: who led it and how many swore. */
export function oathNote(item) {
  if (item.kind !== "oath" || !item.oath) return null;
  return h(
    "span",
    { class: "oath-note" },
    t("oath_recorded", { name: item.oath.led_by, count: item.oath.sworn.length }),
  );
}

function oathDialog(item) {
  const leader = h("input", { type: "text", required: true, maxlength: "500" });
  const present = (ctx.state.roster || []).filter((d) => d.signed_in).map((d) => d.name);
  const sworn = h("textarea", { rows: "8", required: true }, present.join("\n"));
  openDialog({
    title: t("oath_title", { title: item.title }),
    body: [
      field("oath-led-by", t("oath_led_by_label"), leader),
      field("oath-sworn", t("oath_sworn_label"), sworn),
    ],
    actions: [
      {
        label: t("oath_confirm"),
        tone: "primary",
        run: async () => {
          const names = sworn.value
            .split("\n")
            .map((name) => name.trim())
            .filter(Boolean);
          if (!leader.value.trim()) throw new Error(t("oath_led_by_required"));
          if (!names.length) throw new Error(t("oath_sworn_required"));
          await api("POST", meetingPath(`/items/${encodeURIComponent(item.item)}/oath`), {
            led_by: leader.value.trim(),
            sworn: names,
          });
          notify(t("done_oath", { title: item.title }), "ok");
        },
      },
    ],
  });
}
