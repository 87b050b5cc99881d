"""The livelihood-project year (民生实事项目代表票决制, docs/domain-rules.md §4 and §5).

A session registers the candidate projects (``project_registered``: title, budget in whole 元,
responsible unit, completion date, where the proposal came from); one may be withdrawn before a
selection poll lists it. :func:`open_selection` opens the selection poll (kind ``selection``)
built from the register, each candidate's id a project id; what it adopted is read from its
``result`` entry (:func:`voting.core.project_state.adopted_projects`). Adopted projects get
supervising deputies (``project_supervisors``) and progress milestones (``project_milestone``),
recorded in the adopting session's log or in a later session of the same term, naming the
adopting meeting. A later session rates them: :func:`open_evaluation` opens the evaluation poll
(kind ``evaluation``) whose subjects are the projects adopted at that session, and logs
``project_evaluation`` linking the poll to the adopting meeting.

Adoption in another meeting is not in this meeting's state: the caller passes the adopted
projects (``adopted``), read from that meeting's replayed log.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any, Final

from audit.entries import PROJECT_SOURCES
from voting.core import polls
from voting.core.checks import known_deputy, require_open, seated
from voting.core.project_state import adopted_projects
from voting.core.state import MeetingState
from voting.core.types import MAX_REASON, Entry
from voting.errors import CommandError, Conflict, NotFound

#: Where a project was proposed: by deputies, by residents (collected by deputies), by the
#: town government.
SOURCES: Final = PROJECT_SOURCES
#: The largest budget accepted, in 元 (one trillion).
MAX_BUDGET: Final = 10**12
MAX_TITLE: Final = 100
_PROJECT_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")

#: An adopted project by (adopting meeting, project id).
Adopted = Collection[tuple[str, str]]


def invalid_project(zh: str, en: str) -> CommandError:
    """400 ``invalid-project``: a field of a project or of its follow-up is not acceptable."""
    return CommandError("invalid-project", zh, en)


def no_adopted_projects(where_zh: str, where_en: str) -> Conflict:
    """409 ``no-adopted-projects``: nothing to evaluate."""
    return Conflict(
        "no-adopted-projects",
        f"{where_zh}没有票决通过的项目",
        f"no project was adopted at {where_en}",
    )


def unknown_project(project: str) -> NotFound:
    return NotFound("unknown-project", f"没有项目 {project}", f"no project {project}")


def _text(value: Any, name_zh: str, name_en: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise invalid_project(
            f"{name_zh}须为 1 至 {limit} 个字符", f"{name_en} must be 1 to {limit} characters"
        )
    return value.strip()


def _date(value: Any, name_zh: str, name_en: str) -> str:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise invalid_project(
        f"{name_zh}须为 YYYY-MM-DD 格式的日期", f"{name_en} must be a date YYYY-MM-DD"
    )


def register_project(
    state: MeetingState,
    *,
    project: str,
    title: str,
    budget_yuan: int,
    unit: str,
    completion: str,
    source: str,
    description: str,
    by: str,
) -> list[Entry]:
    """Add a candidate project to this session's register."""
    require_open(state)
    if not _PROJECT_ID.fullmatch(project):
        raise invalid_project(
            "项目编号须为 1 至 20 个字母、数字、- 或 _",
            "a project id is 1 to 20 letters, digits, - or _, starting with a letter or digit",
        )
    if project in state.projects.projects:
        raise Conflict("project-exists", f"项目 {project} 已登记", f"project {project} exists")
    if (
        not isinstance(budget_yuan, int)
        or isinstance(budget_yuan, bool)
        or not 0 < budget_yuan <= MAX_BUDGET
    ):
        raise invalid_project(
            "预算须为正整数（元）", f"the budget must be a whole number of yuan, 1 to {MAX_BUDGET}"
        )
    if source not in SOURCES:
        raise invalid_project(
            "项目来源须为 deputies（代表）、residents（群众）或 government（政府）",
            f'unknown source "{source}": deputies, residents or government',
        )
    return [
        {
            "type": "project_registered",
            "project": project,
            "title": _text(title, "项目名称", "the title", MAX_TITLE),
            "budget_yuan": budget_yuan,
            "unit": _text(unit, "责任单位", "the responsible unit", MAX_TITLE),
            "completion": _date(completion, "完成时限", "the completion date"),
            "source": source,
            "description": _text(description, "项目内容", "the description", MAX_REASON),
            "by": by,
        }
    ]


def _in_selection(state: MeetingState, project: str) -> str | None:
    """The poll (not voided) that lists ``project`` as a selection candidate, if any."""
    for poll in state.polls.values():
        if poll.status == "voided" or poll.definition.get("kind") != "selection":
            continue
        if any(c.get("id") == project for c in poll.definition.get("candidates", ())):
            return poll.id
    return None


def withdraw_project(state: MeetingState, *, project: str, reason: str, by: str) -> list[Entry]:
    """Withdraw a registered project before a selection poll lists it."""
    require_open(state)
    found = state.projects.projects.get(project)
    if found is None:
        raise unknown_project(project)
    if found.withdrawn_seq is not None:
        raise Conflict(
            "project-withdrawn", f"项目 {project} 已撤回", f"project {project} was withdrawn"
        )
    poll = _in_selection(state, project)
    if poll is not None:
        raise Conflict(
            "project-in-poll",
            f"项目 {project} 已列入票决 {poll}，不能撤回",
            f"project {project} stands in selection poll {poll}",
        )
    why = _text(reason, "撤回理由", "the reason", MAX_REASON)
    return [{"type": "project_withdrawn", "project": project, "reason": why, "by": by}]


