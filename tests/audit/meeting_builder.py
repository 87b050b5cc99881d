"""A synthetic meeting log, written directly (no server), for verifier tests and tamper vectors.

:func:`build_meeting` records a small but complete sitting: a roster with a suspended deputy,
tablets paired (one P-256, one replaced), sign-in by tablet and by operator, approved leave, an
agenda, a named motion under change policy ``first``, an election on paper ballots with a
write-in and a void ballot (counted by the scrutineers and entered by hand), a named motion with
a changed vote, a show of hands entered by hand, a poll voided and re-run, a departure, an item
withdrawn, results announced, checkpoints after every poll and at the end. Encrypted polls need
the scrutineers' key and the tablets' proofs: the server-driven tests of ``tests/voting`` record
them (``test_encrypted_verify``, ``test_write_in_mix_verify``). Keys derive
from a seed and the clock is fixed, so the same call gives byte-identical bundles (Ed25519 and
RFC 6979 ECDSA signatures are deterministic).

:class:`MeetingBuilder` writes whatever it is told, right or wrong; tamper vectors subclass it
and override a hook (``sign_body``, ``next_counter``, ``result_for``) or a step
(``write_result``, ``close_poll`` …) to write one specific fault.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.bundle import write_bundle
from audit.canonical import canonical_bytes
from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.entries import format_at
from audit.merkle import MerkleTree, leaf_hash
from audit.note import NoteSigner
from audit.tablet import sign_tablet_body
from ballots import decide, parse_poll, tally

DEFAULT_SEED: Final = b"congress-vote meeting builder v1"
ORIGIN: Final = "xinzhou.congress.local/2026-3"
#: 09:00 in Beijing on the first day of the sitting.
START: Final = datetime(2026, 3, 10, 1, 0, 0, tzinfo=UTC)
STEP: Final = timedelta(seconds=5)
CHAIR: Final = "chair:zhou"
OPERATOR: Final = "operator:li"

DeviceKeyPair = Ed25519PrivateKey | ec.EllipticCurvePrivateKey

NAMES: Final = (
    "王建国",
    "李秀英",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄敏",
    "周杰",
    "吴芳",
    "徐强",
    "孙丽",
    "马超",
    "朱红",
    "胡军",
)


def seeded(seed: bytes, label: str) -> bytes:
    """32 bytes derived from the seed for ``label`` (a key)."""
    return hashlib.sha256(seed + b"\x00" + label.encode("utf-8")).digest()


@dataclass
class PollRecord:
    """What the builder remembers of a poll it opened."""

    poll: str
    mode: str
    definition: dict[str, Any]
    participants: list[str] = field(default_factory=list)
    votes: dict[str, Any] = field(default_factory=dict)  # deputy → counting choice
    change_policy: str = "last"
    issued: int = 0


class MeetingBuilder:
    """Writes a meeting's log entry by entry, signing tablet messages and checkpoints."""

    def __init__(
        self, *, seed: bytes = DEFAULT_SEED, origin: str = ORIGIN, start: datetime = START
    ) -> None:
        self.seed = seed
        self.origin = origin
        self.log_signer = NoteSigner(
            origin, Ed25519PrivateKey.from_private_bytes(seeded(seed, "log key"))
        )
        self.entries: list[bytes] = []
        self.checkpoints: list[tuple[int, str]] = []
        self.tree = MerkleTree()
        self._clock = start
        self.device_keys: dict[str, DeviceKeyPair] = {}
        self.device_of: dict[str, str] = {}
        self.counters: dict[str, int] = {}
        self.roster: dict[str, str] = {}
        self.signed_in: list[str] = []
        self.polls: dict[str, PollRecord] = {}

    # Low level --------------------------------------------------------------------------------

    @property
    def vkey(self) -> str:
        return self.log_signer.vkey()

    def wait(self, delta: timedelta) -> None:
        """Let ``delta`` pass before the next entry."""
        self._clock += delta

    def now(self) -> str:
        self._clock += STEP
        return format_at(self._clock)

    def append(self, fields: Mapping[str, Any]) -> int:
        """Append an entry with ``v``, ``seq`` and ``at`` added."""
        seq = len(self.entries)
        entry = {"v": 1, "seq": seq, **fields, "at": self.now()}
        self.append_bytes(canonical_bytes(entry))
        return seq

    def append_bytes(self, data: bytes) -> None:
        self.entries.append(data)
        self.tree.append(leaf_hash(data))

    def checkpoint(self) -> str:
        """Sign a checkpoint over every entry so far."""
        size = len(self.entries)
        note = sign_checkpoint(Checkpoint(self.origin, size, self.tree.root(size)), self.log_signer)
        self.checkpoints = [item for item in self.checkpoints if item[0] != size]
        self.checkpoints.append((size, note))
        return note

    def write(self, directory: Path) -> None:
        write_bundle(directory, vkey=self.vkey, entries=self.entries, checkpoints=self.checkpoints)

    # Hooks a tamper vector may override -------------------------------------------------------

    def sign_body(self, device: str, body: Mapping[str, Any]) -> str:
        return sign_tablet_body(self.device_keys[device], body)

    def next_counter(self, device: str) -> int:
        self.counters[device] += 1
        return self.counters[device]

    def result_for(self, poll: str, result: dict[str, Any]) -> dict[str, Any]:
        return result

    # Tablets ----------------------------------------------------------------------------------

    def device_key(self, device: str, alg: str) -> DeviceKeyPair:
        secret = seeded(self.seed, f"device {device}")
        if alg == "ed25519":
            return Ed25519PrivateKey.from_private_bytes(secret)
        order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
        return ec.derive_private_key(
            int.from_bytes(secret, "big") % (order - 1) + 1, ec.SECP256R1()
        )

    def tablet_message(
        self, deputy: str, body_type: str, **fields: Any
    ) -> tuple[dict[str, Any], str]:
        """A signed body from the deputy's current tablet."""
        device = self.device_of[deputy]
        body = {"type": body_type, "origin": self.origin, "deputy": deputy, "device": device}
        body.update(fields)
        body["n"] = self.next_counter(device)
        return body, self.sign_body(device, body)

    # Meeting steps ----------------------------------------------------------------------------

    def open_meeting(self, roster: Sequence[tuple[str, str, str]]) -> None:
        """``roster``: (deputy, name, status) in seat order."""
        members = []
        for seat, (deputy, name, status) in enumerate(roster, start=1):
            members.append(
                {"deputy": deputy, "name": name, "seat": f"A{seat:02d}", "status": status}
            )
            self.roster[deputy] = status
        self.append(
            {
                "type": "meeting_opened",
                "meeting": {
                    "id": "xinzhou-17-3",
                    "title": "新洲镇第十七届人民代表大会第三次会议",
                    "date": "2026-03-10",
                },
                "origin": self.origin,
                "log_key": self.vkey,
                "roster": members,
                "settings": {"change_policy": "last", "show_results": "immediately"},
                "by": CHAIR,
            }
        )

    def change_roster(self, deputy: str, status: str) -> None:
        self.roster[deputy] = status
        self.append({"type": "roster_changed", "deputy": deputy, "status": status, "by": CHAIR})

    def pair(self, deputy: str, *, alg: str = "ed25519", device: str | None = None) -> str:
        device = device or f"t-{deputy.removeprefix('d-')}"
        key = self.device_key(device, alg)
        self.device_keys[device] = key
        self.device_of[deputy] = device
        self.counters[device] = 0
        if isinstance(key, Ed25519PrivateKey):
            public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        else:
            public = key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        self.append(
            {
                "type": "device_paired",
                "deputy": deputy,
                "device": device,
                "alg": alg,
                "public_key": base64.b64encode(public).decode("ascii"),
                "by": OPERATOR,
            }
        )
        return device

    def revoke(self, deputy: str) -> None:
        device = self.device_of.pop(deputy)
        self.append({"type": "device_revoked", "deputy": deputy, "device": device, "by": OPERATOR})

    def sign_in(self, deputy: str, *, method: str = "tablet") -> None:
        self._attendance("signed_in", "sign_in", deputy, method)
        self.signed_in.append(deputy)

    def sign_out(self, deputy: str, *, method: str = "tablet") -> None:
        self._attendance("signed_out", "sign_out", deputy, method)
        self.signed_in.remove(deputy)

    def _attendance(self, kind: str, body_type: str, deputy: str, method: str) -> None:
        fields: dict[str, Any] = {"type": kind, "deputy": deputy, "method": method}
        if method == "tablet":
            body, sig = self.tablet_message(deputy, body_type)
            fields.update(by=f"device:{body['device']}", body=body, sig=sig)
        else:
            fields["by"] = OPERATOR
        self.append(fields)

    def set_agenda(self, items: Iterable[tuple[str, str, str]]) -> None:
        self.append(
            {
                "type": "agenda_set",
                "items": [{"item": i, "title": t, "kind": k} for i, t, k in items],
                "by": CHAIR,
            }
        )

    def record_leave(self, deputy: str, *, leave: bool = True) -> None:
        self.append({"type": "leave_recorded", "deputy": deputy, "leave": leave, "by": OPERATOR})

    def make_current(self, item: str) -> None:
        self.append({"type": "item_current", "item": item, "by": CHAIR})

    def withdraw(self, item: str, reason: str) -> None:
        self.append({"type": "item_withdrawn", "item": item, "reason": reason, "by": CHAIR})

    def open_poll(
        self,
        poll: str,
        item: str,
        definition: Mapping[str, Any],
        *,
        mode: str,
        change_policy: str = "last",
    ) -> None:
        present = sorted(self.signed_in)
        seated = sum(1 for status in self.roster.values() if status != "ended")
        full = {**definition, "electorate": seated, "present": len(present)}
        self.polls[poll] = PollRecord(poll, mode, full, change_policy=change_policy)
        self.append(
            {
                "type": "poll_opened",
                "poll": poll,
                "item": item,
                "definition": full,
                "mode": mode,
                "change_policy": change_policy,
                "present": present,
                "by": CHAIR,
            }
        )

    def vote(self, poll: str, deputy: str, choice: Any) -> None:
        record = self.polls[poll]
        body, sig = self.tablet_message(deputy, "vote", poll=poll, choice=choice)
        self.append(
            {
                "type": "vote",
                "poll": poll,
                "deputy": deputy,
                "device": body["device"],
                "choice": choice,
                "body": body,
                "sig": sig,
            }
        )
        if deputy not in record.votes or record.change_policy == "last":
            record.votes[deputy] = choice
        if deputy not in record.participants:
            record.participants.append(deputy)

    def close_poll(self, poll: str, *, issued: int | None = None) -> None:
        """Close a poll; a named poll gets its result and a checkpoint."""
        record = self.polls[poll]
        participants = sorted(set(record.participants))
        record.issued = len(participants) if issued is None else issued
        self.append(
            {
                "type": "poll_closed",
                "poll": poll,
                "participants": participants,
                "issued": record.issued,
                "by": CHAIR,
            }
        )
        if record.mode == "manual":
            return
        choices = [record.votes[deputy] for deputy in sorted(record.votes)]
        definition = {**record.definition, "issued": record.issued}
        self.write_result(poll, tally({"poll": definition, "ballots": choices}))

    def enter_manual_result(
        self,
        poll: str,
        *,
        ballots: Mapping[str, int],
        counts: Mapping[str, Any],
        write_ins: Mapping[str, int] | None = None,
        confirmed_by: Sequence[str],
    ) -> None:
        """The scrutineers' count of a show of hands or of paper ballots, and its result."""
        record = self.polls[poll]
        self.append(
            {
                "type": "manual_result",
                "poll": poll,
                "ballots": dict(ballots),
                "counts": dict(counts),
                "write_ins": dict(write_ins or {}),
                "by": CHAIR,
                "confirmed_by": list(confirmed_by),
            }
        )
        definition = parse_poll({**record.definition, "issued": record.issued})
        result = decide(
            definition,
            cast=ballots["cast"],
            valid=ballots["valid"],
            void=ballots["void"],
            counts=counts,
            write_ins=write_ins or {},
        )
        self.write_result(poll, result)

    def count_paper_ballots(
        self, poll: str, ballots: Sequence[Any], confirmed_by: Sequence[str]
    ) -> None:
        """Close a poll held on paper ballots and enter the scrutineers' count of ``ballots``
        (choices as in the tally format), as counted by the rules."""
        self.close_poll(poll, issued=len(ballots))
        record = self.polls[poll]
        counted = tally(
            {"poll": {**record.definition, "issued": record.issued}, "ballots": ballots}
        )
        self.enter_manual_result(
            poll,
            ballots=counted["ballots"],
            counts=counted["counts"],
            write_ins=counted["write_ins"],
            confirmed_by=confirmed_by,
        )

    def write_result(self, poll: str, result: dict[str, Any]) -> None:
        """The poll's result entry, then a checkpoint (audit-log.md §3: after every poll)."""
        self.append({"type": "result", "poll": poll, "result": self.result_for(poll, result)})
        self.checkpoint()

    def announce(self, poll: str) -> None:
        self.append({"type": "result_announced", "poll": poll, "by": CHAIR})

    def void_poll(self, poll: str, reason: str) -> None:
        self.append({"type": "poll_voided", "poll": poll, "reason": reason, "by": CHAIR})

    def ask_to_speak(self, deputy: str, *, withdraw: bool = False) -> None:
        """申请发言 (or 撤回申请) signed by the deputy's tablet."""
        kind, body_type = (
            ("speech_withdrawn", "speak_withdraw")
            if withdraw
            else (
                "speech_requested",
                "speak_request",
            )
        )
        body, sig = self.tablet_message(deputy, body_type)
        self.append(
            {
                "type": kind,
                "deputy": deputy,
                "by": f"device:{body['device']}",
                "body": body,
                "sig": sig,
            }
        )

    def grant_floor(self, deputy: str, minutes: int = 5) -> None:
        ends_at = format_at(self._clock + timedelta(minutes=minutes))
        self.append(
            {
                "type": "floor_granted",
                "deputy": deputy,
                "minutes": minutes,
                "ends_at": ends_at,
                "by": CHAIR,
            }
        )

    def end_floor(self, deputy: str, reason: str = "chair", by: str = CHAIR) -> None:
        self.append({"type": "floor_ended", "deputy": deputy, "reason": reason, "by": by})

    def close_meeting(self) -> None:
        self.append({"type": "meeting_closed", "by": CHAIR})
        self.checkpoint()


