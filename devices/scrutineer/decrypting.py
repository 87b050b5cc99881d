"""The station decrypts: read and verify the log, then post its share set of a closed poll.

:func:`read_verified_log` fetches the newest signed checkpoint and every entry it covers,
then, for each share set on the log bound to a checkpoint the station has not read, that
checkpoint from the server's public list (:func:`fetch_bound_checkpoints`: signed with the
meeting's log key, and its root the root of the entries it covers, so consistent with the
newest). It writes them all as an export bundle in a temporary directory and runs the verifier
on it with the meeting's log key (the one the station received when it was paired): a
checkpoint not signed by that key, entries that do not hash to its root, a ballot that fails
its checks or an aggregate that is not the sum of the counted ballots all refuse the
decryption, naming the failed check. :func:`decrypt_poll` then follows the pure steps of
:mod:`devices.scrutineer.tally`, asking ``confirm`` before anything leaves the station.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.bundle import write_bundle
from audit.checkpoint import Checkpoint, open_checkpoint
from audit.errors import AuditError
from audit.merkle import leaf_hash, root_of
from audit.note import NoteVerifier
from audit.verify import verify_bundle
from ballots.crypto.randomness import RandomSource
from devices.scrutineer.client import ServerRefused, StationClient
from devices.scrutineer.local_state import LocalState
from devices.scrutineer.tally import (
    DecryptionRefused,
    Offer,
    check_once,
    checkpoint_text,
    extends,
    offer_for,
    remember,
    share_body,
)

__all__ = ["VerifiedLog", "decrypt_poll", "fetch_bound_checkpoints", "read_verified_log"]

#: Asked before posting: True to decrypt.
Confirm = Callable[[Offer], bool]


@dataclass(frozen=True)
class VerifiedLog:
    """The newest checkpoint's text and the entries it covers, all verified; ``checks``: the
    verifier's checks they passed, as (Chinese, English) titles."""

    checkpoint: str
    entries: list[dict[str, Any]]
    checks: tuple[tuple[str, str], ...] = ()


def read_verified_log(
    client: StationClient, state: LocalState, token: str, note: str
) -> VerifiedLog:
    """The log as far as the signed checkpoint ``note`` (the newest), verified with the
    meeting's log key together with every checkpoint the station read before; remembers the
    checkpoint as the last one seen (the caller saves the state)."""
    if not state.log_key:
        raise DecryptionRefused(
            "no-log-key",
            "本终端不知道会议日志的公钥，请重新配对",
            "this station does not know the meeting's log key; pair it again",
        )
    text = checkpoint_text(note)
    size = Checkpoint.parse(text).size
    lines = [line.encode() for line in client.entries(0, size, token).splitlines()]
    if len(lines) != size:
        raise DecryptionRefused(
            "log-incomplete",
            f"服务器只返回了 {len(lines)} 条日志，检查点覆盖 {size} 条",
            f"the server returned {len(lines)} entries; the checkpoint covers {size}",
        )
    extends(state.witnessed, lines)
    state.checkpoints[str(size)] = note
    fetch_bound_checkpoints(client, state, lines)
    notes = sorted((int(n), signed) for n, signed in state.checkpoints.items() if int(n) <= size)
    with tempfile.TemporaryDirectory(prefix="scrutineer-") as directory:
        bundle = Path(directory) / "bundle"
        write_bundle(bundle, vkey=state.log_key, entries=lines, checkpoints=notes)
        report = verify_bundle(bundle, vkey=state.log_key)
    failed = report.first_failure
    if failed is not None:
        detail = "; ".join(failed.failures[:3])
        raise DecryptionRefused(
            "log-not-verified",
            f"日志验证未通过（检查 {failed.number}：{failed.title_zh}），拒绝解密：{detail}",
            f"the log does not verify (check {failed.number}: {failed.title_en}); "
            f"refusing to decrypt: {detail}",
        )
    state.witnessed = [size, Checkpoint.parse(text).root.hex()]
    passed = tuple((c.title_zh, c.title_en) for c in report.checks if c.ok)
    return VerifiedLog(text, [json.loads(line) for line in lines], passed)


def fetch_bound_checkpoints(client: StationClient, state: LocalState, lines: list[bytes]) -> None:
    """Fetch and keep each checkpoint a share set among ``lines`` (the entries as far as the
    newest checkpoint) is bound to, when the station has not read it: another station may have
    read it while this one was not watching. Each must be signed by the meeting's log key, be
    the very text the share set names and have the root of the first ``size`` entries, which
    the newest checkpoint covers. A share set naming something that is no checkpoint of this
    log is left to the verifier, which reports it."""
    leaves: list[bytes] | None = None
    for line in lines:
        entry = json.loads(line)
        if entry.get("type") != "decryption_shares" or not isinstance(entry.get("checkpoint"), str):
            continue
        named = entry["checkpoint"]
        try:
            size = Checkpoint.parse(named).size
        except AuditError:
            continue
        held = state.checkpoints.get(str(size))
        if held is not None or not 0 < size <= len(lines):
            continue
        seq = entry.get("seq")
        try:
            note = client.checkpoint_at(size)
        except ServerRefused as refused:
            raise DecryptionRefused(
                "checkpoint-missing",
                f"日志条目 {seq} 的解密份额所绑定的树大小为 {size} 的检查点，服务器无法提供，拒绝解密",
                f"the server does not give the checkpoint of tree size {size} that the share "
                f"set of entry {seq} is bound to ({refused.code}); refusing to decrypt",
            ) from None
        try:
            verifier = NoteVerifier.from_vkey(state.log_key)
            checkpoint = open_checkpoint(note, [verifier], origin=state.origin or None)
        except AuditError as error:
            raise DecryptionRefused(
                "checkpoint-not-verified",
                f"树大小为 {size} 的检查点未通过会议日志公钥的验证，拒绝解密",
                f"the checkpoint of tree size {size} does not verify under the meeting's log "
                f"key ({error}); refusing to decrypt",
            ) from None
        if leaves is None:
            leaves = [leaf_hash(line) for line in lines]
        if checkpoint.text() != named or checkpoint.root != root_of(leaves[:size]):
            raise DecryptionRefused(
                "checkpoint-inconsistent",
                f"树大小为 {size} 的签名检查点与日志前 {size} 条不一致，拒绝解密",
                f"the signed checkpoint of tree size {size} does not match the first {size} "
                "entries under the newest checkpoint; refusing to decrypt",
            )
        state.checkpoints[str(size)] = note


def decrypt_poll(
    client: StationClient,
    state: LocalState,
    log: VerifiedLog,
    poll: str,
    *,
    confirm: Confirm,
    random: RandomSource,
    save: Callable[[], None],
) -> Offer | None:
    """Decrypt ``poll`` once ``confirm`` agrees: the offer posted, or None if declined."""
    offer = offer_for(log.entries, poll, state)
    check_once(state, offer)
    if not confirm(offer):
        return None
    remember(state, offer)
    save()
    client.post_shares(poll, share_body(state, offer, log.checkpoint, random))
    return offer
