"""Check 6 (continued): the livelihood projects (民生实事项目) replayed in log order.

A ``project_registered`` entry names a project id not registered before; ``project_withdrawn``
a registered project not withdrawn yet and not listed in a selection poll that was not voided.
A selection poll whose candidates are registered projects lists none that was withdrawn. The
supervising deputies (``project_supervisors``) are on the roster and hold a seat. Supervision and
milestones of a project adopted in this meeting (``adopted_in`` is this meeting's id) come after
the ``result`` entry that adopted it (``outcome.elected`` of a selection poll listing it); those
of a project adopted in an earlier session are checked against that session's bundle. A
``project_evaluation`` entry follows the ``poll_opened`` of its poll, an evaluation poll whose
subjects are exactly ``projects``.
"""

from __future__ import annotations

from typing import Any

from audit.verify.base import Check, Entry, Gate, show
from audit.verify.report import Failures
from audit.verify.state import Meeting

__all__ = ["ProjectCheck"]


class ProjectCheck(Check):
    number = 6

    def __init__(self, gate: Gate, *, meeting: Meeting, failures: Failures) -> None:
        super().__init__(gate)
        self.failures = failures
        self.meeting = meeting
        self.meeting_id: str | None = None
        #: project -> withdrawn?
        self.registered: dict[str, bool] = {}
        #: poll -> its candidate project ids (selection polls built from the register)
        self.selections: dict[str, list[str]] = {}
        self.voided: set[str] = set()
        self.adopted: set[str] = set()
        #: poll -> (seq of its poll_opened, its definition)
        self.opened: dict[str, tuple[int, dict[str, Any]]] = {}
        self._handlers = {
            "meeting_opened": self._meeting_opened,
            "project_registered": self._registered,
            "project_withdrawn": self._withdrawn,
            "poll_opened": self._poll_opened,
            "poll_voided": self._poll_voided,
            "result": self._result,
            "project_supervisors": self._supervisors,
            "project_milestone": self._milestone,
            "project_evaluation": self._evaluation,
        }

    def feed(self, seq: int, entry: Entry) -> None:
        handler = self._handlers.get(entry["type"])
        if handler is not None:
            handler(seq, entry)

    def _meeting_opened(self, seq: int, entry: Entry) -> None:
        self.meeting_id = entry["meeting"].get("id")

    def _registered(self, seq: int, entry: Entry) -> None:
        project = entry["project"]
        if project in self.registered:
            self.fail(seq, f"entry {seq}: project {show(project)} is registered twice")
        self.registered[project] = False

    def _withdrawn(self, seq: int, entry: Entry) -> None:
        project = entry["project"]
        withdrawn = self.registered.get(project)
        if withdrawn is None:
            self.fail(seq, f"entry {seq}: withdraws project {show(project)}, never registered")
        elif withdrawn:
            self.fail(seq, f"entry {seq}: project {show(project)} is withdrawn twice")
        else:
            listed = [
                poll
                for poll, ids in self.selections.items()
                if project in ids and poll not in self.voided
            ]
            if listed:
                self.fail(
                    seq,
                    f"entry {seq}: project {show(project)} is withdrawn while selection poll"
                    f" {listed[0]} lists it",
                )
            self.registered[project] = True

    def _poll_opened(self, seq: int, entry: Entry) -> None:
        definition = entry["definition"]
        self.opened[entry["poll"]] = (seq, definition)
        if definition.get("kind") != "selection":
            return
        ids = [str(c.get("id")) for c in definition.get("candidates", ()) if isinstance(c, dict)]
        if not ids or not all(i in self.registered for i in ids):
            return
        self.selections[entry["poll"]] = ids
        for project in ids:
            if self.registered[project]:
                self.fail(
                    seq,
                    f"entry {seq}: selection poll {entry['poll']} lists project"
                    f" {show(project)}, which was withdrawn",
                )

    def _poll_voided(self, seq: int, entry: Entry) -> None:
        self.voided.add(entry["poll"])

    def _result(self, seq: int, entry: Entry) -> None:
        if entry["poll"] in self.selections:
            outcome = entry["result"].get("outcome") or {}
            self.adopted.update(outcome.get("elected") or ())

    def _adopted_here(self, seq: int, entry: Entry) -> None:
        project = entry["project"]
        if entry["adopted_in"] == self.meeting_id and project not in self.adopted:
            self.fail(
                seq,
                f"entry {seq}: {entry['type']} for project {show(project)}, which no earlier"
                " selection result of this meeting adopted",
            )

    def _supervisors(self, seq: int, entry: Entry) -> None:
        self._adopted_here(seq, entry)
        for deputy in entry["deputies"]:
            status = self.meeting.roster.get(deputy)
            if status is None or status == "ended":
                self.fail(
                    seq,
                    f"entry {seq}: supervising deputy {show(deputy)} holds no seat on the roster",
                )

    def _milestone(self, seq: int, entry: Entry) -> None:
        self._adopted_here(seq, entry)

    def _evaluation(self, seq: int, entry: Entry) -> None:
        poll = entry["poll"]
        opened = self.opened.get(poll)
        if opened is None or opened[0] != seq - 1:
            self.fail(seq, f"entry {seq}: project_evaluation does not follow poll {poll} opening")
            return
        definition = opened[1]
        subjects = [s.get("id") for s in definition.get("subjects", ()) if isinstance(s, dict)]
        if definition.get("kind") != "evaluation" or subjects != entry["projects"]:
            self.fail(
                seq,
                f"entry {seq}: poll {poll} is not an evaluation of exactly the projects"
                f" {show(entry['projects'])}",
            )
