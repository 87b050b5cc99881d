"""Public notices (公告): the chair publishes an announced result, the adopted projects or the
proposals handled, numbered 第1号, 第2号 … per meeting.

A notice's text is composed here from the meeting's state, so the same state always gives the
same text; the ``notice_issued`` entry carries it with its SHA-256 (:mod:`audit.notices`) and
asks for a signed checkpoint in the same transaction, which the notice then cites. A notice
cites only what is public already: a poll whose result was announced (never an open or secret
poll's partial state), proposals the presidium decided or whose answer was recorded.
"""

from __future__ import annotations

from typing import Any, Final

from audit.notices import NOTICE_KINDS, notice_digest
from ballots.table import render_table
from voting.core.checks import known_poll, require_open
from voting.core.outcome import Change
from voting.core.proposal_state import Proposal
from voting.core.records import Poll
from voting.core.state import MeetingState
from voting.errors import CommandError, Conflict

#: What the poll of each kind did, in a notice's title and first line.
_ACT: Final = {"motion": "表决", "election": "选举", "selection": "票决", "evaluation": "测评"}
#: The proposal kinds in Chinese (audit.proposals.KINDS).
_PROPOSAL_WORDS: Final = {
    "bill": "议案",
    "interpellation": "质询案",
    "recall": "罢免案",
    "nomination": "候选人提名",
    "suggestion": "建议",
}
#: Proposal statuses a notice of proposals handled reports.
_HANDLED: Final = ("agenda", "suggestion", "answered", "rated")
_CLOSING: Final = "现予公告。"


def issue_notice(state: MeetingState, *, kind: str, poll: str | None, by: str) -> Change:
    """公告: the next numbered notice of ``kind`` (``result`` or ``projects`` of ``poll``, or
    ``proposals``), with a signed checkpoint covering it."""
    require_open(state)
    if kind not in NOTICE_KINDS:
        raise CommandError(
            "invalid-notice-kind",
            "公告类别须为表决结果、入选项目或议案建议办理情况",
            f"a notice's kind is one of {', '.join(NOTICE_KINDS)}, not {kind!r}",
        )
    if kind == "proposals":
        title, sources, lines = _proposals(state)
    else:
        if poll is None:
            raise CommandError(
                "poll-required", "请选择要公告的表决", f"a {kind} notice names a poll"
            )
        chosen = _announced(state, poll)
        title, lines = _result(state, chosen) if kind == "result" else _projects(state, chosen)
        sources = [poll]
    fields: dict[str, Any] = {
        "notice": len(state.notices) + 1,
        "kind": kind,
        "title": title,
        "sources": sources,
        "text": "\n".join([*lines, _CLOSING]),
    }
    entry = {"type": "notice_issued", **fields, "sha256": notice_digest(fields), "by": by}
    return Change([entry], checkpoint=True)


def _announced(state: MeetingState, poll_id: str) -> Poll:
    poll = known_poll(state, poll_id)
    if poll.status == "voided" or not poll.announced or poll.result is None:
        raise Conflict(
            "not-announced",
            f"表决 {poll_id} 的结果尚未宣布，不能公告",
            f"the result of poll {poll_id} has not been announced",
        )
    return poll


def _chinese_date(date: str) -> str:
    """``2026-03-01`` → ``2026年3月1日`` (anything else unchanged)."""
    parts = date.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return date
    year, month, day = parts
    return f"{year}年{int(month)}月{int(day)}日"


def _opening(state: MeetingState, poll: Poll) -> tuple[str, str]:
    """The item's title and the notice's first line: who did what, when."""
    item = state.items[poll.item].title
    meeting = state.meeting.get("title", "")
    date = _chinese_date(state.meeting.get("date", ""))
    act = _ACT[poll.parsed().kind]
    return item, f"{meeting}于{date}对「{item}」进行了{act}，结果如下："


def _result(state: MeetingState, poll: Poll) -> tuple[str, list[str]]:
    assert poll.result is not None  # _announced checked it
    item, first = _opening(state, poll)
    table = render_table(poll.parsed(), poll.result).rstrip("\n").split("\n")
    return f"关于「{item}」{_ACT[poll.parsed().kind]}结果的公告", [first, *table]


def _projects(state: MeetingState, poll: Poll) -> tuple[str, list[str]]:
    assert poll.result is not None
    definition = poll.parsed()
    if definition.kind != "selection":
        raise Conflict(
            "not-a-selection",
            f"表决 {poll.id} 不是民生实事项目票决",
            f"poll {poll.id} is a {definition.kind}, not a selection of projects",
        )
    adopted = (poll.result.get("outcome") or {}).get("elected") or []
    if not adopted:
        raise Conflict(
            "nothing-adopted", "该票决没有入选项目", f"poll {poll.id} adopted no project"
        )
    names = {c["id"]: c["name"] for c in poll.definition.get("candidates", [])}
    counts = poll.result["counts"]
    item, _ = _opening(state, poll)
    meeting = state.meeting.get("title", "")
    date = _chinese_date(state.meeting.get("date", ""))
    lines = [f"{meeting}于{date}票决「{item}」，下列项目入选，列为民生实事项目："]
    lines += [
        f"{n}. {names.get(p, p)}（赞成 {counts[p]['for']} 票）" for n, p in enumerate(adopted, 1)
    ]
    return f"关于「{item}」入选项目的公告", lines


def _proposals(state: MeetingState) -> tuple[str, list[str], list[str]]:
    handled = [
        p
        for p in state.proposals.values()
        if p.status in _HANDLED and (p.decision is not None or p.answer is not None)
    ]
    if not handled:
        raise Conflict(
            "nothing-handled",
            "尚无已处理的议案或已答复的建议",
            "no proposal has been decided or answered yet",
        )
    meeting = state.meeting.get("title", "")
    lines = [f"{meeting}收到代表联名提出的议案、建议，办理情况如下："]
    lines += [f"{n}. {_handled_line(p)}" for n, p in enumerate(handled, 1)]
    return "关于代表议案、建议办理情况的公告", [p.id for p in handled], lines


def _handled_line(proposal: Proposal) -> str:
    kind = _PROPOSAL_WORDS.get(proposal.filed_as or proposal.kind, proposal.kind)
    head = f"{kind}「{proposal.title}」（{len(proposal.sponsors)}名代表联名）"
    if proposal.answer is not None:
        answer = proposal.answer
        return f"{head}：由{answer['unit']}办理，答复：{answer['answer']}"
    assert proposal.decision is not None
    decision = proposal.decision
    verdict = "列入大会议程" if decision["decision"] == "agenda" else "作为建议处理"
    return f"{head}：主席团决定{verdict}（{decision['reference']}）。"