def _entry(project: Mapping[str, Any]) -> dict[str, Any]:
    """A project as a candidate or subject of the tally format (``budget_wan`` only when the
    budget is a whole number of 万元: the definition carries no fractions)."""
    shown = {
        "id": project["project"],
        "name": project["title"],
        "unit": project["unit"],
        "description": project["description"],
    }
    if project["budget_yuan"] % 10_000 == 0:
        shown["budget_wan"] = project["budget_yuan"] // 10_000
    return shown


def selection_definition(
    state: MeetingState, *, seats: int, form: str = "choose"
) -> dict[str, Any]:
    """The selection poll's definition: every registered project not withdrawn, in the order
    registered; choose at most ``seats`` (form ``choose``), or for / against / abstain on each
    (form ``each``, used when every project is to be adopted)."""
    listed = [p.public() for p in state.projects.projects.values() if p.withdrawn_seq is None]
    if not listed:
        raise Conflict("no-projects", "尚未登记任何项目", "the project register is empty")
    return {
        "kind": "selection",
        "title": f"民生实事项目票决（{len(listed)} 选 {seats}）",
        "seats": seats,
        "form": form,
        "candidates": [_entry(p) for p in listed],
    }


def open_selection(
    state: MeetingState,
    *,
    poll: str,
    item: str,
    seats: int,
    mode: str,
    change_policy: str,
    by: str,
    form: str = "choose",
) -> list[Entry]:
    """Open the selection poll of agenda item ``item`` (kind ``selection``) built from the
    register."""
    require_open(state)
    definition = selection_definition(state, seats=seats, form=form)
    return polls.open_poll(
        state,
        poll=poll,
        item=item,
        definition=definition,
        mode=mode,
        change_policy=change_policy,
        by=by,
    )


def open_evaluation(
    state: MeetingState,
    *,
    poll: str,
    item: str,
    meeting: str,
    projects: Sequence[Mapping[str, Any]],
    mode: str,
    change_policy: str,
    by: str,
) -> list[Entry]:
    """Open the evaluation poll of agenda item ``item`` (kind ``evaluation``) rating
    ``projects``, those adopted in ``meeting`` (as :meth:`Project.public` gives them)."""
    require_open(state)
    if not projects:
        raise no_adopted_projects(f"会议 {meeting} ", f"meeting {meeting}")
    for other, evaluation in state.projects.evaluations.items():
        if evaluation["meeting"] == meeting and state.polls[other].status != "voided":
            raise Conflict(
                "projects-evaluated",
                f"会议 {meeting} 的项目已由测评 {other} 评议",
                f"the projects of meeting {meeting} are rated by poll {other}",
            )
    definition = {
        "kind": "evaluation",
        "title": "民生实事项目满意度测评",
        "subjects": [_entry(p) for p in projects],
    }
    opened = polls.open_poll(
        state,
        poll=poll,
        item=item,
        definition=definition,
        mode=mode,
        change_policy=change_policy,
        by=by,
    )
    link: Entry = {
        "type": "project_evaluation",
        "poll": poll,
        "adopted_in": meeting,
        "projects": [p["project"] for p in projects],
        "by": by,
    }
    return [*opened, link]


def own_adoptions(state: MeetingState) -> set[tuple[str, str]]:
    """This meeting's adopted projects as (meeting id, project id)."""
    here = str(state.meeting.get("id", ""))
    adopted = adopted_projects(state.projects, state.polls)
    return {(here, project) for project, found in adopted.items() if found.adopted}


def _adopted(state: MeetingState, meeting: str, project: str, adopted: Adopted) -> None:
    if (meeting, project) not in adopted and (meeting, project) not in own_adoptions(state):
        raise Conflict(
            "project-not-adopted",
            f"会议 {meeting} 没有票决通过项目 {project}",
            f"meeting {meeting} did not adopt project {project}",
        )


def assign_supervisors(
    state: MeetingState,
    *,
    meeting: str,
    project: str,
    deputies: Sequence[str],
    adopted: Adopted,
    by: str,
) -> list[Entry]:
    """Name the deputies who supervise an adopted project (replacing an earlier list)."""
    require_open(state)
    _adopted(state, meeting, project, adopted)
    if not deputies or len(set(deputies)) != len(deputies):
        raise invalid_project(
            "须指定至少一名督办代表，且不得重复", "name one or more distinct supervising deputies"
        )
    for deputy in deputies:
        known_deputy(state, deputy)
        seated(state, deputy)
    return [
        {
            "type": "project_supervisors",
            "adopted_in": meeting,
            "project": project,
            "deputies": list(deputies),
            "by": by,
        }
    ]


def record_milestone(
    state: MeetingState,
    *,
    meeting: str,
    project: str,
    on: str,
    text: str,
    percent: int,
    adopted: Adopted,
    by: str,
) -> list[Entry]:
    """Record a progress milestone of an adopted project: the date it was reached, what was
    done, and the share of the work done (0 to 100 per cent)."""
    require_open(state)
    _adopted(state, meeting, project, adopted)
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
        raise invalid_project("完成进度须为 0 至 100 的整数", "percent must be a whole 0 to 100")
    return [
        {
            "type": "project_milestone",
            "adopted_in": meeting,
            "project": project,
            "date": _date(on, "进度日期", "the milestone date"),
            "text": _text(text, "进度说明", "the milestone text", MAX_REASON),
            "percent": percent,
            "by": by,
        }
    ]
