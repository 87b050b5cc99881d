"""A simulated tablet's encrypted ballot, as the browser tablet makes and checks it.

:func:`crypto_choice` turns a ballot screen's choice (the tally format's ballot: a stance, the
marks and write-ins of an election, the chosen projects, the ratings) into the plaintext the
tablet encrypts; it is the Python twin of ``cryptoChoice`` in ``devices/static/ballot-
encrypted.js``. :func:`check_acknowledged` checks the server's signed acknowledgement and
:func:`check_included` the tablet's own check after the close (ballot-secrecy.md §5): the
``encrypted_ballot`` entry under its tracking code holds, byte for byte, what the tablet sent,
and is included under a checkpoint signed by the log key.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import quote

from audit.canonical import canonical_bytes
from audit.checkpoint import open_checkpoint
from audit.errors import AuditError
from audit.merkle import leaf_hash, verify_inclusion
from audit.note import NoteVerifier
from ballots.crypto.shape import Choice, Stance
from ballots.definition import DEFAULT_LEVELS
from devices.simulator import HttpClient, SimulationError
from devices.tablet import EncryptedVote

__all__ = ["check_acknowledged", "check_included", "crypto_choice"]

_STANCES: Final[frozenset[str]] = frozenset({"for", "against", "abstain"})


def _stance(value: Any) -> Stance:
    """A mark of the tally format; anything unmarked counts as an abstention."""
    return value if value in _STANCES else "abstain"


def crypto_choice(definition: Mapping[str, Any], choice: Any) -> Choice:
    """The plaintext of the encrypted ballot for ``choice`` in a poll of ``definition``: F/A per
    motion, candidate or project in list order, the chosen projects of a choose-N selection, one
    level per subject of an evaluation, and the written-in names."""
    kind = definition.get("kind")
    if kind not in {"motion", "election", "selection", "evaluation"}:
        raise SimulationError(f"no encrypted ballot for a poll of kind {kind!r}")
    if kind == "motion":
        return Choice.stances([_stance(choice)])
    if kind == "evaluation":
        levels: Sequence[str] = definition.get("levels") or DEFAULT_LEVELS
        ratings = choice.get("ratings", {})
        marks = [
            int(ratings.get(subject["id"]) == level)
            for subject in definition["subjects"]
            for level in levels
        ]
        return Choice(tuple(marks))
    ids = [entry["id"] for entry in definition["candidates"]]
    if kind == "selection" and "chosen" in choice:
        chosen = set(choice["chosen"])
        return Choice(tuple(int(i in chosen) for i in ids))
    marks = choice.get("marks", {})
    write_ins = choice.get("write_ins") or []
    names = list(write_ins.values()) if isinstance(write_ins, Mapping) else list(write_ins)
    return Choice.stances([_stance(marks.get(i)) for i in ids], names)


def check_acknowledged(vote: EncryptedVote, reply: Mapping[str, Any], log: NoteVerifier) -> None:
    """The ``ballot_ack`` carries the tablet's tracking code and is the log key's signature
    over the ballot's SHA-256; raises :class:`SimulationError` naming what differs."""
    where = f"poll {vote.poll}, tracking code {vote.tracking_code}"
    if reply.get("type") != "ballot_ack":
        raise SimulationError(f"{where}: expected ballot_ack, got {dict(reply)}")
    if reply.get("tracking_code") != vote.tracking_code:
        raise SimulationError(f"{where}: acknowledged as {reply.get('tracking_code')}")
    try:
        digest = base64.b64decode(str(reply.get("ballot_hash")), validate=True)
        if digest.hex() != vote.ballot_hash:
            raise SimulationError(f"{where}: the acknowledged ballot hash differs")
        log.verify_bytes(digest, base64.b64decode(str(reply.get("signature")), validate=True))
    except (binascii.Error, ValueError):
        raise SimulationError(f"{where}: the acknowledgement is not base64") from None
    except AuditError as error:
        raise SimulationError(f"{where}: acknowledgement: {error}") from None


async def check_included(
    http: HttpClient,
    meeting: str,
    vote: EncryptedVote,
    sent: Mapping[str, Any],
    log: NoteVerifier,
) -> int:
    """After the close: the entry under the tablet's tracking code holds the body, signature
    and ballot of the message ``sent``, and its inclusion in the tree of the newest signed
    checkpoint is proved. Returns the entry's ``seq``; raises :class:`SimulationError`."""
    where = f"poll {vote.poll}, tracking code {vote.tracking_code}"
    base = f"/api/meetings/{quote(meeting, safe='')}/log"
    found = await http.json("GET", f"{base}/encrypted-ballots/{quote(vote.tracking_code)}")
    entry, seq = found.get("entry"), found.get("seq")
    if not isinstance(entry, dict) or not isinstance(seq, int):
        raise SimulationError(f"{where}: malformed answer {found}")
    if (entry.get("type"), entry.get("poll")) != ("encrypted_ballot", vote.poll):
        raise SimulationError(f"{where}: entry {seq} is not an encrypted ballot of this poll")
    for part in ("body", "sig", "ballot"):
        if entry.get(part) != sent.get(part):
            raise SimulationError(f"{where}: entry {seq}: its {part} differs from the one sent")
    note = await http.text(f"{base}/checkpoint")
    try:
        checkpoint = open_checkpoint(note, [log], log.name)
        if checkpoint.size <= seq:
            raise SimulationError(
                f"{where}: the newest checkpoint ({checkpoint.size}) does not cover entry {seq}"
            )
        answer = await http.json("GET", f"{base}/proof/inclusion?seq={seq}&size={checkpoint.size}")
        proof = [base64.b64decode(h, validate=True) for h in answer["proof"]]
        verify_inclusion(
            leaf_hash(canonical_bytes(entry)), seq, checkpoint.size, proof, checkpoint.root
        )
    except AuditError as error:
        raise SimulationError(f"{where}: {error}") from None
    except (KeyError, TypeError, binascii.Error, ValueError) as error:
        raise SimulationError(f"{where}: malformed proof: {error}") from None
    return seq
