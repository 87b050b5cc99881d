"""Co-signed proposals (议案, 质询案, 罢免案, 候选人提名, 建议): drafted, co-signed and submitted
from tablets, decided by the presidium, and for suggestions answered and rated.

A deputy's tablet signs the draft (``proposal_draft``: kind, title, text and for a nomination
the nominees and seats; its SHA-256 is the proposal's id); other deputies' tablets sign that
hash (``proposal_sign``); the drafter submits (``proposal_submit``) and the proposal is tabled
when its sponsors reach the threshold of its kind (:mod:`audit.proposals`), else refused with
``too-few-sponsors`` — a bill below it may be filed as a suggestion instead. The
``proposal_tabled`` entry carries every sponsor's signature, so the verifier recounts the
sponsors from the signatures alone. The chair records the presidium's decision on a tabled
bill (``agenda`` or ``suggestion``); a suggestion is answered by the unit handling it and the
drafter rates the answer from the tablet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from audit.proposals import (
    KINDS,
    RATINGS,
    draft_content,
    draft_hash,
    required_sponsors,
    thresholds_problem,
)
from audit.signature_batch import Verdict
from voting.core.checks import require_open, seated
from voting.core.devices import SignedBody, authenticate
from voting.core.outcome import AlreadyRecorded
from voting.core.proposal_state import Proposal
from voting.core.records import Device
from voting.core.state import MeetingState
from voting.core.types import MAX_REASON, BodyType, Entry
from voting.errors import CommandError, Conflict, Forbidden, NotFound

__all__ = [
    "answer_suggestion",
    "check_proposal_settings",
    "cosign_proposal",
    "decide_proposal",
    "draft_proposal",
    "rate_suggestion",
    "submit_proposal",
]

MAX_TITLE: Final = 200
MAX_TEXT: Final = 8_000  # characters: a draft stays well inside one 64 KiB message
MAX_NOMINEES: Final = 50

Decided = list[Entry] | AlreadyRecorded


def draft_proposal(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> Decided:
    """A deputy's signed draft: ``proposal`` must be the SHA-256 of its content."""
    device = _signer(state, signed, verdict, "proposal_draft")
    if isinstance(device, AlreadyRecorded):
        return device
    body = signed.body
    _check_content(body)
    content = draft_content(body)
    digest = draft_hash(content)
    if body.get("proposal") != digest:
        raise CommandError(
            "draft-hash-mismatch",
            "草案摘要与内容不符",
            f"proposal must be the SHA-256 of the draft, {digest}",
        )
    if digest in state.proposals:
        raise Conflict("proposal-exists", "相同的草案已经提交", f"proposal {digest} exists")
    return [
        {
            "type": "proposal_drafted",
            "kind": body["kind"],
            **_message_fields(digest, device, signed),
        }
    ]


