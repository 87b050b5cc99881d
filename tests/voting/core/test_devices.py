"""Tablets in the pure core: pairing, revocation, and authenticating hello and signed bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from audit.signature_batch import Verdict
from audit.tablet import sign_tablet_body
from devices.tablet import Tablet
from tests.voting.core.meetings import ORIGIN, Meeting, refused
from voting import core
from voting.core.devices import SignedBody, authenticate, authenticate_hello
from voting.core.outcome import AlreadyRecorded


def signed(message: dict[str, Any]) -> SignedBody:
    return SignedBody.read(message["body"], message["sig"])


def test_a_revocation_names_the_key_like_the_pairing() -> None:
    meeting = Meeting()
    tablet = meeting.pair("d01")
    assert core.revoke_device(meeting.state, deputy="d01", by="op") == [
        {
            "type": "device_revoked",
            "deputy": "d01",
            "device": "tab-d01",
            "alg": tablet.alg,
            "public_key": tablet.public_key,
            "by": "op",
        }
    ]


PAIRING_REFUSALS = [
    ("unknown deputy", {"deputy": "d09"}, "unknown-deputy"),
    ("device id taken", {"device": "tab-d01"}, "device-exists"),
    ("unknown algorithm", {"alg": "rsa"}, "invalid-key"),
    ("malformed key", {"public_key": "AAAA"}, "invalid-key"),
    ("second device", {"deputy": "d01", "device": "tab-new"}, "device-active"),
]


@pytest.mark.parametrize(
    ("changes", "code"), [c[1:] for c in PAIRING_REFUSALS], ids=[c[0] for c in PAIRING_REFUSALS]
)
def test_pairing_is_refused(changes: dict[str, str], code: str) -> None:
    meeting = Meeting()
    meeting.pair("d01")
    spare = Tablet(origin=ORIGIN, device="tab-d02", deputy="d02")
    arguments = {"deputy": "d02", "device": spare.device, "alg": "ed25519"}
    arguments |= {"public_key": spare.public_key, "by": "op", **changes}
    refused(code, core.pair_device, meeting.state, **arguments)


def forged(tablet: Tablet, **changes: Any) -> dict[str, Any]:
    """A sign-in whose body is changed after signing, then signed again by ``tablet``."""
    message = tablet.sign_in()
    body = dict(message["body"], **changes)
    return {"body": body, "sig": sign_tablet_body(tablet.key, body)}


AUTH_CASES: list[tuple[str, Callable[[Meeting], dict[str, Any]], str]] = [
    (
        "unknown device",
        lambda m: Tablet(origin=ORIGIN, device="tab-x", deputy="d01").sign_in(),
        "unknown-device",
    ),
    (
        "another key",
        lambda m: Tablet(origin=ORIGIN, device="tab-d01", deputy="d01").sign_in(),
        "bad-signature",
    ),
    (
        "body changed after signing",
        lambda m: dict(
            m.tablets["d01"].sign_in(), body=dict(m.tablets["d01"].sign_in()["body"], n=99)
        ),
        "bad-signature",
    ),
    (
        "not canonical JSON",
        lambda m: dict(
            m.tablets["d01"].sign_in(), body={**m.tablets["d01"].sign_in()["body"], "w": 0.5}
        ),
        "bad-signature",
    ),
    ("another meeting", lambda m: forged(m.tablets["d01"], origin="other/2026"), "wrong-meeting"),
    ("another deputy", lambda m: forged(m.tablets["d01"], deputy="d02"), "wrong-deputy"),
    ("another type", lambda m: forged(m.tablets["d01"], type="vote"), "invalid-message"),
    ("bad counter", lambda m: forged(m.tablets["d01"], n=-1), "invalid-message"),
]


@pytest.mark.parametrize(
    ("message", "code"), [c[1:] for c in AUTH_CASES], ids=[c[0] for c in AUTH_CASES]
)
def test_a_signed_body_is_refused(message: Callable[[Meeting], dict[str, Any]], code: str) -> None:
    meeting = Meeting()
    meeting.pair("d01")
    refused(code, authenticate, meeting.state, signed(message(meeting)), None, expected="sign_in")


def test_a_revoked_device_is_refused_with_its_own_code() -> None:
    meeting = Meeting()
    tablet = meeting.pair("d01")
    meeting.commit(core.revoke_device(meeting.state, deputy="d01", by="op"))
    error = refused(
        "device-revoked",
        authenticate,
        meeting.state,
        signed(tablet.sign_in()),
        None,
        expected="sign_in",
    )
    assert (error.zh, error.en) == ("设备已被注销", "device tab-d01 has been revoked")


def test_the_last_message_again_is_already_recorded_and_an_older_one_is_a_replay() -> None:
    meeting = Meeting()
    tablet = meeting.pair("d01")
    first, second = tablet.sign_in(), tablet.sign_in()
    meeting.commit(core.sign_in_by_tablet(meeting.state, signed(second)))
    again = core.sign_in_by_tablet(meeting.state, signed(second))
    assert again == AlreadyRecorded(second["body"])
    refused("replayed-message", core.sign_in_by_tablet, meeting.state, signed(first))


def test_a_verdict_counts_only_for_the_key_it_was_given_for() -> None:
    meeting = Meeting()
    tablet = meeting.pair("d01")
    message = tablet.sign_in()
    bad = dict(message, sig=Tablet(origin=ORIGIN, device="x").sign_in()["sig"])
    own = Verdict(tablet.alg, tablet.public_key, valid=True)
    other = Verdict("ed25519", Tablet(origin=ORIGIN, device="y").public_key, valid=True)
    # The worker's verdict on this very key is taken as it is, either way.
    assert (
        authenticate(meeting.state, signed(bad), own, expected="sign_in")
        is meeting.state.devices["tab-d01"]
    )
    refused(
        "bad-signature",
        authenticate,
        meeting.state,
        signed(message),
        Verdict(tablet.alg, tablet.public_key, valid=False),
        expected="sign_in",
    )
    # A verdict for another key is ignored: the signature is verified here.
    refused("bad-signature", authenticate, meeting.state, signed(bad), other, expected="sign_in")
    assert (
        authenticate(meeting.state, signed(message), other, expected="sign_in")
        is meeting.state.devices["tab-d01"]
    )


def test_hello_proves_the_device_key_over_this_connections_nonce() -> None:
    meeting = Meeting()
    tablet = meeting.pair("d01")
    hello = tablet.hello("nonce-1")
    device = authenticate_hello(meeting.state, device="tab-d01", nonce="nonce-1", sig=hello["sig"])
    assert (device.id, device.deputy) == ("tab-d01", "d01")
    # A hello signed for another connection's nonce, or by another key, does not open this one.
    refused(
        "bad-signature",
        authenticate_hello,
        meeting.state,
        device="tab-d01",
        nonce="nonce-2",
        sig=hello["sig"],
    )
    impostor = Tablet(origin=ORIGIN, device="tab-d01", deputy="d01").hello("nonce-1")
    refused(
        "bad-signature",
        authenticate_hello,
        meeting.state,
        device="tab-d01",
        nonce="nonce-1",
        sig=impostor["sig"],
    )
    refused(
        "unknown-device",
        authenticate_hello,
        meeting.state,
        device="tab-x",
        nonce="nonce-1",
        sig=hello["sig"],
    )
    meeting.commit(core.revoke_device(meeting.state, deputy="d01", by="op"))
    refused(
        "device-revoked",
        authenticate_hello,
        meeting.state,
        device="tab-d01",
        nonce="nonce-1",
        sig=hello["sig"],
    )
