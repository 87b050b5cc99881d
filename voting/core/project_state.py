"""What the log has told of the livelihood projects (民生实事项目) of one meeting.

:class:`~voting.core.state.MeetingState` keeps one :class:`ProjectLog` and hands it every
``project_*`` entry, and the seq of every ``poll_opened`` and ``result`` entry (the yearly report
cites them). The decisions are in :mod:`voting.core.projects`; what was adopted is derived from
the selection poll's ``result`` entry (:func:`adopted_projects`), never stored twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from voting.core.records import Poll

__all__ = ["PROJECT_ENTRIES", "Adoption", "Project", "ProjectLog", "adopted_projects"]

PROJECT_ENTRIES: Final = frozenset(
    {
        "project_registered",
        "project_withdrawn",
        "project_supervisors",
        "project_milestone",
        "project_evaluation",
    }
)


@dataclass
class Project:
    """A project registered in this meeting (``project_registered`` at ``seq``)."""

    id: str
    title: str
    budget_yuan: int
    unit: str
    completion: str
    source: str
    description: str
    seq: int
    withdrawn_seq: int | None = None

    def public(self) -> dict[str, Any]:
        return {
            "project": self.id,
            "title": self.title,
            "budget_yuan": self.budget_yuan,
            "unit": self.unit,
            "completion": self.completion,
            "source": self.source,
            "description": self.description,
            "seq": self.seq,
            "withdrawn": self.withdrawn_seq is not None,
        }


@dataclass
class FollowUp:
    """Supervision of a project adopted in ``meeting`` (this one or an earlier session), as
    this meeting's log records it: the latest supervisors and every milestone."""

    supervisors: list[str] | None = None
    supervisors_seq: int | None = None
    milestones: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ProjectLog:
    projects: dict[str, Project] = field(default_factory=dict)
    #: (adopting meeting, project) -> its supervision recorded here
    follow_up: dict[tuple[str, str], FollowUp] = field(default_factory=dict)
    #: evaluation poll -> {"meeting": the adopting meeting, "projects": [...], "seq"}
    evaluations: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: poll -> seq of its poll_opened and of its result entry
    opened_seq: dict[str, int] = field(default_factory=dict)
    result_seq: dict[str, int] = field(default_factory=dict)

    def apply(self, e: Mapping[str, Any]) -> None:
        """Apply one committed ``project_*`` entry (checked by :mod:`voting.core.projects`)."""
        kind, seq = e["type"], e["seq"]
        if kind == "project_registered":
            self.projects[e["project"]] = Project(
                e["project"],
                e["title"],
                e["budget_yuan"],
                e["unit"],
                e["completion"],
                e["source"],
                e["description"],
                seq,
            )
        elif kind == "project_withdrawn":
            self.projects[e["project"]].withdrawn_seq = seq
        elif kind == "project_supervisors":
            follow = self.follow_up.setdefault((e["adopted_in"], e["project"]), FollowUp())
            follow.supervisors = list(e["deputies"])
            follow.supervisors_seq = seq
        elif kind == "project_milestone":
            follow = self.follow_up.setdefault((e["adopted_in"], e["project"]), FollowUp())
            follow.milestones.append(
                {"date": e["date"], "text": e["text"], "percent": e["percent"], "seq": seq}
            )
        elif kind == "project_evaluation":
            self.evaluations[e["poll"]] = {
                "meeting": e["adopted_in"],
                "projects": list(e["projects"]),
                "seq": seq,
            }
        else:
            raise ValueError(f"entry {seq}: {kind} is not a project entry")


@dataclass(frozen=True)
class Adoption:
    """A registered project's selection: the poll and its counts (``for`` votes, the
    electorate, ballots cast), and whether the result adopted it."""

    poll: str
    votes: int
    electorate: int
    cast: int
    adopted: bool


def selection_polls(log: ProjectLog, polls: Mapping[str, Poll]) -> list[Poll]:
    """The counted selection polls built from this register: kind selection, every candidate a
    registered project, not voided, a result of a valid round; in the order they opened."""
    found = []
    for poll in polls.values():
        definition = poll.definition
        if definition.get("kind") != "selection" or poll.status != "closed":
            continue
        if poll.result is None or not poll.result.get("round_valid"):
            continue
        if all(c.get("id") in log.projects for c in definition.get("candidates", ())):
            found.append(poll)
    return found


def adopted_projects(log: ProjectLog, polls: Mapping[str, Poll]) -> dict[str, Adoption]:
    """Per project in a counted selection poll: the poll that adopted it (``outcome.elected``),
    else the last one it stood in."""
    found: dict[str, Adoption] = {}
    for poll in selection_polls(log, polls):
        result = poll.result or {}
        elected = set((result.get("outcome") or {}).get("elected") or ())
        for project, counts in result["counts"].items():
            earlier = found.get(project)
            if earlier is not None and earlier.adopted:
                continue
            found[project] = Adoption(
                poll=poll.id,
                votes=int(counts.get("for", 0)),
                electorate=int(result["electorate"]),
                cast=int(result["ballots"]["cast"]),
                adopted=project in elected,
            )
    return found
