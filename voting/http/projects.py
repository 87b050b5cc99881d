"""Livelihood projects (民生实事项目) on the console: the register, the selection poll built
from it, supervision and milestones of adopted projects, the evaluation poll of the projects
adopted at the term's previous session, and the yearly report (JSON and CSV).

The sessions of a term are the opened meetings whose settings name the same ``term``
(:mod:`voting.http.absences`), oldest first (by date, then id); a meeting without a term is a
term of its own.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from starlette.responses import Response

from audit.merkle import leaf_hash
from voting import protocol
from voting.core import projects
from voting.core.project_report import TermSession, report_csv, yearly_report
from voting.core.project_state import adopted_projects
from voting.core.types import ChangePolicy, Mode
from voting.http.absences import term_of
from voting.http.answers import Answer, PollOpened, Written
from voting.http.endpoints import Call, Endpoints
from voting.protocol import Id, Strict, Text
from voting.service import Decision

ROUTES = Endpoints()

Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=projects.MAX_TITLE)]


class NewProject(Strict):
    """A candidate project: ``budget_yuan`` in whole 元; ``project`` defaults to P1, P2, …"""

    project: Id | None = None
    title: Title
    budget_yuan: Annotated[int, Field(ge=1, le=projects.MAX_BUDGET)]
    unit: Title
    completion: Day
    source: Literal["deputies", "residents", "government"]
    description: Text


class ProjectPoll(Strict):
    """Open the selection poll (``seats``: projects to choose) or the evaluation poll on the
    agenda item ``item``."""

    poll: Id | None = None
    item: Id
    mode: Mode
    change_policy: ChangePolicy = "last"
    seats: Annotated[int, Field(ge=1, le=1000)] | None = None
    #: selection only: choose at most ``seats`` (the default), or for / against / abstain on each
    form: Literal["choose", "each"] = "choose"


class Supervisors(Strict):
    adopted_in: Id
    project: Id
    deputies: Annotated[list[Id], Field(min_length=1, max_length=100)]


class Milestone(Strict):
    adopted_in: Id
    project: Id
    date: Day
    text: Text
    percent: Annotated[int, Field(ge=0, le=100)]


class ProjectRegistered(Written):
    project: str


class ProjectReport(Answer):
    """Per project, from proposal to rating; ``cites``: the log entries of each fact."""

    term: str | None
    sessions: list[dict[str, str]]
    projects: list[dict[str, Any]]


class ProjectsView(ProjectReport):
    """The term's report, and ``session_register``: this meeting's projects."""

    meeting: str
    session_register: list[dict[str, Any]]


def term_sessions(call: Call[Any]) -> list[TermSession]:
    """The opened meetings of this meeting's term, oldest first."""
    congress = call.congress
    term = term_of(call.service().state.settings)
    found = []
    for row in congress.meetings():
        if row.status == "draft" or (term is None and row.id != call.meeting):
            continue
        state = congress.service(row.id).state
        if term_of(state.settings) == term:
            found.append(TermSession(row.id, row.title, row.date, state))
    return sorted(found, key=lambda s: (s.date, s.meeting))


def term_adoptions(call: Call[Any]) -> set[tuple[str, str]]:
    """(meeting, project) adopted at any session of the term."""
    adopted: set[tuple[str, str]] = set()
    for session in term_sessions(call):
        adopted |= projects.own_adoptions(session.state)
    return adopted


def report(call: Call[Any]) -> dict[str, Any]:
    congress = call.congress

    def hash_of(meeting: str, seq: int) -> str:
        return leaf_hash(congress.service(meeting).log.entry(seq)).hex()

    sessions = term_sessions(call)
    term = term_of(call.service().state.settings)
    return yearly_report(term, sessions, hash_of)


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/projects",
    permission="meeting.read",
    answer=ProjectsView,
    summary="民生实事项目登记与跟踪 / livelihood projects of the meeting and the term",
)
async def list_projects(call: Call[None]) -> Any:
    state = call.service().state
    adoptions = adopted_projects(state.projects, state.polls)
    register = []
    for project in state.projects.projects.values():
        adoption = adoptions.get(project.id)
        register.append(
            project.public() | {"adopted": None if adoption is None else adoption.adopted}
        )
    return report(call) | {"meeting": call.meeting, "session_register": register}


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/projects",
    permission="agenda",
    body=NewProject,
    answer=ProjectRegistered,
    summary="登记民生实事候选项目 / register a candidate project",
)
async def register_project(call: Call[NewProject]) -> Any:
    body = call.body
    project = body.project or f"P{len(call.service().state.projects.projects) + 1}"
    decide = functools.partial(
        projects.register_project,
        project=project,
        title=body.title,
        budget_yuan=body.budget_yuan,
        unit=body.unit,
        completion=body.completion,
        source=body.source,
        description=body.description,
        by=call.actor,
    )
    return await call.command(decide) | {"project": project}


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/projects/{project}/withdraw",
    permission="agenda",
    body=protocol.Reason,
    summary="撤回候选项目 / withdraw a project before the selection poll",
)
def withdraw_project(call: Call[protocol.Reason]) -> Decision:
    return functools.partial(
        projects.withdraw_project,
        project=call.params["project"],
        reason=call.body.reason,
        by=call.actor,
    )


