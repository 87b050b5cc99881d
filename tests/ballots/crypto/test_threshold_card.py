"""The backup card: printed text, read back (also when copied by hand), restored against Y_j."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ballots.crypto.group import Scalar
from ballots.crypto.threshold.card import make_card, parse_card, render_card, restore_share
from ballots.crypto.threshold.errors import BackupCardError
from tests.ballots.crypto.threshold_fixtures import ORIGIN, full_ceremony

RUN = full_ceremony(2, 3)
KEY = RUN.ceremony.joint_key()


def card_text(j: int = 2) -> str:
    card = make_card(origin=ORIGIN, key_id=KEY.key_id, scrutineer=j, t=2, n=3, share=RUN.shares[j])
    return render_card(card)


def restore(text: str) -> tuple[int, Scalar]:
    return restore_share(
        text, origin=ORIGIN, key_id=KEY.key_id, t=2, n=3, verification_keys=KEY.verification_keys
    )


def test_a_card_renders_in_the_documented_layout() -> None:
    lines = card_text().splitlines()
    assert lines[0] == "congress-vote 监票人密钥备份卡 / scrutineer key backup card"
    assert lines[1:3] == ["version: 1", f"origin: {ORIGIN}"]
    assert lines[3] == "key: " + " ".join(
        KEY.key_id.encode()[:8].hex()[k : k + 4] for k in range(0, 16, 4)
    )
    assert lines[4] == "scrutineer: 2 of 3, threshold 2"
    share = RUN.shares[2].encode().hex()
    assert lines[5].replace(" ", "") == "share:" + share[:32]
    assert lines[6].replace(" ", "") == share[32:]
    assert lines[7].startswith("checksum: ") and len(lines[7]) == len("checksum: 0000 0000")


def test_a_card_restores_its_share() -> None:
    for j in (1, 2, 3):
        assert restore(card_text(j)) == (j, RUN.shares[j])


def test_a_hand_copy_in_capitals_with_other_spacing_restores() -> None:
    text = card_text()
    lines = text.splitlines()
    share_hex = (lines[5].removeprefix("share: ") + lines[6]).replace(" ", "").upper()
    copied = "\n".join(
        [
            *lines[:5],
            "share: " + " ".join(share_hex[k : k + 8] for k in range(0, 32, 8)),
            "  " + " ".join(share_hex[k : k + 8] for k in range(32, 64, 8)),
            lines[7].upper().replace("CHECKSUM", "checksum"),
        ]
    )
    assert restore(copied) == (2, RUN.shares[2])


def test_a_miscopied_digit_fails_the_checksum() -> None:
    text = card_text()
    lines = text.splitlines()
    digit = lines[6][10]
    lines[6] = lines[6][:10] + ("0" if digit != "0" else "1") + lines[6][11:]
    with pytest.raises(BackupCardError) as caught:
        restore("\n".join(lines))
    assert str(caught.value) == (
        "card.checksum: the checksum does not match: a value was miscopied"
    )


def test_a_card_for_another_scrutineer_index_does_not_restore() -> None:
    # A consistent card (valid checksum) whose share is not that scrutineer's.
    card = make_card(origin=ORIGIN, key_id=KEY.key_id, scrutineer=1, t=2, n=3, share=RUN.shares[2])
    with pytest.raises(BackupCardError) as caught:
        restore(render_card(card))
    assert str(caught.value) == (
        "card.share: the share does not match scrutineer 1's verification key"
    )


def test_a_card_of_another_key_or_origin_does_not_restore() -> None:
    other = full_ceremony(2, 3, seed="another sitting").ceremony.joint_key()
    card = make_card(
        origin=ORIGIN, key_id=other.key_id, scrutineer=2, t=2, n=3, share=RUN.shares[2]
    )
    with pytest.raises(BackupCardError) as caught:
        restore(render_card(card))
    assert str(caught.value) == "card.key: the card belongs to another key"
    card = make_card(
        origin="https://elsewhere.example",
        key_id=KEY.key_id,
        scrutineer=2,
        t=2,
        n=3,
        share=RUN.shares[2],
    )
    with pytest.raises(BackupCardError) as caught:
        restore(render_card(card))
    assert caught.value.where == "card.origin"


@pytest.mark.parametrize(
    ("edit", "where", "problem"),
    [
        (lambda s: s.replace("version: 1", "version: 2"), "card.version", "version '2' is not 1"),
        (
            lambda s: s.replace("congress-vote", "congress"),
            "card",
            "the first line is not the backup card title",
        ),
        (
            lambda s: s.replace("scrutineer: 2 of 3, threshold 2\n", ""),
            "card.scrutineer",
            "the field is missing",
        ),
        (
            lambda s: s.replace("threshold 2", "t=2"),
            "card.scrutineer",
            'expected "j of n, threshold t"',
        ),
        (
            lambda s: s + "note: kept in envelope 2\n",
            "card line 9",
            "the line is not a field of the card",
        ),
        (lambda s: s.replace("key: ", "key: 00"), "card.key", "expected 16 hexadecimal digits"),
    ],
)
def test_a_malformed_card_says_what_and_where(
    edit: Callable[[str], str], where: str, problem: str
) -> None:
    with pytest.raises(BackupCardError) as caught:
        parse_card(edit(card_text()))
    assert (caught.value.where, caught.value.problem, caught.value.code) == (
        where,
        problem,
        "bad-backup-card",
    )


def test_a_share_not_below_the_group_order_is_refused() -> None:
    text = card_text()
    lines = text.splitlines()
    lines[5] = "share: " + " ".join(["ffff"] * 8)
    lines[6] = " ".join(["ffff"] * 8)
    with pytest.raises(BackupCardError) as caught:
        parse_card("\n".join(lines))
    assert str(caught.value) == "card.share: scalar is not below the group order"


def test_the_card_repr_hides_the_share() -> None:
    card = parse_card(card_text())
    assert RUN.shares[2].encode().hex() not in repr(card)


def test_an_error_never_quotes_the_share() -> None:
    lines = card_text().splitlines()
    moved = "\n".join([*lines[:6], lines[7], lines[6]])  # half the share after the checksum
    with pytest.raises(BackupCardError) as caught:
        parse_card(moved)
    assert str(caught.value) == "card line 8: the line is not a field of the card"
    assert lines[6].strip() not in str(caught.value)
