"""Check 9: the tablets as witnesses (audit-log.md §8, c2sp.org/tlog-cosignature).

Every checkpoint of the bundle may carry C2SP ``cosignature/v1`` lines from tablets, named
``<origin>/tablet/<device>``. Each one must come from a device of a ``device_paired`` entry with
an Ed25519 key and verify over its checkpoint. Each tablet's chain of cosigned checkpoints,
taken in the order of its timestamps, must only grow, and each step is proved consistent again
with a consistency proof recomputed from the log's entries. A ``split_view_alarm`` entry whose
evidence holds a checkpoint signed by the log key that is not this log's (another root at its
size, or beyond its end) proves a split view: the check fails. Cosignature lines of other
names (witnesses the verifier does not know) are ignored, as the spec says. With a number of
witnesses required (``--witnesses K``), the newest checkpoint must carry valid cosignatures
from at least K distinct paired tablets.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from audit.checkpoint import Checkpoint, open_checkpoint
from audit.cosign import note_signature_lines, verify_cosignature
from audit.errors import AuditError, ProofError
from audit.merkle import MerkleTree, verify_consistency
from audit.note import NoteVerifier
from audit.verify.base import Check, Entry
from audit.verify.signatures import SignedCheckpoint
from audit.verify.state import Meeting

__all__ = ["WitnessCheck", "has_cosignatures"]


@dataclass(frozen=True)
class _Cosigned:
    timestamp: int
    checkpoint: Checkpoint
    name: str  # the bundle file


def has_cosignatures(checkpoints: list[SignedCheckpoint], origin: str) -> bool:
    """Whether any checkpoint carries a line named as a tablet of ``origin``."""
    prefix = f"— {origin}/tablet/"
    return any(prefix in item.note for item in checkpoints)


class WitnessCheck(Check):
    """Feed it every entry (it keeps the alarms), then call :meth:`finish` with the tree."""

    number = 9

    def __init__(
        self,
        *args: Any,
        meeting: Meeting,
        checkpoints: list[SignedCheckpoint],
        verifier: NoteVerifier | None,
        required: int | None,
    ) -> None:
        super().__init__(*args)
        self.meeting = meeting
        self.checkpoints = sorted(checkpoints, key=lambda item: item.checkpoint.size)
        self.verifier = verifier
        self.required = required
        self.alarms: list[tuple[int, Entry]] = []
        self.chains: dict[str, list[_Cosigned]] = {}
        self.final_witnesses: set[str] = set()
        self.unfounded = 0

    def feed(self, seq: int, entry: Entry) -> None:
        if entry["type"] == "split_view_alarm":
            self.alarms.append((seq, entry))

    def finish(self, tree: MerkleTree | None) -> None:
        """Check every cosignature, every chain, every alarm, and the number required."""
        prefix = f"{self.meeting.origin}/tablet/"
        for item in self.checkpoints:
            self._cosignatures(item, prefix)
        for device, chain in sorted(self.chains.items()):
            self._chain(device, chain, tree)
        for seq, entry in self.alarms:
            self._alarm(seq, entry, tree)
        self._required()

    def _cosignatures(self, item: SignedCheckpoint, prefix: str) -> None:
        text, lines = note_signature_lines(item.note)
        newest = item is self.checkpoints[-1]
        for line in lines:
            name = line[2:].partition(" ")[0]
            if not name.startswith(prefix):
                continue
            device_id = name[len(prefix) :]
            device = self.meeting.devices.get(device_id)
            if device is None or device.alg != "ed25519":
                what = "no paired device" if device is None else f"a {device.alg} device"
                self.fail(
                    item.checkpoint.size,
                    f"{item.name}: cosignature by tablet {device_id}, which is {what} "
                    "(cosignatures need the Ed25519 key of a device_paired entry)",
                )
                continue
            try:
                key = base64.b64decode(device.public_key, validate=True)
                cosignature = verify_cosignature(line, text, name, key)
            except (AuditError, binascii.Error) as error:
                message = getattr(error, "message", str(error))
                self.fail(item.checkpoint.size, f"{item.name}: tablet {device_id}: {message}")
                continue
            chain = self.chains.setdefault(device_id, [])
            chain.append(_Cosigned(cosignature.timestamp, item.checkpoint, item.name))
            if newest:
                self.final_witnesses.add(device_id)

    def _chain(self, device: str, chain: list[_Cosigned], tree: MerkleTree | None) -> None:
        chain.sort(key=lambda link: (link.timestamp, link.checkpoint.size))
        for earlier, later in pairwise(chain):
            first, second = earlier.checkpoint, later.checkpoint
            if second.size < first.size:
                self.fail(
                    second.size,
                    f"tablet {device}: cosigned tree size {first.size} ({earlier.name}) at time "
                    f"{earlier.timestamp}, then the smaller tree size {second.size} "
                    f"({later.name}) at time {later.timestamp}: its chain goes backwards",
                )
                continue
            if second.size == first.size or first.size == 0 or tree is None:
                continue
            try:
                proof = tree.consistency_proof(first.size, second.size)
                verify_consistency(first.size, second.size, proof, first.root, second.root)
            except (ProofError, ValueError) as error:
                self.fail(
                    second.size,
                    f"tablet {device}: {later.name} is not consistent with {earlier.name}: "
                    f"{getattr(error, 'message', str(error))}",
                )

    def _alarm(self, seq: int, entry: Entry, tree: MerkleTree | None) -> None:
        body = entry["body"]
        forks = []
        for field in ("trusted", "shown"):
            checkpoint = self._open(body.get(field))
            if checkpoint is None or tree is None:
                continue
            if checkpoint.size > tree.size or tree.root(checkpoint.size) != checkpoint.root:
                forks.append(f"{field}: tree size {checkpoint.size}, root {checkpoint.root.hex()}")
        if forks:
            self.fail(
                seq,
                f"entry {seq}: tablet {entry['device']} reported a split view, and the log key "
                f"signed a checkpoint that is not this log's ({'; '.join(forks)})",
            )
        else:
            self.unfounded += 1

    def _open(self, note: object) -> Checkpoint | None:
        if self.verifier is None or type(note) is not str:
            return None
        try:
            return open_checkpoint(note, [self.verifier], origin=self.meeting.origin)
        except AuditError:
            return None

    def _required(self) -> None:
        if self.required is None:
            return
        if not self.checkpoints:
            self.fail(0, f"no checkpoint: {self.required} witnesses were required")
            return
        newest = self.checkpoints[-1]
        count = len(self.final_witnesses)
        if count < self.required:
            self.fail(
                newest.checkpoint.size,
                f"{newest.name}: the final checkpoint carries valid cosignatures of {count} "
                f"paired tablets, {self.required} required (--witnesses)",
            )

    def detail(self) -> str:
        cosignatures = sum(len(chain) for chain in self.chains.values())
        text = (
            f"{cosignatures:,} cosignatures by {len(self.chains):,} tablets; the final "
            f"checkpoint has {len(self.final_witnesses):,}"
        )
        if self.required is not None:
            text += f" (at least {self.required} required)"
        if self.unfounded:
            text += f"; {self.unfounded} split-view alarms without a fork in their evidence"
        return text
