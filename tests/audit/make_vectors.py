"""Regenerate the verifier's tamper vectors: ``python -m tests.audit.make_vectors [--out DIR]``.

Each vector is a complete bundle directory plus ``expect.json``::

    {"description": "...", "check": 6, "message": "entry 52: vote after poll p-1 closed ..."}

``check`` is the number of the check that must fail (``null``: every check passes) and
``message`` a substring of one of that check's failures. Every vector starts from the standard
meeting of :mod:`tests.audit.meeting_builder`. Faults in bytes (checks 0 to 3) edit the written
entries or checkpoints. Faults in meaning (checks 4 to 8) are recorded by a builder told to
misbehave, which signs its checkpoints with the log key as usual: the server itself, or
whoever holds its key, wrote them, and only the later checks stand in the way.

The output is deterministic; a test regenerates it and compares it with the committed files.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.bundle import checkpoint_file_name, write_bundle
from audit.canonical import canonical_bytes
from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.merkle import MerkleTree, leaf_hash
from audit.note import NoteSigner
from audit.notices import notice_digest
from tests.audit.ceremony_recorder import CeremonyRecorder
from tests.audit.meeting_builder import (
    AGENDA_MOTION,
    CHAIR,
    NAMED_MOTION,
    MeetingBuilder,
    deputy_id,
    record_meeting,
    seeded,
)

VECTORS_DIR: Final = Path(__file__).resolve().parent / "vectors"
EXPECT_FILE: Final = "expect.json"
#: Deputies in the vectors' meeting: the smallest standard meeting keeps the files small.
DEPUTIES: Final = 9

# The standard meeting with 9 deputies: d-01 … d-07 vote, d-08 is suspended, d-09 is absent.
# In the named motion p-1 (change policy first), d-01 … d-06 vote and d-07 does not.
NON_VOTER: Final = deputy_id(7)
SUSPENDED: Final = deputy_id(8)
VOTER: Final = deputy_id(4)


@dataclass(frozen=True)
class Vector:
    name: str
    description: str
    check: int | None
    message: str | None
    bundle: Callable[[Path], None]


def build(builder: MeetingBuilder | None = None) -> MeetingBuilder:
    return record_meeting(builder or MeetingBuilder(), deputies=DEPUTIES)


def parsed(data: bytes) -> dict[str, Any]:
    obj: dict[str, Any] = json.loads(data)
    return obj


def find(builder: MeetingBuilder, **fields: Any) -> int:
    """The seq of the first entry with all ``fields``."""
    for seq, data in enumerate(builder.entries):
        entry = parsed(data)
        if all(entry.get(name) == value for name, value in fields.items()):
            return seq
    raise LookupError(f"no entry with {fields}")


def root_mismatch(builder: MeetingBuilder, seq: int) -> str:
    """The failure for a change in entry ``seq``: the first checkpoint covering it no longer
    matches, and the previous one still does."""
    sizes = sorted(size for size, _ in builder.checkpoints)
    index = next(i for i, size in enumerate(sizes) if size > seq)
    size, start = sizes[index], sizes[index - 1] if index else 0
    return (
        f"checkpoints/{checkpoint_file_name(size)}: its root does not match entries "
        f"0–{size - 1}; the difference lies in entries {start}–{size - 1}"
    )


def renumbered(entries: list[bytes]) -> list[bytes]:
    """Entries re-encoded with ``seq`` equal to their position."""
    out = []
    for seq, data in enumerate(entries):
        entry = parsed(data)
        entry["seq"] = seq
        out.append(canonical_bytes(entry))
    return out


def writer(
    builder: MeetingBuilder,
    entries: list[bytes] | None = None,
    checkpoints: list[tuple[int, str]] | None = None,
) -> Callable[[Path], None]:
    def write(directory: Path) -> None:
        write_bundle(
            directory,
            vkey=builder.vkey,
            entries=builder.entries if entries is None else entries,
            checkpoints=builder.checkpoints if checkpoints is None else checkpoints,
        )

    return write


def other_signer(builder: MeetingBuilder) -> NoteSigner:
    """A key with the log's name but not the log's key."""
    key = Ed25519PrivateKey.from_private_bytes(seeded(b"someone else", "log key"))
    return NoteSigner(builder.origin, key)


# Checks 0 to 3: bytes changed after the fact ------------------------------------------------------


def byte_vectors() -> Iterator[Vector]:
    b = build()
    last = len(b.entries) - 1

    def patched_file(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
        def write(directory: Path) -> None:
            b.write(directory)
            path = directory / name
            path.write_bytes(change(path.read_bytes()))

        return write

    def without_entries(directory: Path) -> None:
        b.write(directory)
        (directory / "entries.jsonl").unlink()

    yield Vector(
        "untouched",
        "The standard meeting as written: every check passes.",
        None,
        None,
        writer(b),
    )
    yield Vector(
        "missing-entries",
        "entries.jsonl is missing: a bundle that cannot be read never passes.",
        0,
        "entries.jsonl: missing",
        without_entries,
    )
    yield Vector(
        "truncated-last-line",
        "The file ends without the last entry's newline, as after an interrupted copy.",
        0,
        f"entries.jsonl line {last + 1} (entry {last}): the last line has no newline",
        patched_file("entries.jsonl", lambda data: data[:-1]),
    )
    first_name = b.entries[0].index("王".encode())
    yield Vector(
        "invalid-utf8",
        "A byte inside a deputy's name in entry 0 is replaced by 0xFF, which is not UTF-8.",
        0,
        "entries.jsonl line 1 (entry 0): not UTF-8",
        patched_file(
            "entries.jsonl",
            lambda data: data[:first_name] + b"\xff" + data[first_name + 1 :],
        ),
    )

    # Check 1 -----------------------------------------------------------------------------------
    motion_result = find(b, type="result", poll=AGENDA_MOTION)
    size = motion_result + 1
    index = next(i for i, (s, _) in enumerate(b.checkpoints) if s == size)
    name = f"checkpoints/{checkpoint_file_name(size)}"
    checkpoint = Checkpoint(b.origin, size, b.tree.root(size))
    foreign = list(b.checkpoints)
    foreign[index] = (size, sign_checkpoint(checkpoint, other_signer(b)))
    yield Vector(
        "checkpoint-other-key",
        "A checkpoint signed by another key that bears the log's name.",
        1,
        f"{name}: note has no signature from a known key",
        writer(b, checkpoints=foreign),
    )
    edited = list(b.checkpoints)
    note = edited[index][1]
    old_root = note.split("\n")[2]
    new_root = Checkpoint(b.origin, size, bytes(32)).text().split("\n")[2]
    edited[index] = (size, note.replace(old_root, new_root, 1))
    yield Vector(
        "checkpoint-edited-root",
        "A checkpoint's root hash edited without re-signing it.",
        1,
        f"{name}: note signature line 1: signature does not verify",
        writer(b, checkpoints=edited),
    )
    impostor = build(MeetingBuilder(seed=b"an impostor's meeting"))
    yield Vector(
        "other-log-key",
        "A whole meeting forged under another log key; the key from the minutes rejects it.",
        1,
        "log.vkey: the bundle's key",
        writer(impostor),
    )

    # Check 2 -----------------------------------------------------------------------------------
    spaced = list(b.entries)
    spaced[motion_result] = json.dumps(
        parsed(b.entries[motion_result]), ensure_ascii=False, sort_keys=True
    ).encode()
    yield Vector(
        "non-canonical-entry",
        "An entry re-encoded with spaces after separators: the same JSON, other bytes.",
        2,
        f"entry {motion_result}: not canonical",
        writer(b, entries=spaced),
    )
    vote = find(b, type="vote", poll=AGENDA_MOTION, deputy=VOTER)
    dropped = b.entries[:vote] + b.entries[vote + 1 :]
    yield Vector(
        "dropped-entry",
        f"The vote of {VOTER} in the motion p-1 is removed.",
        2,
        f"entry {vote}: seq is {vote + 1}, expected {vote}",
        writer(b, entries=dropped),
    )
    swapped = list(b.entries)
    swapped[vote], swapped[vote + 1] = swapped[vote + 1], swapped[vote]
    yield Vector(
        "swapped-entries",
        "Two consecutive votes change places.",
        2,
        f"entry {vote}: seq is {vote + 1}, expected {vote}",
        writer(b, entries=swapped),
    )
    with_float = list(b.entries)
    closing = find(b, type="poll_closed", poll=AGENDA_MOTION)
    issued = parsed(b.entries[closing])["issued"]
    with_float[closing] = b.entries[closing].replace(
        f'"issued":{issued},'.encode(), f'"issued":{issued}.0,'.encode()
    )
    yield Vector(
        "float-value",
        "A count written as a float (6.0): floats are outside canonical JSON.",
        2,
        f"entry {closing}: floats are not allowed",
        writer(b, entries=with_float),
    )

    # Check 3 -----------------------------------------------------------------------------------
    ballot = find(b, type="vote", poll=AGENDA_MOTION, choice="for")
    flipped = list(b.entries)
    at = flipped[ballot].rindex(b'"choice":"for"') + len(b'"choice":"')
    flipped[ballot] = (
        flipped[ballot][:at] + bytes([flipped[ballot][at] ^ 1]) + flipped[ballot][at + 1 :]
    )
    yield Vector(
        "bit-flip",
        'One bit of a recorded vote flipped ("for" becomes "gor"); the entry stays canonical.',
        3,
        root_mismatch(b, ballot),
        writer(b, entries=flipped),
    )
    yield Vector(
        "dropped-entry-renumbered",
        "A vote removed and the later entries renumbered to hide the gap.",
        3,
        root_mismatch(b, vote),
        writer(b, entries=renumbered(dropped)),
    )
    device = f"t-{NON_VOTER.removeprefix('d-')}"
    body = {"type": "vote", "deputy": NON_VOTER, "device": device, "n": 99}
    body.update(origin=b.origin, poll=AGENDA_MOTION, choice="for")
    inserted_entry = canonical_bytes(
        {
            "v": 1,
            "seq": vote,
            "type": "vote",
            "at": parsed(b.entries[vote])["at"],
            "poll": AGENDA_MOTION,
            "deputy": NON_VOTER,
            "device": device,
            "choice": "for",
            "body": body,
            "sig": b.sign_body(device, body),
        }
    )
    inserted = renumbered([*b.entries[:vote], inserted_entry, *b.entries[vote:]])
    yield Vector(
        "inserted-entry",
        f"A vote of {NON_VOTER} inserted into the motion p-1, later entries renumbered.",
        3,
        root_mismatch(b, vote),
        writer(b, entries=inserted),
    )
    yield Vector(
        "truncated-tail",
        "The last three entries are cut off; the newest checkpoint still names them.",
        3,
        f"covers {len(b.entries)} entries but the bundle has only {len(b.entries) - 3}",
        writer(b, entries=b.entries[:-3]),
    )
    tail = canonical_bytes(
        {
            "v": 1,
            "seq": len(b.entries),
            "type": "poll_voided",
            "at": "2026-03-10T02:00:00Z",
            "poll": AGENDA_MOTION,
            "reason": "after the fact",
            "by": CHAIR,
        }
    )
    yield Vector(
        "unsigned-tail",
        "An entry appended after the last signed checkpoint.",
        3,
        f"entry {len(b.entries)} is not covered by a signed checkpoint",
        writer(b, entries=[*b.entries, tail]),
    )
    wrong = list(b.checkpoints)
    wrong_root = MerkleTree([leaf_hash(data) for data in b.entries[1:size]]).root()
    wrong[index] = (size, sign_checkpoint(Checkpoint(b.origin, size, wrong_root), b.log_signer))
    yield Vector(
        "checkpoint-wrong-root",
        "The log key signed a checkpoint whose root is not the tree of the entries (a split "
        "view: another history shown to someone else).",
        3,
        f"checkpoints/{checkpoint_file_name(size)}: its root does not match entries 0–{size - 1}",
        writer(b, checkpoints=wrong),
    )


# Checks 4 to 8: a builder that writes one fault and signs everything ------------------------------


class _Faulty(MeetingBuilder):
    """A builder writing one fault; ``fault_at`` is the seq of the entry that carries it."""

    fault_at: int = -1

    def mark(self) -> None:
        """Remember the seq of the next entry."""
        self.fault_at = len(self.entries)


class DeviceOfUnknownDeputy(_Faulty):
    def set_agenda(self, items: Any) -> None:
        self.mark()
        self.pair("d-99")
        super().set_agenda(items)


class SecondActiveDevice(_Faulty):
    def set_agenda(self, items: Any) -> None:
        self.mark()
        self.pair(VOTER, device="t-04x")
        super().set_agenda(items)


class RevokedDevice(_Faulty):
    """d-05's first tablet was revoked; a message still comes from it."""

    def vote(self, poll: str, deputy: str, choice: Any) -> None:
        if poll == AGENDA_MOTION and deputy == deputy_id(5):
            current = self.device_of[deputy]
            self.device_of[deputy] = "t-05"
            self.mark()
            super().vote(poll, deputy, choice)
            self.device_of[deputy] = current
            return
        super().vote(poll, deputy, choice)


