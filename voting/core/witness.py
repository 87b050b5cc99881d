"""Tablets as witnesses of the log (audit-log.md §8): cosignatures and split-view alarms.

Each tablet checks that every new checkpoint is consistent with the last one it verified and
returns a C2SP ``cosignature/v1`` made with its Ed25519 device key, in a signed
``checkpoint_cosign`` body; the server checks it here and stores it with the checkpoint (not as
an entry: the last checkpoint of the meeting must be cosigned too). A tablet shown a checkpoint
inconsistent with one it cosigned stops voting and reports both signed checkpoints in a signed
``split_view_alarm`` body, which is logged as is. Nothing here reads a clock, a socket or the
database: the checkpoint the cosignature names is passed in.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Final

from audit.cosign import tablet_cosigner, verify_cosignature
from audit.errors import CosignatureError
from voting.core.checks import require_open
from voting.core.devices import SignedBody, Verdict, authenticate
from voting.core.outcome import AlreadyRecorded
from voting.core.records import Device
from voting.core.state import MeetingState
from voting.core.types import Entry
from voting.errors import CommandError, NotFound, invalid_message

#: The longest signed checkpoint note a split-view alarm may carry (characters).
MAX_NOTE: Final = 4096


@dataclass(frozen=True)
class Cosigned:
    """A verified cosignature to store: the checkpoint's tree size, the device, the line."""

    size: int
    device: str
    line: str


def check_cosignature(
    state: MeetingState,
    signed: SignedBody,
    verdict: Verdict | None,
    *,
    checkpoint_text: str | None,
    previous_known: bool,
) -> Cosigned | AlreadyRecorded:
    """Check a ``checkpoint_cosign`` body {size, previous, cosignature}: the paired device
    signed it, its key is Ed25519 (``cosignature/v1`` is Ed25519 only), ``checkpoint_text`` is
    the text of the checkpoint of tree size ``size`` this log signed (None: it signed none of
    that size), ``previous`` (the tree size of the tablet's last verified checkpoint, or null)
    is below ``size`` and a checkpoint this log signed (``previous_known``), and the line is the
    device's valid cosignature of that checkpoint."""
    device = authenticate(state, signed, verdict, expected="checkpoint_cosign")
    if isinstance(device, AlreadyRecorded):
        return device
    body = signed.body
    size, previous, line = body.get("size"), body.get("previous"), body.get("cosignature")
    if (
        type(size) is not int
        or size < 0
        or not (previous is None or _count(previous))
        or type(line) is not str
    ):
        raise invalid_message(
            "a checkpoint_cosign body carries size (integer), previous (integer or null) and "
            "cosignature (the signature line)"
        )
    if device.alg != "ed25519":
        raise CommandError(
            "cosign-unsupported",
            "本机密钥不支持检查点副署（需 Ed25519）",
            f"device {device.id} has a {device.alg} key; cosignature/v1 needs Ed25519",
        )
    if checkpoint_text is None:
        raise _unknown_checkpoint(size)
    if previous is not None and (previous >= size or not previous_known):
        raise _unknown_checkpoint(previous)
    try:
        verify_cosignature(
            line, checkpoint_text, tablet_cosigner(state.origin, device.id), _raw_key(device)
        )
    except CosignatureError as error:
        raise CommandError("bad-cosignature", "检查点副署无效", error.message) from None
    return Cosigned(size, device.id, line)


def raise_alarm(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> list[Entry] | AlreadyRecorded:
    """日志不一致: a tablet reports a split view with the checkpoint it had verified
    (``trusted``) and the inconsistent one it was shown (``shown``), both signed notes as it
    received them. Logged as is: the auditors judge the evidence."""
    require_open(state)
    device = authenticate(state, signed, verdict, expected="split_view_alarm")
    if isinstance(device, AlreadyRecorded):
        return device
    for field in ("trusted", "shown"):
        note = signed.body.get(field)
        if type(note) is not str or not 0 < len(note) <= MAX_NOTE:
            raise invalid_message(
                f"a split_view_alarm body carries {field}: a signed checkpoint note "
                f"of at most {MAX_NOTE} characters"
            )
    return [
        {
            "type": "split_view_alarm",
            "deputy": device.deputy,
            "device": device.id,
            "by": f"device:{device.id}",
            "body": dict(signed.body),
            "sig": signed.sig,
        }
    ]


def _count(value: object) -> bool:
    return type(value) is int and value >= 0


def _raw_key(device: Device) -> bytes:
    try:
        return base64.b64decode(device.public_key, validate=True)
    except binascii.Error:  # never: the key was checked at pairing
        raise CommandError(
            "invalid-key", "设备公钥格式错误", "the device key is not base64"
        ) from None


def _unknown_checkpoint(size: object) -> NotFound:
    return NotFound(
        "unknown-checkpoint",
        "该检查点不是本次会议的日志签发的",
        f"the log signed no checkpoint of tree size {size}",
    )
