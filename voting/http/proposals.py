"""Co-signed proposals: the list, the presidium's decision on a tabled bill, and the answer to
a suggestion. Deputies draft, co-sign, submit and rate from their tablets (``docs/protocol.md``
§3); the chair records here what the presidium decided and how a suggestion was answered."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from pydantic import StringConstraints

from voting.core import proposals
from voting.core.proposal_state import proposals_view
from voting.http.answers import Answer
from voting.http.endpoints import Call, Endpoints
from voting.protocol import Strict, Text
from voting.service import Decision

ROUTES = Endpoints()


class ProposalDecision(Strict):
    """The presidium's decision (``reference``: its meeting and number) on a tabled bill."""

    decision: Literal["agenda", "suggestion"]
    reference: Text


class SuggestionAnswer(Strict):
    """The answering unit (承办单位), the deadline it was due by, and its answer."""

    unit: Text
    deadline: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    answer: Annotated[str, StringConstraints(min_length=1, max_length=proposals.MAX_TEXT)]


class ProposalView(Answer):
    proposal: str
    kind: str
    title: str
    text: str
    drafter: str
    sponsors: list[str]
    required: int
    status: str
    filed_as: str | None
    decision: dict[str, Any] | None
    answer: dict[str, Any] | None
    rating: str | None


class ProposalList(Answer):
    proposals: list[ProposalView]


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/proposals",
    permission="meeting.read",
    answer=ProposalList,
    summary="联名议案与建议 / co-signed proposals and suggestions",
)
async def list_proposals(call: Call[None]) -> Any:
    state = call.service().state
    return {"proposals": proposals_view(state.proposals, state.settings, state.electorate)}


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/proposals/{proposal}/decision",
    permission="agenda",
    body=ProposalDecision,
    summary="记录主席团对议案的决定 / record the presidium's decision on a bill",
)
def decide_proposal(call: Call[ProposalDecision]) -> Decision:
    return functools.partial(
        proposals.decide_proposal,
        proposal=call.params["proposal"],
        decision=call.body.decision,
        reference=call.body.reference,
        by=call.actor,
    )


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/proposals/{proposal}/answer",
    permission="agenda",
    body=SuggestionAnswer,
    summary="记录建议的答复 / record the answer to a suggestion",
)
def answer_suggestion(call: Call[SuggestionAnswer]) -> Decision:
    return functools.partial(
        proposals.answer_suggestion,
        proposal=call.params["proposal"],
        unit=call.body.unit,
        deadline=call.body.deadline,
        answer=call.body.answer,
        by=call.actor,
    )