class ForgedSignature(_Faulty):
    def sign_body(self, device: str, body: Any) -> str:
        if body["type"] == "vote" and body["deputy"] == VOTER and body["poll"] == AGENDA_MOTION:
            self.mark()
            return super().sign_body(f"t-{deputy_id(1).removeprefix('d-')}", body)
        return super().sign_body(device, body)


class ReplayedCounter(_Faulty):
    def tablet_message(self, deputy: str, body_type: str, **fields: Any) -> Any:
        if body_type == "vote" and deputy == VOTER and fields["poll"] == AGENDA_MOTION:
            self.counters[self.device_of[deputy]] -= 1  # the counter of the message before
            self.mark()
        return super().tablet_message(deputy, body_type, **fields)


class VoteChoiceAltered(_Faulty):
    """The tablet signed "for"; the entry records "against"."""

    def tablet_message(self, deputy: str, body_type: str, **fields: Any) -> Any:
        if body_type == "vote" and deputy == VOTER and fields["choice"] == "against":
            self.mark()
            return super().tablet_message(deputy, body_type, **{**fields, "choice": "for"})
        return super().tablet_message(deputy, body_type, **fields)


class VoteAfterClose(_Faulty):
    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        super().close_poll(poll, issued=issued)
        if poll == AGENDA_MOTION:
            self.mark()
            self.vote(poll, NON_VOTER, "for")


