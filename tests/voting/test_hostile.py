"""Hostile WebSocket input: the server stays up, answers with documented error codes, and
neither its state nor its log changes.

Hypothesis makes the messages: JSON of every shape (wrong types, unknown fields, numbers out of
range, deep nesting), real messages with one field replaced by junk, texts that are not JSON,
lone surrogates, payloads over 64 KiB, and commands out of order (before the hello, for polls
that are not open). They go to an in-process server (Starlette's test client). What only a real
socket can carry — binary frames, invalid UTF-8, frames over the size limit — goes to a real
``congress serve`` process through a hand-made client (:mod:`tests.voting.rawsocket`).

Every error code a reply carries must be one listed in ``docs/protocol.md`` §9. The numbers of
messages sent go to ``<basetemp>/figures/hostile.json``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from devices.tablet import Tablet
from tests.conftest import Figures
from tests.voting.conftest import ORIGIN, Clock, Server
from tests.voting.core.encrypted_meeting import resigned
from tests.voting.ledger import Digest, digest
from tests.voting.live_server import live_server
from tests.voting.rawsocket import BINARY, CLOSE, TEXT, RawSocket
from tests.voting.sitting import MEETING, TabletSession, open_meeting, pair, say_hello

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
DOCUMENTED = set(
    re.findall(r"^\| `([a-z-]+)` \|", PROTOCOL.read_text(encoding="utf-8").split("## 9.")[1], re.M)
)
MAX_MESSAGE = 64 * 1024
SENT: dict[str, int] = {"in_process": 0, "real_socket": 0}


@dataclass
class Hall:
    client: TestClient
    tablet: Tablet
    before: Digest


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    """Meeting m1 with 3 deputies signed in, a named poll p1 open on item a (d02 has voted),
    item b not yet put to the vote; d01's tablet is the one that misbehaves."""
    server = Server(tmp_path_factory.mktemp("hostile") / "congress.sqlite", Clock())
    with server.client() as client:
        chair = open_meeting(client, 3)
        agenda = [
            {"item": "a", "title": "议案一", "kind": "motion"},
            {"item": "b", "title": "议案二", "kind": "motion"},
        ]
        chair.call("PUT", "/agenda", {"items": agenda})
        tablets = [pair(client, chair, d) for d in ("d01", "d02", "d03")]
        for tablet in tablets:
            chair.post(f"/deputies/{tablet.deputy}/sign-in")
        chair.post("/polls", {"item": "a", "definition": {"kind": "motion"}, "mode": "named"})
        voter = TabletSession(client, tablets[1])
        assert voter.request(tablets[1].named_vote("p1", "for"))["type"] == "ack"
        voter.close()
        yield Hall(client, tablets[0], digest(client))


def answered_with_documented_errors(replies: list[dict[str, Any]]) -> None:
    for reply in replies:
        if reply.get("type") == "error":
            assert reply["error"] in DOCUMENTED, reply
            assert isinstance(reply["message"], str) and reply["message"], reply
        else:
            assert reply.get("type") == "pong", reply


def exchange(hall: Hall, texts: list[str]) -> list[dict[str, Any]]:
    """Say hello as d01, send each text, read one reply per text; then check the connection
    still answers a ping."""
    replies = []
    with hall.client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        assert say_hello(ws, hall.tablet)["type"] == "welcome"
        for text in texts:
            ws.send_text(text)
            SENT["in_process"] += 1
            replies.append(ws.receive_json())
        ws.send_json({"type": "ping", "id": "still-there"})
        assert ws.receive_json() == {
            "type": "pong",
            "id": "still-there",
            "seq": hall.before.log_size,
        }
    return replies


# Strategies -------------------------------------------------------------------------------

