"""The quick path of canonical JSON (orjson): it accepts exactly what the strict parser accepts
among ASCII inputs, with the same result, and orjson writes the subset as the canonical encoder
does (the verifier rebuilds signed tablet bodies with it)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.canonical import canonical_bytes, parse_canonical, parse_canonical_quick
from audit.errors import CanonicalError
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


@given(st.dictionaries(st.text(max_size=6).filter(str.isascii), json_values, max_size=5))
def test_orjson_writes_the_subset_as_the_canonical_encoder(value: dict[str, Any]) -> None:
    data = canonical_bytes(value)
    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == data
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
