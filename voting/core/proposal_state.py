"""What the log has told of each co-signed proposal: its draft, sponsors and what became of it.

:class:`~voting.core.state.MeetingState` keeps one :class:`Proposal` per draft hash and hands
each proposal entry to :func:`apply_proposal_entry`; the decisions are in
:mod:`voting.core.proposals`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.proposals import required_sponsors

__all__ = ["PROPOSAL_ENTRIES", "Proposal", "apply_proposal_entry", "proposals_view"]


@dataclass
class Proposal:
    """One draft (``id``: its SHA-256) from ``proposal_drafted`` on.

    ``status``: ``draft`` → ``tabled`` → ``agenda`` or ``suggestion`` (a tabled bill the
    presidium turned into a suggestion, or a draft filed as one) → ``answered`` → ``rated``.
    ``signatures``: the drafter's signed draft, then each co-sponsor's signed co-sign, as
    ``{"body", "sig"}`` in log order; ``sponsors``: their deputies, the drafter first.
    """

    id: str
    kind: str
    title: str
    text: str
    drafter: str
    drafted_at: int
    content: dict[str, Any]
    signatures: list[dict[str, Any]] = field(default_factory=list)
    sponsors: list[str] = field(default_factory=list)
    status: str = "draft"
    filed_as: str | None = None
    decision: dict[str, Any] | None = None
    answer: dict[str, Any] | None = None
    rating: str | None = None


def apply_proposal_entry(proposals: dict[str, Proposal], e: Mapping[str, Any]) -> None:
    """Apply one committed proposal entry (checked by :mod:`voting.core.proposals`)."""
    kind = e["type"]
    if kind == "proposal_drafted":
        body = e["body"]
        content = {k: body[k] for k in ("kind", "title", "text", "nominees", "seats") if k in body}
        proposal = Proposal(
            e["proposal"], body["kind"], body["title"], body["text"], e["deputy"], e["seq"], content
        )
        proposal.signatures.append({"body": e["body"], "sig": e["sig"]})
        proposal.sponsors.append(e["deputy"])
        proposals[proposal.id] = proposal
        return
    proposal = proposals[e["proposal"]]
    if kind == "proposal_signed":
        proposal.signatures.append({"body": e["body"], "sig": e["sig"]})
        proposal.sponsors.append(e["deputy"])
    elif kind == "proposal_tabled":
        proposal.filed_as = e["kind"]
        proposal.status = "suggestion" if e["kind"] == "suggestion" else "tabled"
    elif kind == "proposal_decided":
        proposal.decision = {"decision": e["decision"], "reference": e["reference"]}
        proposal.status = e["decision"]
    elif kind == "suggestion_answered":
        proposal.answer = {k: e[k] for k in ("unit", "deadline", "answer")}
        proposal.status = "answered"
    elif kind == "suggestion_rated":
        proposal.rating = e["rating"]
        proposal.status = "rated"


#: The entry types :func:`apply_proposal_entry` applies.
PROPOSAL_ENTRIES = (
    "proposal_drafted",
    "proposal_signed",
    "proposal_tabled",
    "proposal_decided",
    "suggestion_answered",
    "suggestion_rated",
)


def proposals_view(
    proposals: Mapping[str, Proposal], settings: Mapping[str, Any], electorate: int
) -> list[dict[str, Any]]:
    """Every proposal as the console and tablets show it, in the order they were drafted, with
    the sponsors its kind needs (``required``) and, once filed, the kind it was filed as."""
    return [
        {
            "proposal": p.id,
            "kind": p.kind,
            "title": p.title,
            "text": p.text,
            "drafter": p.drafter,
            "sponsors": list(p.sponsors),
            "required": required_sponsors(p.kind, settings, electorate),
            "status": p.status,
            "filed_as": p.filed_as,
            "decision": p.decision,
            "answer": p.answer,
            "rating": p.rating,
            **{k: p.content[k] for k in ("nominees", "seats") if k in p.content},
        }
        for p in sorted(proposals.values(), key=lambda p: p.drafted_at)
    ]
