"""From totals to the result object: the verdict logic every way of counting shares.

:func:`ballots.tally` counts individual ballots and comes here; so do counts a chair enters by
hand after a show of hands or a paper count (议事规则 Art 60), where no individual ballots exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ballots import election, evaluation, motion, selection
from ballots.definition import PollDefinition
from ballots.errors import InputError
from ballots.quorum import quorum_met
from ballots.values import expect_int
from ballots.write_ins import check_ignored


def decide(
    definition: PollDefinition,
    *,
    cast: int,
    valid: int,
    void: int,
    counts: Mapping[str, Any],
    write_ins: Mapping[str, int] | None = None,
    write_ins_ignored: int = 0,
) -> dict[str, Any]:
    """The result object of the tally format, from a poll's totals.

    ``counts`` has the shape of the result's ``counts`` (a motion's ``not_voted`` may be left
    out: it follows from ``present`` and ``cast``); ``write_ins`` maps written names to votes
    and ``write_ins_ignored`` counts the write-ins the rules ignored, both for elections only.
    Raises :class:`InputError` naming the bad value: ``cast``, ``counts.c1.for``,
    ``write_ins.王五`` and so on.

    ``round_valid`` is false iff more ballots were cast than issued (选举法 Art 44); the
    ``outcome`` of an invalid round is ``None``, the counts are still reported. ``quorum_met``
    follows the poll's quorum rule. ``required`` is ``None`` in a plurality runoff, where the
    most votes win. ``write_ins_ignored`` appears in an election's result only when it is not
    zero, so that results with nothing ignored keep their earlier form.
    """
    cast = expect_int(cast, "cast", minimum=0)
    valid = expect_int(valid, "valid", minimum=0)
    void = expect_int(void, "void", minimum=0)
    if valid + void != cast:
        raise InputError("cast", f"must equal valid + void ({valid} + {void}), got {cast}")
    if write_ins and definition.kind != "election":
        raise InputError("write_ins", f'a poll of kind "{definition.kind}" has no write-ins')
    ignored = check_ignored(write_ins_ignored, "write_ins_ignored", definition)

    base = definition.threshold_base(valid)
    threshold = definition.threshold

    def qualifies(count: int) -> bool:
        return threshold.meets(count, base)

    checked: dict[str, Any]
    written: dict[str, int] = {}
    if definition.kind == "motion":
        votes = motion.check_counts(definition, counts, cast=cast, valid=valid)
        checked = {**votes, "not_voted": motion.not_voted(definition, cast)}
        outcome = motion.outcome(votes["for"], qualifies)
    elif definition.kind == "election":
        checked, written = election.check_counts(definition, counts, write_ins or {}, valid=valid)
        outcome = election.outcome(definition, checked, written, qualifies)
    elif definition.kind == "selection":
        checked = selection.check_counts(definition, counts, valid=valid)
        outcome = selection.outcome(definition, checked, qualifies)
    else:
        checked = evaluation.check_counts(definition, counts, valid=valid)
        outcome = evaluation.outcome(definition, checked, qualifies)

    round_valid = cast <= definition.issued
    present = definition.present
    quorum = definition.quorum
    result: dict[str, Any] = {
        "kind": definition.kind,
        "electorate": definition.electorate,
        "present": present,
        "issued": definition.issued,
        "quorum_met": (
            None if present is None else quorum_met(present, definition.electorate, quorum)
        ),
        "round_valid": round_valid,
        "ballots": {"cast": cast, "valid": valid, "void": void},
        "required": None if definition.round.plurality else threshold.required(base),
        "counts": checked,
        "outcome": outcome if round_valid else None,
    }
    if definition.kind == "election":
        result["write_ins"] = written
        if ignored:
            result["write_ins_ignored"] = ignored
    return result
