"""The public list of every signed checkpoint: exact sizes, notes that verify under the log
key, pages, one checkpoint by its size, 404 for a size never signed, and all of them again
after a restart."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from audit.checkpoint import open_checkpoint
from audit.note import NoteVerifier
from tests.voting.conftest import ORIGIN, Server
from tests.voting.sitting import MEETING, open_meeting

BASE = f"/api/meetings/{MEETING}/log"


def checkpoints_at_sizes(client: TestClient) -> tuple[str, list[int]]:
    """Open a meeting (its first checkpoint covers meeting_opened), sign in three deputies
    with a checkpoint after the first and after the third; the log key and the sizes."""
    chair = open_meeting(client, 3)
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    sizes = [service.log.size]
    chair.post("/deputies/d01/sign-in")
    service.log.sign_checkpoint()
    sizes.append(service.log.size)
    chair.post("/deputies/d02/sign-in")
    chair.post("/deputies/d03/sign-in")
    service.log.sign_checkpoint()
    sizes.append(service.log.size)
    return str(service.log.vkey), sizes


def listed(client: TestClient, query: str = "") -> Any:
    response = client.get(f"{BASE}/checkpoints{query}")
    assert response.status_code == 200, response.text
    return response.json()


def test_every_checkpoint_is_listed_oldest_first_and_verifies(client: TestClient) -> None:
    vkey, sizes = checkpoints_at_sizes(client)
    assert sizes == [1, 2, 4]
    page = listed(client)
    assert [c["size"] for c in page["checkpoints"]] == sizes
    assert page["more"] is False
    verifier = NoteVerifier.from_vkey(vkey)
    for item in page["checkpoints"]:
        checkpoint = open_checkpoint(item["note"], [verifier], origin=ORIGIN)
        assert checkpoint.size == item["size"]
    # The newest in the list is the one log/checkpoint publishes.
    assert page["checkpoints"][-1]["note"] == client.get(f"{BASE}/checkpoint").text


def test_pages_follow_after_and_limit(client: TestClient) -> None:
    _, sizes = checkpoints_at_sizes(client)
    first = listed(client, "?limit=2")
    assert ([c["size"] for c in first["checkpoints"]], first["more"]) == (sizes[:2], True)
    rest = listed(client, f"?after={sizes[1]}&limit=2")
    assert ([c["size"] for c in rest["checkpoints"]], rest["more"]) == (sizes[2:], False)
    assert listed(client, f"?after={sizes[-1]}") == {"checkpoints": [], "more": False}
    for bad in ("?limit=0", "?limit=1001", "?after=-1"):
        refused = client.get(f"{BASE}/checkpoints{bad}")
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid-message"), bad


def test_one_checkpoint_by_its_size_and_404_for_another(client: TestClient) -> None:
    _, sizes = checkpoints_at_sizes(client)
    page = listed(client)["checkpoints"]
    one = client.get(f"{BASE}/checkpoints/{sizes[1]}")
    assert (one.status_code, one.text) == (200, page[1]["note"])
    assert one.headers["content-type"].startswith("text/plain")
    missing = client.get(f"{BASE}/checkpoints/3")  # sizes 1, 2 and 4 were signed, not 3
    assert missing.status_code == 404
    assert missing.json() == {
        "error": "unknown-checkpoint",
        "message": "日志没有树大小为 3 的签名检查点",
        "message_en": "the log signed no checkpoint of tree size 3",
    }
    not_a_size = client.get(f"{BASE}/checkpoints/x1")
    assert (not_a_size.status_code, not_a_size.json()["error"]) == (400, "invalid-message")


def test_a_restart_keeps_every_checkpoint(server: Server) -> None:
    with server.client() as client:
        _, sizes = checkpoints_at_sizes(client)
        before = listed(client)
    with server.client() as client:
        after = listed(client)
        assert after == before
        assert [c["size"] for c in after["checkpoints"]] == sizes
        assert client.get(f"{BASE}/checkpoints/{sizes[0]}").text == before["checkpoints"][0]["note"]
