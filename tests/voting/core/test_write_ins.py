"""Write-ins on paper ballots (代表法 Art 17: 另选他人 in place of a candidate marked 反对).

Encrypted ballots' write-ins are decrypted after a shuffle and ignored when they are no name:
``tests/voting/test_write_in_mix.py``."""

from __future__ import annotations

from tests.voting.core.elections import VICE, sitting
from voting import core


def test_a_paper_election_records_the_write_ins_the_rules_ignored() -> None:
    """Paper ballots: the scrutineers count the write-ins the rules ignored (代表法 Art 17)."""
    meeting = sitting()
    entries = core.open_poll(
        meeting.state,
        poll="p1",
        item="vice",
        definition=VICE,
        mode="manual",
        change_policy="last",
        by="chair",
    )
    meeting.commit(entries)
    counts = {
        c: {"for": n, "against": 5 - n, "abstain": 0}
        for c, n in zip(("c1", "c2", "c3"), (5, 3, 1), strict=True)
    }
    entered = core.enter_manual_result(
        meeting.state,
        poll="p1",
        issued=5,
        ballot_counts={"cast": 5, "valid": 5, "void": 0},
        counts=counts,
        write_ins={},
        write_ins_ignored=2,
        confirmed_by=["赵敏"],
        by="chair",
    )
    assert entered[1]["write_ins_ignored"] == 2
    assert entered[2]["result"]["write_ins_ignored"] == 2
    assert entered[2]["result"]["outcome"] == {
        "elected": ["c1", "c2"],
        "runoff": None,
        "unfilled": 0,
    }
