"""What a station does next, as pure steps: the public board and the local state in, messages out.

The board is the server's ``GET /api/meetings/{m}/ceremony`` answer. The station does not take
the server's word for anything: :func:`rebuild` feeds every message on the board to its own
:class:`~ballots.crypto.threshold.ceremony.Ceremony`, which checks every proof. From that
ceremony and the station's secrets, :func:`ceremony_steps` gives the messages of the current
round still missing from the board (drawing and keeping the secrets they need: the caller saves
the local state before posting), and :func:`liveness_steps` the answers to open challenges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit.ceremony_messages import b64url, decode_message, unb64url
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.card import make_card, render_card, restore_share
from ballots.crypto.threshold.ceremony import Ceremony, Phase, trial_ciphertext, trial_context
from ballots.crypto.threshold.decryption import make_decryption_share
from ballots.crypto.threshold.liveness import liveness_context, prove_liveness
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.scrutineer import (
    DealerSecrets,
    announce,
    check_received_shares,
    deal_shares,
    publish_verification_key,
)
from devices.scrutineer.local_state import LocalState

__all__ = [
    "Outgoing",
    "backup_card",
    "ceremony_steps",
    "join_board",
    "liveness_steps",
    "rebuild",
    "restore_from_card",
]


@dataclass(frozen=True)
class Outgoing:
    """A message to sign and post: ``endpoint`` ("ceremony" or "liveness") and its fields."""

    endpoint: str
    fields: Mapping[str, Any]
    slot: str  # what it is, for progress output: "announcement", "share:3", "liveness p1"…


def rebuild(board: Mapping[str, Any]) -> Ceremony:
    """The board's current run, every message checked by the station's own ceremony."""
    params = CeremonyParams(board["origin"], board["ceremony"], board["t"], board["n"])
    ceremony = Ceremony(params)
    for item in board["messages"]:
        where = f"board message {item['seq']}"
        ceremony.receive(decode_message(item["kind"], unb64url(item["message"], where), where))
    return ceremony


def join_board(state: LocalState, board: Mapping[str, Any]) -> bool:
    """Take part in the board's run if this station is in it (a new run resets the secrets);
    whether it is."""
    if board.get("ceremony") is None:
        return False
    index = next(
        (int(j) for j, who in board["scrutineers"].items() if who["station"] == state.station),
        None,
    )
    if index is None:
        return False
    if state.ceremony != board["ceremony"]:
        state.join(board["ceremony"], index, board["t"], board["n"])
    state.origin = board["origin"]
    return True


def _secrets(state: LocalState) -> DealerSecrets:
    assert state.index is not None and state.transport_secret and state.coefficients
    return DealerSecrets(
        state.index,
        Scalar.decode(bytes.fromhex(state.transport_secret), "state.transport_secret"),
        tuple(Scalar.decode(bytes.fromhex(c), "state.coefficients") for c in state.coefficients),
    )


def _share(state: LocalState) -> Scalar:
    assert state.secret_share is not None
    return Scalar.decode(bytes.fromhex(state.secret_share), "state.secret_share")


def _produce(state: LocalState, ceremony: Ceremony, random: RandomSource) -> None:
    """Draw what the current round needs and keep it in the outbox (once per slot)."""
    params, j, outbox = ceremony.params, state.index, state.outbox
    assert j is not None
    phase = ceremony.phase
    if phase is Phase.ANNOUNCEMENTS and "announcement" not in outbox:
        secrets, announcement = announce(params, j, random)
        state.transport_secret = secrets.transport_secret.encode().hex()
        state.coefficients = [c.encode().hex() for c in secrets.coefficients]
        outbox["announcement"] = b64url(announcement.encode())
    elif phase is Phase.SHARES and not any(slot.startswith("share:") for slot in outbox):
        for sealed in deal_shares(params, _secrets(state), ceremony.announcements, random):
            outbox[f"share:{sealed.recipient}"] = b64url(sealed.encode())
    elif phase is Phase.ACCEPTANCES and not any(
        slot == "acceptance" or slot.startswith("complaint:") for slot in outbox
    ):
        check = check_received_shares(
            params, _secrets(state), ceremony.announcements, ceremony.sealed.values(), random
        )
        if check.acceptance is not None and check.secret_share is not None:
            state.secret_share = check.secret_share.encode().hex()
            outbox["acceptance"] = b64url(check.acceptance.encode())
        for complaint in check.complaints:
            outbox[f"complaint:{complaint.dealer}"] = b64url(complaint.encode())
    elif phase is Phase.VERIFICATION_KEYS and "verification-key" not in outbox:
        if state.secret_share is not None:
            published = publish_verification_key(params, j, _share(state), random)
            outbox["verification-key"] = b64url(published.encode())
    elif phase is Phase.TEST_DECRYPTION and "test-decryption" not in outbox:
        joint = ceremony.joint_key()
        share = make_decryption_share(
            trial_context(joint), j, _share(state), trial_ciphertext(joint), random
        )
        outbox["test-decryption"] = b64url(share.encode())


def _on_board(ceremony: Ceremony, j: int, slot: str) -> bool:
    name, _, other = slot.partition(":")
    if name == "announcement":
        return j in ceremony.announcements
    if name == "share":
        return (j, int(other)) in ceremony.sealed
    if name == "acceptance":
        return j in ceremony.acceptances
    if name == "complaint":
        return (j, int(other)) in ceremony.complaints
    if name == "verification-key":
        return j in ceremony.verification_keys
    return j in ceremony.test_shares or ceremony.phase is Phase.COMPLETE


def ceremony_steps(state: LocalState, ceremony: Ceremony, random: RandomSource) -> list[Outgoing]:
    """The station's messages of the current round not yet on the board (none once the run
    failed or completed). Secrets drawn are kept in ``state``; save it before posting."""
    j = state.index
    if j is None or ceremony.phase in (Phase.FAILED, Phase.COMPLETE):
        if ceremony.phase is Phase.COMPLETE and state.key_id is None:
            state.key_id = ceremony.joint_key().key_id.encode().hex()
        return []
    _produce(state, ceremony, random)
    return [
        Outgoing(
            "ceremony",
            {
                "ceremony": ceremony.params.ceremony_id,
                "kind": slot.partition(":")[0],
                "message": message,
            },
            slot,
        )
        for slot, message in state.outbox.items()
        if not _on_board(ceremony, j, slot)
    ]


def liveness_steps(
    state: LocalState, board: Mapping[str, Any], random: RandomSource
) -> list[Outgoing]:
    """Answers to the board's open challenges under this station's key, not yet answered."""
    key, key_id = board.get("key"), state.key_id
    if key is None or key_id is None or state.secret_share is None or key["key_id"] != key_id:
        return []
    j = state.index
    assert j is not None
    answers = []
    for challenge in board["liveness"]:
        tag = f"{challenge['poll']} {challenge['challenge']}"
        if challenge["key_id"] != key_id or j in challenge["answered"]:
            continue
        if tag in state.answered:
            continue
        context = liveness_context(
            key=Scalar.decode(bytes.fromhex(key_id), "key_id"),
            poll_id=challenge["poll"],
            challenge=unb64url(challenge["challenge"], "challenge"),
        )
        proof = prove_liveness(context, j, _share(state), random)
        fields = {
            "poll": challenge["poll"],
            "challenge": challenge["challenge"],
            "proof": b64url(proof.encode()),
        }
        answers.append(Outgoing("liveness", fields, f"liveness {challenge['poll']}"))
    return answers


def backup_card(state: LocalState) -> str:
    """The printed backup card of this station's share (once the key is complete)."""
    if state.key_id is None or state.secret_share is None or state.index is None:
        raise ValueError("the key is not complete: there is no share to back up yet")
    assert state.t is not None and state.n is not None
    card = make_card(
        origin=state.origin,
        key_id=Scalar.decode(bytes.fromhex(state.key_id), "key_id"),
        scrutineer=state.index,
        t=state.t,
        n=state.n,
        share=_share(state),
    )
    return render_card(card)


def restore_from_card(state: LocalState, board: Mapping[str, Any], text: str) -> int:
    """Restore the share from a backup card onto this station; checks ``s_j·G = Y_j`` against
    the sitting's key on the board. Returns j."""
    key = board.get("key")
    if key is None:
        raise ValueError("the board shows no completed key to restore a share of")
    key_id = Scalar.decode(bytes.fromhex(key["key_id"]), "key.key_id")
    verification_keys = {
        int(j): Point.decode(unb64url(y, f"key.verification_keys.{j}"), "verification key")
        for j, y in key["verification_keys"].items()
    }
    j, share = restore_share(
        text,
        origin=board["origin"],
        key_id=key_id,
        t=key["t"],
        n=key["n"],
        verification_keys=verification_keys,
    )
    state.origin = board["origin"]
    state.index, state.t, state.n = j, key["t"], key["n"]
    state.secret_share = share.encode().hex()
    state.key_id = key["key_id"]
    return j
