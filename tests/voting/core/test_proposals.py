"""Co-signed proposals in the core: a draft signed by its drafter, co-signs over its hash,
tabled only when the sponsors reach the threshold of its kind (a bill with 4 sponsors is
refused, with 5 tabled), the presidium's decision, a suggestion answered and rated."""

from __future__ import annotations

from typing import Any

import pytest

from audit.proposals import KINDS, draft_hash, required_sponsors
from tests.voting.core.meetings import Meeting, refused
from voting.core import proposals
from voting.core.devices import SignedBody

BILL = {"kind": "bill", "title": "关于修建镇南桥的议案", "text": "建议镇政府在镇南河上修建一座桥。"}


def signed(message: dict[str, Any]) -> SignedBody:
    return SignedBody.read(message["body"], message["sig"])


def sitting(deputies: int = 9) -> Meeting:
    meeting = Meeting(deputies)
    for i in range(1, deputies + 1):
        meeting.pair(f"d0{i}")
    return meeting


def draft(meeting: Meeting, deputy: str = "d01", content: dict[str, Any] = BILL) -> str:
    digest = draft_hash(content)
    message = meeting.tablets[deputy].proposal_message("proposal_draft", proposal=digest, **content)
    meeting.commit(proposals.draft_proposal(meeting.state, signed(message)))
    return digest


def cosign(meeting: Meeting, proposal: str, *deputies: str) -> None:
    for deputy in deputies:
        message = meeting.tablets[deputy].proposal_message("proposal_sign", proposal=proposal)
        meeting.commit(proposals.cosign_proposal(meeting.state, signed(message)))


def submit(meeting: Meeting, proposal: str, filed: str = "bill") -> list[dict[str, Any]]:
    message = meeting.tablets["d01"].proposal_message(
        "proposal_submit", proposal=proposal, **{"as": filed}
    )
    decided = proposals.submit_proposal(meeting.state, signed(message))
    assert isinstance(decided, list)
    return decided


def test_a_bill_with_four_sponsors_is_refused_and_with_five_tabled() -> None:
    meeting = sitting()
    proposal = draft(meeting)
    cosign(meeting, proposal, "d02", "d03", "d04")
    error = refused("too-few-sponsors", submit, meeting, proposal)
    assert (error.zh, error.en) == ("联名代表 4 人，不足 5 人", "4 sponsors, bill needs 5")
    assert meeting.state.proposals[proposal].status == "draft"
    cosign(meeting, proposal, "d05")
    [entry] = submit(meeting, proposal)
    assert entry["type"] == "proposal_tabled"
    assert (entry["kind"], entry["required"], entry["electorate"]) == ("bill", 5, 9)
    assert entry["sponsors"] == ["d01", "d02", "d03", "d04", "d05"]
    assert [s["body"]["type"] for s in entry["signatures"]] == ["proposal_draft"] + [
        "proposal_sign"
    ] * 4
    meeting.commit([entry])
    assert meeting.state.proposals[proposal].status == "tabled"
    refused("proposal-closed", cosign, meeting, proposal, "d06")


def test_a_bill_below_its_threshold_may_be_filed_as_a_suggestion() -> None:
    meeting = sitting()
    proposal = draft(meeting)
    [entry] = submit(meeting, proposal, "suggestion")
    assert (entry["kind"], entry["required"], entry["sponsors"]) == ("suggestion", 1, ["d01"])
    meeting.commit([entry])
    assert meeting.state.proposals[proposal].status == "suggestion"


def test_thresholds_follow_the_law_and_the_settings_of_the_body() -> None:
    assert [required_sponsors(k, {}, 46) for k in KINDS] == [5, 10, 10, 10, 1]
    assert required_sponsors("recall", {}, 45) == 9
    assert required_sponsors("bill", {"proposal_thresholds": {"bill": 7}}, 45) == 7


