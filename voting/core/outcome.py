"""What a decision hands to the service: a change to commit, or "already recorded".

A decision of the core never writes: it returns a :class:`Change` (entries to append, and
whether to sign a checkpoint with them) or :class:`AlreadyRecorded` (a re-sent message the log
already holds: nothing to write, answer as before). The service commits the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from voting.core.types import Entry


@dataclass(frozen=True)
class Change:
    """Everything one accepted command writes, in one transaction.

    ``entries``: audit entries (without ``v``, ``seq``, ``at``); ``checkpoint``: sign a
    checkpoint even if no entry type calls for one.
    """

    entries: list[Entry] = field(default_factory=list)
    checkpoint: bool = False

    @property
    def empty(self) -> bool:
        """Nothing to write at all."""
        return not (self.entries or self.checkpoint)


@dataclass(frozen=True)
class AlreadyRecorded:
    """The tablet re-sent the last message the server accepted from it, unchanged.

    Nothing is written; the message is answered as before.
    """

    body: Mapping[str, Any]


#: What a decision returns (a plain list of entries is a :class:`Change` of just those).
Decided = Change | AlreadyRecorded | list[Entry]


def as_change(decided: Change | list[Entry]) -> Change:
    return decided if isinstance(decided, Change) else Change(list(decided))