class VoteNotSignedIn(_Faulty):
    """d-01 signed out before the named motion, yet a vote of theirs is recorded."""

    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        if poll == NAMED_MOTION:
            self.mark()
            self.vote(poll, deputy_id(1), "for")
        super().close_poll(poll, issued=issued)


class SecondVoteUnderFirst(_Faulty):
    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        if poll == AGENDA_MOTION:
            self.mark()
            self.vote(poll, VOTER, "against")
        super().close_poll(poll, issued=issued)


class SuspendedDeputyVotes(_Faulty):
    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        if poll == AGENDA_MOTION:
            self.mark()
            self.vote(poll, SUSPENDED, "for")
        super().close_poll(poll, issued=issued)


class IssuedInflated(_Faulty):
    """More ballots declared issued than deputies took part: it would hide extra ballots."""

    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        if poll == AGENDA_MOTION:
            self.mark()
            issued = len(self.polls[poll].participants) + 1
        super().close_poll(poll, issued=issued)


class ResultMismatch(_Faulty):
    """One vote moved from against to for in the published counts."""

    def result_for(self, poll: str, result: dict[str, Any]) -> dict[str, Any]:
        if poll != AGENDA_MOTION:
            return result
        self.mark()
        counts = dict(result["counts"])
        counts["for"] += 1
        counts["against"] -= 1
        return {**result, "counts": counts}


