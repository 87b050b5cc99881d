"""Decrypting a closed encrypted poll, as pure steps (``ballot-secrecy.md`` §7, steps 3–9).

The station decrypts only what it has checked itself. :mod:`devices.scrutineer.decrypting`
fetches the newest signed checkpoint and every entry it covers, and the verifier
(:func:`audit.verify.verify_bundle` with the meeting's log key) checks them: the checkpoint's
signature, the Merkle root of the entries, every ``encrypted_ballot`` (signature, strict
encoding, proofs, weeding), the counted set and the aggregate recomputed and compared with the
server's ``aggregate`` entry. These steps then take the verified entries:

- :func:`extends`: the new checkpoint's log begins with the one the station saw last;
- :func:`polls_to_decrypt` / :func:`offer_for`: a closed, not voided encrypted poll of the
  station's key with its aggregate, and how many ballots it counts;
- :func:`check_once`: each poll is decrypted at most once, for one aggregate only;
- :func:`confirmation` the question a person answers (a warning below :data:`SMALL_COUNT`);
- :func:`share_body`: the share set ``D_j = s_j·A`` with its proofs, bound to the poll, the
  checkpoint and the aggregate hash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from audit.ceremony_messages import b64url, unb64url
from audit.merkle import leaf_hash, root_of
from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.decryption import decryption_context, make_decryption_share
from devices.scrutineer.local_state import LocalState

__all__ = [
    "SMALL_COUNT",
    "DecryptionRefused",
    "Offer",
    "check_once",
    "checkpoint_text",
    "confirmation",
    "extends",
    "offer_for",
    "polls_to_decrypt",
    "remember",
    "share_body",
]

#: Below this many counted ballots the confirmation warns that totals may reveal votes.
SMALL_COUNT: Final = 5

Entry = Mapping[str, Any]


class DecryptionRefused(Exception):
    """The station will not decrypt: a stable ``code`` and what is wrong, in Chinese and English."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{code}: {en}")
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True)
class Offer:
    """A closed encrypted poll the station may decrypt: its ``aggregate`` entry and how many
    ballots it counts."""

    poll: str
    kind: str
    aggregate: Mapping[str, Any]
    counted: int

    @property
    def aggregate_hash(self) -> str:
        return str(self.aggregate["hash"])


def checkpoint_text(note: str) -> str:
    """The text of a signed note (``origin\\nsize\\nroot\\n``), without its signature lines."""
    return note[: note.index("\n\n") + 1]


def extends(previous: Sequence[Any] | None, entries: Sequence[bytes]) -> None:
    """Refuse unless the first ``previous[0]`` of ``entries`` have the root ``previous[1]``
    (hex): the log the station reads now extends the one it saw last."""
    if previous is None:
        return
    size, root = int(previous[0]), str(previous[1])
    if len(entries) < size or root_of([leaf_hash(e) for e in entries[:size]]).hex() != root:
        raise DecryptionRefused(
            "log-forked",
            f"日志与本终端上次看到的前 {size} 条不一致，拒绝解密",
            f"the log does not extend the first {size} entries this station saw last; "
            "refusing to decrypt",
        )


def _of_poll(entries: Sequence[Entry], poll: str) -> dict[str, list[Entry]]:
    found: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.get("poll") == poll:
            found.setdefault(str(entry["type"]), []).append(entry)
    return found


def polls_to_decrypt(entries: Sequence[Entry], state: LocalState) -> list[str]:
    """The encrypted polls of this station's key that have an aggregate, are not voided, not
    yet decrypted, and hold no share set of this station, in log order."""
    waiting = []
    for entry in entries:
        if entry.get("type") != "aggregate":
            continue
        found = _of_poll(entries, str(entry["poll"]))
        opened = found.get("poll_opened", [{}])[0]
        mine = [s for s in found.get("decryption_shares", []) if s["scrutineer"] == state.index]
        if (
            opened.get("key_id") == state.key_id
            and "poll_voided" not in found
            and "decrypted_totals" not in found
            and not mine
        ):
            waiting.append(str(entry["poll"]))
    return waiting


