"""Election rounds and their confirmation: prepare a runoff or a further election from a
result, and log the presidium's decision confirming an election result.

The two ``…/runoff`` and ``…/further`` endpoints write nothing: they answer the next round's
poll definition (``round.follows`` naming the earlier poll), which the chair opens with
``POST …/polls`` as any other poll. Opening checks the round again against the log.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from voting import core, protocol
from voting.http.answers import Answer
from voting.http.endpoints import Call, Endpoints, invalid, read_raw_body
from voting.service import Decision
from voting.validation import validation_problem

ROUTES = Endpoints()
Body = TypeVar("Body", bound=BaseModel)


class NextRound(Answer):
    """The next round's poll definition, for the chair to open on ``item``."""

    item: str
    definition: dict[str, Any]


async def optional_body(call: Call[Any], model: type[Body]) -> Body:
    """The request body validated against ``model``; an empty body is the model's defaults."""
    data = await read_raw_body(call.request)
    try:
        return model.model_validate_json(data if data.strip() else b"{}")
    except ValidationError as error:
        raise invalid(validation_problem(error)) from None


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/runoff",
    permission="poll",
    body=protocol.RunoffRequest,
    parse_body=False,
    answer=NextRound,
    summary="就票数相等的候选人再次投票（准备表决定义）/ prepare the runoff of a tied result",
)
async def prepare_runoff(call: Call[None]) -> Any:
    body = await optional_body(call, protocol.RunoffRequest)
    state = call.service().state
    poll = call.params["poll"]
    definition = core.runoff_definition(state, poll=poll, threshold=body.threshold)
    return {"item": state.polls[poll].item, "definition": definition}


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/further",
    permission="poll",
    body=protocol.FurtherRequest,
    parse_body=False,
    answer=NextRound,
    summary="另行选举（准备表决定义）/ prepare a further election for unfilled seats",
)
async def prepare_further(call: Call[None]) -> Any:
    body = await optional_body(call, protocol.FurtherRequest)
    state = call.service().state
    poll = call.params["poll"]
    definition = core.further_definition(state, poll=poll, candidates=body.candidates)
    return {"item": state.polls[poll].item, "definition": definition}


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/confirm",
    permission="poll",
    body=protocol.ConfirmResult,
    summary="主席团确认选举结果 / the presidium confirms an election result",
)
def confirm_result(call: Call[protocol.ConfirmResult]) -> Decision:
    return functools.partial(
        core.confirm_result,
        poll=call.params["poll"],
        decision=call.body.decision,
        presidium=call.body.by,
        by=call.actor,
    )