class VerdictFlipped(_Faulty):
    """The counts are right but the verdict is not."""

    def result_for(self, poll: str, result: dict[str, Any]) -> dict[str, Any]:
        if poll != AGENDA_MOTION:
            return result
        self.mark()
        return {**result, "outcome": {"passed": not result["outcome"]["passed"]}}


class ResultMissing(_Faulty):
    def write_result(self, poll: str, result: dict[str, Any]) -> None:
        if poll == NAMED_MOTION:
            self.fault_at = len(self.entries) - 1  # the poll_closed entry
            self.checkpoint()
            return
        super().write_result(poll, result)


class PollForWithdrawnItem(_Faulty):
    def close_meeting(self) -> None:
        self.mark()
        self.open_poll("p-7", "i-6", {"kind": "motion", "title": "withdrawn"}, mode="named")
        self.close_poll("p-7")
        super().close_meeting()


class ResultAnnouncedEarly(_Faulty):
    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        if poll == AGENDA_MOTION:
            self.mark()
            self.announce(poll)
        super().close_poll(poll, issued=issued)


PASSED_TEXT: Final = "表决结果：通过\n现予公告。"


def _notice(builder: MeetingBuilder, poll: str, *, text: str, hashed: str) -> None:
    """Notice No. 1 of ``poll``'s result carrying ``text``, its SHA-256 taken over ``hashed``."""
    fields = {"notice": 1, "kind": "result", "title": "关于表决结果的公告", "sources": [poll]}
    digest = notice_digest({**fields, "text": hashed})
    builder.append({"type": "notice_issued", **fields, "text": text, "sha256": digest, "by": CHAIR})
    builder.checkpoint()


