"""A station that was not watching when a checkpoint was replaced fetches the checkpoint
another station's share set is bound to from the server's public list, checks it with the
meeting's log key and against the entries the newest checkpoint covers, and decrypts; a
checkpoint it cannot get, one signed by another key, or one of another root refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.note import NoteSigner
from audit.verify import verify_bundle
from devices.scrutineer.client import StationClient
from devices.scrutineer.simulated import confirm_by_itself
from devices.scrutineer.station import Station
from devices.scrutineer.tally import DecryptionRefused, checkpoint_text
from tests.voting.conftest import LOG_KEY
from tests.voting.encrypted_hall import cast, complete_key, open_encrypted, service_of
from tests.voting.sitting import Staff
from tests.voting.test_encrypted_sitting import sit
from tests.voting.test_station_decrypts import MOTION, auditor_token


def first_share_set_then_a_new_checkpoint(
    client: TestClient, chair: Staff, sessions: Any
) -> tuple[list[Station], str, tuple[int, int], str]:
    """A closed motion, decrypted by the first station under the newest checkpoint, which the
    server then replaces with one covering that share set; the stations, the poll, the sizes
    of the checkpoint the share set is bound to and of the newest, and an auditor's token."""
    scrutineers = complete_key(client, chair)
    stations = list(scrutineers.stations)
    token = auditor_token(chair)
    poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"})
    encryption = chair.state()["poll"]["encryption"]
    for session, (choice, _) in zip(sessions, MOTION, strict=True):
        cast(session, poll, encryption, choice)
    chair.post(f"/polls/{poll}/close")
    (offer,) = stations[0].decrypt(token, confirm_by_itself)
    assert offer.poll == poll
    bound = stations[0].checked
    assert bound is not None
    size = Checkpoint.parse(bound).size
    log = service_of(client).log
    newest = Checkpoint.parse(checkpoint_text(log.sign_checkpoint())).size
    assert newest > size
    assert chair.state()["poll"].get("result") is None
    return stations, poll, (size, newest), token


def test_a_late_station_verifies_a_share_set_bound_to_an_older_checkpoint(
    client: TestClient, tmp_path: Path
) -> None:
    chair, sessions = sit(client)
    try:
        stations, poll, (size, newest), token = first_share_set_then_a_new_checkpoint(
            client, chair, sessions
        )
        late = stations[1]
        assert late.state.checkpoints == {}  # it never read a checkpoint
        (offer,) = late.decrypt(token, confirm_by_itself)
        assert offer.poll == poll
        log = service_of(client).log
        assert late.state.checkpoints[str(size)] == log.checkpoint_at(size)
        assert sorted(int(n) for n in late.state.checkpoints) == [size, newest]
        assert chair.state()["poll"]["result"]["counts"] == {
            "for": 2,
            "against": 1,
            "abstain": 1,
            "not_voted": 0,
        }
        log.export(tmp_path / "bundle")
        assert verify_bundle(tmp_path / "bundle", vkey=log.vkey).ok
    finally:
        for s in sessions:
            s.close()


class OtherCheckpoints:
    """A server that answers ``GET …/log/checkpoints/{size}`` with ``answer(size)``."""

    def __init__(self, inner: Any, answer: Any) -> None:
        self.inner, self.answer = inner, answer

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, Any]:
        if "/log/checkpoints/" in path:
            return self.answer(int(path.rsplit("/", 1)[1]))  # type: ignore[no-any-return]
        return self.inner.request(method, path, body, token=token)  # type: ignore[no-any-return]


def forged(origin: str, key: Any, size: int, root: bytes) -> str:
    return sign_checkpoint(Checkpoint(origin, size, root), NoteSigner(origin, key))


@pytest.mark.parametrize("forgery", ["missing", "other-key", "other-root"])
def test_a_late_station_refuses_a_bound_checkpoint_it_cannot_check(
    client: TestClient, forgery: str
) -> None:
    chair, sessions = sit(client)
    try:
        stations, _, (size, _), token = first_share_set_then_a_new_checkpoint(
            client, chair, sessions
        )
        service = service_of(client)
        origin, root = service.origin, service.log.root(size)
        answers = {
            "missing": lambda n: (404, {"error": "unknown-checkpoint", "message_en": "none"}),
            "other-key": lambda n: (
                200,
                forged(origin, Ed25519PrivateKey.generate(), n, root),
            ),
            "other-root": lambda n: (200, forged(origin, LOG_KEY, n, bytes(32))),
        }
        codes = {
            "missing": "checkpoint-missing",
            "other-key": "checkpoint-not-verified",
            "other-root": "checkpoint-inconsistent",
        }
        late = stations[1]
        late.client = StationClient(OtherCheckpoints(late.client.transport, answers[forgery]), "m1")
        entries = service.log.size
        with pytest.raises(DecryptionRefused) as caught:
            late.decrypt(token, confirm_by_itself)
        assert caught.value.code == codes[forgery]
        assert str(size) in caught.value.en
        assert str(size) not in late.state.checkpoints
        assert late.state.decrypted == {}
        assert service.log.size == entries  # nothing posted
    finally:
        for s in sessions:
            s.close()
