"""Election rounds: which vote an election poll is, and so which rules apply to it.

domain-rules §3 "Rounds": ``first`` (the 差额 rule, Art 27), ``runoff`` (再次投票 among exactly
the tied candidates, 组织法 Art 29), ``further`` (另行选举 for unfilled seats, Art 29 ¶3) and
``by_election`` (补选, Art 30). The tally-format field is ``round``::

    {"type": "runoff", "follows": "p-7", "threshold": "plurality"}

``follows`` (any type but ``first``, optional) names the poll whose result this round follows;
counting does not use it. ``threshold`` (runoffs only) is ``plurality`` — the most ``for`` votes
among the tied take the seats (「就票数相等的人再次投票，以得票多的当选」) — or ``majority`` — the
poll's ``threshold``, as in the first round — as the session's 选举办法 says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast, get_args

from ballots.errors import InputError
from ballots.values import expect_choice, expect_object, expect_str, key_path, reject_unknown

RoundType = Literal["first", "runoff", "further", "by_election"]
RunoffThreshold = Literal["plurality", "majority"]

ROUND_TYPES: tuple[RoundType, ...] = get_args(RoundType)
RUNOFF_THRESHOLDS: tuple[RunoffThreshold, ...] = get_args(RunoffThreshold)


@dataclass(frozen=True)
class Round:
    """An election poll's round: its type, the poll it follows, a runoff's threshold.

    ``threshold`` is ``None`` for every type but ``runoff``, where it defaults to ``plurality``.
    """

    type: RoundType = "first"
    follows: str | None = None
    threshold: RunoffThreshold | None = None

    @property
    def plurality(self) -> bool:
        """Whether the most votes win without a threshold (a plurality runoff)."""
        return self.threshold == "plurality"

    @property
    def takes_write_ins(self) -> bool:
        """A runoff is held among the tied candidates only: its write-ins are ignored."""
        return self.type != "runoff"

    def to_json(self) -> dict[str, str]:
        """The ``round`` object of the tally format, every default written out."""
        obj: dict[str, str] = {"type": self.type}
        if self.follows is not None:
            obj["follows"] = self.follows
        if self.threshold is not None:
            obj["threshold"] = self.threshold
        return obj


FIRST_ROUND = Round()


def parse_round(value: object, path: str) -> Round:
    """Read a ``round`` object; raise :class:`InputError` naming the bad field."""
    obj = expect_object(value, path)
    reject_unknown(obj, ("type", "follows", "threshold"), path)
    if "type" not in obj:
        raise InputError(key_path(path, "type"), "missing field")
    round_type = cast(RoundType, expect_choice(obj["type"], key_path(path, "type"), ROUND_TYPES))
    follows = None
    if "follows" in obj:
        if round_type == "first":
            raise InputError(key_path(path, "follows"), "a first round follows no earlier poll")
        follows = expect_str(obj["follows"], key_path(path, "follows"))
    threshold: RunoffThreshold | None = None
    if round_type == "runoff":
        threshold = "plurality"
        if "threshold" in obj:
            threshold = cast(
                RunoffThreshold,
                expect_choice(obj["threshold"], key_path(path, "threshold"), RUNOFF_THRESHOLDS),
            )
    elif "threshold" in obj:
        raise InputError(
            key_path(path, "threshold"), f'only a runoff has a round threshold, not "{round_type}"'
        )
    return Round(round_type, follows, threshold)
