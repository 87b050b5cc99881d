"""The scenario of a dress rehearsal, read from a JSON plan under ``examples/rehearsal/``.

A plan names the sitting, the names to give the simulated deputies and the polls to hold in
order. Each poll carries its tally-format definition, how the simulated deputies vote in it
(weights for a seeded random generator) and, optionally, which tablet loses its connection after
sending its vote. ``examples/rehearsal/README.md`` documents the fields; :func:`load_plan` checks
them and names the first bad one.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import devices

__all__ = [
    "PLANS_DIR",
    "STANDARD_PLAN",
    "Plan",
    "PlanError",
    "PollPlan",
    "ballot_for",
    "load_plan",
]

#: ``examples/rehearsal/`` of the source tree this package runs from.
PLANS_DIR: Final = Path(devices.__file__).resolve().parent.parent / "examples" / "rehearsal"
#: The sitting ``congress simulate`` rehearses: five polls, one of each kind and mode.
STANDARD_PLAN: Final = PLANS_DIR / "standard-sitting.json"

MODES: Final = ("encrypted", "named")
KINDS: Final = ("motion", "election", "selection", "evaluation")


class PlanError(ValueError):
    """A plan file cannot be read or a field is missing or wrong; the message names it."""


@dataclass(frozen=True)
class PollPlan:
    """One poll of the sitting."""

    poll: str
    item: str
    title: str
    mode: str  # encrypted | named
    #: The tally format's ``poll`` object without the electorate, present and issued counts.
    definition: dict[str, Any]
    #: How the simulated deputies vote (see ``examples/rehearsal/README.md``).
    ballots: dict[str, Any]
    #: The agenda item's election rule, if any.
    rule: dict[str, Any] | None = None
    #: The tablet (index from 0) that loses its connection after sending its vote.
    drop_tablet: int | None = None

    @property
    def kind(self) -> str:
        return str(self.definition["kind"])


@dataclass(frozen=True)
class Plan:
    """A whole sitting: its title, the deputies' names and the polls in order."""

    title: str
    surnames: str
    given_names: tuple[str, ...]
    polls: tuple[PollPlan, ...]

    def deputy_name(self, index: int) -> str:
        """The name of the deputy at ``index`` (names repeat in a large roster)."""
        surname = self.surnames[index % len(self.surnames)]
        return surname + self.given_names[index % len(self.given_names)]