def test_the_presidium_decides_and_a_suggestion_is_answered_and_rated() -> None:
    meeting = sitting()
    proposal = draft(meeting)
    cosign(meeting, proposal, "d02", "d03", "d04", "d05")
    meeting.commit(submit(meeting, proposal))
    refused(
        "invalid-decision",
        proposals.decide_proposal,
        meeting.state,
        proposal=proposal,
        decision="later",
        reference="主席团第二次会议",
        by="chair",
    )
    decided = proposals.decide_proposal(
        meeting.state,
        proposal=proposal,
        decision="suggestion",
        reference="主席团第二次会议决定",
        by="chair",
    )
    assert decided == [
        {
            "type": "proposal_decided",
            "proposal": proposal,
            "decision": "suggestion",
            "reference": "主席团第二次会议决定",
            "by": "chair",
        }
    ]
    meeting.commit(decided)
    answered = proposals.answer_suggestion(
        meeting.state,
        proposal=proposal,
        unit="镇交通办",
        deadline="2026-06-30",
        answer="已列入年度计划。",
        by="chair",
    )
    meeting.commit(answered)
    rate = meeting.tablets["d02"].proposal_message(
        "suggestion_rate", proposal=proposal, rating="satisfied"
    )
    refused("not-drafter", proposals.rate_suggestion, meeting.state, signed(rate))
    rate = meeting.tablets["d01"].proposal_message(
        "suggestion_rate", proposal=proposal, rating="basically_satisfied"
    )
    meeting.commit(proposals.rate_suggestion(meeting.state, signed(rate)))
    found = meeting.state.proposals[proposal]
    assert (found.status, found.rating) == ("rated", "basically_satisfied")
    assert found.answer == {
        "unit": "镇交通办",
        "deadline": "2026-06-30",
        "answer": "已列入年度计划。",
    }


@pytest.mark.parametrize(
    ("code", "content"),
    [
        ("invalid-kind", {**BILL, "kind": "motion"}),
        ("title-required", {**BILL, "title": " "}),
        (
            "too-many-nominees",
            {**BILL, "kind": "nomination", "nominees": ["张伟", "刘洋"], "seats": 1},
        ),
        ("nominees-required", {**BILL, "kind": "nomination", "nominees": [], "seats": 1}),
    ],
)
def test_a_bad_draft_is_refused(code: str, content: dict[str, Any]) -> None:
    meeting = sitting(3)
    refused(code, draft, meeting, "d01", content)
    assert meeting.state.proposals == {}


def test_a_draft_whose_hash_is_not_its_content_is_refused() -> None:
    meeting = sitting(3)
    message = meeting.tablets["d01"].proposal_message(
        "proposal_draft", proposal=draft_hash({**BILL, "text": "另一份"}), **BILL
    )
    refused("draft-hash-mismatch", proposals.draft_proposal, meeting.state, signed(message))


def test_a_deputy_cosigns_once_and_never_their_own_draft() -> None:
    meeting = sitting(3)
    proposal = draft(meeting)
    refused("already-sponsor", cosign, meeting, proposal, "d01")
    cosign(meeting, proposal, "d02")
    refused("already-sponsor", cosign, meeting, proposal, "d02")
    refused("unknown-proposal", cosign, meeting, "0" * 64, "d03")


def test_a_sponsor_whose_seat_ended_is_not_counted_nor_carried() -> None:
    meeting = sitting()
    proposal = draft(meeting)
    cosign(meeting, proposal, "d02", "d03", "d04", "d05")
    meeting.apply({"type": "roster_changed", "deputy": "d05", "status": "ended", "by": "op"})
    refused("too-few-sponsors", submit, meeting, proposal)
    cosign(meeting, proposal, "d06")
    [entry] = submit(meeting, proposal)
    assert entry["sponsors"] == ["d01", "d02", "d03", "d04", "d06"]
    assert [s["body"]["deputy"] for s in entry["signatures"]] == entry["sponsors"]
    assert (entry["required"], entry["electorate"]) == (5, 8)
