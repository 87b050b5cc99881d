"""The result as a table a chair reads out, in Chinese (default) or English.

Rates appear here only, as percentages with two decimals rounded half up from exact integers;
the result object itself holds counts, never rates.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from ballots.definition import DEFAULT_LEVELS, PollDefinition
from ballots.threshold import Threshold

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_ZH: dict[str, str] = {
    "people": "应出席 {electorate} 名，实到 {present} 名",
    "people_unknown": "应出席 {electorate} 名",
    "ballots": "发出选票 {issued} 张，收回选票 {cast} 张，有效票 {valid} 张，废票 {void} 张",
    "quorum_met": "符合法定人数",
    "quorum_not_met": "不足法定人数（须有三分之二以上代表出席）",
    "quorum_not_met_majority": "不足法定人数（须有过半数成员出席）",
    "required": "{what}所需票数：{count} 票（{rule}）",
    "required_motion": "通过",
    "required_election": "当选",
    "required_selection": "入选",
    "required_evaluation": "评为{best}",
    "base_electorate": "全体代表",
    "base_present": "出席代表",
    "base_cast": "有效票",
    "more_than_half": "{base}过半数",
    "more_than": "超过{base}的{fraction}",
    "at_least": "{base}的{fraction}以上",
    "fraction": "{denominator}分之{numerator}",
    "numerals": "零一二三四五六七八九十",
    "round_invalid_motion": "收回表决票多于发出表决票，本次表决无效，需重新表决",
    "round_invalid_election": "收回选票多于发出选票，本轮选举无效，需重新投票",
    "round_invalid_selection": "收回选票多于发出选票，本次票决无效，需重新投票",
    "round_invalid_evaluation": "收回测评票多于发出测评票，本次测评无效，需重新测评",
    "for": "赞成",
    "against": "反对",
    "abstain": "弃权",
    "not_voted": "未表决",
    "votes": "票数",
    "passed": "表决结果：通过",
    "not_passed": "表决结果：未通过",
    "seats_election": "应选 {seats} 名",
    "seats_selection": "应选 {seats} 项",
    "candidate": "候选人",
    "write_in": "{name}（另选他人）",
    "project": "项目",
    "result": "结果",
    "elected_election": "当选",
    "elected_selection": "入选",
    "not_elected_election": "未当选",
    "not_elected_selection": "未入选",
    "runoff": "需再次投票",
    "elected_list_election": "当选：{names}",
    "elected_list_selection": "入选：{names}",
    "nobody_election": "无人当选",
    "nobody_selection": "无项目入选",
    "runoff_line": "需再次投票：{names} 得票相等，就 {seats} 个名额再次投票",
    "unfilled_election": "另行选举：尚缺 {count} 名，需另行选举",
    "unfilled_selection": "另行票决：尚缺 {count} 项，需另行票决",
    "round": "选举轮次：{round}",
    "round_follows": "{round}（接续表决 {follows}）",
    "round_first": "第一轮选举",
    "round_runoff": "再次投票",
    "round_further": "另行选举",
    "round_by_election": "补选",
    "required_plurality": "当选：就票数相等的候选人再次投票，以得票多的当选",
    "write_ins_ignored": "忽略的另选他人：{count} 个（不按规定填写，不计票，选票仍有效）",
    "of_electorate": "占应出席",
    "of_cast": "占收回选票",
    "subject": "测评对象",
    "rate": "{levels}率",
    "level_sep": "+",
    "rating": "评定",
    "rank": "名次",
    "list_sep": "、",
    "none": "—",
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
    "column_satisfied": "满意",
    "column_basically_satisfied": "基本满意",
    "column_dissatisfied": "不满意",
}

_EN: dict[str, str] = {
    "people": "Seated deputies {electorate}, present {present}",
    "people_unknown": "Seated deputies {electorate}",
    "ballots": "Ballots issued {issued}, cast {cast}, valid {valid}, void {void}",
    "quorum_met": "Quorum met",
    "quorum_not_met": "Quorum not met (two thirds of seated deputies must be present)",
    "quorum_not_met_majority": "Quorum not met (more than half of the members must be present)",
    "required": "Votes required to {what}: {count} ({rule})",
    "required_motion": "pass",
    "required_election": "be elected",
    "required_selection": "be adopted",
    "required_evaluation": "be rated {best}",
    "base_electorate": "all seated deputies",
    "base_present": "deputies present",
    "base_cast": "valid ballots",
    "more_than_half": "more than half of {base}",
    "more_than": "more than {fraction} of {base}",
    "at_least": "at least {fraction} of {base}",
    "fraction": "{numerator}/{denominator}",
    "numerals": "",
    "round_invalid_motion": (
        "More ballots cast than issued: the vote is invalid and must be held again"
    ),
    "round_invalid_election": (
        "More ballots cast than issued: the round is invalid and the election must be held again"
    ),
    "round_invalid_selection": (
        "More ballots cast than issued: the vote is invalid and must be held again"
    ),
    "round_invalid_evaluation": (
        "More ballots cast than issued: the evaluation is invalid and must be held again"
    ),
    "for": "For",
    "against": "Against",
    "abstain": "Abstain",
    "not_voted": "Not voted",
    "votes": "Votes",
    "passed": "Result: passed",
    "not_passed": "Result: not passed",
    "seats_election": "Seats: {seats}",
    "seats_selection": "Projects to choose: {seats}",
    "candidate": "Candidate",
    "write_in": "{name} (write-in)",
    "project": "Project",
    "result": "Result",
    "elected_election": "elected",
    "elected_selection": "adopted",
    "not_elected_election": "not elected",
    "not_elected_selection": "not adopted",
    "runoff": "runoff needed",
    "elected_list_election": "Elected: {names}",
    "elected_list_selection": "Adopted: {names}",
    "nobody_election": "Nobody elected",
    "nobody_selection": "No project adopted",
    "runoff_line": "Runoff needed: {names} tie; new vote for {seats} seat(s)",
    "unfilled_election": "Further election needed: {count} seat(s) unfilled",
    "unfilled_selection": "Further vote needed: {count} place(s) unfilled",
    "round": "Round: {round}",
    "round_follows": "{round} (following poll {follows})",
    "round_first": "first round",
    "round_runoff": "runoff",
    "round_further": "further election",
    "round_by_election": "by-election",
    "required_plurality": "To be elected: the most votes among the tied candidates",
    "write_ins_ignored": "Write-ins ignored: {count} (not counted; the ballots stay valid)",
    "of_electorate": "% of seated",
    "of_cast": "% of cast",
    "subject": "Subject",
    "rate": "{levels} rate",
    "level_sep": "+",
    "rating": "Rating",
    "rank": "Rank",
    "list_sep": ", ",
    "none": "-",
    "satisfied": "satisfied",
    "basically_satisfied": "basically satisfied",
    "dissatisfied": "dissatisfied",
    "column_satisfied": "Satisfied",
    "column_basically_satisfied": "Basically",
    "column_dissatisfied": "Dissatisfied",
}

_WORDS: dict[Lang, dict[str, str]] = {"zh": _ZH, "en": _EN}


def render_table(
    definition: PollDefinition, result: Mapping[str, Any], *, lang: Lang = "zh"
) -> str:
    """The table of one poll's ``result`` (as :func:`ballots.tally` or ``decide`` return it).

    The poll's title is not part of the table: a caller showing several adds its own heading.
    """
    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r}, expected one of {', '.join(LANGS)}")
    words = _WORDS[lang]
    lines = _header(definition, result, words)
    body: Callable[[PollDefinition, Mapping[str, Any], dict[str, str]], list[str]] = {
        "motion": _motion,
        "election": _seats_table,
        "selection": _seats_table,
        "evaluation": _evaluation,
    }[definition.kind]
    lines += body(definition, result, words)
    return "\n".join(lines) + "\n"


def _header(
    definition: PollDefinition, result: Mapping[str, Any], words: dict[str, str]
) -> list[str]:
    present = result["present"]
    numbers = result["ballots"]
    lines = [
        words["people" if present is not None else "people_unknown"].format(
            electorate=result["electorate"], present=present
        ),
        words["ballots"].format(issued=result["issued"], **numbers),
    ]
    if result["quorum_met"] is not None:
        not_met = "quorum_not_met" + ("_majority" if definition.quorum == "majority" else "")
        lines.append(words["quorum_met" if result["quorum_met"] else not_met])
    what = words[f"required_{definition.kind}"]
    if definition.kind == "evaluation":
        what = what.format(best=_level(definition.levels[0], words))
    if result["required"] is None:
        lines.append(words["required_plurality"])
    else:
        lines.append(
            words["required"].format(
                what=what, count=result["required"], rule=_rule(definition.threshold, words)
            )
        )
    if not result["round_valid"]:
        lines.append(words[f"round_invalid_{definition.kind}"])
    return lines


def _motion(
    definition: PollDefinition, result: Mapping[str, Any], words: dict[str, str]
) -> list[str]:
    counts = result["counts"]
    rows = [["", words["votes"]]]
    for mark in ("for", "against", "abstain", "not_voted"):
        count = counts[mark]
        rows.append([words[mark], words["none"] if count is None else str(count)])
    lines = ["", *_grid(rows, "lr")]
    if result["outcome"] is not None:
        lines += ["", words["passed" if result["outcome"]["passed"] else "not_passed"]]
    return lines


def _seats_table(
    definition: PollDefinition, result: Mapping[str, Any], words: dict[str, str]
) -> list[str]:
    """Elections and selections: per candidate or project, votes and verdict."""
    kind = definition.kind
    counts = result["counts"]
    outcome = result["outcome"]
    marks = ("for",) if definition.form == "choose" else ("for", "against", "abstain")
    show_rates = kind == "selection"
    cast = result["ballots"]["cast"]

    labels = {entry.id: entry.label for entry in definition.candidates}
    written = result.get("write_ins", {})
    for name in written:
        labels[name] = words["write_in"].format(name=name)

    def verdict(key: str) -> str:
        if outcome is None:
            return words["none"]
        if key in outcome["elected"]:
            return words[f"elected_{kind}"]
        if outcome["runoff"] is not None and key in outcome["runoff"]["candidates"]:
            return words["runoff"]
        return words[f"not_elected_{kind}"]

    heading = [words["candidate" if kind == "election" else "project"]]
    heading += [words[mark] for mark in marks]
    if show_rates:
        heading += [words["of_electorate"], words["of_cast"]]
    rows = [[*heading, words["result"]]]
    entries: list[tuple[str, list[str], int]] = []
    for entry in definition.candidates:
        votes = counts[entry.id]
        entries.append((entry.id, [str(votes[mark]) for mark in marks], votes["for"]))
    for name, votes_for in written.items():
        entries.append((name, [str(votes_for)] + [words["none"]] * (len(marks) - 1), votes_for))
    for key, cells, votes_for in entries:
        row = [labels[key], *cells]
        if show_rates:
            row += [
                _percent(votes_for, result["electorate"], words),
                _percent(votes_for, cast, words),
            ]
        rows.append([*row, verdict(key)])

    lines = ["", words[f"seats_{kind}"].format(seats=definition.seat_count), ""]
    if definition.round.type != "first":
        lines[1:1] = [_round(definition, words)]
    lines += _grid(rows, "l" + "r" * (len(rows[0]) - 2) + "l")
    if result.get("write_ins_ignored"):
        lines += ["", words["write_ins_ignored"].format(count=result["write_ins_ignored"])]
    if outcome is None:
        return lines
    lines.append("")
    sep = words["list_sep"]
    if outcome["elected"]:
        names = sep.join(labels[key] for key in outcome["elected"])
        lines.append(words[f"elected_list_{kind}"].format(names=names))
    elif outcome["runoff"] is None:
        lines.append(words[f"nobody_{kind}"])
    if outcome["runoff"] is not None:
        runoff = outcome["runoff"]
        names = sep.join(labels[key] for key in runoff["candidates"])
        lines.append(words["runoff_line"].format(names=names, seats=runoff["seats"]))
    if outcome["unfilled"]:
        lines.append(words[f"unfilled_{kind}"].format(count=outcome["unfilled"]))
    return lines


def _round(definition: PollDefinition, words: dict[str, str]) -> str:
    """The round line of a later election round: its type and the poll it follows."""
    name = words[f"round_{definition.round.type}"]
    if definition.round.follows is not None:
        name = words["round_follows"].format(round=name, follows=definition.round.follows)
    return words["round"].format(round=name)


def _evaluation(
    definition: PollDefinition, result: Mapping[str, Any], words: dict[str, str]
) -> list[str]:
    levels = definition.levels
    counts = result["counts"]
    outcome = result["outcome"]
    valid = result["ballots"]["valid"]
    rated_levels = [levels[:1]] + ([levels[:2]] if len(levels) > 2 else [])
    heading = [words["subject"], *(_level(level, words, "column_") for level in levels)]
    for group in rated_levels:
        joined = words["level_sep"].join(_level(level, words, "column_") for level in group)
        heading.append(words["rate"].format(levels=joined))
    rows = [[*heading, words["rating"], words["rank"]]]
    ranks = {} if outcome is None else {key: n for n, key in enumerate(outcome["ranking"], 1)}
    for subject in definition.subjects:
        by_level = counts[subject.id]
        row = [subject.label, *(str(by_level[level]) for level in levels)]
        row += [
            _percent(sum(by_level[level] for level in group), valid, words)
            for group in rated_levels
        ]
        if outcome is None:
            row += [words["none"], words["none"]]
        else:
            row += [_level(outcome["ratings"][subject.id], words), str(ranks[subject.id])]
        rows.append(row)
    return ["", *_grid(rows, "l" + "r" * (len(levels) + len(rated_levels)) + "lr")]


def _level(level: str, words: dict[str, str], prefix: str = "") -> str:
    """The word for a level: the default levels are translated, custom ones shown as given."""
    return words[prefix + level] if level in DEFAULT_LEVELS else level


def _rule(threshold: Threshold, words: dict[str, str]) -> str:
    base = words[f"base_{threshold.base}"]
    if threshold.rule == "more_than" and (threshold.numerator, threshold.denominator) == (1, 2):
        return words["more_than_half"].format(base=base)
    fraction = words["fraction"].format(
        numerator=_numeral(threshold.numerator, words),
        denominator=_numeral(threshold.denominator, words),
    )
    return words[threshold.rule].format(base=base, fraction=fraction)


def _numeral(number: int, words: dict[str, str]) -> str:
    """Small numbers in words where the language writes them so (三分之二), else digits."""
    numerals = words["numerals"]
    return numerals[number] if number < len(numerals) else str(number)


def _percent(count: int, whole: int, words: dict[str, str]) -> str:
    """``count / whole`` as a percentage with two decimals, rounded half up."""
    if whole == 0:
        return words["none"]
    hundredths = (count * 20000 + whole) // (2 * whole)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def _grid(rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Rows as aligned columns (``l``eft or ``r``ight per column), counting wide characters
    as two columns so that Chinese text lines up in a terminal."""
    widths = [max(_width(row[column]) for row in rows) for column in range(len(align))]
    lines = []
    for row in rows:
        cells = []
        for cell, width, side in zip(row, widths, align, strict=True):
            padding = " " * (width - _width(cell))
            cells.append(cell + padding if side == "l" else padding + cell)
        lines.append("  ".join(cells).rstrip())
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