def offer_for(entries: Sequence[Entry], poll: str, state: LocalState) -> Offer:
    """What decrypting ``poll`` means, from the verified entries; refuses a poll that is not
    an encrypted poll of this station's key, is open, voided, or has no aggregate yet."""
    found = _of_poll(entries, poll)
    opened = found.get("poll_opened", [])
    if not opened or opened[0].get("mode") != "encrypted":
        raise DecryptionRefused(
            "not-encrypted", f"表决 {poll} 不是加密表决", f"poll {poll} is not an encrypted poll"
        )
    if opened[0].get("key_id") != state.key_id:
        raise DecryptionRefused(
            "other-key",
            f"表决 {poll} 使用的不是本终端持有份额的密钥",
            f"poll {poll} is under another key than the one this station holds a share of",
        )
    if "poll_voided" in found:
        raise DecryptionRefused("poll-voided", f"表决 {poll} 已作废", f"poll {poll} was voided")
    if "poll_closed" not in found or "aggregate" not in found:
        raise DecryptionRefused(
            "poll-not-closed",
            f"表决 {poll} 尚未结束或没有密文汇总",
            f"poll {poll} is not closed or has no aggregate yet",
        )
    aggregate = found["aggregate"][0]
    kind = str(opened[0]["definition"]["kind"])
    return Offer(poll, kind, aggregate, len(aggregate["counted"]))


def check_once(state: LocalState, offer: Offer) -> None:
    """Refuse a second decryption of a poll for another aggregate than the first one."""
    before = state.decrypted.get(offer.poll)
    if before is not None and before != offer.aggregate_hash:
        raise DecryptionRefused(
            "decrypted-once",
            f"本终端已为表决 {offer.poll} 的另一份密文汇总解密过，每个表决只解密一次",
            f"this station already decrypted poll {offer.poll} for another aggregate "
            f"({before[:16]}…); each poll is decrypted once",
        )


def remember(state: LocalState, offer: Offer) -> None:
    """Keep (poll, aggregate hash) before the shares leave the station."""
    state.decrypted[offer.poll] = offer.aggregate_hash


def confirmation(offer: Offer) -> str:
    """The question a person answers before the shares are posted (Chinese, then English)."""
    lines = [
        f"解密表决 {offer.poll}（{offer.kind}）的汇总结果：计入 {offer.counted} 张选票。",
        f"Decrypt the totals of poll {offer.poll} ({offer.kind}): {offer.counted} ballots counted.",
    ]
    if offer.counted < SMALL_COUNT:
        lines += [
            f"注意：计入的选票少于 {SMALL_COUNT} 张，公布的合计可能暴露个人的选择。",
            f"Warning: fewer than {SMALL_COUNT} ballots; the totals may reveal how people voted.",
        ]
    lines.append("确认解密吗？/ Confirm decryption? [y/N]")
    return "\n".join(lines)


def share_body(
    state: LocalState, offer: Offer, checkpoint: str, random: RandomSource
) -> dict[str, Any]:
    """The body of ``POST …/polls/{poll}/decryption-shares``: this station's share of every
    ciphertext of the aggregate (the sums, then ΣU), bound to ``checkpoint`` (its text)."""
    if state.secret_share is None or state.key_id is None or state.index is None:
        raise DecryptionRefused(
            "no-share", "本终端没有密钥份额", "this station holds no share of a completed key"
        )
    context = decryption_context(
        key=Scalar.decode(bytes.fromhex(state.key_id), "key_id"),
        poll_id=offer.poll,
        checkpoint=checkpoint.encode(),
        aggregate_hash=bytes.fromhex(offer.aggregate_hash),
    )
    pairs = list(offer.aggregate["sums"])
    if "write_in_sum" in offer.aggregate:
        pairs.append(offer.aggregate["write_in_sum"])
    secret = Scalar.decode(bytes.fromhex(state.secret_share), "secret_share")
    shares = []
    for i, (a, b) in enumerate(pairs):
        where = f"aggregate of {offer.poll}, ciphertext {i}"
        ciphertext = Ciphertext(
            Point.decode(unb64url(a, where), where),
            Point.decode(unb64url(b, where), where, allow_identity=True),
        )
        share = make_decryption_share(context, state.index, secret, ciphertext, random)
        shares.append(b64url(share.encode()))
    return {
        "scrutineer": state.index,
        "checkpoint": checkpoint,
        "aggregate": offer.aggregate_hash,
        "shares": shares,
    }