def cosign_proposal(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> Decided:
    """A co-sponsor's signature over an open draft's hash, once per deputy."""
    device = _signer(state, signed, verdict, "proposal_sign")
    if isinstance(device, AlreadyRecorded):
        return device
    proposal = _proposal(state, signed.body.get("proposal"))
    if proposal.status != "draft":
        raise Conflict("proposal-closed", "该议案已提交，不能再联名", f"{proposal.id} is submitted")
    if device.deputy in proposal.sponsors:
        raise Conflict(
            "already-sponsor", "您已是该议案的提出人", f"{device.deputy} already sponsors it"
        )
    return [{"type": "proposal_signed", **_message_fields(proposal.id, device, signed)}]


def submit_proposal(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> Decided:
    """The drafter submits: tabled as ``as`` (the draft's kind, or ``suggestion`` for a bill)
    when the sponsors still holding a seat reach that kind's threshold."""
    device = _signer(state, signed, verdict, "proposal_submit")
    if isinstance(device, AlreadyRecorded):
        return device
    body = signed.body
    proposal = _proposal(state, body.get("proposal"))
    if proposal.drafter != device.deputy:
        raise Forbidden("not-drafter", "只有起草人可以提交", f"{proposal.id} is not your draft")
    if proposal.status != "draft":
        raise Conflict("proposal-closed", "该议案已提交", f"{proposal.id} is already submitted")
    filed = body.get("as")
    if filed != proposal.kind and not (filed == "suggestion" and proposal.kind == "bill"):
        raise CommandError(
            "invalid-message",
            "提交类别无效",
            f'as must be "{proposal.kind}"'
            + (' or "suggestion"' if proposal.kind == "bill" else ""),
        )
    sponsors = [d for d in proposal.sponsors if state.roster[d].status in ("active", "suspended")]
    required = required_sponsors(str(filed), state.settings, state.electorate)
    if len(sponsors) < required:
        raise Conflict(
            "too-few-sponsors",
            f"联名代表 {len(sponsors)} 人，不足 {required} 人",
            f"{len(sponsors)} sponsors, {filed} needs {required}",
        )
    return [
        {
            "type": "proposal_tabled",
            "kind": filed,
            "sponsors": sponsors,
            "required": required,
            "electorate": state.electorate,
            "signatures": [dict(s) for s in proposal.signatures if s["body"]["deputy"] in sponsors],
            **_message_fields(proposal.id, device, signed),
        }
    ]


def decide_proposal(
    state: MeetingState, *, proposal: str, decision: Any, reference: Any, by: str
) -> list[Entry]:
    """The presidium's decision on a tabled bill: put it on the agenda or treat it as a
    suggestion; ``reference`` names the presidium's decision (its meeting and number)."""
    require_open(state)
    found = _proposal(state, proposal)
    if found.status != "tabled":
        raise Conflict(
            "not-tabled", "该议案未提交或已决定", f"{found.id} is not awaiting a decision"
        )
    reference_text = _clean(reference)
    if reference_text is None:
        raise CommandError(
            "reference-required", "须写明主席团决定文号", "reference: 1 to 500 characters"
        )
    if decision not in ("agenda", "suggestion"):
        raise CommandError(
            "invalid-decision", "决定须为列入议程或作为建议", 'decision: "agenda" or "suggestion"'
        )
    return [
        {
            "type": "proposal_decided",
            "proposal": found.id,
            "decision": decision,
            "reference": reference_text,
            "by": by,
        }
    ]


def answer_suggestion(
    state: MeetingState, *, proposal: str, unit: Any, deadline: Any, answer: Any, by: str
) -> list[Entry]:
    """The answering unit's reply to a suggestion, with the deadline it was due by."""
    require_open(state)
    found = _proposal(state, proposal)
    if found.status != "suggestion":
        raise Conflict("not-suggestion", "该件不是待答复的建议", f"{found.id} awaits no answer")
    if not isinstance(deadline, str) or len(deadline) != 10 or deadline[4] != "-":
        raise CommandError(
            "invalid-deadline", "办理期限格式应为 YYYY-MM-DD", "deadline: YYYY-MM-DD"
        )
    unit_text, answer_text = _clean(unit), _clean(answer, MAX_TEXT)
    if unit_text is None:
        raise CommandError("unit-required", "须写明承办单位", "unit: 1 to 500 characters")
    if answer_text is None:
        raise CommandError(
            "answer-required", "须写明答复内容", f"answer: 1 to {MAX_TEXT} characters"
        )
    return [
        {
            "type": "suggestion_answered",
            "proposal": found.id,
            "unit": unit_text,
            "deadline": deadline,
            "answer": answer_text,
            "by": by,
        }
    ]


def rate_suggestion(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> Decided:
    """The drafter's satisfaction with the answer (满意 / 基本满意 / 不满意), once."""
    device = _signer(state, signed, verdict, "suggestion_rate")
    if isinstance(device, AlreadyRecorded):
        return device
    found = _proposal(state, signed.body.get("proposal"))
    if found.drafter != device.deputy:
        raise Forbidden("not-drafter", "只有提出人可以评价答复", f"{found.id} is not yours")
    if found.status != "answered":
        raise Conflict("not-answered", "该建议尚未答复或已评价", f"{found.id} awaits no rating")
    rating = signed.body.get("rating")
    if rating not in RATINGS:
        raise CommandError("invalid-rating", "评价无效", "rating: " + " | ".join(RATINGS))
    return [
        {"type": "suggestion_rated", "rating": rating, **_message_fields(found.id, device, signed)}
    ]


def check_proposal_settings(settings: Mapping[str, Any]) -> None:
    """A new meeting's setting ``proposal_thresholds`` ({kind: sponsors} for bill,
    interpellation, recall, nomination; whole numbers ≥ 1), if given: else 400
    ``invalid-proposal-thresholds``. Kinds it leaves out keep the town defaults."""
    if "proposal_thresholds" not in settings:
        return
    problem = thresholds_problem(settings["proposal_thresholds"])
    if problem is not None:
        raise CommandError(
            "invalid-proposal-thresholds",
            "联名人数设置无效：只能设议案、质询案、罢免案、候选人提名，每项为不小于 1 的整数",
            problem,
        )


# Helpers ------------------------------------------------------------------------------------


def _signer(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None, expected: BodyType
) -> Device | AlreadyRecorded:
    require_open(state)
    device = authenticate(state, signed, verdict, expected=expected)
    if isinstance(device, Device):
        seated(state, device.deputy)
    return device


def _message_fields(proposal: str, device: Device, signed: SignedBody) -> Entry:
    """The fields every entry of a tablet's proposal message carries."""
    return {
        "proposal": proposal,
        "deputy": device.deputy,
        "device": device.id,
        "body": dict(signed.body),
        "sig": signed.sig,
        "by": f"device:{device.id}",
    }


def _proposal(state: MeetingState, proposal: object) -> Proposal:
    found = state.proposals.get(proposal) if isinstance(proposal, str) else None
    if found is None:
        raise NotFound("unknown-proposal", "议案不存在", f"no proposal {proposal}")
    return found


def _clean(value: Any, limit: int = MAX_REASON) -> str | None:
    """``value`` stripped if it is a text of 1 to ``limit`` characters, else None."""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        return None
    return value.strip()


def _check_content(body: Any) -> None:
    kind = body.get("kind")
    if kind not in KINDS:
        raise CommandError("invalid-kind", "议案类别无效", "kind: " + " | ".join(KINDS))
    if _clean(body.get("title"), MAX_TITLE) is None:
        raise CommandError("title-required", "须填写标题", f"title: 1 to {MAX_TITLE} characters")
    if _clean(body.get("text"), MAX_TEXT) is None:
        raise CommandError("text-required", "须填写正文", f"text: 1 to {MAX_TEXT} characters")
    if body["title"] != body["title"].strip() or body["text"] != body["text"].strip():
        raise CommandError("invalid-message", "标题和正文首尾不得有空白", "trim title and text")
    if kind == "nomination":
        _check_nominees(body.get("nominees"), body.get("seats"))
    elif "nominees" in body or "seats" in body:
        raise CommandError(
            "invalid-message", "只有候选人提名列出候选人", "nominees only in a nomination"
        )


def _check_nominees(nominees: Any, seats: Any) -> None:
    """组织法 Art 26: a joint nomination names at most as many nominees as there are seats."""
    if not isinstance(seats, int) or isinstance(seats, bool) or not 1 <= seats <= MAX_NOMINEES:
        raise CommandError("invalid-seats", "应选名额无效", f"seats: 1 to {MAX_NOMINEES}")
    names = nominees if isinstance(nominees, list) else []
    if not names or not all(isinstance(n, str) and n.strip() == n and n for n in names):
        raise CommandError("nominees-required", "须列出被提名人", "name the nominees")
    if len(set(names)) != len(names):
        raise CommandError("nominees-required", "被提名人不得重复", "each nominee once")
    if len(names) > seats:
        raise CommandError(
            "too-many-nominees",
            f"被提名人 {len(names)} 名，超过应选名额 {seats} 名",
            f"{len(names)} nominees for {seats} seats (组织法 Art 26)",
        )
