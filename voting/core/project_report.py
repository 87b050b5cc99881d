"""The yearly report of a term's livelihood projects (民生实事项目年度报告), from proposal to
rating.

A pure function over the replayed states of the term's sessions (oldest first): one row per
registered project with its register fields, its selection (``for`` votes and their rate against
the electorate and against the ballots cast, adopted or not), its supervising deputies, its
milestones, and the rating of the evaluation poll of a later session (counts per level and the
classification). Every fact names the log entry it came from: ``cites`` lists, per row, the
meeting, the entry's seq and its leaf hash (``hash_of``), so a reader checks each against that
session's bundle.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from voting.core.project_state import Adoption, adopted_projects
from voting.core.state import MeetingState

__all__ = ["TermSession", "report_csv", "yearly_report"]

#: (meeting, seq) -> the entry's leaf hash (hex).
HashOf = Callable[[str, int], str]


@dataclass(frozen=True)
class TermSession:
    """An opened meeting of the term: its id, title, date and replayed state."""

    meeting: str
    title: str
    date: str
    state: MeetingState


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class _Row:
    """One project's row, gathering facts and the entries they came from."""

    def __init__(self, session: TermSession, project: str, hash_of: HashOf) -> None:
        self.session = session
        self.hash_of = hash_of
        self.found = session.state.projects.projects[project]
        self.cites: list[dict[str, Any]] = []
        self.data: dict[str, Any] = {
            "meeting": session.meeting,
            "project": project,
            "title": self.found.title,
            "source": self.found.source,
            "budget_yuan": self.found.budget_yuan,
            "unit": self.found.unit,
            "completion": self.found.completion,
            "description": self.found.description,
            "withdrawn": self.found.withdrawn_seq is not None,
            "selection": None,
            "supervisors": [],
            "milestones": [],
            "evaluation": None,
        }
        self.cite("registered", session.meeting, self.found.seq)
        if self.found.withdrawn_seq is not None:
            self.cite("withdrawn", session.meeting, self.found.withdrawn_seq)

    def cite(self, what: str, meeting: str, seq: int) -> None:
        self.cites.append(
            {"what": what, "meeting": meeting, "seq": seq, "hash": self.hash_of(meeting, seq)}
        )

    def selection(self, adoption: Adoption) -> None:
        self.data["selection"] = {
            "poll": adoption.poll,
            "votes": adoption.votes,
            "electorate": adoption.electorate,
            "cast": adoption.cast,
            "rate_electorate": _rate(adoption.votes, adoption.electorate),
            "rate_cast": _rate(adoption.votes, adoption.cast),
            "adopted": adoption.adopted,
        }
        projects = self.session.state.projects
        self.cite("selection_opened", self.session.meeting, projects.opened_seq[adoption.poll])
        self.cite("selection_result", self.session.meeting, projects.result_seq[adoption.poll])

    def follow_up(self, later: TermSession) -> None:
        key = (self.session.meeting, self.data["project"])
        follow = later.state.projects.follow_up.get(key)
        if follow is None:
            return
        if follow.supervisors is not None and follow.supervisors_seq is not None:
            roster = later.state.roster
            self.data["supervisors"] = [
                {"deputy": d, "name": roster[d].name if d in roster else ""}
                for d in follow.supervisors
            ]
            self.cite("supervisors", later.meeting, follow.supervisors_seq)
        for milestone in follow.milestones:
            self.data["milestones"].append(
                {k: milestone[k] for k in ("date", "text", "percent")} | {"meeting": later.meeting}
            )
            self.cite("milestone", later.meeting, milestone["seq"])

    def evaluation(self, later: TermSession) -> None:
        projects = later.state.projects
        for poll_id, evaluation in projects.evaluations.items():
            poll = later.state.polls[poll_id]
            if evaluation["meeting"] != self.session.meeting or poll.status != "closed":
                continue
            project = self.data["project"]
            if project not in evaluation["projects"] or poll.result is None:
                continue
            result = poll.result
            if not result.get("round_valid"):
                continue
            counts = dict(result["counts"][project])
            self.data["evaluation"] = {
                "meeting": later.meeting,
                "poll": poll_id,
                "counts": counts,
                "valid": result["ballots"]["valid"],
                "electorate": result["electorate"],
                "rating": result["outcome"]["ratings"][project],
            }
            self.cite("evaluation_opened", later.meeting, projects.opened_seq[poll_id])
            self.cite("evaluation_link", later.meeting, evaluation["seq"])
            self.cite("evaluation_result", later.meeting, projects.result_seq[poll_id])

    def done(self) -> dict[str, Any]:
        return self.data | {"cites": self.cites}


