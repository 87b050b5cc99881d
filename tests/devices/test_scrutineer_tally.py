"""The station's pure decryption steps: the confirmation, the log it saw last, once per poll."""

from __future__ import annotations

import pytest

from audit.merkle import leaf_hash, root_of
from devices.scrutineer.local_state import new_state
from devices.scrutineer.tally import (
    DecryptionRefused,
    Offer,
    check_once,
    confirmation,
    extends,
    offer_for,
    remember,
)

ENTRIES = [b'{"seq":0}', b'{"seq":1}', b'{"seq":2}']


def offer(counted: int, digest: str = "aa" * 32) -> Offer:
    return Offer("p3", "motion", {"hash": digest, "counted": list(range(counted))}, counted)


def test_the_confirmation_shows_the_count_and_warns_below_five() -> None:
    small = confirmation(offer(4))
    assert small.splitlines() == [
        "解密表决 p3（motion）的汇总结果：计入 4 张选票。",
        "Decrypt the totals of poll p3 (motion): 4 ballots counted.",
        "注意：计入的选票少于 5 张，公布的合计可能暴露个人的选择。",
        "Warning: fewer than 5 ballots; the totals may reveal how people voted.",
        "确认解密吗？/ Confirm decryption? [y/N]",
    ]
    assert len(confirmation(offer(5)).splitlines()) == 3


def test_the_log_must_extend_the_one_seen_last() -> None:
    seen = [2, root_of([leaf_hash(e) for e in ENTRIES[:2]]).hex()]
    assert extends(seen, ENTRIES) is None
    assert extends(None, ENTRIES) is None
    forked = [ENTRIES[0], b'{"seq":"x"}', ENTRIES[2]]
    with pytest.raises(DecryptionRefused) as caught:
        extends(seen, forked)
    assert caught.value.code == "log-forked"
    with pytest.raises(DecryptionRefused):
        extends([4, seen[1]], ENTRIES)


def test_a_poll_is_decrypted_for_one_aggregate_only() -> None:
    state = new_state(server="", meeting="m1", station="s1")
    check_once(state, offer(7))
    remember(state, offer(7))
    assert state.decrypted == {"p3": "aa" * 32}
    check_once(state, offer(7))  # the same aggregate again: a re-post is allowed
    with pytest.raises(DecryptionRefused) as caught:
        check_once(state, offer(7, "bb" * 32))
    assert caught.value.code == "decrypted-once"


def test_only_a_closed_encrypted_poll_of_the_stations_key_is_offered() -> None:
    state = new_state(server="", meeting="m1", station="s1")
    state.key_id = "k1"
    opened = {
        "type": "poll_opened",
        "poll": "p3",
        "mode": "encrypted",
        "key_id": "k1",
        "definition": {"kind": "motion"},
    }
    aggregate = {"type": "aggregate", "poll": "p3", "hash": "cc" * 32, "counted": [5, 6]}
    closed = {"type": "poll_closed", "poll": "p3"}
    codes = {}
    for name, entries in {
        "open": [opened],
        "named": [dict(opened, mode="named")],
        "other key": [dict(opened, key_id="k2"), closed, aggregate],
        "voided": [opened, closed, aggregate, {"type": "poll_voided", "poll": "p3"}],
    }.items():
        with pytest.raises(DecryptionRefused) as caught:
            offer_for(entries, "p3", state)
        codes[name] = caught.value.code
    assert codes == {
        "open": "poll-not-closed",
        "named": "not-encrypted",
        "other key": "other-key",
        "voided": "poll-voided",
    }
    found = offer_for([opened, closed, aggregate], "p3", state)
    assert (found.poll, found.kind, found.counted, found.aggregate_hash) == (
        "p3",
        "motion",
        2,
        "cc" * 32,
    )