#: "ballot" and "replace" are the retired sealed-ballot messages an outdated tablet may send.
TYPES = st.sampled_from(
    ["sign_in", "vote", "encrypted_ballot", "ballot", "replace", "ping", "hello", "welcome", ""]
)
#: Text that may hold lone surrogates (st.text leaves them out); json.dumps writes them as
#: "\\udXXX" escapes, and a text frame of the test client carries them as they are.
ANY_TEXT = st.lists(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=40).map(
    "".join
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | ANY_TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def shaped_messages(draw: st.DrawFn) -> dict[str, Any]:
    """Something shaped like a tablet message, with fields of any type."""
    message: dict[str, Any] = {"type": draw(TYPES)}
    for name in draw(
        st.sets(st.sampled_from(["id", "body", "sig", "ballot", "replace_token", "x"]))
    ):
        message[name] = draw(JSON)
    return message


@st.composite
def spoiled_messages(draw: st.DrawFn) -> dict[str, Any]:
    """A real, signed message (by a throw-away copy of d01's tablet) with one field spoiled."""
    tablet = Tablet(origin="xinzhou.congress.local/2026-3", device="tab-d01", deputy="d01")
    kind = draw(st.sampled_from(["sign_in", "vote", "encrypted_ballot"]))
    poll = draw(st.sampled_from(["p1", "p2", "p9"]))
    if kind == "sign_in":
        message = tablet.sign_in()
    elif kind == "vote":
        message = tablet.named_vote(poll, "for")
    else:
        message = resigned(tablet, poll, {"ciphertexts": [], "proofs": []}, "00" * 32)
    path = draw(st.sampled_from(sorted(_paths(message))))
    _set(message, path, draw(JSON))
    return message


def _paths(value: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = {prefix} if prefix else set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found |= _paths(inner, (*prefix, key))
    return found


def _set(message: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = message
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def deep(depth: int) -> str:
    return '{"type":"ping","id":' + "[" * depth + "]" * depth + "}"


TEXTS = st.one_of(
    shaped_messages().map(json.dumps),
    spoiled_messages().map(json.dumps),
    JSON.map(json.dumps),
    ANY_TEXT,  # mostly not JSON; often holding lone surrogates
    st.integers(min_value=150, max_value=5000).map(deep),
    st.integers(min_value=MAX_MESSAGE + 1, max_value=MAX_MESSAGE + 4096).map(
        lambda n: '{"type":"ping","id":"' + "x" * n + '"}'
    ),
    st.integers(min_value=MAX_MESSAGE // 3 + 1, max_value=MAX_MESSAGE // 2).map(
        lambda n: '{"type":"ping","id":"' + "票" * n + '"}'
    ),
)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(TEXTS, min_size=1, max_size=6))
def test_hostile_messages_change_nothing(hall: Hall, texts: list[str]) -> None:
    replies = exchange(hall, texts)
    assert len(replies) == len(texts)
    answered_with_documented_errors(replies)
    assert digest(hall.client) == hall.before


def _stranger_hello(nonce: str) -> dict[str, Any]:
    return Tablet(origin=ORIGIN, device="tab-zz", deputy="d01").hello(nonce)


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (lambda nonce: {"type": "vote", "body": {}, "sig": "x"}, "invalid-message"),
        (lambda nonce: {"type": "ping"}, "invalid-message"),
        (lambda nonce: {"type": "hello", "device": "tab-d01", "extra": 1}, "invalid-message"),
        (lambda nonce: {"type": "hello", "device": "tab-d01"}, "invalid-message"),
        (_stranger_hello, "unknown-device"),
    ],
    ids=[
        "a vote before the hello",
        "a ping before the hello",
        "a hello with junk",
        "a hello without a signature",
        "a stranger",
    ],
)
def test_nothing_but_a_good_hello_opens_the_channel(
    hall: Hall, message: Callable[[str], dict[str, Any]], code: str
) -> None:
    with hall.client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        challenge = ws.receive_json()
        assert challenge["type"] == "challenge"
        ws.send_json(message(challenge["nonce"]))
        SENT["in_process"] += 1
        reply = ws.receive_json()
        assert (reply["type"], reply["error"]) == ("error", code)
        assert ws.receive() == {"type": "websocket.close", "code": 1008, "reason": ""}
    assert digest(hall.client) == hall.before


