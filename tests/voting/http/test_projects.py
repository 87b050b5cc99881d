"""A whole livelihood-project year through the HTTP API: projects registered at the term's
first session, selected by its selection poll, supervised, milestones recorded at the next
session, that session's evaluation generated and rated, and the yearly report listing each
project with its votes and rating, every fact cited by an entry of a log that verifies."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from audit.merkle import leaf_hash
from audit.verify import verify_bundle
from tests.voting.sitting import Staff, bootstrap_admin, roster
from voting.service import MeetingService

TERM = "xinzhou-17"
AGENDA = {
    "items": [
        {"item": "sel", "title": "票决民生实事项目", "kind": "selection"},
        {"item": "eva", "title": "民生实事项目满意度测评", "kind": "evaluation"},
    ]
}
PROJECTS = [
    ("村道硬化", 1_200_000, "镇交通办", "residents"),
    ("中心小学食堂改造", 800_000, "镇教育办", "deputies"),
    ("农贸市场提升", 2_345_678, "镇市场监管所", "government"),
    ("老年活动中心", 500_000, "镇民政办", "residents"),
]


class Chair:
    """The admin on one meeting's API."""

    def __init__(self, client: TestClient, staff: Staff, meeting: str) -> None:
        self.client, self.headers, self.meeting = client, staff.headers, meeting

    def call(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        answer = self.client.request(
            method, f"/api/meetings/{self.meeting}{path}", json=body, headers=self.headers
        )
        assert answer.status_code == status, answer.text
        return answer.json()

    def post(self, path: str, body: Any = None, status: int = 200) -> Any:
        return self.call("POST", path, body, status)


def session(client: TestClient, admin: Staff, meeting: str, date: str) -> Chair:
    """An opened session of the term: five deputies signed in, the two project items."""
    body = {
        "meeting": meeting,
        "origin": f"xinzhou.local/{meeting}",
        "title": f"第{meeting}次会议",
        "date": date,
        "settings": {"term": TERM},
    }
    assert client.post("/api/meetings", json=body, headers=admin.headers).status_code == 200
    chair = Chair(client, admin, meeting)
    chair.call("PUT", "/roster", roster(5))
    chair.post("/open")
    chair.post("/attendance/sign-in", {"deputies": ["d01", "d02", "d03", "d04", "d05"]})
    chair.call("PUT", "/agenda", AGENDA)
    return chair


def paper_result(chair: Chair, poll: str, counts: dict[str, Any]) -> None:
    manual = {
        "issued": 5,
        "ballots": {"cast": 5, "valid": 5, "void": 0},
        "counts": counts,
        "confirmed_by": ["总监票人"],
    }
    chair.post(f"/polls/{poll}/manual-result", manual)


def service(client: TestClient, meeting: str) -> MeetingService:
    found: MeetingService = client.app.state.runtime.congress.service(meeting)  # type: ignore[attr-defined]
    return found


def verified(client: TestClient, meeting: str, tmp_path: Path) -> list[str]:
    log = service(client, meeting).log
    log.export(tmp_path / meeting)
    report = verify_bundle(tmp_path / meeting, vkey=log.vkey)
    return [failure for check in report.checks for failure in check.failures]


def test_a_project_year_from_register_to_rating(client: TestClient, tmp_path: Path) -> None:
    admin = bootstrap_admin(client)
    first = session(client, admin, "s1", "2026-01-10")
    for title, budget, unit, source in PROJECTS:
        body = {
            "title": title,
            "budget_yuan": budget,
            "unit": unit,
            "completion": "2026-11-30",
            "source": source,
            "description": f"{title}工程",
        }
        assert (
            first.post("/projects", body)["project"]
            == f"P{PROJECTS.index((title, budget, unit, source)) + 1}"
        )
    first.post("/projects/P4/withdraw", {"reason": "资金未落实"})
    opened = first.post("/projects/selection-poll", {"item": "sel", "seats": 2, "mode": "manual"})
    assert opened["poll"] == "p1"
    first.post("/projects/P1/withdraw", {"reason": "x"}, status=409)
    paper_result(first, "p1", {"P1": {"for": 5}, "P2": {"for": 3}, "P3": {"for": 2}})
    first.post("/polls/p1/announce")
    first.post(
        "/projects/supervisors", {"adopted_in": "s1", "project": "P1", "deputies": ["d01", "d02"]}
    )
    refused = first.post(
        "/projects/supervisors",
        {"adopted_in": "s1", "project": "P3", "deputies": ["d01"]},
        status=409,
    )
    assert refused["error"] == "project-not-adopted"
    first.post("/close")

    second = session(client, admin, "s2", "2026-12-20")
    second.post(
        "/projects/milestones",
        {
            "adopted_in": "s1",
            "project": "P1",
            "date": "2026-05-15",
            "text": "路基完工",
            "percent": 50,
        },
    )
    second.post(
        "/projects/milestones",
        {
            "adopted_in": "s1",
            "project": "P1",
            "date": "2026-10-20",
            "text": "全线通车",
            "percent": 100,
        },
    )
    second.post("/projects/supervisors", {"adopted_in": "s1", "project": "P2", "deputies": ["d03"]})
    evaluation = second.post("/projects/evaluation-poll", {"item": "eva", "mode": "manual"})
    assert evaluation["poll"] == "p1"
    subjects = service(client, "s2").state.polls["p1"].definition["subjects"]
    assert [(s["id"], s["name"]) for s in subjects] == [
        ("P1", "村道硬化"),
        ("P2", "中心小学食堂改造"),
    ]
    paper_result(
        second,
        "p1",
        {
            "P1": {"satisfied": 4, "basically_satisfied": 1, "dissatisfied": 0},
            "P2": {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 3},
        },
    )
    second.post("/close")

    report = second.call("GET", "/projects/report")
    assert report["term"] == TERM
    assert [s["meeting"] for s in report["sessions"]] == ["s1", "s2"]
    rows = {row["project"]: row for row in report["projects"]}
    assert list(rows) == ["P1", "P2", "P3", "P4"]
    assert rows["P1"]["selection"] == {
        "poll": "p1",
        "votes": 5,
        "electorate": 5,
        "cast": 5,
        "rate_electorate": 1.0,
        "rate_cast": 1.0,
        "adopted": True,
    }
    assert rows["P3"]["selection"]["adopted"] is False
    assert rows["P4"]["withdrawn"] is True and rows["P4"]["selection"] is None
    assert rows["P1"]["supervisors"] == [
        {"deputy": "d01", "name": "代表01"},
        {"deputy": "d02", "name": "代表02"},
    ]
    assert [m["percent"] for m in rows["P1"]["milestones"]] == [50, 100]
    assert (rows["P1"]["evaluation"]["rating"], rows["P2"]["evaluation"]["rating"]) == (
        "satisfied",
        "dissatisfied",
    )
    assert rows["P3"]["evaluation"] is None
    # Every cited entry is the entry of that log at that seq, with that leaf hash.
    for row in report["projects"]:
        for cite in row["cites"]:
            data = service(client, cite["meeting"]).log.entry(cite["seq"])
            assert leaf_hash(data).hex() == cite["hash"]
    kinds = [(c["what"], c["meeting"]) for c in rows["P1"]["cites"]]
    assert kinds == [
        ("registered", "s1"),
        ("selection_opened", "s1"),
        ("selection_result", "s1"),
        ("supervisors", "s1"),
        ("milestone", "s2"),
        ("milestone", "s2"),
        ("evaluation_opened", "s2"),
        ("evaluation_link", "s2"),
        ("evaluation_result", "s2"),
    ]
    assert verified(client, "s1", tmp_path) == []
    assert verified(client, "s2", tmp_path) == []

    answer = client.get("/api/meetings/s2/projects/report.csv", headers=admin.headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[0][:4] == ["会议", "项目编号", "项目名称", "来源"]
    assert table[1][:16] == [
        "s1",
        "P1",
        "村道硬化",
        "群众征集",
        "1200000",
        "镇交通办",
        "2026-11-30",
        "",
        "p1",
        "5",
        "5",
        "5",
        "100.0%",
        "100.0%",
        "是",
        "代表01、代表02",
    ]
    assert table[2][18:22] == ["1", "1", "3", "不满意"]
    assert len(table) == 5


def test_the_evaluation_needs_adopted_projects_of_an_earlier_session(
    client: TestClient,
) -> None:
    admin = bootstrap_admin(client)
    first = session(client, admin, "s1", "2026-01-10")
    refused = first.post("/projects/evaluation-poll", {"item": "eva", "mode": "manual"}, 409)
    assert refused["error"] == "no-adopted-projects"
    answer = client.get("/api/meetings/s1/projects/report")
    assert (answer.status_code, answer.json()["error"]) == (401, "not-logged-in")
