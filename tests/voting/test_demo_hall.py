"""The demo's simulated hall, without a server: the ballots it marks and the keys it keeps."""

from __future__ import annotations

import random
import stat
from pathlib import Path

import pytest

import ballots
from ballots.crypto.shape import check_choice, shape_of
from ballots.definition import parse_poll
from devices.rehearsal.encrypted_vote import crypto_choice
from devices.tablet import Tablet
from voting import sample
from voting.demo_hall import COUNTER_MARGIN, WRITE_INS, choice_for, load_tablets, save_tablets

VOTERS = 200


@pytest.mark.parametrize(
    "item", [i for i in sample.agenda() if i.definition is not None], ids=lambda i: i.item
)
def test_every_ballot_the_hall_marks_is_valid(item: sample.SampleItem) -> None:
    assert item.definition is not None
    rng = random.Random(7)
    choices = [choice_for(item.definition, rng) for _ in range(VOTERS)]
    poll = dict(item.definition, electorate=VOTERS, present=VOTERS, issued=VOTERS)
    result = ballots.tally({"poll": poll, "ballots": choices})
    assert result["ballots"] == {"cast": VOTERS, "valid": VOTERS, "void": 0}
    # Each is also a valid plaintext of the poll's encrypted ballot (check_choice raises if not).
    shape = shape_of(parse_poll(poll))
    for choice in choices:
        check_choice(shape, crypto_choice(item.definition, choice))


def test_the_hall_writes_names_in_where_an_election_allows_it() -> None:
    (vice,) = [i for i in sample.agenda() if i.item == "i04"]
    assert vice.definition is not None and vice.definition["write_ins"] is True
    rng = random.Random(11)
    choices = [choice_for(vice.definition, rng) for _ in range(VOTERS)]
    written = [c for c in choices if "write_ins" in c]
    assert 0 < len(written) < VOTERS // 4
    for choice in written:
        ((instead, name),) = choice["write_ins"].items()
        assert (choice["marks"][instead], name in WRITE_INS) == ("against", True)
        backed = sum(1 for mark in choice["marks"].values() if mark == "for")
        assert backed + 1 <= vice.definition["seats"]
    poll = dict(vice.definition, electorate=VOTERS, present=VOTERS, issued=VOTERS)
    result = ballots.tally({"poll": poll, "ballots": choices})
    assert sum(result["write_ins"].values()) == len(written)


def test_a_motion_passes_in_a_hall_like_the_demo() -> None:
    """49 of 54 deputies present, as in the demo: the budget motion passes, with some against."""
    definition = {"kind": "motion", "title": "预算"}
    rng = random.Random(2026)
    choices = [choice_for(definition, rng) for _ in range(49)]
    poll = dict(definition, electorate=54, present=49, issued=49)
    result = ballots.tally({"poll": poll, "ballots": choices})
    assert result["outcome"] == {"passed": True}
    assert result["counts"]["for"] >= 28
    assert result["counts"]["against"] + result["counts"]["abstain"] > 0


def test_ranked_selections_are_not_simulated() -> None:
    definition = {"kind": "selection", "form": "rank", "seats": 2, "candidates": []}
    assert choice_for(definition, random.Random(1)) is None


def test_the_tablets_keys_and_counters_survive_a_restart(tmp_path: Path) -> None:
    store = tmp_path / "hall.json"
    tablet = Tablet(origin=sample.ORIGIN, device="simulated-d04", deputy="d04")
    tablet.sign_in()
    tablet.sign_in()
    save_tablets(store, {"d04": tablet})
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    loaded = load_tablets(store, sample.ORIGIN)
    assert list(loaded) == ["d04"]
    again = loaded["d04"]
    assert (again.device, again.deputy, again.public_key) == (
        "simulated-d04",
        "d04",
        tablet.public_key,
    )
    assert again.counter == 2 + COUNTER_MARGIN  # above anything sent after the last save


def test_no_store_means_no_tablets(tmp_path: Path) -> None:
    assert load_tablets(tmp_path / "hall.json", sample.ORIGIN) == {}
