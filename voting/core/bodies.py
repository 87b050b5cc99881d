"""Bodies that vote and what the plenary adopts by vote: the presidium, the election rules
(选举办法) and the scrutineers (总监票人, 监票人, 计票人).

A meeting has the plenary (全体会议: every seated deputy, quorum two thirds, 组织法 Art 14) and,
once the plenary adopts its list, the presidium (主席团: its members only, quorum the meeting
setting ``presidium_quorum``, ``two_thirds`` by default or ``majority``). An agenda item says
which body votes (``body``, default ``plenary``).

A motion item may carry ``adopts``: exactly one of

- ``{"presidium": [deputy ids]}`` — the presidium's members;
- ``{"election_rules": {"runoff_threshold": "plurality" | "majority", "extra": {item: 1..3},
  "write_ins": bool}}`` — the session's 选举办法 (every key optional);
- ``{"scrutineers": {"chief": [ids], "scrutineers": [ids], "tellers": [ids],
  "relatives": {deputy: [candidate names]}}}`` — 总监票人, 监票人, 计票人, and the close
  relatives of candidates declared among them (who may then not serve).

When a poll on such an item passes, a ``motion_adopted`` entry follows its ``result``: from then
on the adopted settings hold, until another adopted motion of the same kind replaces them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import ballots
from voting.core.records import Item, Poll
from voting.core.state import MeetingState
from voting.core.types import SEATED_STATUSES, Entry
from voting.errors import CommandError, Conflict, Forbidden

BODIES: Final = frozenset({"plenary", "presidium"})
QUORUM_RULES: Final = frozenset({"two_thirds", "majority"})
ADOPTABLE: Final = ("presidium", "election_rules", "scrutineers")
SCRUTINEER_ROLES: Final = ("chief", "scrutineers", "tellers")
ROLE_NAMES: Final = {"chief": "总监票人", "scrutineers": "监票人", "tellers": "计票人"}
RULE_KEYS: Final = frozenset({"runoff_threshold", "extra", "write_ins"})


def _invalid(where: str, zh: str, en: str) -> CommandError:
    return CommandError("invalid-agenda", f"{where}: {zh}", f"{where}: {en}")


# Agenda shapes ------------------------------------------------------------------------------


def body_shape(value: Any, where: str) -> str:
    """An item's ``body``: ``plenary`` (the default) or ``presidium``."""
    if value is None:
        return "plenary"
    if value not in BODIES:
        raise _invalid(
            f"{where}.body", "表决机构应为 plenary 或 presidium", f"unknown body {value!r}"
        )
    return str(value)


def adopts_shape(state: MeetingState, value: Any, kind: str, where: str) -> dict[str, Any]:
    """Check an item's ``adopts`` (see the module) and return it as written to the log."""
    where = f"{where}.adopts"
    if kind != "motion":
        raise _invalid(where, "只有议案可以通过名单或办法", "only a motion adopts settings")
    if not isinstance(value, Mapping) or len(value) != 1 or next(iter(value)) not in ADOPTABLE:
        raise _invalid(
            where,
            "应为 presidium、election_rules 或 scrutineers 之一",
            f"expected one key of {list(ADOPTABLE)}",
        )
    key, inner = next(iter(value.items()))
    if key == "presidium":
        return {"presidium": _deputies(state, inner, f"{where}.presidium", allow_empty=False)}
    if key == "election_rules":
        return {"election_rules": _rules_shape(inner, f"{where}.election_rules")}
    return {"scrutineers": _scrutineers_shape(state, inner, f"{where}.scrutineers")}


def _deputies(state: MeetingState, value: Any, where: str, *, allow_empty: bool) -> list[str]:
    if not isinstance(value, list) or (not value and not allow_empty):
        raise _invalid(where, "应为代表编号列表", "expected a list of deputy ids")
    if len(set(map(str, value))) != len(value):
        raise _invalid(where, "代表编号重复", "a deputy is listed twice")
    for deputy in value:
        member = state.roster.get(deputy) if isinstance(deputy, str) else None
        if member is None or member.status not in SEATED_STATUSES:
            raise _invalid(
                where, f"{deputy} 不是本次会议的代表", f"{deputy!r} is not a seated deputy"
            )
    return list(value)


