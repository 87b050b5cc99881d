"""Check 6 (continued): co-signed proposals, recounted from their signatures alone.

A ``proposal_drafted`` entry's ``proposal`` is the SHA-256 of the draft its signed body holds
(:func:`audit.proposals.draft_hash`), once; a ``proposal_signed`` names an open draft and a
deputy not yet its sponsor. A ``proposal_tabled`` entry comes from the drafter and carries the
signed bodies of its sponsors (``signatures``): the drafter's draft first, then co-signs of the
same hash. Each is checked on its own — this meeting's origin, a device paired to the deputy
it names, a signature that verifies under that device's key, a deputy holding a seat — and the
distinct deputies so proven must be exactly ``sponsors`` and reach the threshold of the kind
filed (``audit.proposals.required_sponsors`` with the settings of ``meeting_opened`` — whose
``proposal_thresholds``, if any, must be whole numbers ≥ 1 for bill, interpellation, recall or
nomination — and the deputies holding a seat at that point). A bill may be filed as a suggestion. The presidium
decides only on a tabled proposal that is not a suggestion; a suggestion is answered once and
rated once, by its drafter, after the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from audit.proposals import draft_content, draft_hash, required_sponsors, thresholds_problem
from audit.tablet import TabletSignatureError
from audit.verify.base import Check, Entry, Gate, show
from audit.verify.report import Failures
from audit.verify.state import Meeting

__all__ = ["ProposalCheck"]

_SEATED = ("active", "suspended")


@dataclass
class _Draft:
    kind: str
    drafter: str
    sponsors: list[str] = field(default_factory=list)
    status: str = "draft"


class ProposalCheck(Check):
    number = 6

    def __init__(self, gate: Gate, *, meeting: Meeting, failures: Failures) -> None:
        super().__init__(gate)
        self.failures = failures
        self.meeting = meeting
        self.settings: dict[str, Any] = {}
        self.drafts: dict[str, _Draft] = {}
        self.tabled = 0
        self._handlers = {
            "meeting_opened": self._meeting_opened,
            "proposal_drafted": self._drafted,
            "proposal_signed": self._signed,
            "proposal_tabled": self._tabled,
            "proposal_decided": self._decided,
            "suggestion_answered": self._answered,
            "suggestion_rated": self._rated,
        }

    def feed(self, seq: int, entry: Entry) -> None:
        handler = self._handlers.get(entry["type"])
        if handler is not None:
            handler(seq, entry)

    def _meeting_opened(self, seq: int, entry: Entry) -> None:
        self.settings = dict(entry["settings"])
        if "proposal_thresholds" in self.settings:
            problem = thresholds_problem(self.settings["proposal_thresholds"])
            if problem is not None:
                self.fail(seq, f"entry {seq}: setting {problem}")

    def _drafted(self, seq: int, entry: Entry) -> None:
        body, proposal = entry["body"], entry["proposal"]
        digest = draft_hash(draft_content(body))
        if proposal != digest:
            self.fail(seq, f"entry {seq}: proposal {proposal} is not the draft's SHA-256 {digest}")
            return
        if body.get("kind") != entry["kind"]:
            self.fail(seq, f"entry {seq}: kind {show(entry['kind'])} is not the draft's")
        nominees, seats = body.get("nominees"), body.get("seats")
        if body.get("kind") == "nomination" and not (
            isinstance(nominees, list) and isinstance(seats, int) and 0 < len(nominees) <= seats
        ):
            self.fail(
                seq,
                f"entry {seq}: a nomination of {show(nominees)} for {show(seats)} seats"
                " (组织法 Art 26: at most as many nominees as seats)",
            )
        if proposal in self.drafts:
            self.fail(seq, f"entry {seq}: proposal {proposal} was already drafted")
            return
        self.drafts[proposal] = _Draft(str(body.get("kind")), entry["deputy"], [entry["deputy"]])

    def _draft(self, seq: int, entry: Entry, status: str) -> _Draft | None:
        found = self.drafts.get(entry["proposal"])
        if found is None:
            self.fail(
                seq, f"entry {seq}: {entry['type']} for proposal {entry['proposal']}, never drafted"
            )
            return None
        if found.status != status:
            self.fail(
                seq,
                f"entry {seq}: {entry['type']} for proposal {entry['proposal']}, which is"
                f" {found.status}, not {status}",
            )
            return None
        return found

    def _signed(self, seq: int, entry: Entry) -> None:
        draft = self._draft(seq, entry, "draft")
        if draft is None:
            return
        if entry["deputy"] in draft.sponsors:
            self.fail(seq, f"entry {seq}: {entry['deputy']} already sponsors {entry['proposal']}")
            return
        draft.sponsors.append(entry["deputy"])

    def _tabled(self, seq: int, entry: Entry) -> None:
        draft = self._draft(seq, entry, "draft")
        if draft is None:
            return
        kind, proposal = entry["kind"], entry["proposal"]
        if entry["deputy"] != draft.drafter:
            self.fail(
                seq,
                f"entry {seq}: {entry['deputy']} submits {proposal}, drafted by {draft.drafter}",
            )
        if kind != draft.kind and not (kind == "suggestion" and draft.kind == "bill"):
            self.fail(seq, f"entry {seq}: a {draft.kind} draft is tabled as {show(kind)}")
            return
        proven = self._proven_sponsors(seq, proposal, entry["signatures"])
        electorate = self.meeting.seated()
        required = required_sponsors(kind, self.settings, electorate)
        if entry["electorate"] != electorate or entry["required"] != required:
            self.fail(
                seq,
                f"entry {seq}: states {show(entry['required'])} sponsors required of"
                f" {show(entry['electorate'])} deputies; the log gives {required} of {electorate}",
            )
        if sorted(entry["sponsors"]) != sorted(proven):
            self.fail(
                seq,
                f"entry {seq}: sponsors {show(entry['sponsors'])} are not the deputies whose"
                f" signatures verify ({show(proven)})",
            )
        if len(proven) < required:
            self.fail(
                seq,
                f"entry {seq}: {kind} {proposal[:12]}… tabled with {len(proven)} verified"
                f" sponsors' signatures, {required} required",
            )
        draft.status = "suggestion" if kind == "suggestion" else "tabled"
        self.tabled += 1

    def _proven_sponsors(self, seq: int, proposal: str, signatures: Any) -> list[str]:
        """The distinct seated deputies whose signed draft or co-sign of ``proposal`` verifies."""
        proven: list[str] = []
        for index, item in enumerate(signatures if isinstance(signatures, list) else []):
            problem = self._signature_problem(proposal, index, item)
            if problem is not None:
                self.fail(seq, f"entry {seq}: signatures[{index}] {problem}")
            elif item["body"]["deputy"] not in proven:
                proven.append(item["body"]["deputy"])
        return proven

    def _signature_problem(self, proposal: str, index: int, item: Any) -> str | None:
        if not isinstance(item, dict) or not isinstance(item.get("body"), dict):
            return "is not a signed body"
        body, sig = item["body"], item.get("sig")
        expected = "proposal_draft" if index == 0 else "proposal_sign"
        if body.get("type") != expected or body.get("proposal") != proposal:
            return f"is not a {expected} of proposal {proposal}"
        if index == 0 and draft_hash(draft_content(body)) != proposal:
            return "holds a draft whose SHA-256 is not the proposal"
        if body.get("origin") != self.meeting.origin:
            return f"is for another meeting ({show(body.get('origin'))})"
        device = self.meeting.devices.get(str(body.get("device")))
        deputy = body.get("deputy")
        if device is None or device.key is None or device.deputy != deputy:
            return f"names device {show(body.get('device'))}, not a paired device of {show(deputy)}"
        if self.meeting.roster.get(str(deputy)) not in _SEATED:
            return f"is signed by {show(deputy)}, who holds no seat"
        try:
            device.key.verify(body, str(sig))
        except TabletSignatureError as error:
            return f"does not verify under device {device.device} ({error.message})"
        return None

    def _decided(self, seq: int, entry: Entry) -> None:
        decision = entry["decision"]
        if decision not in ("agenda", "suggestion"):  # result_confirmed's decision is a text
            self.fail(seq, f"entry {seq}: decision {show(decision)} is not agenda or suggestion")
            return
        draft = self._draft(seq, entry, "tabled")
        if draft is not None:
            draft.status = decision

    def _answered(self, seq: int, entry: Entry) -> None:
        draft = self._draft(seq, entry, "suggestion")
        if draft is not None:
            draft.status = "answered"

    def _rated(self, seq: int, entry: Entry) -> None:
        draft = self._draft(seq, entry, "answered")
        if draft is None:
            return
        if entry["deputy"] != draft.drafter:
            self.fail(
                seq,
                f"entry {seq}: {entry['deputy']} rates the answer to {draft.drafter}'s suggestion",
            )
        draft.status = "rated"