def test_commands_out_of_order_are_refused(hall: Hall) -> None:
    own = Tablet(origin=hall.tablet.origin, device="tab-d01", deputy="d01", key=hall.tablet.key)
    own.counter = 10_000
    session = TabletSession(hall.client, own)
    try:
        cases = [
            (own.named_vote("p2", "for"), "unknown-poll"),  # a poll not opened yet
            (resigned(own, "p9", {}, "00" * 32), "unknown-poll"),
            (resigned(own, "p1", {}, "00" * 32), "wrong-mode"),  # encrypted, in a named poll
            (own.sign_in(), "already-signed-in"),
            (own.hello("a-nonce"), "invalid-message"),  # a second hello
            (  # the retired sealed ballot of an outdated tablet
                {
                    "type": "ballot",
                    "body": own.named_vote("p1", "for")["body"],
                    "sig": "x",
                    "ballot": {"poll": "p1", "receipt": "0" * 32, "choice": "for"},
                    "replace_token_hash": "0" * 64,
                },
                "invalid-message",
            ),
        ]
        for message, code in cases:
            reply = session.request(message)
            SENT["in_process"] += 1
            assert (reply["type"], reply["error"]) == ("error", code), reply
    finally:
        session.close()
    # The watcher channel takes nothing but pings.
    with hall.client.websocket_connect(f"/ws/meetings/{MEETING}/watch") as ws:
        ws.send_json({"type": "hello"})
        assert ws.receive_json()["error"] == "invalid-message"
    assert digest(hall.client) == hall.before


# A real server, real frames ---------------------------------------------------------------


def test_frames_only_a_real_socket_carries(tmp_path: Path, figures: Figures) -> None:
    """Binary frames are answered with an error; invalid UTF-8 closes the connection (1007), a
    frame over 64 KiB too (1009); the server stays up and its log does not change."""
    with live_server(tmp_path, 3) as server:
        tablet = server.pair("d01")
        server.meeting("POST", "/deputies/d01/sign-in")
        before = hashlib.sha256(server.entries()).hexdigest()
        port = int(server.url.rsplit(":", 1)[1])
        path = f"/ws/meetings/{MEETING}/tablet"

        def connected() -> RawSocket:
            raw = RawSocket.connect("127.0.0.1", port, path)
            _, challenge = raw.receive()
            raw.send_text(json.dumps(tablet.hello(json.loads(challenge)["nonce"])))
            opcode, payload = raw.receive()
            assert (opcode, json.loads(payload)["type"]) == (TEXT, "welcome")
            return raw

        raw = connected()
        for payload in (b'{"type": "ping"}', b"\x00\xff" * 100, b""):
            raw.send(BINARY, payload)
            SENT["real_socket"] += 1
            opcode, answer = raw.receive()
            assert json.loads(answer)["message"] == "消息格式错误：binary frames are not accepted"
        raw.send_text('{"type": "ping", "id": "k"}')
        assert json.loads(raw.receive()[1])["type"] == "pong"
        raw.close()
        closes = {}
        for name, opcode, payload in (
            ("invalid UTF-8", TEXT, b'{"type": "ping", "id": "\xff\xfe"}'),
            ("lone surrogate in UTF-8", TEXT, b'{"type": "ping", "id": "\xed\xa0\x80"}'),
            ("over 64 KiB", TEXT, b'{"id": "' + b"x" * MAX_MESSAGE + b'"}'),
            ("binary over 64 KiB", BINARY, b"\x00" * (MAX_MESSAGE + 1)),
        ):
            raw = connected()
            raw.send(opcode, payload)
            SENT["real_socket"] += 1
            code, _ = raw.receive_close_code(limit=10)
            closes[name] = code
            raw.close()
        assert closes == {
            "invalid UTF-8": 1007,
            "lone surrogate in UTF-8": 1007,
            "over 64 KiB": 1009,
            "binary over 64 KiB": 1009,
        }
        # Still up, still answering, nothing written.
        raw = connected()
        raw.send_text('{"type": "ping", "id": "after"}')
        assert json.loads(raw.receive()[1])["id"] == "after"
        raw.send(CLOSE, b"\x03\xe8")
        raw.close()
        assert hashlib.sha256(server.entries()).hexdigest() == before
        errors = server.errors()
    assert errors == 0
    figures(
        "hostile",
        {
            "messages_in_process": SENT["in_process"],
            "frames_real_socket": SENT["real_socket"],
            "server_errors": errors,
            "documented_codes": len(DOCUMENTED),
        },
    )
