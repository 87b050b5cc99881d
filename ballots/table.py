"""The result as a table a chair reads out, in Chinese (default) or English.

Rates appear here only, as percentages with two decimals rounded half up from exact integers;
the result object itself holds counts, never rates.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ballots.definition import DEFAULT_LEVELS, PollDefinition
from ballots.threshold import Threshold
from ballots.words import LANGS, WORDS, Lang

# LANGS and Lang are defined in ballots.words; they stay importable from here.
__all__ = ["LANGS", "Lang", "render_table"]


def render_table(
    definition: PollDefinition, result: Mapping[str, Any], *, lang: Lang = "zh"
) -> str:
    """The table of one poll's ``result`` (as :func:`ballots.tally` or ``decide`` return it).

    The poll's title is not part of the table: a caller showing several adds its own heading.
    """
    if lang not in WORDS:
        raise ValueError(f"unknown language {lang!r}, expected one of {', '.join(LANGS)}")
    words = WORDS[lang]
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