def _rules_shape(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not set(value) <= RULE_KEYS or not value:
        raise _invalid(where, "选举办法的设置无效", f"expected some of {sorted(RULE_KEYS)}")
    rules: dict[str, Any] = {}
    if "runoff_threshold" in value:
        if value["runoff_threshold"] not in ("plurality", "majority"):
            raise _invalid(
                f"{where}.runoff_threshold",
                "应为 plurality 或 majority",
                'expected "plurality" or "majority"',
            )
        rules["runoff_threshold"] = value["runoff_threshold"]
    if "extra" in value:
        extra = value["extra"]
        if not isinstance(extra, Mapping) or not all(
            isinstance(k, str) and type(v) is int and 1 <= v <= 3 for k, v in extra.items()
        ):
            raise _invalid(
                f"{where}.extra",
                "差额数应为每个选举议程 1 至 3 名",
                "expected {election item: 1..3}",
            )
        rules["extra"] = dict(extra)
    if "write_ins" in value:
        if type(value["write_ins"]) is not bool:
            raise _invalid(f"{where}.write_ins", "应为 true 或 false", "expected a boolean")
        rules["write_ins"] = value["write_ins"]
    return rules


def _scrutineers_shape(state: MeetingState, value: Any, where: str) -> dict[str, Any]:
    allowed = {*SCRUTINEER_ROLES, "relatives"}
    if not isinstance(value, Mapping) or not set(value) <= allowed or "chief" not in value:
        raise _invalid(
            where, "应列出总监票人（chief）等", f"expected chief and some of {sorted(allowed)}"
        )
    chosen: dict[str, Any] = {}
    for role in SCRUTINEER_ROLES:
        if role in value:
            chosen[role] = _deputies(state, value[role], f"{where}.{role}", allow_empty=False)
    everyone = [d for role in SCRUTINEER_ROLES for d in chosen.get(role, [])]
    if len(set(everyone)) != len(everyone):
        raise _invalid(where, "同一人不能担任两项职务", "a person holds two of the roles")
    relatives = value.get("relatives", {})
    if not isinstance(relatives, Mapping) or not all(
        isinstance(names, list) and all(isinstance(n, str) and n.strip() for n in names)
        for names in relatives.values()
    ):
        raise _invalid(
            f"{where}.relatives", "应为 {代表编号: [候选人姓名]}", "expected {deputy: [names]}"
        )
    if relatives:
        chosen["relatives"] = {d: [n.strip() for n in names] for d, names in relatives.items()}
    refuse_ineligible(state, chosen, candidate_names(state))
    return chosen


# Scrutineer eligibility (选举法 Art 43) -------------------------------------------------------


def candidate_names(state: MeetingState) -> set[str]:
    """The names of every candidate of every election poll of the session so far."""
    names: set[str] = set()
    for poll in state.polls.values():
        if poll.definition.get("kind") == "election":
            # Paper polls may list candidates by id only: they have no name to compare.
            names.update(c.get("name", "").strip() for c in poll.definition.get("candidates", []))
    names.discard("")
    return names


def refuse_ineligible(state: MeetingState, chosen: Mapping[str, Any], candidates: set[str]) -> None:
    """选举法 Art 43: a candidate may not be a scrutineer or teller, nor (as declared) a close
    relative of a candidate. The refusal names the person and the reason."""
    relatives: Mapping[str, list[str]] = chosen.get("relatives", {})
    for role in SCRUTINEER_ROLES:
        for deputy in chosen.get(role, []):
            name = state.roster[deputy].name.strip()
            if name in candidates:
                raise Conflict(
                    "scrutineer-ineligible",
                    f"{name}（{deputy}）是候选人，不能担任{ROLE_NAMES[role]}（选举法第四十三条）",
                    f"{name} ({deputy}) is a candidate and may not serve as {role} (Art 43)",
                    deputy=deputy,
                    reason="candidate",
                )
            related = sorted(set(relatives.get(deputy, [])) & candidates)
            if related:
                raise Conflict(
                    "scrutineer-ineligible",
                    f"{name}（{deputy}）是候选人{'、'.join(related)}的近亲属，"
                    f"不能担任{ROLE_NAMES[role]}（选举法第四十三条）",
                    f"{name} ({deputy}) is a close relative of candidate(s) {related} and may "
                    f"not serve as {role} (Art 43)",
                    deputy=deputy,
                    reason="relative",
                )


def check_candidates_not_scrutineers(state: MeetingState, parsed: ballots.PollDefinition) -> None:
    """An election may not list a chosen scrutineer or teller, or a relative declared of one."""
    if state.scrutineers is not None:
        names = {(c.name or "").strip() for c in parsed.candidates}
        refuse_ineligible(state, state.scrutineers, names)


# Bodies -------------------------------------------------------------------------------------


def members(state: MeetingState, body: str) -> frozenset[str]:
    """The seated deputies of a body: all of them (plenary) or the presidium's members."""
    seated = frozenset(d.id for d in state.roster.values() if d.status in SEATED_STATUSES)
    if body == "presidium":
        return seated & frozenset(state.presidium or ())
    return seated


def quorum_rule(state: MeetingState, body: str) -> str:
    """The plenary's quorum is two thirds (组织法 Art 14); the presidium's the setting."""
    if body == "presidium":
        return str(state.settings.get("presidium_quorum", "two_thirds"))
    return "two_thirds"


def electorate_and_present(state: MeetingState, item: Item) -> tuple[int, list[str], str]:
    """For a poll on ``item``: its body's seated members, those present, and the quorum rule;
    refused when the presidium has no adopted list or its quorum is not met."""
    body = item.body
    if body == "presidium" and state.presidium is None:
        raise Conflict(
            "no-presidium",
            "主席团名单尚未经大会通过，主席团不能表决",
            f"item {item.id} is voted by the presidium, whose list has not been adopted",
        )
    voters = members(state, body)
    present = sorted(voters & state.present)
    rule = quorum_rule(state, body)
    if rule not in QUORUM_RULES:
        raise Conflict("invalid-setting", "主席团法定人数设置无效", f"presidium_quorum {rule!r}")
    if not ballots.quorum_met(len(present), len(voters), rule):  # type: ignore[arg-type]
        name = "主席团成员" if body == "presidium" else "代表"
        need = "三分之二" if rule == "two_thirds" else "半数"
        raise Conflict(
            "no-quorum",
            f"出席{name}{len(present)}名，不足应出席{len(voters)}名的{need}，不能表决",
            f"{len(present)} of {len(voters)} present: no quorum ({body}, {rule})",
        )
    return len(voters), present, rule


def check_member(poll: Poll, deputy: str) -> None:
    """Only a body's members vote in its polls."""
    if poll.body == "presidium" and deputy not in poll.present:
        raise Forbidden(
            "not-a-member", "您不是主席团成员，不能参加本次表决", "only presidium members vote"
        )


# Adoption -----------------------------------------------------------------------------------


def adoption(state: MeetingState, poll: str, result: Mapping[str, Any]) -> list[Entry]:
    """The ``motion_adopted`` entry that follows a passing poll on an item that adopts."""
    item = state.items[state.polls[poll].item]
    outcome = result.get("outcome")
    passed = isinstance(outcome, Mapping) and outcome.get("passed") is True
    if item.adopts is None or not passed or not result.get("round_valid", True):
        return []
    return [{"type": "motion_adopted", "poll": poll, "item": item.id, "adopts": item.adopts}]


def bind_election(
    state: MeetingState, definition: Mapping[str, Any]
) -> tuple[str | None, Mapping[str, Any] | None]:
    """The adopted rules an election poll follows, as ``(poll, rules)``; refused when the meeting
    requires adopted rules (setting ``election_rules_required``) and none are, or when the
    definition departs from them."""
    adopted = state.election_rules
    if adopted is None:
        if state.settings.get("election_rules_required") is True:
            raise Conflict(
                "election-rules-not-adopted",
                "选举办法尚未经大会表决通过，不能进行选举",
                "the election rules (选举办法) have not been adopted by a vote",
            )
        return None, None
    by, rules = adopted
    round_ = definition.get("round")
    round_type = round_.get("type") if isinstance(round_, Mapping) else "first"
    if round_type == "runoff" and "runoff_threshold" in rules:
        wanted = rules["runoff_threshold"]
        given = round_.get("threshold", "plurality") if isinstance(round_, Mapping) else None
        if given != wanted:
            raise Conflict(
                "rules-mismatch",
                f"选举办法规定再次投票的当选标准为 {wanted}，与本次表决不符",
                f"the adopted rules (poll {by}) say runoff threshold {wanted}, not {given}",
            )
    write_ins = definition.get("write_ins", True) is True
    if rules.get("write_ins") is False and write_ins and round_type != "runoff":
        raise Conflict(
            "rules-mismatch",
            "选举办法规定不得另选他人，表决定义须设 write_ins 为 false",
            f"the adopted rules (poll {by}) allow no write-ins",
        )
    return by, rules


def scrutineer_view(state: MeetingState) -> dict[str, Any] | None:
    """The chosen scrutineers and tellers by name, for the console and the signature lines."""
    if state.scrutineers is None:
        return None
    view: dict[str, Any] = {}
    for role in SCRUTINEER_ROLES:
        view[role] = [
            {"deputy": d, "name": state.roster[d].name} for d in state.scrutineers.get(role, [])
        ]
    return view


def presidium_view(state: MeetingState, ids: Sequence[str] | None) -> list[dict[str, str]] | None:
    if ids is None:
        return None
    return [{"deputy": d, "name": state.roster[d].name} for d in ids]


def attendees(state: MeetingState) -> list[dict[str, str]]:
    """列席: the non-voting attendees of the meeting setting ``attendees`` ([{name, unit}]). They
    are not on the roster, so no electorate, presence or quorum ever counts them."""
    listed = state.settings.get("attendees", [])
    rows = listed if isinstance(listed, list) else []
    return [
        {"name": row["name"].strip(), "unit": str(row.get("unit", ""))}
        for row in rows
        if isinstance(row, Mapping) and isinstance(row.get("name"), str) and row["name"].strip()
    ]
