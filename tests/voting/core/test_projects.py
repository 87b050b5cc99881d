"""The livelihood-project register, its selection poll, supervision, milestones and the yearly
report, decided by the pure core on states built entry by entry."""

from __future__ import annotations

from typing import Any

from tests.voting.core.meetings import Meeting, refused
from voting.core import projects
from voting.core.polls import enter_manual_result, void_poll
from voting.core.project_report import TermSession, report_csv, yearly_report
from voting.core.project_state import Adoption, adopted_projects

SELECTION_AGENDA = [
    {"item": "s", "title": "民生实事项目票决", "kind": "selection"},
    {"item": "v", "title": "民生实事项目测评", "kind": "evaluation"},
]


def register(meeting: Meeting, project: str, **changes: Any) -> Meeting:
    fields: dict[str, Any] = {
        "project": project,
        "title": f"项目{project}",
        "budget_yuan": 1_200_000,
        "unit": "镇建设办",
        "completion": "2026-11-30",
        "source": "residents",
        "description": "村道硬化",
        "by": "chair",
    }
    return meeting.commit(projects.register_project(meeting.state, **(fields | changes)))


def session(meeting_id: str = "m1") -> Meeting:
    meeting = Meeting(deputies=5)
    meeting.state.meeting["id"] = meeting_id
    meeting.sign_in("d01", "d02", "d03", "d04", "d05")
    return meeting.apply({"type": "agenda_set", "items": SELECTION_AGENDA})


def select(meeting: Meeting, counts: dict[str, int], seats: int = 2) -> Meeting:
    meeting.commit(
        projects.open_selection(
            meeting.state,
            poll="p1",
            item="s",
            seats=seats,
            mode="manual",
            change_policy="last",
            by="chair",
        )
    )
    return meeting.commit(
        enter_manual_result(
            meeting.state,
            poll="p1",
            issued=5,
            ballot_counts={"cast": 5, "valid": 5, "void": 0},
            counts={p: {"for": n} for p, n in counts.items()},
            write_ins={},
            confirmed_by=["监票人"],
            by="chair",
        )
    )


def test_the_selection_poll_lists_the_register_and_its_result_adopts() -> None:
    meeting = session()
    for project in ("P1", "P2", "P3", "P4"):
        register(meeting, project, budget_yuan=2_000_000 if project == "P1" else 1_234_567)
    meeting.commit(
        projects.withdraw_project(meeting.state, project="P4", reason="资金未落实", by="chair")
    )
    select(meeting, {"P1": 4, "P2": 3, "P3": 2})
    definition = meeting.state.polls["p1"].definition
    assert [c["id"] for c in definition["candidates"]] == ["P1", "P2", "P3"]
    assert definition["candidates"][0]["budget_wan"] == 200
    assert "budget_wan" not in definition["candidates"][1]
    assert (definition["seats"], definition["title"]) == (2, "民生实事项目票决（3 选 2）")
    assert adopted_projects(meeting.state.projects, meeting.state.polls) == {
        "P1": Adoption("p1", 4, 5, 5, True),
        "P2": Adoption("p1", 3, 5, 5, True),
        "P3": Adoption("p1", 2, 5, 5, False),
    }
    refused(
        "project-in-poll",
        projects.withdraw_project,
        meeting.state,
        project="P1",
        reason="x",
        by="chair",
    )


def test_bad_projects_are_refused_with_their_code() -> None:
    meeting = session()
    register(meeting, "P1")
    refused("project-exists", register, meeting, "P1")
    refused("invalid-project", register, meeting, "P2", budget_yuan=0)
    refused("invalid-project", register, meeting, "P2", source="company")
    refused("invalid-project", register, meeting, "P2", completion="2026-02-30")
    refused("invalid-project", register, meeting, "P 2")
    refused(
        "unknown-project",
        projects.withdraw_project,
        meeting.state,
        project="P9",
        reason="x",
        by="chair",
    )
    empty = session()
    refused(
        "no-projects",
        projects.open_selection,
        empty.state,
        poll="p1",
        item="s",
        seats=1,
        mode="manual",
        change_policy="last",
        by="chair",
    )


def test_supervision_needs_an_adopted_project_and_seated_deputies() -> None:
    meeting = session()
    register(meeting, "P1")
    register(meeting, "P2")
    refused(
        "project-not-adopted",
        projects.assign_supervisors,
        meeting.state,
        meeting="m1",
        project="P1",
        deputies=["d01"],
        adopted=(),
        by="chair",
    )
    select(meeting, {"P1": 3, "P2": 1}, seats=1)
    refused(
        "project-not-adopted",
        projects.record_milestone,
        meeting.state,
        meeting="m1",
        project="P2",
        on="2026-05-01",
        text="开工",
        percent=10,
        adopted=(),
        by="chair",
    )
    refused(
        "unknown-deputy",
        projects.assign_supervisors,
        meeting.state,
        meeting="m1",
        project="P1",
        deputies=["d09"],
        adopted=(),
        by="chair",
    )
    entries = projects.assign_supervisors(
        meeting.state, meeting="m1", project="P1", deputies=["d01", "d02"], adopted=(), by="chair"
    )
    assert entries == [
        {
            "type": "project_supervisors",
            "adopted_in": "m1",
            "project": "P1",
            "deputies": ["d01", "d02"],
            "by": "chair",
        }
    ]
    later = session("m2")
    refused(
        "invalid-project",
        projects.record_milestone,
        later.state,
        meeting="m1",
        project="P1",
        on="2026-05-01",
        text="开工",
        percent=101,
        adopted={("m1", "P1")},
        by="chair",
    )
    assert projects.record_milestone(
        later.state,
        meeting="m1",
        project="P1",
        on="2026-05-01",
        text=" 开工 ",
        percent=10,
        adopted={("m1", "P1")},
        by="chair",
    )[0] == {
        "type": "project_milestone",
        "adopted_in": "m1",
        "project": "P1",
        "date": "2026-05-01",
        "text": "开工",
        "percent": 10,
        "by": "chair",
    }


