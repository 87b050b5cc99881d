"""The meeting's pure core: state, rules and views, with no clock, socket or database.

Commands go in as (state, arguments); a :class:`~voting.core.outcome.Change` (audit entries and
side rows to commit), :class:`~voting.core.outcome.AlreadyRecorded`, or a
:class:`~voting.errors.CommandError` with a stable code comes out. The service
(:mod:`voting.service`) commits changes; nothing here writes.

::

    types        ids (DeputyId, DeviceId, PollId, ItemId, MeetingId) and closed word sets
    records      Deputy, Device, Item, Poll
    state        MeetingState: the log's entries applied in order
    outcome      Change, AlreadyRecorded
    checks       checks many commands share
    meeting      open, close, checkpoint due
    attendance   roster status, sign-in and sign-out, leave
    devices      pairing, revocation, authentication of hello and signed messages
    agenda       agenda, current item, withdrawal
    documents    meeting documents: the PDF check, a document added to an agenda item
    polls        open, close, manual result, announce, void
    rounds       election rounds: the round a poll may be, the next round's definition
    bodies       plenary and presidium, and what a passing motion adopts (presidium, election
                 rules, scrutineers)
    confirmation election results the presidium confirms before they are announced
    oath         the constitution oath: who led it and who swore
    casting      eligibility, well-formed choices, named votes
    encrypted    encrypted polls: opening under the sitting key, what a tablet builds its
                 ballot with, casting an encrypted ballot
    encrypted_tally  the aggregate at close, the scrutineers' decryption shares, the totals
                 and the result
    stations     scrutineers' stations: pairing, authentication of their signed bodies
    ceremony     the scrutineers' key ceremony: start a run, check and record each message
    liveness     liveness at opening: challenges, answers, require_live
    sitting_key  the key_completed entry
    speaking     the speaking queue: request, withdraw, grant and end the floor
    projects     livelihood projects: register, withdraw, the selection and evaluation polls,
                 supervisors, milestones (project_state: what the log holds; project_report:
                 the term's yearly report)
    notices      public notices (公告) of results, adopted projects and proposals handled
    views        what tablets, watchers and the console are shown
"""

from voting.core.agenda import make_current, set_agenda, withdraw_item
from voting.core.attendance import (
    change_roster,
    record_leave,
    sign_in_by_operator,
    sign_in_by_tablet,
    sign_out_by_operator,
)
from voting.core.casting import cast_named, check_choice
from voting.core.ceremony import receive_message, start_ceremony
from voting.core.confirmation import confirm_result
from voting.core.devices import pair_device, revoke_device
from voting.core.documents import add_document, check_pdf
from voting.core.liveness import answer_liveness, issue_challenge, live_scrutineers, require_live
from voting.core.meeting import checkpoint_if_behind, close_meeting, open_meeting
from voting.core.notices import issue_notice
from voting.core.oath import record_oath
from voting.core.outcome import AlreadyRecorded, Change
from voting.core.polls import announce, close_poll, enter_manual_result, open_poll, void_poll
from voting.core.rounds import further_definition, runoff_definition
from voting.core.speaking import (
    end_floor,
    end_floor_on_time,
    grant_floor,
    request_floor,
    withdraw_request,
)
from voting.core.stations import pair_station

__all__ = [
    "AlreadyRecorded",
    "Change",
    "add_document",
    "announce",
    "answer_liveness",
    "cast_named",
    "change_roster",
    "check_choice",
    "check_pdf",
    "checkpoint_if_behind",
    "close_meeting",
    "close_poll",
    "confirm_result",
    "end_floor",
    "end_floor_on_time",
    "enter_manual_result",
    "further_definition",
    "grant_floor",
    "issue_challenge",
    "issue_notice",
    "live_scrutineers",
    "make_current",
    "open_meeting",
    "open_poll",
    "pair_device",
    "pair_station",
    "receive_message",
    "record_leave",
    "record_oath",
    "request_floor",
    "require_live",
    "revoke_device",
    "runoff_definition",
    "set_agenda",
    "sign_in_by_operator",
    "sign_in_by_tablet",
    "sign_out_by_operator",
    "start_ceremony",
    "void_poll",
    "withdraw_item",
    "withdraw_request",
]
