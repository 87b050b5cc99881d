"""The constitution oath (宪法宣誓): the chair records that it took place, who led it (领誓人)
and who swore, as an ``oath_taken`` entry on an agenda item of kind ``oath``, once per item.

The hall display shows the statutory oath text (全国人大常委会关于实行宪法宣誓制度的决定, 2018
revision) while the item is current; see ``voting/static/display-oath.js``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from voting.core.checks import item_not_withdrawn, known_item, require_open
from voting.core.state import MeetingState
from voting.core.types import MAX_REASON, Entry
from voting.errors import CommandError, Conflict

MAX_SWORN: Final = 200


def record_oath(state: MeetingState, *, item: str, led_by: Any, sworn: Any, by: str) -> list[Entry]:
    """Log that the oath of agenda item ``item`` took place, led by ``led_by``, sworn by
    ``sworn`` (names, each once)."""
    require_open(state)
    known_item(state, item)
    item_not_withdrawn(state, item)
    if state.items[item].kind != "oath":
        raise Conflict(
            "not-oath", f"议程 {item} 不是宪法宣誓", f"item {item} is not a constitution oath"
        )
    if item in state.oaths:
        raise Conflict(
            "oath-already-recorded",
            f"议程 {item} 的宣誓已经记录",
            f"the oath of item {item} is already recorded",
        )
    if not isinstance(led_by, str) or not led_by.strip() or len(led_by) > MAX_REASON:
        raise CommandError(
            "leader-required", "须写明领誓人姓名", "name the person who led the oath (领誓人)"
        )
    return [
        {
            "type": "oath_taken",
            "item": item,
            "led_by": led_by.strip(),
            "sworn": _sworn(sworn),
            "by": by,
        }
    ]


def _sworn(sworn: Any) -> list[str]:
    ok = (
        isinstance(sworn, Sequence)
        and not isinstance(sworn, str)
        and 0 < len(sworn) <= MAX_SWORN
        and all(isinstance(n, str) and n.strip() and len(n) <= MAX_REASON for n in sworn)
    )
    names = [n.strip() for n in sworn] if ok else []
    if not ok or len(set(names)) != len(names):
        raise CommandError(
            "sworn-required",
            f"须列出宣誓人姓名（1至{MAX_SWORN}名），不得重复",
            f"name those who swore (1 to {MAX_SWORN}), each once",
        )
    return names
