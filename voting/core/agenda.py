"""The agenda: setting it, the current item, withdrawing an item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from voting.core import bodies, checks
from voting.core.checks import item_not_withdrawn, known_item, require_open
from voting.core.rounds import OFFICE_KINDS
from voting.core.state import MeetingState
from voting.core.types import ITEM_KINDS, Entry
from voting.errors import CommandError, Conflict, poll_open


def set_agenda(state: MeetingState, *, items: Sequence[Mapping[str, Any]]) -> list[Entry]:
    """Replace the agenda. Items that already have polls must stay."""
    require_open(state)
    rows: list[Entry] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_id, title, kind = item.get("item"), item.get("title"), item.get("kind")
        where = f"items[{index}]"
        if not isinstance(item_id, str) or not item_id or item_id in seen:
            raise CommandError(
                "invalid-agenda", f"{where}: 议程编号缺失或重复", f"{where}: missing or repeated id"
            )
        if not isinstance(title, str) or not title.strip():
            raise CommandError("invalid-agenda", f"{where}: 缺少标题", f"{where}: missing title")
        if kind not in ITEM_KINDS:
            raise CommandError(
                "invalid-agenda", f"{where}: 议程类型无效", f"{where}: unknown kind {kind!r}"
            )
        seen.add(item_id)
        row: Entry = {"item": item_id, "title": title.strip(), "kind": kind}
        if item.get("rule") is not None:
            row["rule"] = _rule_shape(item["rule"], where)
        if bodies.body_shape(item.get("body"), where) == "presidium":
            row["body"] = "presidium"
        if item.get("adopts") is not None:
            row["adopts"] = bodies.adopts_shape(state, item["adopts"], kind, where)
        rows.append(row)
    for poll in state.polls.values():
        if poll.item not in seen:
            raise Conflict(
                "item-has-polls",
                f"议程 {poll.item} 已有表决，不能删除",
                f"item {poll.item} has polls and cannot be removed",
            )
    return [{"type": "agenda_set", "items": rows}]


def _rule_shape(rule: Any, where: str) -> dict[str, Any]:
    """An election rule: ``{"office": "head"}`` (主席/镇长: 2 for 1 or 等额) or
    ``{"office": "deputy", "extra": k}`` with k in 1..3 (副职: candidates = seats + k), with an
    optional ``"office_kind"``: ``"chair"`` (主席, 副主席, 主席团: only deputies may be written
    in, 组织法 Art 18) or ``"government"`` (镇长, 副镇长)."""
    if isinstance(rule, Mapping) and "office_kind" in rule:
        kind = rule["office_kind"]
        if kind not in OFFICE_KINDS:
            raise CommandError(
                "invalid-agenda",
                f"{where}.rule.office_kind: 职务类别应为 chair 或 government",
                f'{where}.rule.office_kind: expected "chair" or "government", got {kind!r}',
            )
        shaped = _rule_shape({k: v for k, v in rule.items() if k != "office_kind"}, where)
        return {**shaped, "office_kind": kind}
    if isinstance(rule, Mapping) and rule.get("office") == "head" and set(rule) == {"office"}:
        return {"office": "head"}
    if (
        isinstance(rule, Mapping)
        and rule.get("office") == "deputy"
        and set(rule) == {"office", "extra"}
        and rule["extra"] in (1, 2, 3)
        and not isinstance(rule["extra"], bool)
    ):
        return {"office": "deputy", "extra": rule["extra"]}
    raise CommandError(
        "invalid-agenda",
        f"{where}.rule: 差额规则无效",
        f'{where}.rule: expected {{"office": "head"}} or {{"office": "deputy", "extra": 1..3}}'
        ' (optionally with "office_kind")',
    )


def make_current(state: MeetingState, *, item: str, by: str) -> list[Entry]:
    require_open(state)
    known_item(state, item)
    item_not_withdrawn(state, item)
    if state.open_poll is not None:
        raise poll_open(state.open_poll.id)
    return [{"type": "item_current", "item": item, "by": by}]


def withdraw_item(state: MeetingState, *, item: str, reason: str, by: str) -> list[Entry]:
    require_open(state)
    known_item(state, item)
    why = checks.reason(reason)
    item_not_withdrawn(state, item)
    if any(p.item == item and p.status != "voided" for p in state.polls.values()):
        raise Conflict(
            "item-has-polls",
            "已表决的议程不能撤回",
            f"item {item} has been put to the vote and cannot be withdrawn",
        )
    return [{"type": "item_withdrawn", "item": item, "reason": why, "by": by}]