def _poll_id(call: Call[ProjectPoll]) -> str:
    return call.body.poll or f"p{len(call.service().state.polls) + 1}"


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/projects/selection-poll",
    permission="poll",
    body=ProjectPoll,
    answer=PollOpened,
    summary="按项目登记生成并开始票决 / open the selection poll built from the register",
)
async def open_selection(call: Call[ProjectPoll]) -> Any:
    body, poll = call.body, _poll_id(call)
    if body.seats is None:
        raise projects.invalid_project("须填写应选项目数", "seats (projects to choose) is required")
    decide = functools.partial(
        projects.open_selection,
        poll=poll,
        item=body.item,
        seats=body.seats,
        form=body.form,
        mode=body.mode,
        change_policy=body.change_policy,
        by=call.actor,
    )
    return await call.command(decide) | {"poll": poll}


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/projects/evaluation-poll",
    permission="poll",
    body=ProjectPoll,
    answer=PollOpened,
    summary="生成并开始上次会议票决项目的满意度测评 / open the evaluation of the projects"
    " adopted at the term's previous session",
)
async def open_evaluation(call: Call[ProjectPoll]) -> Any:
    body, poll = call.body, _poll_id(call)
    sessions = term_sessions(call)
    here = next(i for i, s in enumerate(sessions) if s.meeting == call.meeting)
    source = None
    for earlier in reversed(sessions[:here]):
        if projects.own_adoptions(earlier.state):
            source = earlier
            break
    if source is None:
        raise projects.no_adopted_projects("本届此前的会议", "an earlier session of the term")
    adoptions = adopted_projects(source.state.projects, source.state.polls)
    adopted = [
        p.public()
        for p in source.state.projects.projects.values()
        if p.id in adoptions and adoptions[p.id].adopted
    ]
    decide = functools.partial(
        projects.open_evaluation,
        poll=poll,
        item=body.item,
        meeting=source.meeting,
        projects=adopted,
        mode=body.mode,
        change_policy=body.change_policy,
        by=call.actor,
    )
    return await call.command(decide) | {"poll": poll}


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/projects/supervisors",
    permission="agenda",
    body=Supervisors,
    answer=Written,
    summary="指定督办代表 / assign the deputies supervising an adopted project",
)
async def assign_supervisors(call: Call[Supervisors]) -> Any:
    body = call.body
    decide = functools.partial(
        projects.assign_supervisors,
        meeting=body.adopted_in,
        project=body.project,
        deputies=body.deputies,
        adopted=term_adoptions(call),
        by=call.actor,
    )
    return await call.command(decide)


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/projects/milestones",
    permission="agenda",
    body=Milestone,
    answer=Written,
    summary="记录项目进度 / record a milestone of an adopted project",
)
async def record_milestone(call: Call[Milestone]) -> Any:
    body = call.body
    decide = functools.partial(
        projects.record_milestone,
        meeting=body.adopted_in,
        project=body.project,
        on=body.date,
        text=body.text,
        percent=body.percent,
        adopted=term_adoptions(call),
        by=call.actor,
    )
    return await call.command(decide)


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/projects/report",
    permission="meeting.read",
    answer=ProjectReport,
    summary="民生实事项目年度报告 / the term's yearly project report",
)
async def project_report(call: Call[None]) -> Any:
    return report(call)


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/projects/report.csv",
    permission="meeting.read",
    media_type="text/csv",
    summary="民生实事项目年度报告（CSV）/ the yearly project report as CSV",
)
async def project_report_csv(call: Call[None]) -> Any:
    data = report_csv(report(call)).encode("utf-8-sig")  # the BOM lets Excel read Chinese
    name = f"projects-{call.meeting}.csv"
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
