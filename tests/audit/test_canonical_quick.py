"""The quick paths of canonical JSON (orjson): it accepts exactly what the strict parser accepts
among ASCII inputs, with the same result, and orjson writes the subset as the reference encoder
(``json.dumps`` with sorted keys, compact, UTF-8) does: ``canonical_bytes`` writes with it, and
the verifier rebuilds signed tablet bodies with it."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.canonical import canonical_bytes, parse_canonical, parse_canonical_quick
from audit.errors import CanonicalError
from audit.verify.base import same_json
from tests.audit.test_canonical import json_values

REJECTED = [
    b'{"a":1, "b":2}',
    b'{"b":1,"a":2}',
    b'{"a":"\\u0041"}',
    b'{"a":1}\n',
    b'{"a":-0}',
    b'{"a":1,"a":2}',
    b'{"a":1.5}',
    b'{"a":1.0}',
    b'{"a":1e3}',
    b'{"a":NaN}',
    b"",
    b"[1,2]",
    b'"text"',
    b'{"n":9007199254740992}',
    b'{"n":-9007199254740992}',
    b'{"n":18446744073709551615}',
    b'{"n":18446744073709551616}',
    b'{"a":[1,{"b":2.25}]}',
    b'{"a":[1.5]}',
    b'{"a":[1,2e3]}',
    b'{"a":[1,-2E3]}',
    b'{"a":"x:1.5","b":1.5}',
]


@pytest.mark.parametrize("data", REJECTED)
def test_what_the_strict_parser_rejects_the_quick_path_does_not_accept(data: bytes) -> None:
    assert parse_canonical_quick(data) is None
    with pytest.raises(CanonicalError):
        parse_canonical(data)


def test_non_ascii_lines_are_left_to_the_strict_parser() -> None:
    data = '{"a":"张三"}'.encode()
    assert parse_canonical_quick(data) is None
    assert parse_canonical(data) == {"a": "张三"}


def test_numbers_inside_strings_are_not_taken_for_floats() -> None:
    data = b'{"a":"x:1.5,[2e3","b":[9007199254740991]}'
    assert parse_canonical_quick(data) == {"a": "x:1.5,[2e3", "b": [2**53 - 1]}


def test_limits_of_the_subset_are_accepted() -> None:
    data = b'{"a":[9007199254740991,-9007199254740991,true,false,null,{}],"b":"\\n\\"\\\\"}'
    expected = {"a": [2**53 - 1, -(2**53 - 1), True, False, None, {}], "b": '\n"\\'}
    assert parse_canonical_quick(data) == expected == parse_canonical(data)


def reference(value: Any) -> bytes:
    """The canonical bytes as the reference encoder writes them."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def orjson_bytes(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


@given(st.dictionaries(st.text(max_size=6).filter(str.isascii), json_values, max_size=5))
def test_orjson_writes_the_subset_as_the_canonical_encoder(value: dict[str, Any]) -> None:
    data = canonical_bytes(value)
    assert orjson_bytes(value) == data == reference(value)
    expected = value if data.isascii() else None
    assert parse_canonical_quick(data) == expected


@given(st.text(st.characters(codec="ascii"), max_size=40))
def test_any_ascii_text_is_accepted_by_both_or_by_neither(text: str) -> None:
    data = text.encode()
    try:
        strict: dict[str, Any] | None = parse_canonical(data)
    except CanonicalError:
        strict = None
    assert parse_canonical_quick(data) == strict


#: Every Unicode scalar value (no surrogates), in order.
CHARACTERS = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def test_every_character_in_text_is_written_as_the_reference_encoder_writes_it() -> None:
    for start in range(0, len(CHARACTERS), 2048):
        chunk = CHARACTERS[start : start + 2048]
        value = {"text": "".join(chunk), "each": chunk}
        assert orjson_bytes(value) == reference(value), hex(ord(chunk[0]))
        assert canonical_bytes(value) == reference(value), hex(ord(chunk[0]))


def test_keys_of_every_character_are_sorted_as_the_reference_encoder_sorts_them() -> None:
    # Characters above U+FFFF and from U+E000 to U+FFFF never share an object (UTF-16 order).
    below = dict.fromkeys(reversed([c for c in CHARACTERS if c <= "\uffff"]), 0)
    astral = dict.fromkeys(reversed([c for c in CHARACTERS if c > "\uffff"] + ["a", "\x7f"]), 1)
    for value in (below, astral, {"a": below, "b": [astral]}):
        assert orjson_bytes(value) == reference(value)
        assert canonical_bytes(value) == reference(value)


def test_what_orjson_refuses_goes_to_the_reference_encoder() -> None:
    deep: Any = 1
    for _ in range(300):  # deeper than orjson's 255 levels, within the subset
        deep = [deep]
    with pytest.raises(orjson.JSONEncodeError):
        orjson_bytes({"a": deep})
    assert canonical_bytes({"a": deep}) == reference({"a": deep})
    with pytest.raises(CanonicalError, match="lone surrogate"):
        canonical_bytes({"a": "\ud800"})
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(CanonicalError, match="circular reference"):
        canonical_bytes({"a": cycle})


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            {"a": (1, 2)},
            "entry.a: tuple values are not allowed (only dict, list, str, int, bool and None "
            "are allowed)",
        ),
        ({"a": 1.5}, "entry.a: floats are not allowed"),
        ({"a": 2**53}, "entry.a: integer 9007199254740992 is outside ±(2**53 - 1)"),
        ({"a": 2**64}, "entry.a: integer 18446744073709551616 is outside ±(2**53 - 1)"),
        ({1: "a"}, "entry: object key 1 is int, keys must be str"),
    ],
)
def test_what_orjson_writes_but_the_subset_excludes_is_refused(value: Any, problem: str) -> None:
    with pytest.raises(CanonicalError) as refused:
        canonical_bytes(value)
    assert str(refused.value) == problem


def _reference(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@given(json_values, json_values, st.booleans())
def test_the_verifiers_value_comparison_agrees_with_the_reference_encoder(
    first: Any, other: Any, copy: bool
) -> None:
    """``same_json`` (orjson) says two values are the same exactly when their reference
    encodings are: a copy read back from JSON, or another value."""
    second = json.loads(_reference(first)) if copy else other
    assert same_json(first, second) is (_reference(first) == _reference(second))


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (True, 1, False),
        ([1], [True], False),
        (None, False, False),
        ({"a": 1, "b": [2, "x"]}, {"b": [2, "x"], "a": 1}, True),
        ({"a": 1}, {"a": 1, "b": None}, False),
        (2**70, 2**70, True),  # beyond orjson: the reference encoder compares
        (2**70, 2**70 + 1, False),
    ],
)
def test_the_verifiers_value_comparison(first: Any, second: Any, same: bool) -> None:
    assert same_json(first, second) is same
