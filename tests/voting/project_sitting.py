"""A closed session of a congress term that adopted one livelihood project (P1), driven
through the HTTP API, for tests of a later session that supervises and rates it."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.voting.sitting import roster

PROJECT: dict[str, Any] = {
    "title": "村道硬化",
    "budget_yuan": 1_200_000,
    "unit": "镇交通办",
    "completion": "2026-11-30",
    "source": "residents",
    "description": "硬化三个行政村的村道",
}


def paper(counts: dict[str, Any], cast: int) -> dict[str, Any]:
    """A paper count of ``cast`` valid ballots, confirmed by the chief scrutineer."""
    return {
        "issued": cast,
        "ballots": {"cast": cast, "valid": cast, "void": 0},
        "counts": counts,
        "confirmed_by": ["总监票人"],
    }


def adopted_session(client: TestClient, token: str, meeting: str, *, term: str, date: str) -> None:
    """Meeting ``meeting`` of ``term``: three deputies, project P1 adopted by all, closed."""
    headers = {"Authorization": f"Bearer {token}"}
    base = f"/api/meetings/{meeting}"

    def send(method: str, path: str, body: Any = None) -> Any:
        answer = client.request(method, base + path, json=body, headers=headers)
        assert answer.status_code == 200, (path, answer.text)
        return answer.json()

    created = {
        "meeting": meeting,
        "origin": f"x.local/{meeting}",
        "title": f"{meeting}次会议",
        "date": date,
        "settings": {"term": term},
    }
    answer = client.post("/api/meetings", json=created, headers=headers)
    assert answer.status_code == 200, answer.text
    send("PUT", "/roster", roster(3))
    send("POST", "/open")
    send("POST", "/attendance/sign-in", {"deputies": ["d01", "d02", "d03"]})
    send("PUT", "/agenda", {"items": [{"item": "ps", "title": "票决", "kind": "selection"}]})
    send("POST", "/projects", PROJECT)
    poll = send("POST", "/projects/selection-poll", {"item": "ps", "seats": 1, "mode": "manual"})
    send("POST", f"/polls/{poll['poll']}/manual-result", paper({"P1": {"for": 3}}, 3))
    send("POST", "/close")