# The standard meeting ---------------------------------------------------------------------------

MOTION = {"kind": "motion", "title": "关于批准会议议程的决定"}
ELECTION = {
    "kind": "election",
    "title": "选举镇人民代表大会主席",
    "seats": 1,
    "candidates": [{"id": "c1", "name": "王建国"}, {"id": "c2", "name": "李明"}],
}
REPORT_MOTION = {"kind": "motion", "title": "关于镇人民政府工作报告的决议"}
BUDGET_MOTION = {"kind": "motion", "title": "关于2026年财政预算的决议"}
PROJECTS_MOTION = {"kind": "motion", "title": "关于民生实事项目的决定"}
WITHDRAWN_TITLE = "关于调整镇区划的议案"

#: Poll ids of the standard meeting, for tests and vectors.
AGENDA_MOTION, ELECTION_POLL, NAMED_MOTION, MANUAL_POLL, VOIDED_POLL, RERUN_POLL = (
    "p-1",
    "p-2",
    "p-3",
    "p-4",
    "p-5",
    "p-6",
)


def deputy_id(number: int) -> str:
    return f"d-{number:02d}"


def record_meeting(builder: MeetingBuilder, *, deputies: int = 11) -> MeetingBuilder:
    """Record the standard meeting into ``builder`` and return it. ``deputies`` ≥ 9."""
    if deputies < 9:
        raise ValueError("the standard meeting needs at least 9 deputies")
    ids = [deputy_id(number) for number in range(1, deputies + 1)]
    suspended = ids[-2]  # duties suspended; the last deputy, ids[-1], never signs in
    b = builder
    b.open_meeting(
        [
            (deputy, NAMES[index % len(NAMES)], "suspended" if deputy == suspended else "active")
            for index, deputy in enumerate(ids)
        ]
    )
    for deputy in ids[:-1]:
        b.pair(deputy, alg="p256" if deputy == ids[2] else "ed25519")
    # A tablet fails: the operator revokes it and pairs a replacement.
    b.revoke(ids[4])
    b.pair(ids[4], device=f"t-{ids[4].removeprefix('d-')}b")
    for deputy in ids[:-1]:
        b.sign_in(deputy, method="operator" if deputy in ids[5:7] else "tablet")
    b.record_leave(ids[-1])  # 请假: approved leave
    b.checkpoint()
    b.set_agenda(
        [
            ("i-1", MOTION["title"], "motion"),
            ("i-2", ELECTION["title"], "election"),
            ("i-3", REPORT_MOTION["title"], "motion"),
            ("i-4", PROJECTS_MOTION["title"], "motion"),
            ("i-5", BUDGET_MOTION["title"], "motion"),
            ("i-6", WITHDRAWN_TITLE, "motion"),
        ]
    )
    voters = [deputy for deputy in ids[:-1] if deputy != suspended]

    # i-1: named motion, change policy first; one deputy present does not vote.
    b.make_current("i-1")
    b.open_poll(AGENDA_MOTION, "i-1", MOTION, mode="named", change_policy="first")
    motion_choices = ["for", "for", "against", "for", "abstain", "for", "for", "for"]
    for deputy, choice in zip(voters[:-1], motion_choices, strict=False):
        b.vote(AGENDA_MOTION, deputy, choice)
    b.close_poll(AGENDA_MOTION)
    b.announce(AGENDA_MOTION)

    # i-2: election on paper ballots, 2 candidates for 1 seat; a write-in and a void ballot.
    b.make_current("i-2")
    b.open_poll(ELECTION_POLL, "i-2", ELECTION, mode="manual")
    paper: list[dict[str, Any]] = []
    for index in range(len(voters)):
        marks: dict[str, Any] = {"marks": {"c1": "for", "c2": "against"}, "write_ins": []}
        if index == 1:
            marks = {"marks": {"c1": "against", "c2": "abstain"}, "write_ins": ["赵强"]}
        elif index == 2:
            marks = {"marks": {"c1": "for", "c2": "for"}, "write_ins": []}  # void: 2 for 1 seat
        elif index == 3:
            marks = {"marks": {"c2": "for"}, "write_ins": []}
        paper.append(marks)
    b.count_paper_ballots(ELECTION_POLL, paper, confirmed_by=voters[1:3])
    b.announce(ELECTION_POLL)

    # A deputy leaves; a suspension is lifted.
    b.sign_out(voters[0])
    b.change_roster(suspended, "active")

    # i-3: named motion, change policy last: one deputy changes their vote.
    b.make_current("i-3")
    b.open_poll(NAMED_MOTION, "i-3", REPORT_MOTION, mode="named")
    for deputy in [*voters[1:], suspended]:
        b.vote(NAMED_MOTION, deputy, "against" if deputy == voters[3] else "for")
    b.vote(NAMED_MOTION, voters[3], "abstain")  # the later press counts
    b.close_poll(NAMED_MOTION)
    b.announce(NAMED_MOTION)

    # i-4: show of hands after a device failure, counts entered and confirmed by scrutineers.
    b.make_current("i-4")
    b.open_poll(MANUAL_POLL, "i-4", PROJECTS_MOTION, mode="manual")
    b.close_poll(MANUAL_POLL, issued=len(b.signed_in))
    b.enter_manual_result(
        MANUAL_POLL,
        ballots={"cast": len(b.signed_in), "valid": len(b.signed_in), "void": 0},
        counts={"for": len(b.signed_in) - 2, "against": 1, "abstain": 1},
        confirmed_by=voters[1:3],
    )
    b.announce(MANUAL_POLL)

    # i-5: voided during the vote (a tablet froze) and re-run as a new poll.
    b.make_current("i-5")
    b.open_poll(VOIDED_POLL, "i-5", BUDGET_MOTION, mode="named")
    for deputy in voters[1:4]:
        b.vote(VOIDED_POLL, deputy, "for")
    b.void_poll(VOIDED_POLL, "设备故障，重新表决 / device failure, vote re-run")
    b.open_poll(RERUN_POLL, "i-5", BUDGET_MOTION, mode="named")
    for deputy in [*voters[1:], suspended]:
        b.vote(RERUN_POLL, deputy, "for")
    b.close_poll(RERUN_POLL)
    b.announce(RERUN_POLL)

    # i-6: withdrawn by its sponsors before any vote (组织法 Art 22).
    b.withdraw("i-6", "提案人撤回 / withdrawn by its sponsors")
    b.close_meeting()
    return b


def build_meeting(*, seed: bytes = DEFAULT_SEED, deputies: int = 11) -> MeetingBuilder:
    """The standard meeting, recorded by a plain builder."""
    return record_meeting(MeetingBuilder(seed=seed), deputies=deputies)
