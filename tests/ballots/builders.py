"""Small builders for tally-format documents used across the ballots tests."""

from __future__ import annotations

from typing import Any

NAMES = {"c1": "张三", "c2": "李四", "c3": "王五", "c4": "赵六", "c5": "孙七"}
VOID: dict[str, Any] = {"void": True}


def document(kind: str, ballots: list[Any], **poll: Any) -> dict[str, Any]:
    """A document with a 54-deputy electorate unless stated otherwise."""
    return {"poll": {"kind": kind, "electorate": 54, **poll}, "ballots": ballots}


def candidates(*ids: str) -> list[dict[str, str]]:
    return [{"id": cid, "name": NAMES.get(cid, cid)} for cid in ids]


def election(
    ballots: list[Any], *, seats: int = 1, ids: tuple[str, ...] = ("c1", "c2"), **poll: Any
):
    return document("election", ballots, seats=seats, candidates=candidates(*ids), **poll)


def selection(ballots: list[Any], *, seats: int, ids: tuple[str, ...], **poll: Any):
    projects = [{"id": pid, "name": f"项目{pid}"} for pid in ids]
    return document("selection", ballots, seats=seats, candidates=projects, **poll)


def evaluation(ballots: list[Any], *, ids: tuple[str, ...] = ("s1",), **poll: Any):
    subjects = [{"id": sid, "name": f"部门{sid}"} for sid in ids]
    return document("evaluation", ballots, subjects=subjects, **poll)


def vote(
    *chosen: str,
    against: tuple[str, ...] = (),
    abstain: tuple[str, ...] = (),
    write_ins: list[str] | dict[str, str] | None = None,
) -> dict[str, Any]:
    """An election or each-form ballot: ``for`` the ``chosen`` ids."""
    marks = {cid: "for" for cid in chosen}
    marks.update({cid: "against" for cid in against})
    marks.update({cid: "abstain" for cid in abstain})
    ballot: dict[str, Any] = {"marks": marks}
    if write_ins is not None:
        ballot["write_ins"] = write_ins
    return ballot


def choose(*ids: str) -> dict[str, Any]:
    return {"chosen": list(ids)}


def rate(**ratings: str) -> dict[str, Any]:
    return {"ratings": ratings}


def times(count: int, ballot: Any) -> list[Any]:
    return [ballot] * count
