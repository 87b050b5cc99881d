"""Liveness at opening: t devices prove they hold their share for this poll and challenge."""

from __future__ import annotations

import pytest

from ballots.crypto.errors import ProofError
from ballots.crypto.threshold.errors import NotEnoughScrutineersError
from ballots.crypto.threshold.liveness import (
    LivenessProof,
    check_liveness,
    liveness_context,
    prove_liveness,
)
from tests.ballots.crypto.threshold_fixtures import full_ceremony, seeded

RUN = full_ceremony(2, 3)
KEY = RUN.ceremony.joint_key()
CONTEXT = liveness_context(key=KEY.key_id, poll_id="poll-3", challenge=b"fresh challenge 1")


def answer(j: int) -> LivenessProof:
    return prove_liveness(CONTEXT, j, RUN.shares[j], seeded(f"live/{j}"))


def test_t_valid_answers_open_the_poll() -> None:
    answers = [answer(3), answer(1)]
    assert check_liveness(CONTEXT, KEY.verification_keys, answers, 2, "opening") == (1, 3)
    assert [LivenessProof.decode(a.encode(), "a") for a in answers] == answers


def test_fewer_than_t_answers_refuse_the_opening() -> None:
    with pytest.raises(NotEnoughScrutineersError) as caught:
        check_liveness(CONTEXT, KEY.verification_keys, [answer(2), answer(2)], 2, "opening")
    assert str(caught.value) == "opening: 1 scrutineer devices answered, at least 2 are needed"
    assert caught.value.code == "not-enough-scrutineers"


def test_an_answer_to_an_old_challenge_or_another_poll_is_refused() -> None:
    for other in (
        liveness_context(key=KEY.key_id, poll_id="poll-3", challenge=b"fresh challenge 0"),
        liveness_context(key=KEY.key_id, poll_id="poll-4", challenge=b"fresh challenge 1"),
    ):
        stale = prove_liveness(other, 2, RUN.shares[2], seeded("stale"))
        with pytest.raises(ProofError) as caught:
            check_liveness(CONTEXT, KEY.verification_keys, [answer(1), stale], 2, "opening")
        assert str(caught.value) == (
            "opening[1] (scrutineer 2): the proof of knowledge (liveness) does not verify"
        )


def test_an_answer_without_the_share_is_refused() -> None:
    wrong = prove_liveness(CONTEXT, 3, RUN.shares[1], seeded("wrong"))
    with pytest.raises(ProofError):
        check_liveness(CONTEXT, KEY.verification_keys, [answer(1), wrong], 2, "opening")
