"""The constitution oath in the core: recorded once on an oath item, with who led it and who
swore; anything else is refused with a stable code and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core import views

AGENDA = [
    {"item": "a", "title": "议案一", "kind": "motion"},
    {"item": "o", "title": "宪法宣誓", "kind": "oath"},
]
SWORN = ["王建国", "李秀英"]


def sitting() -> Meeting:
    return Meeting(3).apply({"type": "agenda_set", "items": AGENDA})


def test_the_oath_is_recorded_with_its_leader_and_those_who_swore() -> None:
    meeting = sitting()
    entries = core.record_oath(
        meeting.state, item="o", led_by=" 张伟 ", sworn=[" 王建国", "李秀英"], by="chair"
    )
    assert entries == [
        {"type": "oath_taken", "item": "o", "led_by": "张伟", "sworn": SWORN, "by": "chair"}
    ]
    meeting.commit(entries)
    assert meeting.state.oaths == {"o": {"led_by": "张伟", "sworn": SWORN}}
    items = views.public_view(meeting.state)["items"]
    assert items[1] == {
        "item": "o",
        "title": "宪法宣誓",
        "kind": "oath",
        "status": "draft",
        "oath": {"led_by": "张伟", "sworn": SWORN},
    }
    assert "oath" not in items[0]


@pytest.mark.parametrize(
    ("code", "arguments"),
    [
        ("unknown-item", {"item": "x"}),
        ("not-oath", {"item": "a"}),
        ("leader-required", {"led_by": " "}),
        ("leader-required", {"led_by": None}),
        ("sworn-required", {"sworn": []}),
        ("sworn-required", {"sworn": "王建国"}),
        ("sworn-required", {"sworn": ["王建国", "王建国 "]}),
        ("sworn-required", {"sworn": ["王建国", ""]}),
    ],
)
def test_a_bad_oath_record_is_refused(code: str, arguments: dict[str, Any]) -> None:
    meeting = sitting()
    given = {"item": "o", "led_by": "张伟", "sworn": SWORN, "by": "chair", **arguments}
    refused(code, core.record_oath, meeting.state, **given)
    assert meeting.state.oaths == {}


def test_the_oath_of_an_item_is_recorded_once() -> None:
    meeting = sitting()
    meeting.commit(core.record_oath(meeting.state, item="o", led_by="张伟", sworn=SWORN, by="c"))
    refused(
        "oath-already-recorded",
        core.record_oath,
        meeting.state,
        item="o",
        led_by="张伟",
        sworn=SWORN,
        by="c",
    )


def test_a_withdrawn_oath_item_takes_no_record() -> None:
    meeting = sitting().apply({"type": "item_withdrawn", "item": "o", "reason": "改期", "by": "c"})
    error = refused(
        "item-withdrawn",
        core.record_oath,
        meeting.state,
        item="o",
        led_by="张伟",
        sworn=SWORN,
        by="c",
    )
    assert error.code == "item-withdrawn"
