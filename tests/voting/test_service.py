"""The service layer without HTTP: one transaction per batch of commands, answered only after
the commit; a failed transaction leaves the state as the committed log says."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from audit.note import NoteSigner
from audit.store import AuditLog
from audit.tables import create_engine_for
from devices.tablet import Tablet
from tests.stores import Store
from tests.voting.conftest import LOG_KEY, ORIGIN
from voting import core
from voting.congress import Congress
from voting.core import views
from voting.core.devices import SignedBody
from voting.errors import CommandError, Conflict, NotFound, Unavailable
from voting.roster import RosterLine
from voting.service import Decision, MeetingService, Written

NOW = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
AGENDA = [{"item": "a", "title": "议案一", "kind": "motion"}]


def signer_for(origin: str) -> NoteSigner:
    return NoteSigner(origin, LOG_KEY)


OpenMeeting = Callable[[int], Awaitable[MeetingService]]


@pytest.fixture
async def open_meeting(store: Store) -> AsyncIterator[OpenMeeting]:
    """Opens meeting ``m1`` with ``n`` active deputies d01, d02, … on a fresh database (SQLite,
    then PostgreSQL)."""
    engines: list[Engine] = []

    async def opener(deputies: int) -> MeetingService:
        engine = create_engine_for(store.url)
        engines.append(engine)
        congress = Congress(engine=engine, signer_for=signer_for, clock=lambda: NOW)
        congress.create_meeting(
            meeting="m1", origin=ORIGIN, title="镇人代会", date="2026-03-01", settings={}
        )
        congress.set_roster(
            "m1",
            [
                RosterLine(f"d{i:02}", f"代表{i:02}", f"{i:02}", "active")
                for i in range(1, deputies + 1)
            ],
        )
        return await congress.open_meeting("m1", by="admin")

    yield opener
    for engine in engines:
        engine.dispose()


def sign_in(service: MeetingService, deputy: str) -> Awaitable[Written]:
    return service.submit(lambda s: core.sign_in_by_operator(s, deputy=deputy, by="op"))


async def pair(service: MeetingService, deputy: str) -> Tablet:
    tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy)
    await service.submit(
        lambda s: core.pair_device(
            s,
            deputy=deputy,
            device=tablet.device,
            alg=tablet.alg,
            public_key=tablet.public_key,
            by="op",
        )
    )
    return tablet


def decide_vote(message: dict[str, Any]) -> Decision:
    return lambda s: core.cast_named(s, SignedBody.read(message["body"], message["sig"]))


async def named_poll(service: MeetingService, deputies: list[str], **options: Any) -> None:
    """Sign ``deputies`` in, set the agenda and open named poll p1 on item a."""
    for deputy in deputies:
        await sign_in(service, deputy)
    await service.submit(lambda s: core.set_agenda(s, items=AGENDA))
    await service.submit(
        lambda s: core.open_poll(
            s,
            poll="p1",
            item="a",
            definition={"kind": "motion"},
            mode="named",
            change_policy=options.get("change_policy", "last"),
            by="chair",
        )
    )


def stored_entries(engine: Engine) -> int:
    with engine.connect() as conn:
        count: int = conn.execute(text("SELECT count(*) FROM audit_entry")).scalar_one()
        return count


def checkpoint_size(service: MeetingService) -> int:
    note = service.log.latest_checkpoint()
    assert note is not None
    return int(note.split("\n")[1])


def boom(_: Session) -> None:
    raise RuntimeError("disk full")


# Refused and failed commands -------------------------------------------------------------------


async def test_a_refused_command_writes_nothing(open_meeting: OpenMeeting) -> None:
    service = await open_meeting(3)
    entries = list(service.log.entries())
    view = views.console_view(service.state, set())
    with pytest.raises(Conflict) as caught:
        await service.submit(lambda s: core.sign_out_by_operator(s, deputy="d01", by="op"))
    assert (caught.value.code, caught.value.zh) == ("not-signed-in", "该代表尚未签到")
    with pytest.raises(NotFound) as missing:
        await sign_in(service, "d99")
    assert missing.value.code == "unknown-deputy"
    assert list(service.log.entries()) == entries
    assert views.console_view(service.state, set()) == view
    assert service.state.size == service.log.size == stored_entries(service.engine) == 1


async def test_a_failed_transaction_is_answered_and_leaves_no_trace(
    open_meeting: OpenMeeting,
) -> None:
    service = await open_meeting(3)
    written = await service.submit(lambda s: core.sign_in_by_operator(s, deputy="d01", by="op"))
    assert [e["seq"] for e in written.entries] == [1]
    assert "d01" in service.state.signed_in

    with pytest.raises(Unavailable) as failed:
        await service.submit(
            lambda s: core.sign_in_by_operator(s, deputy="d02", by="op"), also=boom
        )
    assert (failed.value.code, failed.value.status) == ("storage-failed", 503)
    assert failed.value.zh == "暂时无法保存，请稍后重试（您的表决尚未记录）"
    assert service.log.size == service.state.size == stored_entries(service.engine) == 2
    assert "d02" not in service.state.signed_in
    assert checkpoint_size(service) == 1

    written = await sign_in(service, "d02")
    assert [e["seq"] for e in written.entries] == [2]
    assert service.state.signed_in == {"d01", "d02"}


async def test_a_failed_transaction_records_no_vote_and_keeps_the_counter(
    open_meeting: OpenMeeting,
) -> None:
    service = await open_meeting(3)
    tablet = await pair(service, "d01")
    await named_poll(service, ["d01", "d02"])
    size = service.log.size
    message = tablet.named_vote("p1", "for")
    with pytest.raises(Unavailable):
        await service.submit(decide_vote(message), also=boom)
    assert service.log.size == stored_entries(service.engine) == size
    assert service.state.polls["p1"].votes == {}
    assert service.state.devices["tab-d01"].counter == -1

    written = await service.submit(decide_vote(message))
    assert written.types == ["vote"]
    assert written.entries[0]["seq"] == size
    assert service.state.polls["p1"].votes == {"d01": "for"}


# Concurrency ----------------------------------------------------------------------------------


async def test_concurrent_commands_get_contiguous_seqs(open_meeting: OpenMeeting) -> None:
    service = await open_meeting(60)
    deputies = [f"d{i:02}" for i in range(1, 51)]
    written = await asyncio.gather(*(sign_in(service, d) for d in deputies))
    seqs = [w.entries[0]["seq"] for w in written]
    assert all(len(w.entries) == 1 for w in written)
    assert sorted(seqs) == list(range(1, 51))
    assert {w.entries[0]["deputy"] for w in written} == set(deputies)
    assert service.state.signed_in == set(deputies)
    assert service.state.size == service.log.size == stored_entries(service.engine) == 51
    stored = [json.loads(e) for e in service.log.entries()]
    assert [e["seq"] for e in stored] == list(range(51))

    replayed = MeetingService(
        meeting_id="m1",
        engine=service.engine,
        log=AuditLog.open(
            service.engine, origin=ORIGIN, signer=signer_for(ORIGIN), clock=lambda: NOW
        ),
        signer=signer_for(ORIGIN),
    )
    assert views.console_view(replayed.state, set()) == views.console_view(service.state, set())


async def test_concurrent_votes_share_transactions(open_meeting: OpenMeeting) -> None:
    """Group commit: votes arriving while a transaction is written share the next one."""
    service = await open_meeting(40)
    deputies = [f"d{i:02}" for i in range(1, 41)]
    tablets = [await pair(service, d) for d in deputies]
    await named_poll(service, deputies)
    transactions: list[int] = []
    service.on_commit = lambda _, entries, __: transactions.append(len(entries))
    # The second vote is no ballot: it is refused, the others are not disturbed.
    messages = [t.named_vote("p1", "maybe" if i == 1 else "for") for i, t in enumerate(tablets)]
    outcomes = await asyncio.gather(
        *(service.submit(decide_vote(m)) for m in messages), return_exceptions=True
    )
    refused = [o for o in outcomes if isinstance(o, CommandError)]
    assert [e.code for e in refused] == ["invalid-ballot"]
    assert isinstance(outcomes[1], CommandError)
    assert sum(transactions) == 39
    assert len(transactions) < 39
    assert set(service.state.polls["p1"].votes) == set(deputies) - {"d02"}
    assert service.state.size == service.log.size == stored_entries(service.engine)


async def test_concurrent_repeats_of_one_command_succeed_once(open_meeting: OpenMeeting) -> None:
    service = await open_meeting(3)
    outcomes = await asyncio.gather(
        *(sign_in(service, "d01") for _ in range(20)), return_exceptions=True
    )
    done = [o for o in outcomes if isinstance(o, Written)]
    refused = [o for o in outcomes if isinstance(o, CommandError)]
    assert len(done) == 1
    assert [e.code for e in refused] == ["already-signed-in"] * 19
    assert service.log.size == 2


# Checkpoints ----------------------------------------------------------------------------------


async def test_a_checkpoint_is_signed_only_when_entries_were_added(
    open_meeting: OpenMeeting,
) -> None:
    service = await open_meeting(3)
    assert checkpoint_size(service) == 1  # meeting_opened is checkpointed at once
    assert await service.sign_checkpoint_if_behind() is False
    await sign_in(service, "d01")
    await sign_in(service, "d02")
    assert checkpoint_size(service) == 1
    assert await service.sign_checkpoint_if_behind() is True
    assert checkpoint_size(service) == service.log.size == 3
    assert await service.sign_checkpoint_if_behind() is False
    assert [size for size, _ in service.log.checkpoints()] == [1, 3]


async def test_a_checkpoint_is_signed_with_every_result(open_meeting: OpenMeeting) -> None:
    service = await open_meeting(3)
    tablets = [await pair(service, d) for d in ("d01", "d02")]
    await named_poll(service, ["d01", "d02"])
    for tablet in tablets:
        await service.submit(decide_vote(tablet.named_vote("p1", "for")))
    assert checkpoint_size(service) < service.log.size

    written = await service.close_poll("p1", by="chair")
    assert written.types == ["poll_closed", "result"]
    assert written.entries[-1]["seq"] + 1 == service.log.size
    assert checkpoint_size(service) == service.log.size
    assert service.log.size in [size for size, _ in service.log.checkpoints()]

    # The item was decided: it is put to the vote again only after p1 is voided with a reason.
    await service.void_poll("p1", reason="计票程序错误，重新表决", by="chair")
    assert checkpoint_size(service) == service.log.size
    await service.submit(
        lambda s: core.open_poll(
            s,
            poll="p2",
            item="a",
            definition={"kind": "motion"},
            mode="named",
            change_policy="last",
            by="chair",
        )
    )
    await service.void_poll("p2", reason="表决器故障", by="chair")
    assert checkpoint_size(service) == service.log.size
    await service.submit(lambda s: core.close_meeting(s, by="chair"))
    assert checkpoint_size(service) == service.log.size


# Re-sent messages -----------------------------------------------------------------------------


async def test_a_resent_vote_is_a_duplicate_and_writes_nothing(
    open_meeting: OpenMeeting,
) -> None:
    service = await open_meeting(3)
    tablet = await pair(service, "d01")
    await named_poll(service, ["d01", "d02"])
    message = tablet.named_vote("p1", "for")
    await service.submit(decide_vote(message))
    size = service.log.size
    again = await service.submit(decide_vote(message))
    assert (again.entries, again.already) == ([], core.AlreadyRecorded(message["body"]))
    assert service.log.size == stored_entries(service.engine) == size
    # The same counter with another choice is a replay, not the vote that was recorded.
    tablet.counter -= 1
    changed = tablet.named_vote("p1", "against")
    with pytest.raises(CommandError) as caught:
        await service.submit(decide_vote(changed))
    assert caught.value.code == "replayed-message"
    assert service.log.size == size
    assert service.state.polls["p1"].votes == {"d01": "for"}
