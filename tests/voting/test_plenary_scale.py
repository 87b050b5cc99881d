"""What lets one server carry a plenary (docs/performance.md), with every guarantee kept.

One push per committed transaction, however many commands it holds, sent before any of them is
answered; the public view built once per state; a poll's definition parsed once; signatures
verified in a worker process ahead of the decision, whose verdict the decision takes only for
the key it was given for; the server process's settings.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import pytest

import ballots
from audit.signature_batch import SignatureJob, Verdict, check_signatures
from audit.tablet import DeviceKey, signing_payload
from devices.hub import Hub, Peer
from devices.signatures import WORKER_NICENESS, SignatureChecker, check_with_libsodium
from devices.tablet import Tablet
from tests.voting.test_service import (
    OpenMeeting,
    decide_vote,
    named_poll,
    open_meeting,  # noqa: F401 (a fixture)
    pair,
    sign_in,
)
from voting import core
from voting.cli import serve
from voting.core import views
from voting.core.devices import SignedBody
from voting.errors import CommandError
from voting.live import Live
from voting.service import MeetingService
from voting.websocket_protocol import HallWebSocketProtocol

# One push per transaction --------------------------------------------------------------------


async def test_a_transaction_is_told_once_before_any_of_its_commands_is_answered(
    open_meeting: OpenMeeting,  # noqa: F811
) -> None:
    service = await open_meeting(40)
    deputies = [f"d{i:02}" for i in range(1, 41)]
    told: list[tuple[list[str], int, int]] = []
    answered: list[str] = []

    def listener(
        told_by: MeetingService, entries: list[dict[str, Any]], answered_own: frozenset[str]
    ) -> None:
        assert told_by is service
        assert answered_own == frozenset()  # signed in by the service, not by their tablets
        assert [e["seq"] for e in entries] == list(
            range(service.log.size - len(entries), service.log.size)
        )
        told.append(([e["deputy"] for e in entries], told_by.state.size, len(answered)))

    service.on_commit = listener

    async def one(deputy: str) -> None:
        await sign_in(service, deputy)
        answered.append(deputy)

    await asyncio.gather(*(one(d) for d in deputies))
    assert sorted(d for names, _, _ in told for d in names) == deputies
    assert len(told) < len(deputies)  # group commit: transactions of several sign-ins
    size, done = 1, 0
    for names, state_size, answered_before in told:
        size += len(names)
        assert state_size == size  # the state is exactly the committed one
        assert answered_before == done  # none of this transaction's commands answered yet
        done += len(names)


async def until(done: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until ``done()`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "not done within the deadline"
        await asyncio.sleep(0.005)


async def collecting_peer(hub: Hub, meeting: str, deputy: str | None) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []

    async def send(text: str) -> None:
        received.append(json.loads(text))

    async def close(_: int) -> None:
        return None

    channel = "tablet" if deputy is not None else "display"
    hub.add(meeting, Peer(channel, send, close, f"tab-{deputy}" if deputy else None, deputy))
    return received


async def test_a_hall_signing_in_at_once_gets_a_push_per_transaction_not_per_deputy(
    open_meeting: OpenMeeting,  # noqa: F811
) -> None:
    service = await open_meeting(30)
    deputies = [f"d{i:02}" for i in range(1, 31)]
    hub = Hub(lambda: "2026-03-01T01:30:00Z")
    live = Live(hub)
    service.on_commit = live.committed
    inboxes = {d: await collecting_peer(hub, "m1", d) for d in deputies}
    transactions: list[int] = []
    original = live.committed

    def counting(
        told_by: MeetingService, entries: list[dict[str, Any]], answered: frozenset[str]
    ) -> None:
        transactions.append(len(entries))
        original(told_by, entries, answered)

    service.on_commit = counting
    await asyncio.gather(*(sign_in(service, d) for d in deputies))

    def drained() -> bool:
        return all(
            sum(m["type"] == "state" for m in inbox) >= len(transactions)
            and any(m["type"] == "you" for m in inbox)
            for inbox in inboxes.values()
        )

    await until(drained)  # every peer's queue drained
    assert len(transactions) < len(deputies)
    for deputy, inbox in inboxes.items():
        states = [m["state"] for m in inbox if m["type"] == "state"]
        assert len(states) == len(transactions)
        assert states[-1]["attendance"]["present"] == 30
        own = [m["you"] for m in inbox if m["type"] == "you"]
        assert own == [views.deputy_view(service.state, deputy)]
    for peer in hub.peers("m1"):
        await hub.remove("m1", peer)


async def test_the_own_view_is_pushed_to_the_deputys_tablets_but_the_one_answered(
    open_meeting: OpenMeeting,  # noqa: F811
) -> None:
    service = await open_meeting(2)
    hub = Hub(lambda: "2026-03-01T01:30:00Z")
    live = Live(hub)
    answered_tablet = await collecting_peer(hub, "m1", "d01")  # device tab-d01
    other: list[dict[str, Any]] = []

    async def send(text: str) -> None:
        other.append(json.loads(text))

    async def close(_: int) -> None:
        return None

    hub.add("m1", Peer("tablet", send, close, "spare-d01", "d01"))
    service.on_commit = live.committed
    await service.submit(
        lambda s: core.sign_in_by_operator(s, deputy="d01", by="op"), answered="tab-d01"
    )
    await until(lambda: any(m["type"] == "you" for m in other))
    assert [m["you"] for m in other if m["type"] == "you"] == [
        views.deputy_view(service.state, "d01")
    ]
    assert [m for m in answered_tablet if m["type"] == "you"] == []
    for peer in hub.peers("m1"):
        await hub.remove("m1", peer)


async def test_the_public_view_is_built_once_per_state(
    open_meeting: OpenMeeting,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = await open_meeting(3)
    live = Live(Hub(lambda: "2026-03-01T01:30:00Z"))
    built: list[int] = []
    public_view = views.public_view

    def counting(state: Any) -> dict[str, Any]:
        built.append(state.size)
        return public_view(state)

    monkeypatch.setattr(views, "public_view", counting)
    first = live.public_view(service)
    assert live.public_view(service) is first
    assert built == [1]
    await sign_in(service, "d01")
    second = live.public_view(service)
    assert second["attendance"]["present"] == 1
    assert live.public_view(service) is second
    assert built == [1, 2]
    service.state = dataclasses.replace(service.state)  # a new state object, same size: built anew
    assert live.public_view(service) == second
    assert built == [1, 2, 2]


async def test_each_deputy_reaches_only_their_own_tablets() -> None:
    hub = Hub(lambda: "2026-03-01T01:30:00Z")
    await collecting_peer(hub, "m1", "d01")
    await collecting_peer(hub, "m1", "d02")
    await collecting_peer(hub, "m1", None)
    (own,) = hub.tablets_of("m1", "d01")
    assert own.deputy == "d01"
    assert hub.tablets_of("m1", "d09") == []
    assert hub.tablets_of("m2", "d01") == []
    await hub.remove("m1", own)
    assert hub.tablets_of("m1", "d01") == []
    assert [p.deputy for p in hub.tablets_of("m1", "d02")] == ["d02"]
    for peer in hub.peers("m1"):
        await hub.remove("m1", peer)


# A poll's definition, parsed once --------------------------------------------------------------


async def test_ballots_are_checked_against_the_definition_parsed_once(
    open_meeting: OpenMeeting,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = await open_meeting(5)
    deputies = [f"d{i:02}" for i in range(1, 6)]
    tablets = [await pair(service, d) for d in deputies]
    await named_poll(service, deputies)
    parsed: list[str] = []
    parse_poll = ballots.parse_poll

    def counting(definition: Any) -> Any:
        parsed.append(definition["kind"])
        return parse_poll(definition)

    monkeypatch.setattr(ballots, "parse_poll", counting)
    for tablet in tablets[:4]:
        await service.submit(decide_vote(tablet.named_vote("p1", "for")))
    with pytest.raises(CommandError) as refused:
        await service.submit(decide_vote(tablets[4].named_vote("p1", "maybe")))
    assert refused.value.code == "invalid-ballot"
    assert refused.value.en.endswith('got "maybe"')
    assert parsed == ["motion"]


# Signatures verified ahead of the decision ---------------------------------------------------


@pytest.mark.parametrize("check", [check_signatures, check_with_libsodium])
def test_the_worker_verifies_with_the_same_code(
    check: Callable[[list[SignatureJob]], list[str | None]],
) -> None:
    good = Tablet(origin="o", device="t1", deputy="d01")
    other = Tablet(origin="o", device="t2", deputy="d02")
    signed = good.sign_in()
    payload = signing_payload(signed["body"])
    assert check(
        [
            ("ed25519", good.public_key, payload, signed["sig"]),
            ("ed25519", other.public_key, payload, signed["sig"]),
            ("ed25519", good.public_key, payload + b" ", signed["sig"]),
            ("ed25519", good.public_key, payload, "not base64!"),
            ("ed25519", "AAAA", payload, signed["sig"]),
        ]
    ) == [
        None,
        "ed25519 signature does not verify",
        "ed25519 signature does not verify",
        "signature is not valid base64",
        "ed25519 public key is 3 bytes, expected 32",
    ]


def signed_in_by(message: dict[str, Any], verdict: Verdict | None) -> Any:
    signed = SignedBody.read(message["body"], message["sig"])
    return lambda s: core.sign_in_by_tablet(s, signed, verdict)


@pytest.mark.slow
async def test_signatures_checked_by_the_worker_and_refused_by_the_decision(
    open_meeting: OpenMeeting,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = await open_meeting(4)
    tablets = [await pair(service, f"d0{i}") for i in range(1, 5)]
    checker = SignatureChecker(workers=1)
    await checker.start()
    try:
        assert checker.running
        messages = [t.sign_in() for t in tablets]
        messages[3]["sig"] = messages[2]["sig"]  # another tablet's signature
        verdicts = await asyncio.gather(
            *(
                checker.check(t.alg, t.public_key, signing_payload(m["body"]), m["sig"])
                for t, m in zip(tablets, messages, strict=True)
            )
        )
        assert [v.valid if v else None for v in verdicts] == [True, True, True, False]
        arithmetic: list[bytes] = []
        verify_payload = DeviceKey.verify_payload

        def counting(key: DeviceKey, payload: bytes, sig: str) -> None:
            arithmetic.append(payload)
            verify_payload(key, payload, sig)

        monkeypatch.setattr(DeviceKey, "verify_payload", counting)
        for message, verdict in zip(messages[:3], verdicts[:3], strict=True):
            await service.submit(signed_in_by(message, verdict))
        assert arithmetic == []  # the worker verified them
        with pytest.raises(CommandError) as refused:
            await service.submit(signed_in_by(messages[3], verdicts[3]))
        assert (refused.value.code, refused.value.en) == (
            "bad-signature",
            "signature from device tab-d04: ed25519 signature does not verify",
        )
        assert arithmetic == []  # the worker's verdict, not verified a second time
        # A verdict given for another key is not taken: the decision verifies for itself.
        with pytest.raises(CommandError) as forged:
            await service.submit(signed_in_by(messages[3], verdicts[0]))
        assert forged.value.code == "bad-signature"
        assert len(arithmetic) == 1
        assert service.state.signed_in == {"d01", "d02", "d03"}
    finally:
        await checker.stop()
    assert not checker.running


async def test_without_a_worker_the_decision_verifies_everything(
    open_meeting: OpenMeeting,  # noqa: F811
) -> None:
    service = await open_meeting(2)
    tablet = await pair(service, "d01")
    checker = SignatureChecker(workers=0)
    await checker.start()
    message = tablet.sign_in()
    payload = signing_payload(message["body"])
    assert await checker.check(tablet.alg, tablet.public_key, payload, message["sig"]) is None
    await service.submit(signed_in_by(message, None))
    assert service.state.signed_in == {"d01"}
    await checker.stop()


async def test_a_failed_worker_leaves_the_checking_to_the_decision(
    open_meeting: OpenMeeting,  # noqa: F811
) -> None:
    service = await open_meeting(2)
    tablet = await pair(service, "d01")

    class Broken(Executor):
        def submit(self, *_: Any, **__: Any) -> Any:
            raise RuntimeError("cannot schedule new futures after shutdown")

    checker = SignatureChecker(workers=1, executor=Broken())
    assert checker.running
    message = tablet.sign_in()
    payload = signing_payload(message["body"])
    assert await checker.check(tablet.alg, tablet.public_key, payload, message["sig"]) is None
    assert not checker.running
    await service.submit(signed_in_by(message, None))
    assert service.state.signed_in == {"d01"}


async def test_the_worker_runs_below_the_servers_priority() -> None:
    checker = SignatureChecker(workers=1)
    await checker.start()
    try:
        (worker,) = checker.worker_pids()
        server = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker) == min(server + WORKER_NICENESS, 19)
    finally:
        await checker.stop()


@pytest.mark.slow
async def test_stopping_the_checker_ends_its_worker() -> None:
    checker = SignatureChecker(workers=1)
    await checker.start()
    workers = checker.worker_pids()
    assert len(workers) == 1
    await checker.stop()
    await _until_gone(workers)


SERVER_WITH_A_WORKER = """
import asyncio, sys
from devices.signatures import SignatureChecker, check_with_libsodium

