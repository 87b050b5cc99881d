"""The quorum: how many of a body's members must be present for it to vote.

The plenary (全体会议): two thirds or more of seated deputies (组织法 Art 14:
「三分之二以上的代表出席，始得举行」); "以上" includes the bound, so with 54 seated deputies 36
present is a quorum and 35 is not. The presidium (主席团) meets under the provincial rules, in
several provinces (e.g. 浙江, 重庆) more than half of its members: rule ``majority``
(domain-rules §1 "Bodies", a setting per body).
"""

from __future__ import annotations

from typing import Literal, get_args

QuorumRule = Literal["two_thirds", "majority"]
QUORUM_RULES: tuple[QuorumRule, ...] = get_args(QuorumRule)


def quorum_met(present: int, electorate: int, rule: QuorumRule = "two_thirds") -> bool:
    """Whether ``present`` members make a quorum of a body of ``electorate`` under ``rule``.

    ``two_thirds``: ``3·present ≥ 2·electorate``; ``majority``: ``2·present > electorate``.
    """
    if rule == "two_thirds":
        return 3 * present >= 2 * electorate
    if rule == "majority":
        return 2 * present > electorate
    raise ValueError(f"unknown quorum rule {rule!r}, expected one of {', '.join(QUORUM_RULES)}")
