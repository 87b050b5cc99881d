"""Check 1: the log key parses, and every checkpoint is signed by it for this log's origin."""

from __future__ import annotations

from dataclasses import dataclass

from audit.bundle import VKEY_FILE, Bundle
from audit.checkpoint import Checkpoint, open_checkpoint
from audit.errors import AuditError, NoteError
from audit.note import NoteVerifier
from audit.verify.report import Failures

__all__ = ["SignatureCheck", "SignedCheckpoint", "check_signatures"]


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint whose signature verified, with the bundle file it came from."""

    name: str
    checkpoint: Checkpoint
    note: str = ""  # the signed note as read, with any cosignature lines


@dataclass
class SignatureCheck:
    """Check 1's outcome: the verifier key (if it parsed) and the verified checkpoints."""

    failures: Failures
    verifier: NoteVerifier | None
    checkpoints: list[SignedCheckpoint]

    def detail(self) -> str:
        if self.verifier is None:
            return ""
        key = f"{self.verifier.name}+{self.verifier.key_id.hex()}"
        return f"{len(self.checkpoints):,} checkpoints signed by {key}"


def check_signatures(bundle: Bundle, vkey: str | None) -> SignatureCheck:
    """Verify every checkpoint of ``bundle`` under ``vkey`` (default: the bundle's own key).

    A key given by the auditor must also be the one in ``log.vkey``: a bundle that names another
    key than the one it is checked against is not the bundle it claims to be.
    """
    failures = Failures()
    key_text = bundle.vkey if vkey is None else vkey
    try:
        verifier = NoteVerifier.from_vkey(key_text)
    except NoteError as exc:
        source = VKEY_FILE if vkey is None else "the log key given"
        failures.add(f"{source}: {exc.message}")
        return SignatureCheck(failures, None, [])
    if vkey is not None and bundle.vkey != vkey:
        failures.add(f"{VKEY_FILE}: the bundle's key {bundle.vkey} is not the key given, {vkey}")
    verified = []
    for order, item in enumerate(bundle.checkpoints):
        try:
            checkpoint = open_checkpoint(item.note, [verifier], origin=verifier.name)
        except AuditError as exc:
            failures.add(f"{item.name}: {exc.message}", order)
            continue
        if checkpoint.size != item.size:  # the reader has compared them; never trust one place
            failures.add(f"{item.name}: the checkpoint is for tree size {checkpoint.size}", order)
            continue
        verified.append(SignedCheckpoint(item.name, checkpoint, item.note))
    return SignatureCheck(failures, verifier, verified)
