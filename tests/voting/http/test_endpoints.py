"""The endpoint toolkit: declarations that cannot be documented are refused, commands are named
after their decision, and the validation problem names the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from voting import protocol
from voting.http import ENDPOINTS
from voting.http.answers import Written
from voting.http.endpoints import Call, Endpoints
from voting.validation import validation_problem


async def nothing(call: Call[Any]) -> Any:
    return {}


def test_a_json_endpoint_needs_an_answer_model_and_only_json_has_one() -> None:
    table = Endpoints()
    with pytest.raises(ValueError, match="GET /x: a JSON answer needs a model"):
        table.route("GET", "/x", permission=None, summary="x")(nothing)
    with pytest.raises(ValueError, match="GET /y: a JSON answer needs a model"):
        table.route(
            "GET", "/y", permission=None, summary="y", answer=Written, media_type="text/html"
        )(nothing)
    assert table.endpoints == []


def test_a_command_is_named_after_its_decision_and_answers_written() -> None:
    table = Endpoints()

    @table.command("POST", "/api/meetings/{meeting}/x", permission="poll", summary="x")
    def do_x(call: Call[None]) -> Any:
        """Does x."""
        raise AssertionError("not called at declaration")

    (spec,) = table.endpoints
    assert (spec.name, spec.answer, spec.media_type, spec.body) == (
        "do_x",
        Written,
        "application/json",
        None,
    )
    assert spec.handler.__doc__ == "Does x."


def test_every_operation_id_is_unique() -> None:
    names = [spec.name for spec in ENDPOINTS]
    assert (
        len(names) == len(set(names)) == 79
    )  # 34 routes (with the encrypted ballot by tracking code, without the retired look-up of
    # a sealed ballot by receipt), the list of signed checkpoints and one checkpoint by its size,
    # and logout, list and revoke tokens, bulk 补签, runoff, further, confirm, oath,
    # decryption shares, the key ceremony's 8 (station code and pairing, start, board,
    # messages, progress, liveness challenge and answers), and the write-in mix's 3 (board,
    # shuffles, write-in shares), a document's upload and download, the floor's grant and end,
    # the absence ledger, the proposals' list, a decision and an answer, the livelihood
    # projects' 9 (list, register, withdraw, selection poll, evaluation poll, supervisors,
    # milestones, the yearly report and its CSV), the public notices' issue, list and one
    # notice, and the accounts' list, the meetings an account runs and the accounts that may
    # run a meeting


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ('{"items": [{"item": "a", "kind": "motion"}]}', "items.0.title: Field required"),
        ("not json", "body: Invalid JSON: expected ident at line 1 column 2"),
        ('{"items": [], "x": 1}', "x: Extra inputs are not permitted"),
    ],
)
def test_the_validation_problem_names_the_field(data: str, problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        protocol.Agenda.model_validate_json(data)
    assert validation_problem(caught.value) == problem
