"""Canonical JSON of entries and tablet bodies (audit-log.md §1)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.canonical import MAX_SAFE_INTEGER, canonical_bytes, parse_canonical
from audit.errors import AuditError, CanonicalError


def test_keys_sorted_no_whitespace_chinese_unescaped() -> None:
    assert canonical_bytes({"b": 1, "a": "张三"}) == '{"a":"张三","b":1}'.encode()


def test_nested_values_and_escapes() -> None:
    entry = {
        "v": 1,
        "seq": 0,
        "type": "meeting_opened",
        "roster": [{"deputy": "d-01", "name": "李四", "seat": None, "active": True}],
        "note": 'say "hi"\n\tand \\ \x01',
    }
    assert canonical_bytes(entry) == (
        b'{"note":"say \\"hi\\"\\n\\tand \\\\ \\u0001","roster":[{"active":true,'
        b'"deputy":"d-01","name":"\xe6\x9d\x8e\xe5\x9b\x9b","seat":null}],"seq":0,'
        b'"type":"meeting_opened","v":1}'
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"result": {"counts": {"c1": {"for": 1.0}}}},
            "entry.result.counts.c1.for: floats are not allowed",
        ),
        ({"items": [1, 2, 2.5]}, "entry.items[2]: floats are not allowed"),
        ({"a.b": {"x": float("nan")}}, 'entry["a.b"].x: floats are not allowed'),
        (
            {"pair": (1, 2)},
            "entry.pair: tuple values are not allowed "
            "(only dict, list, str, int, bool and None are allowed)",
        ),
        (
            {"ids": {1, 2}},
            "entry.ids: set values are not allowed "
            "(only dict, list, str, int, bool and None are allowed)",
        ),
        ({"counts": {1: 2}}, "entry.counts: object key 1 is int, keys must be str"),
        ({"n": 2**53}, "entry.n: integer 9007199254740992 is outside ±(2**53 - 1)"),
        ({"n": -(2**53)}, "entry.n: integer -9007199254740992 is outside ±(2**53 - 1)"),
        ({"s": "\ud800"}, "entry.s: string is not valid Unicode (lone surrogate)"),
        (
            {"m": {"\U0001f600": 1, "\uff01": 2}},
            "entry.m: object keys sort differently by UTF-16 code units (RFC 8785) "
            "and by code points",
        ),
    ],
)
def test_values_outside_the_subset_are_named_by_path(value: object, message: str) -> None:
    with pytest.raises(CanonicalError) as caught:
        canonical_bytes(value)
    assert caught.value.message == message
    assert str(caught.value) == message


def test_root_name_of_the_path_can_be_chosen() -> None:
    with pytest.raises(CanonicalError) as caught:
        canonical_bytes({"n": 0.5}, name="body")
    assert caught.value.message == "body.n: floats are not allowed"


def test_circular_reference_is_rejected() -> None:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(CanonicalError) as caught:
        canonical_bytes(loop)
    assert caught.value.message == "entry.self: circular reference"


def test_limits_of_the_subset_are_accepted() -> None:
    value = {"max": MAX_SAFE_INTEGER, "min": -MAX_SAFE_INTEGER, "t": True, "f": False}
    assert canonical_bytes(value) == (
        b'{"f":false,"max":9007199254740991,"min":-9007199254740991,"t":true}'
    )
    # Astral keys alone sort the same way under both orders.
    assert canonical_bytes({"\U0001f600": 1, "a": 2}) == '{"a":2,"\U0001f600":1}'.encode()


def test_canonical_error_is_an_audit_error() -> None:
    assert issubclass(CanonicalError, AuditError)


# Parsing ---------------------------------------------------------------------------------------


def test_parse_round_trip() -> None:
    data = '{"a":"张三","b":[1,true,null,{"c":"d"}]}'.encode()
    assert parse_canonical(data) == {"a": "张三", "b": [1, True, None, {"c": "d"}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"a":1, "b":2}', "not canonical: re-encoding differs at byte 7"),
        (b'{"b":1,"a":2}', "not canonical: re-encoding differs at byte 2"),
        (b'{"a":"\\u5f20"}', "not canonical: re-encoding differs at byte 6"),
        (b'{"a":1}\n', "not canonical: re-encoding differs at byte 7"),
        (b'{"a":-0}', "not canonical: re-encoding differs at byte 5"),
        (b'{"a":1,"a":2}', 'duplicate key "a" in an object'),
        ('{"x":{"键":1,"键":2}}'.encode(), 'duplicate key "键" in an object'),
        (b'{"a":1.5}', "floats are not allowed: 1.5"),
        (b'{"a":1e3}', "floats are not allowed: 1e3"),
        (b'{"a":NaN}', "not JSON: NaN is not a JSON value"),
        (b'{"a":"\xff"}', "not UTF-8: invalid byte at offset 6"),
        (b'{"a":"\xe5\xbc"}', "not UTF-8: invalid byte at offset 6"),
        ('{"名":}'.encode(), "not JSON: Expecting value at byte 7"),
        (b"", "not JSON: Expecting value at byte 0"),
        (b"[1,2]", "not a JSON object: the top-level value is an array"),
        (b'"text"', "not a JSON object: the top-level value is a string"),
        (b'{"n":9007199254740992}', "entry.n: integer 9007199254740992 is outside ±(2**53 - 1)"),
    ],
)
def test_parse_rejects(data: bytes, message: str) -> None:
    with pytest.raises(CanonicalError) as caught:
        parse_canonical(data)
    assert caught.value.message == message


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.text(st.characters(codec="utf-8")),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF), max_size=6),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=6).filter(str.isascii), json_values, max_size=5))
def test_parse_inverts_encode(value: dict[str, Any]) -> None:
    data = canonical_bytes(value)
    assert parse_canonical(data) == value
    assert data == json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
