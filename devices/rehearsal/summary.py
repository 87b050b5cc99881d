"""What a rehearsal found: counts a test can check exactly, each poll's result, and failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devices.rehearsal.plan import PollPlan
from devices.simulator import Latencies

__all__ = ["PollOutcome", "Summary"]


@dataclass
class PollOutcome:
    """One closed poll: the result the server published and whether it equals the recount of
    the ballots the tablets sent."""

    plan: PollPlan
    result: dict[str, Any]
    matches_recount: bool


@dataclass
class Summary:
    """The counts of one run, filled in as it goes."""

    tablets: int
    #: The number of polls in the plan: a run that stops early has fewer outcomes.
    polls_planned: int = 0
    meeting: str = ""
    origin: str = ""
    log_key: str = ""
    paired: int = 0
    signed_in_by_tablet: int = 0
    signed_in_by_operator: int = 0
    votes_expected: int = 0
    votes_acknowledged: int = 0
    reconnections: int = 0
    duplicates: int = 0
    inclusion_passed: int = 0
    inclusion_total: int = 0
    named_confirmed: int = 0
    named_total: int = 0
    outcomes: list[PollOutcome] = field(default_factory=list)
    latencies: Latencies = field(default_factory=Latencies)
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """Every poll held, every vote acknowledged and counted, every check passed."""
        return (
            not self.failures
            and len(self.outcomes) == self.polls_planned
            and all(o.matches_recount for o in self.outcomes)
            and self.votes_acknowledged == self.votes_expected
            and self.inclusion_passed == self.inclusion_total
            and self.named_confirmed == self.named_total
        )