class NoticeTextEdited(_Faulty):
    """A notice whose text was changed after its hash was taken: 通过 became 未通过."""

    def close_meeting(self) -> None:
        self.mark()
        _notice(self, AGENDA_MOTION, text="表决结果：未通过\n现予公告。", hashed=PASSED_TEXT)
        super().close_meeting()


class NoticeBeforeAnnouncement(_Faulty):
    """A notice published of the named motion's result before the result was announced."""

    def announce(self, poll: str) -> None:
        if poll == NAMED_MOTION:
            self.mark()
            _notice(self, poll, text=PASSED_TEXT, hashed=PASSED_TEXT)
        super().announce(poll)


class UnknownEntryType(_Faulty):
    def close_meeting(self) -> None:
        self.mark()
        self.append({"type": "ballot_deleted", "poll": AGENDA_MOTION, "by": CHAIR})
        super().close_meeting()


class SealedParticipation(_Faulty):
    """An entry of the retired sealed-ballot protocol, as an older server wrote them."""

    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        if poll == AGENDA_MOTION:
            body, sig = self.tablet_message(NON_VOTER, "participation", poll=poll)
            self.mark()
            self.append(
                {
                    "type": "participation",
                    "poll": poll,
                    "deputy": NON_VOTER,
                    "device": body["device"],
                    "body": body,
                    "sig": sig,
                }
            )
        super().close_poll(poll, issued=issued)


class SealedBallot(_Faulty):
    """A revealed sealed ballot after the close, as an older server wrote them."""

    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        super().close_poll(poll, issued=issued)
        if poll == NAMED_MOTION:
            self.mark()
            receipt = seeded(self.seed, "receipt")[:16].hex()
            self.append({"type": "ballot", "poll": poll, "receipt": receipt, "choice": "for"})


