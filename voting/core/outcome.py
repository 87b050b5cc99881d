"""What a decision hands to the service: a change to commit, or "already recorded".

A decision of the core never writes: it returns a :class:`Change` (entries to append, and the
side rows that go into the same transaction) or :class:`AlreadyRecorded` (a re-sent message the
log already holds: nothing to write, answer as before). The service commits the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from voting.core.types import Entry


@dataclass(frozen=True)
class Sealed:
    """A secret ballot to keep sealed until the poll closes: no deputy, no device, no time."""

    poll: str
    receipt: str
    choice: Any
    token_hash: str


@dataclass(frozen=True)
class Replacement:
    """A sealed ballot to rewrite under the ``last`` policy, if ``token_hash`` matches its own."""

    poll: str
    receipt: str
    token_hash: str
    choice: Any


@dataclass(frozen=True)
class Change:
    """Everything one accepted command writes, in one transaction.

    ``entries``: audit entries (without ``v``, ``seq``, ``at``); ``seal``: a secret ballot to
    store sealed; ``replace``: a sealed ballot to rewrite; ``drop_sealed_of_poll``: delete that
    secret poll's sealed ballots (revealed at close, or discarded when voided); ``checkpoint``:
    sign a checkpoint even if no entry type calls for one.
    """

    entries: list[Entry] = field(default_factory=list)
    seal: Sealed | None = None
    replace: Replacement | None = None
    drop_sealed_of_poll: str | None = None
    checkpoint: bool = False

    @property
    def empty(self) -> bool:
        """Nothing to write at all."""
        return not (self.entries or self.seal or self.replace or self.checkpoint)


@dataclass(frozen=True)
class AlreadyRecorded:
    """The tablet re-sent the last message the server accepted from it, unchanged.

    Nothing is written; the message is answered as before. ``ballot``: for a re-sent secret
    ballot, the ballot sent again, which must match the sealed one.
    """

    body: Mapping[str, Any]
    ballot: Mapping[str, Any] | None = None


#: What a decision returns (a plain list of entries is a :class:`Change` of just those).
Decided = Change | AlreadyRecorded | list[Entry]


def as_change(decided: Change | list[Entry]) -> Change:
    return decided if isinstance(decided, Change) else Change(list(decided))