def yearly_report(
    term: str | None, sessions: Sequence[TermSession], hash_of: HashOf
) -> dict[str, Any]:
    """The report over ``sessions`` (oldest first): one row per registered project, in the
    order of the sessions and of registration."""
    rows = []
    for index, session in enumerate(sessions):
        state = session.state
        adoptions = adopted_projects(state.projects, state.polls)
        for project in state.projects.projects:
            row = _Row(session, project, hash_of)
            adoption = adoptions.get(project)
            if adoption is not None:
                row.selection(adoption)
            for later in sessions[index:]:
                row.follow_up(later)
            for later in sessions[index + 1 :]:
                row.evaluation(later)
            rows.append(row.done())
    return {
        "term": term,
        "sessions": [{"meeting": s.meeting, "title": s.title, "date": s.date} for s in sessions],
        "projects": rows,
    }


SOURCE_WORDS: Final = {"deputies": "代表提出", "residents": "群众征集", "government": "政府提出"}
RATING_WORDS: Final = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
}
CSV_COLUMNS: Final = (
    "会议",
    "项目编号",
    "项目名称",
    "来源",
    "预算（元）",
    "责任单位",
    "完成时限",
    "已撤回",
    "票决表决",
    "赞成票",
    "实有代表数",
    "投票数",
    "赞成票占实有代表",
    "赞成票占投票",
    "入选",
    "督办代表",
    "进度",
    "测评会议",
    "满意",
    "基本满意",
    "不满意",
    "测评结果",
    "日志出处",
)


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}%"


def _csv_row(row: dict[str, Any]) -> list[Any]:
    selection = row["selection"] or {}
    evaluation = row["evaluation"] or {}
    counts = evaluation.get("counts", {})
    adopted = selection.get("adopted")
    return [
        row["meeting"],
        row["project"],
        row["title"],
        SOURCE_WORDS.get(row["source"], row["source"]),
        row["budget_yuan"],
        row["unit"],
        row["completion"],
        "是" if row["withdrawn"] else "",
        selection.get("poll", ""),
        selection.get("votes", ""),
        selection.get("electorate", ""),
        selection.get("cast", ""),
        _percent(selection.get("rate_electorate")),
        _percent(selection.get("rate_cast")),
        "" if adopted is None else ("是" if adopted else "否"),
        "、".join(s["name"] or s["deputy"] for s in row["supervisors"]),
        "；".join(f"{m['date']} {m['percent']}% {m['text']}" for m in row["milestones"]),
        evaluation.get("meeting", ""),
        counts.get("satisfied", ""),
        counts.get("basically_satisfied", ""),
        counts.get("dissatisfied", ""),
        RATING_WORDS.get(evaluation.get("rating", ""), evaluation.get("rating", "")),
        " ".join(f"{c['meeting']}#{c['seq']}:{c['hash']}" for c in row["cites"]),
    ]


#: A text cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A text that a spreadsheet would take for a formula is kept as text (a leading ')."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV text, one line per project, Chinese column names (the caller adds the
    UTF-8 byte order mark so that spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report["projects"]:
        writer.writerow([_cell(value) for value in _csv_row(row)])
    return out.getvalue()