def meaning_vectors() -> Iterator[Vector]:
    cases: list[tuple[str, type[_Faulty], str, int, str]] = [
        (
            "unknown-entry-type",
            UnknownEntryType,
            "An entry of a type the log does not define.",
            2,
            'unknown entry type "ballot_deleted"',
        ),
        (
            "sealed-participation",
            SealedParticipation,
            "A participation entry of the retired sealed-ballot protocol.",
            2,
            "type participation belongs to the sealed-ballot protocol, retired in this version",
        ),
        (
            "sealed-ballot",
            SealedBallot,
            "A revealed sealed ballot (poll, receipt, choice) of the retired protocol.",
            2,
            "type ballot belongs to the sealed-ballot protocol, retired in this version",
        ),
        (
            "device-of-unknown-deputy",
            DeviceOfUnknownDeputy,
            "A device paired to someone who is not on the roster.",
            4,
            "device t-99 paired to d-99, who is not on the roster",
        ),
        (
            "second-active-device",
            SecondActiveDevice,
            f"A second device paired to {VOTER} while the first is still active.",
            4,
            f"{VOTER} already has active device t-04",
        ),
        (
            "revoked-device",
            RevokedDevice,
            "A vote signed by a tablet that was revoked and replaced.",
            4,
            "vote from device t-05, revoked at entry",
        ),
        (
            "forged-tablet-signature",
            ForgedSignature,
            f"A vote of {VOTER} signed with another deputy's tablet key.",
            5,
            "signature does not verify under device t-04",
        ),
        (
            "replayed-counter",
            ReplayedCounter,
            "A tablet message whose counter repeats the previous message's.",
            5,
            "counter n=1 of device t-04 does not increase",
        ),
        (
            "vote-choice-altered",
            VoteChoiceAltered,
            "A named vote recorded as against while the tablet signed for.",
            5,
            'body.choice is "for", the entry\'s "against"',
        ),
        (
            "vote-after-close",
            VoteAfterClose,
            "A vote in the motion p-1 after it closed.",
            6,
            f"vote after poll {AGENDA_MOTION} closed at entry",
        ),
        (
            "vote-not-signed-in",
            VoteNotSignedIn,
            "A named vote by a deputy who had signed out.",
            6,
            f"vote by {deputy_id(1)}, who is not signed in",
        ),
        (
            "second-vote-under-first",
            SecondVoteUnderFirst,
            f"{VOTER} votes twice in the motion p-1, whose change policy is first.",
            6,
            f"second vote by {VOTER} in poll {AGENDA_MOTION}, whose change policy is first",
        ),
        (
            "suspended-deputy-votes",
            SuspendedDeputyVotes,
            "A deputy whose duties are suspended takes part in a vote.",
            6,
            f"vote by {SUSPENDED}, whose roster status is suspended",
        ),
        (
            "issued-inflated",
            IssuedInflated,
            "poll_closed declares one ballot more issued than deputies took part.",
            6,
            "issued is 7 but 6 deputies took part",
        ),
        (
            "poll-for-withdrawn-item",
            PollForWithdrawnItem,
            "A poll opened for an agenda item that had been withdrawn.",
            6,
            "poll p-7 is for item i-6, which was withdrawn",
        ),
        (
            "result-mismatch",
            ResultMismatch,
            "The published counts of the motion p-1 move one vote from against to for.",
            8,
            f"result of poll {AGENDA_MOTION} differs from the recount at result.counts.against: "
            "expected 1, found 0",
        ),
        (
            "verdict-flipped",
            VerdictFlipped,
            "Right counts, wrong verdict.",
            8,
            f"result of poll {AGENDA_MOTION} differs from the recount at result.outcome.passed: "
            "expected false, found true",
        ),
        (
            "result-announced-early",
            ResultAnnouncedEarly,
            "A result announced while the poll is still open, before any result exists.",
            8,
            f"result of poll {AGENDA_MOTION} announced before it exists",
        ),
        (
            "notice-text-edited",
            NoticeTextEdited,
            "A public notice whose text no longer matches the SHA-256 it carries.",
            8,
            "sha256 is not the notice's SHA-256",
        ),
        (
            "notice-before-announcement",
            NoticeBeforeAnnouncement,
            "A public notice of a result that had not been announced yet.",
            8,
            f"notice cites poll {NAMED_MOTION}, whose result is not announced",
        ),
        (
            "result-missing",
            ResultMissing,
            "The named motion closes but its result is never written.",
            8,
            f"poll {NAMED_MOTION} closed but no result entry follows",
        ),
    ]
    for name, builder_class, description, check, message in cases:
        builder = build(builder_class())
        assert builder.fault_at >= 0, name
        yield Vector(
            name, description, check, f"entry {builder.fault_at}: {message}", writer(builder)
        )


