"""Property tests: ``tally`` against a naive recount, determinism, and ballot order.

The recount below is written from the rules alone, ballot by ballot, with no shortcut and no
code from ``ballots`` (fractions for thresholds, linear searches, plain loops). Elections cover
every round type (组织法 Art 29 runoffs by plurality or majority, Art 29 ¶3 further elections,
Art 30 by-elections) and both write-in forms, keyed and list (代表法 Art 17: a write-in counts
only in place of a candidate marked 反对), with names in NFC and NFD spellings, blank names,
names of listed candidates and eligibility lists (组织法 Art 18).
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import unicodedata
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ballots import tally

DEFAULT_LEVELS = ["satisfied", "basically_satisfied", "dissatisfied"]
WRITE_IN_POOL = [
    "刘备",
    " 刘备",
    "关羽",
    "张飞 ",
    "c1",
    "甲",
    "诸葛亮",
    "候选人c2",
    "Zoë",
    "Zoe\u0308",  # NFD of the name above
    "Lǚ Bù",
    "Lu\u0308\u030c Bu\u0300",  # NFD of the name above
    "",
    "  ",
]
# Persons who may be written in, each in the spellings a roster may use.
ELIGIBLE_POOL = [["刘备", " 刘备"], ["Zoë", "Zoe\u0308"], ["Lǚ Bù"], ["关羽"], ["c1"]]
ROUND_TYPES = ["first", "runoff", "further", "by_election"]


def same_name(name: str) -> str:
    """The spelling a person's name is compared in: NFC, no surrounding spaces."""
    return unicodedata.normalize("NFC", name).strip()


# --- the naive recount ---------------------------------------------------------------------


