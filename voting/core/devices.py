"""Tablets: pairing, revocation, and the authentication of what a tablet sends.

A tablet proves itself twice: at ``hello`` by signing the server's fresh nonce
(:func:`authenticate_hello`), and in every command by signing its body with a counter that
only grows (:func:`authenticate`). A signature may have been checked already by a worker
process; its :class:`Verdict` is then passed in as a value and used only if it was given for
this very device key (:class:`~audit.signature_batch.Verdict`). Nothing here reads a clock, a socket or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from audit.signature_batch import Verdict
from audit.tablet import DeviceKey, TabletSignatureError, signing_payload
from voting.core.checks import known_deputy, require_open, seated
from voting.core.outcome import AlreadyRecorded
from voting.core.records import Device
from voting.core.state import MeetingState
from voting.core.types import KEY_ALGS, BodyType, Entry
from voting.errors import (
    CommandError,
    Conflict,
    Forbidden,
    bad_signature,
    device_revoked,
    unknown_device,
)


@dataclass(frozen=True)
class SignedBody:
    """A signed tablet body as it arrived, canonicalised once.

    ``payload``: the bytes the tablet signed (context line and canonical JSON), or None when the
    body is not canonical JSON, with the reason in ``problem``.
    """

    body: Mapping[str, Any]
    sig: str
    payload: bytes | None
    problem: str = ""

    @classmethod
    def read(cls, body: Mapping[str, Any], sig: str) -> SignedBody:
        try:
            return cls(body, sig, signing_payload(body))
        except TabletSignatureError as error:
            return cls(body, sig, None, error.message)

    @property
    def device(self) -> object:
        """The device the body names (anything: it is checked by :func:`authenticate`)."""
        return self.body.get("device")


# Pairing and revocation ------------------------------------------------------------------------


def pair_device(
    state: MeetingState,
    *,
    deputy: str,
    device: str,
    alg: str,
    public_key: str,
    by: str,
) -> list[Entry]:
    """Register a tablet's public key. A deputy has at most one active device: a second one is
    refused until an operator revokes the first (lost or broken tablet)."""
    require_open(state)
    known_deputy(state, deputy)
    seated(state, deputy)
    if device in state.devices or device in state.stations:  # ids are unique across both
        raise Conflict("device-exists", "该设备编号已被使用", f"device {device} already exists")
    if alg not in KEY_ALGS:
        raise CommandError("invalid-key", "不支持的设备密钥算法", f'unsupported algorithm "{alg}"')
    try:
        DeviceKey.parse(alg, public_key)
    except TabletSignatureError as error:
        raise CommandError("invalid-key", "设备公钥格式错误", str(error)) from None
    if deputy in state.active_device:
        raise Conflict(
            "device-active",
            "该代表已有配对的平板，请先注销原平板再重新配对",
            f"deputy {deputy} already has an active device; revoke it first",
        )
    entry = {"type": "device_paired", "deputy": deputy, "device": device}
    return [{**entry, "alg": alg, "public_key": public_key, "by": by}]


def revoke_device(state: MeetingState, *, deputy: str, by: str) -> list[Entry]:
    """Revoke a deputy's active device; the entry names its key, as ``device_paired`` does."""
    require_open(state)
    known_deputy(state, deputy)
    device_id = state.active_device.get(deputy)
    if device_id is None:
        raise Conflict("no-device", "该代表没有已配对的设备", f"deputy {deputy} has no device")
    device = state.devices[device_id]
    return [
        {
            "type": "device_revoked",
            "deputy": deputy,
            "device": device_id,
            "alg": device.alg,
            "public_key": device.public_key,
            "by": by,
        }
    ]


# Authentication --------------------------------------------------------------------------------


def active_device(state: MeetingState, device_id: object) -> Device:
    """The paired, unrevoked device ``device_id``: else ``unknown-device``/``device-revoked``."""
    device = state.devices.get(device_id) if isinstance(device_id, str) else None
    if device is None:
        raise unknown_device(device_id)
    if not device.active:
        raise device_revoked(device.id)
    return device


def hello_body(origin: str, device: str, nonce: str) -> dict[str, str]:
    """The body a tablet signs in ``hello``: this meeting, this device, this connection's nonce."""
    return {"type": "hello", "origin": origin, "device": device, "nonce": nonce}


def authenticate_hello(state: MeetingState, *, device: str, nonce: str, sig: str) -> Device:
    """The device that signed the connection's ``nonce``: it proves it holds the paired key."""
    found = active_device(state, device)
    _verify(found, SignedBody.read(hello_body(state.origin, device, nonce), sig), None)
    return found


def _verify(device: Device, signed: SignedBody, verdict: Verdict | None) -> None:
    if signed.payload is None:
        raise bad_signature(device.id, signed.problem)
    if verdict is not None and (verdict.alg, verdict.public_key) == (
        device.alg,
        device.public_key,
    ):
        if not verdict.valid:
            raise bad_signature(device.id, f"{device.alg} signature does not verify")
        return
    try:
        device.key().verify_payload(signed.payload, signed.sig)
    except TabletSignatureError as error:
        raise bad_signature(device.id, error.message) from None


def authenticate(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None, *, expected: BodyType
) -> Device | AlreadyRecorded:
    """Authenticate a signed tablet message: device, signature, meeting, deputy, type, counter.

    Returns the device, or :class:`AlreadyRecorded` when the message repeats the device's last
    accepted message exactly (a re-send after a dropped connection).
    """
    device = active_device(state, signed.device)
    _verify(device, signed, verdict)
    repeated = check_body(state, signed.body, expected, device, ("设备", "device"))
    return device if repeated is None else repeated


class Signer(Protocol):
    """What :func:`check_body` reads of a tablet or a scrutineer's station."""

    @property
    def id(self) -> str: ...
    @property
    def deputy(self) -> str: ...
    @property
    def counter(self) -> int: ...
    @property
    def last_body(self) -> Mapping[str, Any] | None: ...


def check_body(
    state: MeetingState,
    body: Mapping[str, Any],
    expected: str,
    signer: Signer,
    noun: tuple[str, str],
) -> AlreadyRecorded | None:
    """What every signed body must show, whoever signed it (``noun``: what the signer is called,
    in Chinese and English): this meeting, the signer's deputy, the ``expected`` type, and a
    counter above the last one accepted — or None, :class:`AlreadyRecorded` when the body
    repeats the last accepted one exactly (a re-send after a lost answer)."""
    if body.get("origin") != state.origin:
        raise Forbidden("wrong-meeting", "消息不属于本次会议", "the message is for another meeting")
    if body.get("deputy") != signer.deputy:
        raise Forbidden(
            "wrong-deputy",
            f"{noun[0]}与代表不符",
            f"{noun[1]} {signer.id} belongs to another deputy",
        )
    if body.get("type") != expected:
        raise CommandError("invalid-message", "消息类型错误", f'expected a "{expected}" message')
    counter = body.get("n")
    if not isinstance(counter, int) or isinstance(counter, bool) or counter < 0:
        raise CommandError("invalid-message", "消息计数器无效", "n must be a non-negative integer")
    if counter <= signer.counter:
        if signer.last_body is not None and dict(body) == dict(signer.last_body):
            return AlreadyRecorded(body)
        raise Forbidden(
            "replayed-message",
            "消息计数器重复或倒退，已拒绝",
            f"counter {counter} from {noun[1]} {signer.id} is not above {signer.counter}",
        )
    return None


__all__ = [
    "SignedBody",
    "Verdict",
    "active_device",
    "authenticate",
    "authenticate_hello",
    "hello_body",
    "pair_device",
    "revoke_device",
]