async def main():
    checker = SignatureChecker(workers=1)
    await checker.start()
    print(*checker.worker_pids(), flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


@pytest.mark.slow
async def test_a_worker_outlives_no_killed_server() -> None:
    """SIGKILL leaves a server no chance to stop its worker: the worker leaves by itself."""
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVER_WITH_A_WORKER, stdout=asyncio.subprocess.PIPE
    )
    assert server.stdout is not None
    line = await asyncio.wait_for(server.stdout.readline(), 60)
    workers = [int(pid) for pid in line.split()]
    assert workers and all(_alive(pid) for pid in workers)
    server.kill()
    await server.wait()
    await _until_gone(workers)


async def _until_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        await asyncio.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = f"/proc/{pid}/status"
    if os.path.exists(status):
        with open(status) as handle:
            return "zombie" not in handle.read()
    return True


# The server process ---------------------------------------------------------------------------


def test_the_server_settings_suit_thousands_of_connections() -> None:
    options = serve.uvicorn_options()
    assert options["ws"] is HallWebSocketProtocol
    assert options["ws_per_message_deflate"] is False
    assert options["backlog"] >= 3_000
    assert options["ws_ping_interval"] == serve.PING_INTERVAL_S


def test_the_process_is_tuned_for_many_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *t: calls.append(t))
    monkeypatch.setattr(serve, "raise_open_file_limit", lambda: calls.append("files") or 0)
    serve.tune_process()
    assert calls[0] == "files"
    assert "freeze" in calls
    assert calls[-1][0] == serve.GC_YOUNGEST


def test_the_open_file_limit_is_raised_to_the_hard_limit() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        raised = serve.raise_open_file_limit()
        assert raised == resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if hard != resource.RLIM_INFINITY:
            assert raised == hard
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
