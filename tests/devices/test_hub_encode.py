"""The hub's message encoding (orjson) writes the text the standard library's compact,
non-ASCII-unescaped encoding writes, for every kind of value a message holds."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from devices.hub import encode

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


def standard(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def test_a_tablets_answer_and_push_are_written_as_before() -> None:
    ack = {"type": "ack", "id": "r-1", "seq": 12}
    you = {"type": "you", "you": {"deputy": "d01", "name": "张三", "voted": ["p1"], "n": None}}
    control = {"type": "state", "state": {"title": 'a "quote"\\ \n\t\u2028 \x01 \U0001f600'}}
    for message in (ack, you, control):
        assert encode(message) == standard(message)
    assert encode(ack) == '{"type":"ack","id":"r-1","seq":12}'


def test_keys_that_are_numbers_are_written_as_strings_as_before() -> None:
    message = {"counts": {1: 3, 2: 0}}
    assert encode(message) == standard(message) == '{"counts":{"1":3,"2":0}}'


@given(st.dictionaries(st.text(), values, max_size=5))
def test_any_message_is_written_as_the_standard_library_writes_it(
    message: dict[str, Any],
) -> None:
    assert json.loads(encode(message)) == json.loads(standard(message))
    if not _has_float(message):
        assert encode(message) == standard(message)


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_float(item) for item in value)
    return False