def load_plan(path: Path = STANDARD_PLAN) -> Plan:
    """Read and check the plan at ``path``; raises :class:`PlanError` naming the bad field."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PlanError(f"rehearsal plan {path} cannot be read: {error}") from None
    where = f"rehearsal plan {path}"
    plan = _object(document, where)
    roster = _object(plan.get("roster"), f"{where}: roster")
    surnames = _text(roster.get("surnames"), f"{where}: roster.surnames")
    given = roster.get("given_names")
    if not isinstance(given, list) or not given:
        raise PlanError(f"{where}: roster.given_names must be a non-empty list of names")
    polls = plan.get("polls")
    if not isinstance(polls, list) or not polls:
        raise PlanError(f"{where}: polls must be a non-empty list")
    return Plan(
        title=_text(plan.get("title"), f"{where}: title"),
        surnames=surnames,
        given_names=tuple(_text(name, f"{where}: roster.given_names") for name in given),
        polls=tuple(_poll(poll, f"{where}: polls[{n}]") for n, poll in enumerate(polls)),
    )


def _poll(value: Any, where: str) -> PollPlan:
    poll = _object(value, where)
    mode = poll.get("mode")
    if mode not in MODES:
        raise PlanError(f"{where}: mode must be one of {', '.join(MODES)}, not {mode!r}")
    definition = _object(poll.get("definition"), f"{where}: definition")
    kind = definition.get("kind")
    if kind not in KINDS:
        raise PlanError(f"{where}: definition.kind must be one of {', '.join(KINDS)}")
    drop = poll.get("drop_tablet")
    if drop is not None and (not isinstance(drop, int) or isinstance(drop, bool) or drop < 0):
        raise PlanError(f"{where}: drop_tablet must be a tablet index from 0, not {drop!r}")
    rule = poll.get("rule")
    if rule is not None:
        rule = dict(_object(rule, f"{where}: rule"))
    ballots = _object(poll.get("ballots"), f"{where}: ballots")
    for field in _BALLOT_FIELDS[kind]:
        _weights(ballots.get(field), f"{where}: ballots.{field}")
    if "how_many" in ballots and not all(key.isdigit() for key in ballots["how_many"]):
        raise PlanError(f'{where}: the keys of ballots.how_many must be counts such as "2"')
    fixed = ballots.get("fixed")
    if fixed is not None:
        fixed = _object(fixed, f"{where}: ballots.fixed")
        every, offset = fixed.get("every"), fixed.get("offset")
        if not (isinstance(every, int) and isinstance(offset, int) and 0 <= offset < every):
            raise PlanError(f"{where}: ballots.fixed needs every > offset >= 0")
        _object(fixed.get("ballot"), f"{where}: ballots.fixed.ballot")
    return PollPlan(
        poll=_text(poll.get("poll"), f"{where}: poll"),
        item=_text(poll.get("item"), f"{where}: item"),
        title=_text(poll.get("title"), f"{where}: title"),
        mode=mode,
        definition=dict(definition),
        ballots=dict(ballots),
        rule=rule,
        drop_tablet=drop,
    )


#: The weight tables each kind of poll needs under ``ballots``.
_BALLOT_FIELDS: Final = {
    "motion": ("choice",),
    "election": ("support", "how_many", "otherwise"),
    "selection": ("support", "how_many"),
    "evaluation": ("rating",),
}


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PlanError(f"{where} must be a JSON object")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise PlanError(f"{where} must be a non-empty string")
    return value


def _weights(value: Any, where: str) -> Mapping[str, int]:
    if (
        not isinstance(value, dict)
        or not value
        or not all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in value.values())
    ):
        raise PlanError(f"{where} must be an object of positive integer weights")
    return value


# Choosing ballots -------------------------------------------------------------------------------


def ballot_for(plan: PollPlan, index: int, rng: random.Random) -> Any:
    """The choice the deputy at ``index`` makes in ``plan``, drawn from ``rng`` with the plan's
    weights (a ``fixed`` ballot is cast by every ``every``-th deputy from ``offset``)."""
    how = plan.ballots
    fixed = how.get("fixed")
    if fixed is not None and index % fixed["every"] == fixed["offset"]:
        return copy.deepcopy(fixed["ballot"])
    if plan.kind == "motion":
        return _draw(rng, how["choice"])
    if plan.kind == "evaluation":
        return {
            "ratings": {s["id"]: _draw(rng, how["rating"]) for s in plan.definition["subjects"]}
        }
    ids = [c["id"] for c in plan.definition["candidates"]]
    count = int(_draw(rng, how["how_many"]))
    backed = _sample(rng, ids, [how["support"].get(c, 1) for c in ids], count)
    if plan.kind == "selection":
        return {"chosen": sorted(backed)}
    return {"marks": {c: "for" if c in backed else _draw(rng, how["otherwise"]) for c in ids}}


def _draw(rng: random.Random, weights: Mapping[str, int]) -> str:
    """One key of ``weights``, drawn with those weights."""
    return rng.choices(list(weights), list(weights.values()))[0]


def _sample(rng: random.Random, items: Sequence[str], weights: Sequence[int], k: int) -> list[str]:
    """``k`` distinct items, each draw weighted."""
    pool, chosen = list(zip(items, weights, strict=True)), []
    for _ in range(min(k, len(pool))):
        pick = rng.choices(range(len(pool)), [w for _, w in pool])[0]
        chosen.append(pool.pop(pick)[0])
    return chosen
