// Words the console's project panel and the printed yearly report share: where a project came
// from, and the levels of the satisfaction evaluation.

import { register } from "./i18n.js";

register({
  zh: {
    source_deputies: "代表提出",
    source_residents: "群众征集",
    source_government: "政府提出",
    level_satisfied: "满意",
    level_basically_satisfied: "基本满意",
    level_dissatisfied: "不满意",
  },
  en: {
    source_deputies: "deputies",
    source_residents: "residents",
    source_government: "government",
    level_satisfied: "satisfied",
    level_basically_satisfied: "basically satisfied",
    level_dissatisfied: "dissatisfied",
  },
});
