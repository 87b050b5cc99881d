"""Check 7 for the write-in mix of encrypted elections (``docs/ballot-secrecy.md`` §6).

After ``decrypted_totals`` waits for the write-in mix: the mix input is recomputed from the
counted ballots (:func:`audit.mix.write_in_vectors`' layout); each ``shuffle`` entry is by a
scrutineer of the key, once, and its proof verifies against the previous list (the first
against the input) under the poll's chain key; its ``output`` is the hash of its list. Each
``write_in_shares`` entry comes after at least t shuffles from a scrutineer whose shuffle is
in the chain, binds the final list's hash, and every share's Chaum–Pedersen proof verifies.
``decrypted_write_ins`` combines the first t share sets, decodes the names leniently and
counts them by the per-ballot rules; check 8 then recounts the result with them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from audit.mix import (
    closed_list,
    decrypted_names,
    list_hash,
    name_positions,
    write_in_context,
)
from audit.verify.base import Entry
from ballots import count_decrypted_write_ins, parse_poll
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shuffle.chain import ChainKey
from ballots.crypto.shuffle.challenges import Vector
from ballots.crypto.shuffle.encoding import shuffle_from_bytes
from ballots.crypto.shuffle.mix import verify_shuffle
from ballots.crypto.threshold.decryption import (
    DecryptionShare,
    combine,
    verify_decryption_share,
)

if TYPE_CHECKING:
    from audit.verify.encrypted import EncryptedChecks

__all__ = ["MixChecks"]


def _bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class _Mix:
    """One poll's write-in mix as verified so far."""

    current: list[Vector]
    stations: list[int] = field(default_factory=list)
    output: str = ""
    share_sets: dict[int, list[DecryptionShare]] = field(default_factory=dict)


class MixChecks:
    """The write-in mix part of check 7, on the polls :class:`EncryptedChecks` verified."""

    def __init__(self, checks: EncryptedChecks) -> None:
        self.checks = checks
        self.mixes: dict[str, _Mix] = {}
        self.handlers: dict[str, Callable[[int, Entry], None]] = {
            "shuffle": self._shuffle,
            "write_in_shares": self._shares,
            "decrypted_write_ins": self._decrypted,
        }

    def _fail(self, seq: int, message: str) -> None:
        self.checks.fail(seq, f"entry {seq}: {message}")

    def _mix(self, seq: int, entry: Entry) -> tuple[Any, _Mix | None]:
        tally = self.checks.polls.get(entry["poll"])
        if tally is None or tally.awaiting_totals is None or tally.aggregate is None:
            self._fail(seq, f"{entry['type']} for poll {entry['poll']}, which awaits no mix")
            return None, None
        mix = self.mixes.get(entry["poll"])
        if mix is None:
            counted = set(tally.aggregate["counted"])
            positions = name_positions(tally.shape)
            inputs = [tuple(cts[i] for i in positions) for s, _, cts in tally.valid if s in counted]
            mix = self.mixes[entry["poll"]] = _Mix(inputs)
        return tally, mix

    def _shuffle(self, seq: int, entry: Entry) -> None:
        tally, mix = self._mix(seq, entry)
        if mix is None:
            return
        j = entry["scrutineer"]
        if j not in tally.key.verification_keys or j in mix.stations or mix.share_sets:
            self._fail(seq, f"scrutineer {j} may not shuffle poll {entry['poll']} here")
            return
        width = tally.shape.slots * tally.shape.name_points
        key = ChainKey(
            Scalar.decode(bytes.fromhex(tally.key.key_id), "key_id"),
            tally.context,
            tally.key.public_key,
        )
        try:
            mixed = shuffle_from_bytes(
                _bytes(entry["station_body"]["shuffle"]), len(mix.current), width
            )
            verify_shuffle(mix.current, mixed, key.for_station(j), f"shuffles[{len(mix.stations)}]")
        except CryptoError as error:
            self._fail(seq, f"shuffle refused ({error.code}): {error}")
            return
        outputs = list(mixed.outputs)
        if entry["output"] != list_hash(outputs) or entry["index"] != j:
            self._fail(seq, "the shuffle's output hash or index is not its own")
            return
        mix.current, mix.output = outputs, entry["output"]
        mix.stations.append(j)

    def _shares(self, seq: int, entry: Entry) -> None:
        tally, mix = self._mix(seq, entry)
        if mix is None:
            return
        j = entry["scrutineer"]
        if len(mix.stations) < tally.key.t or j not in mix.stations or j in mix.share_sets:
            self._fail(seq, f"scrutineer {j} may not decrypt the write-ins of {entry['poll']}")
            return
        if entry["final"] != mix.output:
            self._fail(seq, "the write-in shares are not bound to the final list")
            return
        texts = entry["station_body"]["shares"]
        points = [c for vector in mix.current for c in vector]
        shares = [DecryptionShare.decode(_bytes(s), f"shares[{i}]") for i, s in enumerate(texts)]
        if len(shares) != len(points) or any(s.scrutineer != j for s in shares):
            self._fail(seq, "the write-in shares do not match the final list")
            return
        key_id = Scalar.decode(bytes.fromhex(tally.key.key_id), "key_id")
        context = write_in_context(key_id, entry["poll"], mix.output)
        y: Point = tally.key.verification_keys[j]
        for i, (ciphertext, share) in enumerate(zip(points, shares, strict=True)):
            try:
                verify_decryption_share(context, y, ciphertext, share, f"shares[{i}]")
            except CryptoError as error:
                self._fail(seq, f"write-in share refused ({error.code}): {error}")
                return
        mix.share_sets[j] = shares

    def _decrypted(self, seq: int, entry: Entry) -> None:
        tally, mix = self._mix(seq, entry)
        if mix is None:
            return
        used, t = entry["scrutineers"], tally.key.t
        if sorted(used) != sorted(list(mix.share_sets)[:t]) or len(used) != t:
            self._fail(seq, f"the write-ins combine other share sets than the first t: {used}")
            return
        poll = self.checks.meeting.polls[entry["poll"]]
        roster = closed_list(poll.definition)
        written: list[list[str | bytes]] = []
        position = 0
        for vector in mix.current:
            points = []
            for ciphertext in vector:
                shares = [mix.share_sets[j][position] for j in used]
                points.append(combine(ciphertext, shares, t, "write_ins"))
                position += 1
            written.append(decrypted_names(points, tally.shape.name_points, roster))
        assert poll.closing is not None
        definition = parse_poll({**poll.definition, "issued": poll.closing["issued"]})
        counted = count_decrypted_write_ins(definition, written)
        if entry["write_ins"] != counted.counted or entry["write_ins_ignored"] != counted.ignored:
            self._fail(seq, f"the write-ins of poll {poll.poll} are not the decrypted names")
            return
        poll.encrypted_totals = list(tally.awaiting_totals)
        poll.encrypted_write_ins = (counted.counted, counted.ignored)