def recount(document: dict[str, Any]) -> dict[str, Any]:
    poll = document["poll"]
    ballots = document["ballots"]
    kind = poll["kind"]
    electorate = poll["electorate"]
    present = poll.get("present")
    issued = poll.get("issued", present if present is not None else electorate)
    threshold = poll.get("threshold", {})
    base_name = threshold.get("base", "electorate")
    rule = threshold.get("rule", "more_than")
    p, q = (int(part) for part in threshold.get("fraction", "1/2").split("/"))

    round_ = poll.get("round", {"type": "first"})
    is_runoff = round_["type"] == "runoff"
    plurality = is_runoff and round_.get("threshold", "plurality") == "plurality"
    cast = len(ballots)
    void = 0
    ignored = 0
    write_ins: dict[str, int] = {}
    counts: dict[str, Any]
    if kind == "motion":
        counts = {"for": 0, "against": 0, "abstain": 0}
        for ballot in ballots:
            if isinstance(ballot, dict):
                void += 1
            else:
                counts[ballot] += 1
    elif kind == "election":
        ids = [c["id"] for c in poll["candidates"]]
        listed = {same_name(c) for c in ids}
        listed |= {same_name(c["name"]) for c in poll["candidates"] if "name" in c}
        roster = poll.get("write_in_eligible")
        eligible = None if roster is None else [same_name(name) for name in roster]
        kept = []
        for ballot in ballots:
            if "void" in ballot:
                void += 1
                continue
            marks = ballot["marks"]
            crossed_out = [c for c in ids if marks.get(c) == "against"]
            given = ballot.get("write_ins", [])
            if isinstance(given, dict):  # keyed: in place of the candidate it names
                written = [
                    (same_name(name), marks.get(c) == "against") for c, name in given.items()
                ]
            else:  # a list: as many as the ballot has 反对 marks, in order
                written = [(same_name(name), True) for name in given]
            names: list[str] = []
            for name, in_place_of_against in written:
                if (
                    not is_runoff
                    and in_place_of_against
                    and name != ""
                    and name not in listed
                    and (eligible is None or name in eligible)
                    and name not in names
                    and (isinstance(given, dict) or len(names) < len(crossed_out))
                ):
                    names.append(name)
            chosen = len([c for c in ids if marks.get(c) == "for"]) + len(names)
            if chosen > poll["seats"]:
                void += 1
            else:
                kept.append((marks, names))
                ignored += len(written) - len(names)
        counts = {}
        for c in ids:
            marks = [m.get(c, "abstain") for m, _ in kept]
            counts[c] = {mark: marks.count(mark) for mark in ("for", "against", "abstain")}
        for _, names in kept:
            for name in names:
                write_ins[name] = write_ins.get(name, 0) + 1
    elif kind == "selection" and poll.get("form", "choose") == "choose":
        counts = {c["id"]: {"for": 0} for c in poll["candidates"]}
        for ballot in ballots:
            if "void" in ballot or len(ballot["chosen"]) > poll["seats"]:
                void += 1
                continue
            for pid in ballot["chosen"]:
                counts[pid]["for"] += 1
    elif kind == "selection":
        counts = {c["id"]: {"for": 0, "against": 0, "abstain": 0} for c in poll["candidates"]}
        for ballot in ballots:
            if "void" in ballot:
                void += 1
                continue
            for pid in counts:
                counts[pid][ballot["marks"].get(pid, "abstain")] += 1
    else:
        levels = poll.get("levels", DEFAULT_LEVELS)
        counts = {s["id"]: dict.fromkeys(levels, 0) for s in poll["subjects"]}
        for ballot in ballots:
            if "void" in ballot:
                void += 1
                continue
            for sid, level in ballot["ratings"].items():
                counts[sid][level] += 1
    valid = cast - void

    base = {"electorate": electorate, "present": present, "cast": valid}[base_name]

    def meets(votes: int) -> bool:
        share = Fraction(p, q) * base
        return votes > share if rule == "more_than" else votes >= share

    required = None if plurality else next(v for v in itertools.count() if meets(v))

    def seats_outcome(order: list[tuple[str, int]], seats: int) -> dict[str, Any]:
        qualified = [(name, votes) for name, votes in order if plurality or meets(votes)]
        ranked = sorted(qualified, key=lambda item: item[1], reverse=True)
        if len(ranked) <= seats:
            return {
                "elected": [n for n, _ in ranked],
                "runoff": None,
                "unfilled": seats - len(ranked),
            }
        cut = ranked[seats - 1][1]
        ahead = [n for n, v in ranked if v > cut]
        tied = [n for n, v in qualified if v == cut]
        if len(ahead) + len(tied) == seats:
            return {"elected": [n for n, _ in ranked[:seats]], "runoff": None, "unfilled": 0}
        return {
            "elected": ahead,
            "runoff": {"candidates": tied, "seats": seats - len(ahead)},
            "unfilled": 0,
        }

    if kind == "motion":
        outcome: Any = {"passed": meets(counts["for"])}
        counts["not_voted"] = None if present is None else max(0, present - cast)
    elif kind in ("election", "selection"):
        order = [(pid, counts[pid]["for"]) for pid in counts] + sorted(write_ins.items())
        outcome = seats_outcome(order, poll["seats"])
    else:
        levels = poll.get("levels", DEFAULT_LEVELS)
        ratings = {}
        for sid, by_level in counts.items():
            ratings[sid] = levels[-1]
            for k in range(1, len(levels)):
                if meets(sum(by_level[level] for level in levels[:k])):
                    ratings[sid] = levels[k - 1]
                    break
        depth = max(1, len(levels) - 1)
        sids = list(counts)

        def key(i: int) -> tuple[list[int], int]:
            by_level = counts[sids[i]]
            return [-sum(by_level[lv] for lv in levels[:k]) for k in range(1, depth + 1)], i

        outcome = {
            "ratings": ratings,
            "ranking": [sids[i] for i in sorted(range(len(sids)), key=key)],
        }

    result = {
        "kind": kind,
        "electorate": electorate,
        "present": present,
        "issued": issued,
        "quorum_met": None
        if present is None
        else (
            2 * present > electorate
            if poll.get("quorum") == "majority"
            else 3 * present >= 2 * electorate
        ),
        "round_valid": cast <= issued,
        "ballots": {"cast": cast, "valid": valid, "void": void},
        "required": required,
        "counts": counts,
        "outcome": outcome if cast <= issued else None,
    }
    if kind == "election":
        result["write_ins"] = write_ins
        if ignored:
            result["write_ins_ignored"] = ignored
    return result


# --- documents -----------------------------------------------------------------------------

VOID_BALLOT: Any = st.just({"void": True})
MARK = st.sampled_from(["for", "against", "abstain", None])


