"""How many candidates an election round may put up for its seats, checked when a poll is made.

domain-rules §3 "Rounds": the check depends on the round, never a first-round rule on a later one.

- ``first`` and ``further`` (另行选举, 组织法 Art 29 ¶3 → Art 27): the office's 差额 rule, when the
  caller gives one — ``{"office": "head"}`` (主席, 镇长: one candidate more than the seats, or
  as many as the seats when only one is nominated, 等额) or ``{"office": "deputy", "extra": k}``
  (副主席, 副镇长: the seats plus k, k ∈ {1, 2, 3} fixed in the session's 选举办法). Without a
  rule, at least as many candidates as seats.
- ``runoff`` (再次投票, 组织法 Art 29): exactly the tied candidates, who are more than the
  remaining seats (else nothing is tied); no 差额 rule.
- ``by_election`` (补选, 组织法 Art 30): as many candidates as seats (等额) or more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ballots.definition import PollDefinition, parse_poll
from ballots.errors import InputError

_OFFICE_RULE_HELP = '{"office": "head"} or {"office": "deputy", "extra": 1..3}'


class CandidateCountError(InputError):
    """A round puts up a number of candidates its rule forbids; ``zh`` and ``en`` say why.

    ``path`` is ``poll.candidates``; ``problem`` (and ``str()``) gives both languages.
    """

    code = "candidate-count"

    def __init__(self, zh: str, en: str, path: str = "poll.candidates") -> None:
        super().__init__(path, f"{zh} / {en}")
        self.zh = zh
        self.en = en


def check_candidates(
    definition: PollDefinition | Mapping[str, Any], office_rule: Mapping[str, Any] | None = None
) -> None:
    """Raise :class:`CandidateCountError` if an election round's candidate count is unlawful.

    ``definition`` is a parsed poll or a tally-format ``poll`` object (then parsed first, which
    may raise :class:`InputError`); ``office_rule`` is the office's 差额 rule (see the module
    docstring), used by ``first`` and ``further`` rounds only. Polls of other kinds pass.
    """
    poll = definition if isinstance(definition, PollDefinition) else parse_poll(definition)
    if poll.kind != "election":
        return
    seats = poll.seat_count
    count = len(poll.candidates)
    round_type = poll.round.type
    if round_type == "runoff":
        if count <= seats:
            raise CandidateCountError(
                f"再次投票须在票数相等的候选人中进行，候选人数应多于应选名额{seats}名，"
                f"现为{count}名（组织法第二十九条）",
                f"a runoff is held among the tied candidates, who must be more than the"
                f" {seats} seat(s), got {count} (组织法 Art 29)",
            )
        return
    if round_type == "by_election":
        if count < seats:
            raise CandidateCountError(
                f"补选的候选人数应不少于应选名额{seats}名，现为{count}名（组织法第三十条）",
                f"a by-election needs at least as many candidates as seats ({seats}),"
                f" got {count} (组织法 Art 30)",
            )
        return
    _check_competition(office_rule, seats, count, further=round_type == "further")


def _check_competition(
    office_rule: Mapping[str, Any] | None, seats: int, count: int, *, further: bool
) -> None:
    """组织法 Art 27 (and Art 29 ¶3 for a further election): the 差额 rule of the office."""
    article_zh = "组织法第二十九条、第二十七条" if further else "组织法第二十七条"
    article_en = "组织法 Art 29 ¶3, Art 27" if further else "组织法 Art 27"
    what_zh = "另行选举" if further else "选举"
    what_en = "a further election" if further else "this election"
    if office_rule is None:
        allowed = range(seats, count + 1) if count >= seats else range(0)
        text_zh, text_en = f"不少于{seats}名", f"at least {seats}"
    elif office_rule.get("office") == "head" and set(office_rule) == {"office"}:
        allowed = range(seats, seats + 2)
        text_zh, text_en = f"{seats}或{seats + 1}名", f"{seats} or {seats + 1}"
    elif (
        office_rule.get("office") == "deputy"
        and set(office_rule) == {"office", "extra"}
        and office_rule["extra"] in (1, 2, 3)
        and not isinstance(office_rule["extra"], bool)
    ):
        wanted = seats + office_rule["extra"]
        allowed = range(wanted, wanted + 1)
        text_zh, text_en = f"{wanted}名", str(wanted)
    else:
        raise ValueError(f"unknown office rule {dict(office_rule)!r}: {_OFFICE_RULE_HELP}")
    if count not in allowed:
        raise CandidateCountError(
            f"{what_zh}的候选人数应为{text_zh}，现为{count}名（{article_zh}）",
            f"{what_en} needs {text_en} candidates for {seats} seat(s), got {count} ({article_en})",
        )