# The key ceremony (check 8): recorded before the agenda --------------------------------------------


class _WithCeremony(_Faulty):
    """The standard meeting with the scrutineers' key ceremony recorded by ``recorder``."""

    recorder: type[CeremonyRecorder] = CeremonyRecorder

    def set_agenda(self, items: Any) -> None:
        recorder = self.recorder(self)
        recorder.record()
        self.fault_at = recorder.fault_at
        super().set_agenda(items)


class _KeyOfAnotherCeremony(CeremonyRecorder):
    def key_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        self.mark()
        return dict(entry, public_key=entry["verification_keys"]["2"])


class _UnrecordedFault(CeremonyRecorder):
    def fault_entry(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        self.fault_at = len(self.builder.entries) - 1  # the message that revealed it
        return None


class _ForgedStationSignature(CeremonyRecorder):
    def signature(self, deputy: str, body: dict[str, Any]) -> str:
        if deputy == "d-03" and body.get("kind") == "verification-key":
            self.mark()
            return super().signature("d-01", body)
        return super().signature(deputy, body)


def ceremony_vectors() -> Iterator[Vector]:
    cases: list[tuple[str, type[CeremonyRecorder], str, int | None, str]] = [
        (
            "ceremony-complete",
            CeremonyRecorder,
            "A key ceremony: a run failed on a bad share, a second run completed, liveness.",
            None,
            "",
        ),
        (
            "key-of-another-ceremony",
            _KeyOfAnotherCeremony,
            "key_completed names a public key other than the one the messages give.",
            8,
            "key_completed public_key is",
        ),
        (
            "ceremony-fault-unrecorded",
            _UnrecordedFault,
            "A dealer's bad share was revealed by a complaint, but no verdict was written.",
            8,
            "the message shows a fault of scrutineer 2 (bad-share",
        ),
        (
            "station-signature-forged",
            _ForgedStationSignature,
            "A scrutineer's verification key signed with another station's key.",
            8,
            "signature does not verify under station s-03",
        ),
    ]
    for name, recorder, description, check, message in cases:
        builder_class = type(f"With{recorder.__name__}", (_WithCeremony,), {"recorder": recorder})
        builder = build(builder_class())
        if check is None:
            yield Vector(name, description, None, None, writer(builder))
            continue
        assert builder.fault_at >= 0, name
        yield Vector(
            name, description, check, f"entry {builder.fault_at}: {message}", writer(builder)
        )


def vectors() -> Iterator[Vector]:
    yield from byte_vectors()
    yield from meaning_vectors()
    yield from ceremony_vectors()


def generate(directory: Path) -> list[str]:
    """Write every vector into ``directory`` (replacing vector folders there); returns the
    names."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if (old / EXPECT_FILE).is_file():
            shutil.rmtree(old)
    names = []
    for vector in vectors():
        target = directory / vector.name
        vector.bundle(target)
        expect = {
            "description": vector.description,
            "check": vector.check,
            "message": vector.message,
        }
        text = json.dumps(expect, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (target / EXPECT_FILE).write_text(text, encoding="utf-8")
        names.append(vector.name)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate the verifier's tamper vectors.")
    parser.add_argument("--out", type=Path, default=VECTORS_DIR, help="output directory")
    args = parser.parse_args()
    names = generate(args.out)
    print(f"{len(names)} vectors written to {args.out}")


if __name__ == "__main__":
    main()
