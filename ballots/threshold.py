"""Thresholds: "more than 1/2 of all seated deputies" and its settings, in exact integers.

A count ``v`` meets a threshold with fraction ``p/q`` over a base ``b`` iff ``v·q > b·p``
(rule ``more_than``) or ``v·q ≥ b·p`` (rule ``at_least``). The default is the law's
"more than half of all seated deputies" (组织法 Art 25): base ``electorate``, ``more_than``, 1/2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from ballots.errors import InputError
from ballots.values import describe, expect_choice, expect_object, key_path, reject_unknown

Base = Literal["electorate", "present", "cast"]
Rule = Literal["more_than", "at_least"]

BASES: tuple[Base, ...] = get_args(Base)
RULES: tuple[Rule, ...] = get_args(Rule)

# At most nine digits each: a fraction of deputies never needs more.
_FRACTION = re.compile(r"([1-9][0-9]{0,8})/([1-9][0-9]{0,8})")


@dataclass(frozen=True)
class Threshold:
    """Which share of which base a count must reach.

    ``base``: ``electorate`` (seated deputies), ``present`` (deputies signed in) or ``cast``
    (valid ballots). ``numerator``/``denominator``: the fraction ``p/q``, ``0 < p ≤ q``.
    """

    base: Base = "electorate"
    rule: Rule = "more_than"
    numerator: int = 1
    denominator: int = 2

    @property
    def fraction(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    def meets(self, count: int, base: int) -> bool:
        """Whether ``count`` votes meet the threshold when the base counts ``base``."""
        if self.rule == "more_than":
            return count * self.denominator > base * self.numerator
        return count * self.denominator >= base * self.numerator

    def required(self, base: int) -> int:
        """The smallest count that meets the threshold when the base counts ``base``."""
        share = base * self.numerator
        if self.rule == "more_than":
            return share // self.denominator + 1
        return -(-share // self.denominator)


DEFAULT_THRESHOLD = Threshold()


def parse_threshold(value: object, path: str) -> Threshold:
    """Read a ``threshold`` object; each of its three fields defaults as in :class:`Threshold`."""
    obj: dict[str, Any] = dict(expect_object(value, path))
    reject_unknown(obj, ("base", "rule", "fraction"), path)
    base = DEFAULT_THRESHOLD.base
    rule = DEFAULT_THRESHOLD.rule
    numerator, denominator = DEFAULT_THRESHOLD.numerator, DEFAULT_THRESHOLD.denominator
    if "base" in obj:
        base = cast(Base, expect_choice(obj["base"], key_path(path, "base"), BASES))
    if "rule" in obj:
        rule = cast(Rule, expect_choice(obj["rule"], key_path(path, "rule"), RULES))
    if "fraction" in obj:
        numerator, denominator = parse_fraction(obj["fraction"], key_path(path, "fraction"))
    return Threshold(base, rule, numerator, denominator)


def parse_fraction(value: object, path: str) -> tuple[int, int]:
    """``"p/q"`` with whole numbers ``0 < p ≤ q``, as ``(p, q)``."""
    match = _FRACTION.fullmatch(value) if isinstance(value, str) else None
    if match is not None:
        numerator, denominator = int(match[1]), int(match[2])
        if numerator <= denominator:
            return numerator, denominator
    problem = f'expected "p/q" with whole numbers 0 < p ≤ q, got {describe(value)}'
    raise InputError(path, problem)
