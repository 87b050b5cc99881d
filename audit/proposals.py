"""Co-signed proposals: what a draft is, its hash, and how many sponsors each kind needs.

Shared by the server (``voting.core.proposals``) and the verifier (``audit.verify.proposals``),
so both count sponsors by the same rule. Thresholds (地方各级人民代表大会和地方各级人民政府组织法,
2022 revision, for a town congress; the body's settings may raise them):

- ``bill`` (议案): five or more deputies jointly (Art 21);
- ``interpellation`` (质询案): ten or more deputies jointly (Art 30);
- ``recall`` (罢免案): one fifth or more of the deputies (Art 31);
- ``nomination`` (候选人提名): ten or more deputies jointly, at most as many nominees as seats
  (Art 26);
- ``suggestion`` (建议): any one deputy (代表法 Art 18).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final

from audit.canonical import canonical_bytes

__all__ = [
    "DEFAULT_THRESHOLDS",
    "KINDS",
    "RATINGS",
    "SETTABLE_KINDS",
    "draft_content",
    "draft_hash",
    "required_sponsors",
    "thresholds_problem",
]

#: The kinds of proposal, in the order the tablet lists them.
KINDS: Final = ("bill", "interpellation", "recall", "nomination", "suggestion")

#: Sponsors needed by kind at a town congress; ``recall`` is a fraction of the electorate.
DEFAULT_THRESHOLDS: Final[Mapping[str, int]] = {
    "bill": 5,
    "interpellation": 10,
    "nomination": 10,
    "suggestion": 1,
}

#: A recall needs one fifth or more of the deputies holding a seat.
RECALL_FRACTION: Final = 5

#: The kinds whose threshold the meeting setting ``proposal_thresholds`` may set (a suggestion
#: stays any one deputy's).
SETTABLE_KINDS: Final = ("bill", "interpellation", "recall", "nomination")

#: A deputy's satisfaction with the answer to a suggestion (满意 / 基本满意 / 不满意).
RATINGS: Final = ("satisfied", "basically_satisfied", "dissatisfied")

#: The fields of a draft that its hash covers; ``nominees`` and ``seats`` for a nomination only.
_DRAFT_FIELDS: Final = ("kind", "title", "text", "nominees", "seats")


def draft_content(body: Mapping[str, Any]) -> dict[str, Any]:
    """The draft's content as a signed ``proposal_draft`` body carries it."""
    return {name: body[name] for name in _DRAFT_FIELDS if name in body}


def draft_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the draft's canonical JSON: the proposal's id, what co-sponsors sign."""
    return hashlib.sha256(canonical_bytes(dict(content), name="draft")).hexdigest()


def thresholds_problem(value: Any) -> str | None:
    """What is wrong with a ``proposal_thresholds`` setting, or None: it must be an object
    whose keys are kinds of :data:`SETTABLE_KINDS` and whose values are whole numbers ≥ 1."""
    if not isinstance(value, Mapping):
        return "proposal_thresholds must be an object {kind: sponsors}"
    for kind, count in value.items():
        if kind not in SETTABLE_KINDS:
            return f"proposal_thresholds: {_show(kind)} is not one of " + ", ".join(SETTABLE_KINDS)
        if type(count) is not int or count < 1:
            return (
                f"proposal_thresholds: {kind} must be a whole number of at least 1,"
                f" not {_show(count)}"
            )
    return None


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def required_sponsors(kind: str, settings: Mapping[str, Any], electorate: int) -> int:
    """Sponsors (the drafter included) a proposal of ``kind`` needs: the setting
    ``proposal_thresholds`` of the body if it names the kind, else the town defaults; a recall
    one fifth of ``electorate`` (the deputies holding a seat), rounded up."""
    configured = settings.get("proposal_thresholds")
    if isinstance(configured, Mapping):
        value = configured.get(kind)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
    if kind == "recall":
        return max(1, -(-electorate // RECALL_FRACTION))
    return DEFAULT_THRESHOLDS[kind]
