"""Election rounds in the meeting: which round a new poll may be, and the next round's definition.

domain-rules §3 "Rounds". A ``first`` round and a ``by_election`` (补选, 组织法 Art 30) stand on
their own; a ``runoff`` (再次投票, 组织法 Art 29) and a ``further`` election (另行选举, Art 29 ¶3)
follow an earlier poll of the same item, named by ``round.follows``, whose counted result calls
for them: a tie across the last seat for a runoff, unfilled seats for a further election. The
candidate count is checked by the round type (:func:`ballots.check_candidates`), never a
first-round rule on a later round.

:func:`runoff_definition` and :func:`further_definition` only prepare the next round's poll
definition from a result; the chair opens it as any other poll (the console offers the button),
so that opening, its quorum check and its audit entry stay in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ballots
from voting.core.checks import known_poll
from voting.core.records import Item, Poll
from voting.core.state import MeetingState
from voting.errors import CommandError, Conflict

#: 组织法 Art 18: the presidium's chair and vice-chairs are elected from among the deputies.
DEPUTIES_ONLY_OFFICES = frozenset({"chair"})
#: What an agenda item's ``rule.office_kind`` may say: ``chair`` (主席, 副主席, 主席团 members:
#: write-ins only of deputies) or ``government`` (镇长, 副镇长: anyone may be written in).
OFFICE_KINDS = frozenset({"chair", "government"})
RUNOFF_THRESHOLDS = ("plurality", "majority")
_ROUND_NAMES = {"runoff": ("再次投票", "a runoff"), "further": ("另行选举", "a further election")}


def office_rule(item: Item, state: MeetingState | None = None) -> dict[str, Any] | None:
    """The item's 差额 rule as :func:`ballots.check_candidates` reads it (no ``office_kind``);
    for a deputy post, the number of extra candidates the adopted election rules (选举办法)
    fix for this item, when they fix one."""
    if item.rule is None:
        return None
    rule = {k: v for k, v in item.rule.items() if k != "office_kind"}
    adopted = state.election_rules[1] if state and state.election_rules else {}
    extra = adopted.get("extra", {})
    if rule.get("office") == "deputy" and item.id in extra:
        rule["extra"] = extra[item.id]
    return rule


def deputies_only(item: Item) -> bool:
    """Whether only deputies may be written in for this item's office (组织法 Art 18)."""
    return item.rule is not None and item.rule.get("office_kind") in DEPUTIES_ONLY_OFFICES


def calls_for(poll: Poll, round_type: str) -> bool:
    """Whether a counted election result calls for a round of this type: a tie across the last
    seat calls for a ``runoff``, seats left unfilled for a ``further`` election."""
    if poll.status != "closed" or poll.result is None or poll.definition.get("kind") != "election":
        return False
    outcome = poll.result.get("outcome")
    if not isinstance(outcome, Mapping):
        return False
    if round_type == "runoff":
        return bool(outcome.get("runoff"))
    if round_type == "further":
        unfilled = outcome.get("unfilled")
        return isinstance(unfilled, int) and unfilled > 0
    return False


def followers(state: MeetingState, poll: str, round_type: str) -> list[Poll]:
    """The polls not voided that already hold a round of this type after ``poll``."""
    return [
        p
        for p in state.polls.values()
        if p.status != "voided"
        and p.definition.get("round", {}).get("type") == round_type
        and p.definition.get("round", {}).get("follows") == poll
    ]


def check_round(state: MeetingState, item: str, parsed: ballots.PollDefinition) -> None:
    """Refuse an election poll whose candidate count or earlier round does not fit its type."""
    agenda_item = state.items[item]
    try:
        ballots.check_candidates(parsed, office_rule(agenda_item, state))
    except ballots.CandidateCountError as error:
        raise CommandError("candidate-count", error.zh, error.en) from None
    round_type = parsed.round.type
    if round_type not in _ROUND_NAMES:
        return
    zh, en = _ROUND_NAMES[round_type]
    earlier = _earlier(state, item, parsed.round.follows, zh, en)
    if not calls_for(earlier, round_type):
        raise Conflict(
            "round-not-called",
            f"表决 {earlier.id} 的结果不需要{zh}",
            f"the result of poll {earlier.id} does not call for {en}",
        )
    if followers(state, earlier.id, round_type):
        raise Conflict(
            "round-exists",
            f"表决 {earlier.id} 之后已有{zh}，须先作废该表决",
            f"poll {earlier.id} already has {en}; void it first",
        )
    if round_type == "runoff":
        _same_tie(earlier, parsed)
    else:
        _unfilled_seats(earlier, parsed)


