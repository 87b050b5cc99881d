"""The sample town meeting used by ``congress demo``: 54 deputies, the bundled example polls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import voting
from voting.roster import RosterLine

MEETING = "xinzhou-17-3"
ORIGIN = "xinzhou.congress.local/17-3"
TITLE = "新洲镇第十七届人民代表大会第三次会议"
DATE = "2026-03-01"

_SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
_GIVEN = [
    "建国", "秀英", "志强", "丽华", "伟", "敏", "海燕", "国庆", "红梅", "晓东",
    "桂兰", "立新", "春生", "玉珍", "德明", "小平", "金凤", "永福", "淑芬", "卫东",
    "爱民", "翠花", "振华", "美玲", "文斌", "雪梅", "俊杰", "秋菊", "长青", "云霞",
    "学军", "素琴", "宏伟", "彩霞", "正平", "凤英", "家兴", "月娥", "明亮", "兰芳",
    "福生", "惠敏", "成才", "巧玲", "光辉", "荷花", "志刚", "春兰", "远航", "冬梅",
    "新民", "慧娟", "国栋", "丽娟",
]  # fmt: skip


@dataclass(frozen=True)
class SampleItem:
    item: str
    title: str
    kind: str
    definition: dict[str, Any] | None
    rule: dict[str, Any] | None = None


def examples_dir() -> Path:
    """``examples/`` of the source tree this package runs from."""
    return Path(voting.__file__).resolve().parent.parent / "examples"


def roster() -> list[RosterLine]:
    return [
        RosterLine(
            f"d{i:02}",
            _SURNAMES[(i - 1) % len(_SURNAMES)] + _GIVEN[(i - 1) % len(_GIVEN)],
            f"{(i - 1) // 9 + 1}-{(i - 1) % 9 + 1:02}",  # row-seat: 6 rows of 9
            "active",
        )
        for i in range(1, 55)
    ]


def _definition(name: str) -> dict[str, Any]:
    poll = json.loads((examples_dir() / f"{name}.json").read_text(encoding="utf-8"))["poll"]
    title = str(poll["title"]).split("：", 1)[-1]
    return {
        k: v
        for k, v in dict(poll, title=title).items()
        if k not in {"electorate", "present", "issued"}
    }


#: 总监票人, 监票人 and 计票人 of the sample meeting (adopted by item i08); the first three
#: hold the sitting key's shares on (in the demo, simulated) scrutineer stations.
SCRUTINEERS = {"chief": ["d05"], "scrutineers": ["d06", "d07"], "tellers": ["d08"]}
#: The agenda item that adopts the scrutineers' list: before it there is no sitting key, so
#: a vote is named or on paper; after it every secret poll is encrypted.
SCRUTINEERS_ITEM = "i08"


def agenda() -> list[SampleItem]:
    return [
        SampleItem("i01", "听取和审议镇人民政府工作报告", "report", None),
        SampleItem(
            "i02", "关于新洲镇2026年财政预算的决议", "motion", _definition("01-motion-budget")
        ),
        SampleItem(
            "i03", "选举镇长", "election", _definition("02-election-zhenzhang"), {"office": "head"}
        ),
        SampleItem(
            "i04",
            "选举副镇长",
            "election",
            _definition("03-election-fuzhenzhang"),
            {"office": "deputy", "extra": 1},
        ),
        SampleItem(
            "i05", "2026年度民生实事项目票决", "selection", _definition("04-livelihood-projects")
        ),
        SampleItem(
            "i06", "镇政府工作部门满意度测评", "evaluation", _definition("05-evaluation-offices")
        ),
        SampleItem("i07", "宪法宣誓", "oath", None),
    ]


def agenda_items() -> list[dict[str, Any]]:
    """The sample agenda as ``PUT /agenda`` takes it: the items of :func:`agenda`, with the
    scrutineers' list (i08) right after the opening report, so that the motions, elections,
    selection and evaluation after it are held encrypted."""
    rows: list[dict[str, Any]] = []
    for item in agenda():
        row: dict[str, Any] = {"item": item.item, "title": item.title, "kind": item.kind}
        if item.rule is not None:
            row["rule"] = item.rule
        rows.append(row)
    scrutineers: dict[str, Any] = {
        "item": SCRUTINEERS_ITEM,
        "title": "通过总监票人、监票人、计票人名单",
        "kind": "motion",
        "adopts": {"scrutineers": SCRUTINEERS},
    }
    return [rows[0], scrutineers, *rows[1:]]


#: The chair console prefills the poll definitions of the sample meeting from this file.
DEFINITIONS_FILE = Path(voting.__file__).resolve().parent / "static" / "sample-definitions.json"


def definitions_json() -> str:
    """The contents of :data:`DEFINITIONS_FILE`: the sample agenda's poll definitions by item."""
    found = {item.item: item.definition for item in agenda() if item.definition is not None}
    return json.dumps({MEETING: found}, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":  # python -m voting.sample: regenerate the console's sample file
    DEFINITIONS_FILE.write_text(definitions_json(), encoding="utf-8")


def unanimous_paper_result(present: int) -> dict[str, Any]:
    """A motion's paper result adopted by all ``present`` deputies, as the scrutineers record
    it (``POST …/polls/{poll}/manual-result``): how the demo, the rehearsal and the benchmark
    adopt the scrutineers' list before any key exists."""
    return {
        "issued": present,
        "ballots": {"cast": present, "valid": present, "void": 0},
        "counts": {"for": present, "against": 0, "abstain": 0},
        "confirmed_by": ["监票人"],
    }
