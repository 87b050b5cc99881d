"""The meeting as the log has told it so far: roster, devices, attendance and polls.

Checks 4 to 8 replay the log in order and share this state. Each part is written by the check
that validates the entries changing it: check 4 the roster and devices, check 6 attendance and
the polls' lifecycle, check 7 the ballots, check 8 the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from audit.tablet import DeviceKey

__all__ = ["Device", "Meeting", "Poll"]


@dataclass(slots=True)
class Device:
    """A paired tablet. ``key`` is ``None`` when its public key did not parse."""

    device: str
    deputy: str
    alg: str
    public_key: str
    key: DeviceKey | None
    paired_at: int
    revoked_at: int | None = None
    last_n: int | None = None
    last_n_at: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(slots=True)
class Poll:
    """One poll from ``poll_opened`` on. ``votes`` keeps, per deputy, the vote that counts
    (the last under change policy ``last``, the first under ``first``) as ``(seq, choice)``."""

    poll: str
    opened_at: int
    definition: dict[str, Any]
    mode: str
    change_policy: str
    present: frozenset[str]
    closed_at: int | None = None
    closing: dict[str, Any] | None = None
    voided_at: int | None = None
    votes: dict[str, tuple[int, Any]] = field(default_factory=dict)
    vote_count: int = 0
    #: encrypted polls: per deputy, the seqs of their ``encrypted_ballot`` entries; the totals
    #: check 7 verified (``decrypted_totals``), which check 8 recounts
    encrypted: dict[str, list[int]] = field(default_factory=dict)
    encrypted_totals: list[int] | None = None
    #: encrypted elections with write-ins: the counted names and the ignored write-ins
    encrypted_write_ins: tuple[dict[str, int], int] | None = None
    manual: dict[str, Any] | None = None
    manual_at: int | None = None
    result_at: int | None = None
    confirmed_at: int | None = None
    #: the agenda item, the body that votes (``voters``), and whether the result passed
    item: str = ""
    voters: str = "plenary"
    passed: bool = False

    @property
    def open(self) -> bool:
        return self.closed_at is None and self.voided_at is None

    def release(self) -> None:
        """Drop the per-deputy records once the result is checked: nothing later needs them,
        and a long meeting would otherwise hold every ballot in memory."""
        self.votes = {}
        self.encrypted = {}


@dataclass(slots=True)
class Meeting:
    """Everything checks 4 to 8 learn from the entries, in log order."""

    vkey: str
    origin: str
    opened: bool = False
    closed_at: int | None = None
    #: deputy → roster status (active / suspended / ended)
    roster: dict[str, str] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    #: deputy → their active device
    active_device: dict[str, str] = field(default_factory=dict)
    #: deputy → seq of the sign-in that holds
    signed_in: dict[str, int] = field(default_factory=dict)
    agenda: frozenset[str] | None = None
    withdrawn: set[str] = field(default_factory=set)
    polls: dict[str, Poll] = field(default_factory=dict)
    #: The setting ``hold_election_results`` as ``meeting_opened`` states it (the server writes
    #: it; logs from before it existed do not): when true, an election result is announced only
    #: after its ``result_confirmed`` entry.
    hold_election_results: bool = False
    #: agenda item → what a passing motion on it adopts (``adopts``, from ``agenda_set``)
    adopts: dict[str, Any] = field(default_factory=dict)
    #: The presidium's members, once a ``motion_adopted`` entry names them.
    presidium: frozenset[str] | None = None
    #: The poll whose ``motion_adopted`` entry adopted the election rules in force.
    election_rules_poll: str | None = None

    def seated(self) -> int:
        """Deputies holding a seat (active or suspended): the electorate."""
        return sum(1 for status in self.roster.values() if status != "ended")

    def voters(self, body: str) -> frozenset[str]:
        """The deputies holding a seat who vote in a poll of ``body``: all of them, or the
        presidium's members (none before its list is adopted)."""
        seated = frozenset(d for d, status in self.roster.items() if status != "ended")
        if body == "presidium":
            return seated & (self.presidium or frozenset())
        return seated