def _earlier(state: MeetingState, item: str, follows: str | None, zh: str, en: str) -> Poll:
    if follows is None:
        raise CommandError(
            "invalid-round", f"{zh}须写明所依据的表决（round.follows）", f"{en} needs round.follows"
        )
    earlier = state.polls.get(follows)
    if earlier is None or earlier.item != item:
        raise CommandError(
            "invalid-round",
            f"round.follows：本议程没有表决 {follows}",
            f"round.follows: item {item} has no poll {follows}",
        )
    if earlier.status != "closed" or earlier.result is None:
        raise Conflict(
            "round-not-called",
            f"表决 {follows} 尚未结束计票",
            f"poll {follows} has not been closed and counted",
        )
    return earlier


def _same_tie(earlier: Poll, parsed: ballots.PollDefinition) -> None:
    """组织法 Art 29: the runoff is held among exactly the tied candidates, for the seats left."""
    assert earlier.result is not None
    tie = earlier.result["outcome"]["runoff"]
    ids = sorted(candidate.id for candidate in parsed.candidates)
    if ids != sorted(tie["candidates"]) or parsed.seat_count != tie["seats"]:
        raise CommandError(
            "candidate-count",
            f"再次投票须在票数相等的候选人（{'、'.join(tie['candidates'])}）中进行，"
            f"应选{tie['seats']}名（组织法第二十九条）",
            f"a runoff is held among exactly the tied candidates {tie['candidates']} for"
            f" {tie['seats']} seat(s) (组织法 Art 29)",
        )


def _unfilled_seats(earlier: Poll, parsed: ballots.PollDefinition) -> None:
    assert earlier.result is not None
    unfilled = earlier.result["outcome"]["unfilled"]
    if parsed.seat_count != unfilled:
        raise CommandError(
            "invalid-round",
            f"另行选举的应选名额应为未选足的{unfilled}名，现为{parsed.seat_count}名",
            f"a further election is for the {unfilled} unfilled seat(s), got {parsed.seat_count}",
        )


def runoff_definition(
    state: MeetingState, *, poll: str, threshold: str | None = None
) -> dict[str, Any]:
    """The runoff (就票数相等的候选人再次投票) prepared from a poll's tied result; writes nothing.

    ``threshold`` defaults to the adopted election rules' ``runoff_threshold``, else the meeting
    setting ``runoff_threshold``, else ``plurality``.
    """
    earlier = _counted(state, poll, "runoff")
    adopted = state.election_rules[1] if state.election_rules else {}
    chosen = (
        threshold
        or adopted.get("runoff_threshold")
        or state.settings.get("runoff_threshold")
        or "plurality"
    )
    if chosen not in RUNOFF_THRESHOLDS:
        raise CommandError(
            "invalid-threshold",
            "再次投票的当选标准应为 plurality（得票多者当选）或 majority（过半数）",
            f'runoff threshold must be "plurality" or "majority", got {chosen!r}',
        )
    assert earlier.result is not None
    definition = ballots.runoff_from(
        earlier.definition,
        earlier.result,
        follows=earlier.id,
        threshold="majority" if chosen == "majority" else "plurality",
    )
    return _without_counts(definition)


def further_definition(
    state: MeetingState, *, poll: str, candidates: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """The further election (另行选举) for a poll's unfilled seats; writes nothing.

    ``candidates`` are the new nominations (tally-format entries), by default the listed
    candidates not elected; the office's 差额 rule is checked (组织法 Art 29 ¶3 → Art 27).
    """
    earlier = _counted(state, poll, "further")
    assert earlier.result is not None
    try:
        definition = ballots.further_from(
            earlier.definition, earlier.result, follows=earlier.id, candidates=candidates
        )
        ballots.check_candidates(definition, office_rule(state.items[earlier.item], state))
    except ballots.CandidateCountError as error:
        raise CommandError("candidate-count", error.zh, error.en) from None
    except ballots.InputError as error:
        raise CommandError(
            "invalid-definition", f"候选人有误：{error}", f"invalid candidates: {error}"
        ) from None
    return _without_counts(definition)


def _counted(state: MeetingState, poll: str, round_type: str) -> Poll:
    earlier = known_poll(state, poll)
    zh, en = _ROUND_NAMES[round_type]
    if not calls_for(earlier, round_type):
        raise Conflict(
            "round-not-called",
            f"表决 {poll} 的结果不需要{zh}",
            f"the result of poll {poll} does not call for {en}",
        )
    return earlier


def _without_counts(definition: dict[str, Any]) -> dict[str, Any]:
    """The server fills ``electorate`` and ``present`` when the round is opened."""
    return {k: v for k, v in definition.items() if k not in {"electorate", "present", "issued"}}