def test_the_report_rows_cite_their_entries() -> None:
    first = session("m1")
    register(first, "P1")
    register(first, "P2")
    select(first, {"P1": 3, "P2": 2}, seats=2)
    first.commit(
        projects.assign_supervisors(
            first.state, meeting="m1", project="P1", deputies=["d03"], adopted=(), by="chair"
        )
    )
    second = session("m2")
    adopted = [p.public() for p in first.state.projects.projects.values()][:1]
    second.commit(
        projects.record_milestone(
            second.state,
            meeting="m1",
            project="P1",
            on="2026-06-30",
            text="完工",
            percent=100,
            adopted={("m1", "P1")},
            by="chair",
        )
    )
    second.commit(
        projects.open_evaluation(
            second.state,
            poll="e1",
            item="v",
            meeting="m1",
            projects=adopted,
            mode="manual",
            change_policy="last",
            by="chair",
        )
    )
    refused(
        "projects-evaluated",
        projects.open_evaluation,
        second.state,
        poll="e2",
        item="v",
        meeting="m1",
        projects=adopted,
        mode="manual",
        change_policy="last",
        by="chair",
    )
    second.commit(
        enter_manual_result(
            second.state,
            poll="e1",
            issued=5,
            ballot_counts={"cast": 5, "valid": 5, "void": 0},
            counts={"P1": {"satisfied": 3, "basically_satisfied": 1, "dissatisfied": 1}},
            write_ins={},
            confirmed_by=["监票人"],
            by="chair",
        )
    )
    sessions = [
        TermSession("m1", "一次会议", "2026-01-10", first.state),
        TermSession("m2", "二次会议", "2026-12-20", second.state),
    ]
    report = yearly_report("t", sessions, lambda meeting, seq: f"{meeting}#{seq}")
    row = report["projects"][0]
    assert row["selection"] == {
        "poll": "p1",
        "votes": 3,
        "electorate": 5,
        "cast": 5,
        "rate_electorate": 0.6,
        "rate_cast": 0.6,
        "adopted": True,
    }
    assert row["supervisors"] == [{"deputy": "d03", "name": "代表03"}]
    assert row["milestones"] == [
        {"date": "2026-06-30", "text": "完工", "percent": 100, "meeting": "m2"}
    ]
    assert row["evaluation"] == {
        "meeting": "m2",
        "poll": "e1",
        "counts": {"satisfied": 3, "basically_satisfied": 1, "dissatisfied": 1},
        "valid": 5,
        "electorate": 5,
        "rating": "satisfied",
    }
    assert [(c["what"], c["hash"]) for c in row["cites"]] == [
        ("registered", "m1#7"),
        ("selection_opened", "m1#9"),
        ("selection_result", "m1#12"),
        ("supervisors", "m1#13"),
        ("milestone", "m2#7"),
        ("evaluation_opened", "m2#8"),
        ("evaluation_link", "m2#9"),
        ("evaluation_result", "m2#12"),
    ]
    assert report["projects"][1]["evaluation"] is None
    assert report["projects"][1]["selection"]["adopted"] is False


def test_a_voided_selection_poll_adopts_nothing_and_frees_its_projects() -> None:
    meeting = session()
    register(meeting, "P1")
    register(meeting, "P2")
    select(meeting, {"P1": 5, "P2": 4})
    meeting.commit(void_poll(meeting.state, poll="p1", reason="选票印制有误", by="chair"))
    assert adopted_projects(meeting.state.projects, meeting.state.polls) == {}
    assert projects.own_adoptions(meeting.state) == set()
    withdrawn = projects.withdraw_project(meeting.state, project="P2", reason="x", by="chair")
    assert withdrawn[0]["type"] == "project_withdrawn"


def test_the_each_form_adopts_by_its_for_votes() -> None:
    meeting = session()
    register(meeting, "P1")
    register(meeting, "P2")
    meeting.commit(
        projects.open_selection(
            meeting.state,
            poll="p1",
            item="s",
            seats=2,
            form="each",
            mode="manual",
            change_policy="last",
            by="chair",
        )
    )
    assert meeting.state.polls["p1"].definition["form"] == "each"
    marks = {
        "P1": {"for": 4, "against": 1, "abstain": 0},
        "P2": {"for": 2, "against": 3, "abstain": 0},
    }
    meeting.commit(
        enter_manual_result(
            meeting.state,
            poll="p1",
            issued=5,
            ballot_counts={"cast": 5, "valid": 5, "void": 0},
            counts=marks,
            write_ins={},
            confirmed_by=["监票人"],
            by="chair",
        )
    )
    found = adopted_projects(meeting.state.projects, meeting.state.polls)
    assert {p: (a.votes, a.adopted) for p, a in found.items()} == {
        "P1": (4, True),
        "P2": (2, False),
    }


def test_the_csv_keeps_a_formula_like_title_as_text() -> None:
    meeting = session()
    register(meeting, "P1", title="=HYPERLINK(1)", unit="-镇建设办")
    sessions = [TermSession("m1", "一次会议", "2026-01-10", meeting.state)]
    text = report_csv(yearly_report(None, sessions, lambda meeting, seq: "h"))
    lines = text.split("\r\n")
    assert lines[1].split(",")[:6] == [
        "m1",
        "P1",
        "'=HYPERLINK(1)",
        "群众征集",
        "1200000",
        "'-镇建设办",
    ]
    assert lines[2] == ""