def marks_for(ids: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.lists(MARK, min_size=len(ids), max_size=len(ids)).map(
        lambda chosen: {i: m for i, m in zip(ids, chosen, strict=True) if m is not None}
    )


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["motion", "election", "selection", "evaluation"]))
    electorate = draw(st.integers(1, 25))
    poll: dict[str, Any] = {"kind": kind, "electorate": electorate}
    if draw(st.booleans()):
        poll["present"] = draw(st.integers(0, electorate))
    if draw(st.booleans()):
        poll["issued"] = draw(st.integers(0, electorate))
    if draw(st.booleans()):
        poll["quorum"] = draw(st.sampled_from(["two_thirds", "majority"]))
    round_type = draw(st.sampled_from(ROUND_TYPES)) if kind == "election" else "first"
    plurality = round_type == "runoff" and draw(st.booleans())
    if kind == "election" and (round_type != "first" or draw(st.booleans())):
        poll["round"] = {"type": round_type}
        if round_type == "runoff":
            if plurality:
                if draw(st.booleans()):
                    poll["round"]["threshold"] = "plurality"
            else:
                poll["round"]["threshold"] = "majority"
    if not plurality and draw(st.booleans()):
        q = draw(st.integers(1, 4))
        bases = ["electorate", "cast"] + (["present"] if "present" in poll else [])
        poll["threshold"] = {
            "base": draw(st.sampled_from(bases)),
            "rule": draw(st.sampled_from(["more_than", "at_least"])),
            "fraction": f"{draw(st.integers(1, q))}/{q}",
        }
    size = st.integers(0, 30)
    ids = [f"c{i}" for i in range(1, draw(st.integers(2 if round_type == "runoff" else 1, 4)) + 1)]
    if kind == "motion":
        ballot = st.one_of(st.sampled_from(["for", "against", "abstain"]), VOID_BALLOT)
    elif kind == "election":
        poll["seats"] = draw(st.integers(1, len(ids) + 1))
        poll["candidates"] = [{"id": i, "name": f"候选人{i}"} for i in ids]
        if len(ids) >= 3 and draw(st.booleans()):
            poll["candidates"][2]["name"] = "Zoe\u0308"
        allowed = draw(st.booleans())
        if round_type == "runoff":  # a runoff takes none, but tellers may enter what is written
            if not allowed:
                poll["write_ins"] = False
            allowed = True
        else:
            poll["write_ins"] = allowed
        if draw(st.booleans()):
            people = draw(st.lists(st.sampled_from(ELIGIBLE_POOL), unique_by=id, max_size=3))
            poll["write_in_eligible"] = [draw(st.sampled_from(spellings)) for spellings in people]
        name = st.sampled_from(WRITE_IN_POOL)
        listed = st.lists(name, max_size=3)
        keyed = st.dictionaries(st.sampled_from(ids), name, max_size=len(ids))
        plain = st.builds(lambda m: {"marks": m}, marks_for(ids))
        with_write_ins = st.builds(
            lambda m, w: {"marks": m, "write_ins": w}, marks_for(ids), st.one_of(listed, keyed)
        )
        ballot = (
            st.one_of(plain, with_write_ins, VOID_BALLOT)
            if allowed
            else st.one_of(plain, VOID_BALLOT)
        )
    elif kind == "selection":
        poll["seats"] = draw(st.integers(1, len(ids)))
        poll["candidates"] = [{"id": i} for i in ids]
        poll["form"] = draw(st.sampled_from(["choose", "each"]))
        if poll["form"] == "choose":
            chosen = st.lists(st.sampled_from(ids), unique=True).map(lambda c: {"chosen": c})
            ballot = st.one_of(chosen, VOID_BALLOT)
        else:
            ballot = st.one_of(st.builds(lambda m: {"marks": m}, marks_for(ids)), VOID_BALLOT)
    else:
        poll["subjects"] = [{"id": i} for i in ids]
        levels = draw(st.sampled_from([DEFAULT_LEVELS, ["好"], ["好", "差"], ["A", "B", "C", "D"]]))
        if levels is not DEFAULT_LEVELS or draw(st.booleans()):
            poll["levels"] = levels
        level = st.sampled_from([*levels, None])
        ratings = st.lists(level, min_size=len(ids), max_size=len(ids)).map(
            lambda chosen: {"ratings": {i: lv for i, lv in zip(ids, chosen, strict=True) if lv}}
        )
        ballot = st.one_of(ratings, VOID_BALLOT)
    return {"poll": poll, "ballots": draw(st.lists(ballot, max_size=draw(size)))}


def as_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2).encode()


@settings(max_examples=400, deadline=None)
@given(documents())
def test_tally_equals_naive_recount(document: dict[str, Any]) -> None:
    assert tally(document) == recount(document)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_same_input_same_bytes(document: dict[str, Any]) -> None:
    first = as_json(tally(document))
    assert as_json(tally(copy.deepcopy(document))) == first
    assert as_json(tally(json.loads(json.dumps(document)))) == first


@settings(max_examples=200, deadline=None)
@given(documents(), st.randoms(use_true_random=False))
def test_ballot_order_does_not_matter(document: dict[str, Any], rng: random.Random) -> None:
    shuffled = copy.deepcopy(document)
    rng.shuffle(shuffled["ballots"])
    assert tally(shuffled) == tally(document)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_results_hold_no_floats(document: dict[str, Any]) -> None:
    def walk(value: Any) -> None:
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(tally(document))
