"""Check 5: every signed tablet message verifies under its device's key, says what its entry
says, and carries a counter higher than the device's previous message.

The body must match the entry: its ``type`` (``sign_in``, ``sign_out``, ``vote``,
``encrypted_ballot``), ``deputy``, ``device`` and ``poll``; a vote's ``choice``; and its
``origin`` must be the log's, so that a message signed for one meeting cannot be replayed into
another (an encrypted ballot's ``ballot_hash`` is check 7's). A sign-in or sign-out by tablet
names the device as its actor (``by`` is ``device:<id>``); no other entry names a device as its
actor, and an operator's sign-in or sign-out carries no tablet body.
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from audit.tablet import BODY_TYPES, TABLET_CONTEXT
from audit.verify.base import Check, Entry, same_json, show
from audit.verify.roster import PROPOSAL_MESSAGES, message_device
from audit.verify.signature_pool import SignatureFailure, SignaturePool
from audit.verify.state import Meeting

__all__ = ["TabletCheck"]

# The body comes from an entry that check 2 found canonical, so it is inside the canonical
# subset, where orjson's sorted compact encoding is its canonical bytes
# (audit.tablet.signing_payload, several times faster; tests/audit/test_canonical_quick.py).
# Were they ever to differ, a valid signature would fail to verify, never the reverse.
_SORTED: Final = orjson.OPT_SORT_KEYS


class TabletCheck(Check):
    number = 5

    def __init__(self, *args: Any, meeting: Meeting, workers: int = 1) -> None:
        super().__init__(*args)
        self.meeting = meeting
        self.pool = SignaturePool(workers)

    def feed(self, seq: int, entry: Entry) -> None:
        device_id = message_device(entry)
        if device_id is None:
            self._unsigned(seq, entry)
            return
        body, sig = entry["body"], entry["sig"]
        self._match_entry(seq, entry, body, device_id)
        device = self.meeting.devices.get(device_id)
        if device is None or device.key is None:
            return  # check 4 has failed for this entry or for the pairing
        n = body["n"]
        if device.last_n is not None and n <= device.last_n:
            self.fail(
                seq,
                f"entry {seq}: counter n={n} of device {device_id} does not increase (entry "
                f"{device.last_n_at} had n={device.last_n}); a replayed or reordered message",
            )
        else:
            device.last_n, device.last_n_at = n, seq
        payload = TABLET_CONTEXT + orjson.dumps(body, option=_SORTED)
        job = (seq, device_id, device.alg, device.public_key, payload, sig)
        self._report(self.pool.add(job))

    def _unsigned(self, seq: int, entry: Entry) -> None:
        """An entry without a tablet message must not claim one: no device as its actor, no
        tablet body on an operator's sign-in or sign-out."""
        actor = entry.get("by")
        if type(actor) is str and actor.startswith("device:"):
            self.fail(
                seq,
                f"entry {seq}: {entry['type']} names {actor} as its actor, but a device acts "
                "only through signed messages",
            )
        if entry.get("method") == "operator" and ("body" in entry or "sig" in entry):
            self.fail(seq, f"entry {seq}: an operator's {entry['type']} carries a tablet body")

    def finish(self) -> None:
        """Wait for the signatures still being checked."""
        self._report(self.pool.finish())

    def close(self) -> None:
        self.pool.close()

    def _report(self, failures: list[SignatureFailure]) -> None:
        for seq, device, reason in failures:
            self.fail(
                seq, f"entry {seq}: signature does not verify under device {device} ({reason})"
            )

    def _match_entry(self, seq: int, entry: Entry, body: dict[str, Any], device: str) -> None:
        kind = entry["type"]
        problems = []
        if body["type"] != BODY_TYPES[kind]:
            problems.append(f"body.type is {show(body['type'])}, expected {BODY_TYPES[kind]!r}")
        if body.get("origin") != self.meeting.origin:
            found = show(body["origin"]) if "origin" in body else "missing"
            problems.append(f"body.origin is {found}, the log's {self.meeting.origin!r}")
        if body["deputy"] != entry["deputy"]:
            problems.append(f"body.deputy is {show(body['deputy'])}, the entry's {entry['deputy']}")
        if kind in ("vote", "encrypted_ballot"):
            if body["device"] != device:
                problems.append(f"body.device is {show(body['device'])}, the entry's {device}")
            if body["poll"] != entry["poll"]:
                problems.append(f"body.poll is {show(body['poll'])}, the entry's {entry['poll']}")
        elif entry["by"] != f"device:{device}":
            problems.append(f"by is {show(entry['by'])}, expected device:{device}")
        if kind in PROPOSAL_MESSAGES and body["device"] != device:
            problems.append(f"body.device is {show(body['device'])}, the entry's {device}")
        if "proposal" in entry and body.get("proposal") != entry["proposal"]:
            found = show(body["proposal"]) if "proposal" in body else "missing"
            problems.append(f"body.proposal is {found}, the entry's {entry['proposal']}")
        if kind == "vote" and (
            "choice" not in body or not same_json(body["choice"], entry["choice"])
        ):
            found = show(body["choice"]) if "choice" in body else "missing"
            problems.append(f"body.choice is {found}, the entry's {show(entry['choice'])}")
        for problem in problems:
            self.fail(seq, f"entry {seq}: {problem}")

    def detail(self) -> str:
        verified = self.pool.verified
        total = sum(verified.values())
        parts = ", ".join(f"{alg} {verified[alg]:,}" for alg in sorted(verified))
        return f"{total:,} tablet signatures verified" + (f" ({parts})" if parts else "")
