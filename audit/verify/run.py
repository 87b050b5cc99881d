"""The verifier: read a bundle once, run the numbered checks, and report.

Check 0 reads the bundle: a bundle that cannot be read to its last byte fails it, so the
verifier never reports success for bytes it has not seen. Check 1 verifies the checkpoints'
signatures. Then one streaming pass over ``entries.jsonl`` parses each entry once and feeds it
to checks 2 to 8 in order (:data:`audit.verify.report.CHECK_TITLES` lists them all). The
lowest-numbered check that fails is reported with its failures; every later check is reported
as not run, never as passed (audit-log.md §7: the verifier stops at the first class of
failure). A tracking code, if given, is looked up in the same pass.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from audit.bundle import Bundle, BundleError, read_bundle
from audit.verify.base import Gate
from audit.verify.ceremony import CeremonyCheck
from audit.verify.documents import DocumentCheck
from audit.verify.encoding import EncodingCheck
from audit.verify.encrypted_polls import EncryptedPollCheck
from audit.verify.notices import NoticeCheck
from audit.verify.projects import ProjectCheck
from audit.verify.proposals import ProposalCheck
from audit.verify.recount import RecountCheck
from audit.verify.report import (
    CHECK_TITLES,
    CheckResult,
    Failures,
    Report,
    Status,
    TrackingResult,
)
from audit.verify.roster import RosterCheck
from audit.verify.signature_pool import SignaturePool
from audit.verify.signatures import SignatureCheck, check_signatures
from audit.verify.state import Meeting
from audit.verify.tablets import TabletCheck
from audit.verify.tracking import (
    FoundBallot,
    normalize_tracking_code,
    prove_tracking_code,
    tracking_code_of,
)
from audit.verify.tree import TreeCheck
from audit.verify.windows import WindowCheck
from audit.verify.witnesses import WitnessCheck, has_cosignatures

__all__ = ["PROGRESS_EVERY", "Progress", "verify_bundle"]

#: ``progress(entries_done, bytes_done, bytes_total)``, called every :data:`PROGRESS_EVERY`
#: entries and once at the end.
Progress = Callable[[int, int, int], None]
PROGRESS_EVERY: Final = 10_000

_LAST_CHECK: Final = max(CHECK_TITLES)


def verify_bundle(
    directory: Path,
    *,
    vkey: str | None = None,
    tracking_code: str | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    witnesses: int | None = None,
) -> Report:
    """Verify the bundle in ``directory`` and return the report (this never raises for a bad
    bundle: every problem is a failure in the report).

    ``vkey`` is the log key to trust, as printed in the meeting's minutes; without it the
    bundle's own ``log.vkey`` is used, which proves only that the bundle is consistent with
    itself. ``tracking_code`` (``ABCD-EFGH-IJKL-MNOP``, as the tablet shows it) is a deputy's
    encrypted ballot to look up and prove. ``workers``: processes checking tablet signatures
    (default: one per core for bundles over 8 MB, else none); the report is the same whatever
    the number. ``witnesses``: how many paired tablets must have cosigned the final
    checkpoint (check 9); without it, the cosignatures present are checked and counted.
    """
    results: dict[int, tuple[Failures, str]] = {}
    try:
        bundle = read_bundle(Path(directory))
    except BundleError as exc:
        failures = Failures()
        failures.add(exc.message)
        results[0] = (failures, "")
        not_run = None if tracking_code is None else _tracking_not_run(tracking_code)
        return _report(results, vkey, 0, not_run)
    signatures = check_signatures(bundle, vkey)
    results[1] = (signatures.failures, signatures.detail())
    key_text = bundle.vkey if vkey is None else vkey
    if workers is None:
        workers = SignaturePool.automatic_workers(bundle.entries_bytes)
    wanted = None if tracking_code is None else normalize_tracking_code(tracking_code)
    stream = _Stream(bundle, signatures, key_text, wanted, progress, workers, witnesses)
    read_failure = stream.run()
    results[0] = (
        read_failure,
        f"{stream.entries:,} entries, {len(bundle.checkpoints):,} checkpoints",
    )
    results.update(stream.results())
    tracking = None
    if tracking_code is not None:
        tracking = stream.tracking_result(tracking_code, wanted)
    return _report(results, key_text, stream.entries, tracking)


class _Stream:
    """One pass over the entries feeding checks 2 to 8."""

    def __init__(
        self,
        bundle: Bundle,
        signatures: SignatureCheck,
        vkey: str,
        wanted: str | None,
        progress: Progress | None,
        workers: int,
        witnesses: int | None = None,
    ) -> None:
        self.bundle = bundle
        self.progress = progress
        self.wanted = wanted
        self.found: FoundBallot | None = None
        self.entries = 0
        self.gate = gate = Gate()
        self.active = not signatures.failures and signatures.verifier is not None
        if not self.active:
            gate.lower(1)
        origin = signatures.verifier.name if signatures.verifier is not None else ""
        self.meeting = meeting = Meeting(vkey=vkey, origin=origin)
        self.encoding = EncodingCheck(gate)
        # The witness check recomputes consistency proofs: it needs the whole tree.
        cosigned = has_cosignatures(signatures.checkpoints, origin)
        self.tree = TreeCheck(
            gate, checkpoints=signatures.checkpoints, keep_tree=wanted is not None or cosigned
        )
        # The documents are part of check 3: they share the tree's failures.
        self.documents = DocumentCheck(
            gate, directory=bundle.directory, failures=self.tree.failures
        )
        self.roster = RosterCheck(gate, meeting=meeting)
        self.tablets = TabletCheck(gate, meeting=meeting, workers=workers if self.active else 1)
        self.windows = WindowCheck(gate, meeting=meeting)
        # Co-signed proposals are part of check 6: they share the windows' failures.
        self.proposals = ProposalCheck(gate, meeting=meeting, failures=self.windows.failures)
        self.projects = ProjectCheck(gate, meeting=meeting, failures=self.windows.failures)
        signed = frozenset(item.checkpoint.text() for item in signatures.checkpoints)
        self.encrypted = EncryptedPollCheck(gate, meeting=meeting, checkpoints=signed)
        self.recount = RecountCheck(gate, meeting=meeting)
        # The key ceremony is part of check 8: it shares the recount's failures.
        self.ceremony = CeremonyCheck(gate, meeting=meeting, failures=self.recount.failures)
        # Public notices are part of check 8: they cite announced results.
        self.notices = NoticeCheck(gate, failures=self.recount.failures)
        self.witnesses = WitnessCheck(
            gate,
            meeting=meeting,
            checkpoints=signatures.checkpoints,
            verifier=signatures.verifier,
            required=witnesses,
        )

    def run(self) -> Failures:
        """Stream every entry; returns check 0's failures (an unreadable line stops the pass)."""
        try:
            return self._run()
        finally:
            self.tablets.close()

    def _run(self) -> Failures:
        failures = Failures()
        total = self.bundle.entries_bytes
        done_bytes = 0
        semantic = (
            self.roster,
            self.tablets,
            self.windows,
            self.proposals,
            self.projects,
            self.encrypted,
            self.recount,
            self.ceremony,
            self.notices,
            self.witnesses,
        )
        gate, encoding, tree = self.gate, self.encoding, self.tree
        try:
            for seq, (data, text) in enumerate(self.bundle.entry_lines()):
                self.entries = seq + 1
                done_bytes += len(data) + 1
                if self.progress is not None and seq % PROGRESS_EVERY == 0 and seq:
                    self.progress(seq, done_bytes, total)
                if not self.active:
                    continue
                entry = encoding.parse(seq, data, text)
                if gate.limit >= 3:
                    tree.feed(data)
                if entry is None:
                    continue
                if gate.limit >= 3:
                    self.documents.feed(seq, entry)
                if self.wanted is not None:
                    self._look_for_ballot(seq, data, entry)
                for check in semantic:
                    if check.number > gate.limit:
                        break
                    try:
                        check.feed(seq, entry)
                    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                        # Never skip an entry a check cannot process: it fails that check.
                        check.fail(seq, f"entry {seq}: cannot be checked ({exc!r})")
        except BundleError as exc:
            failures.add(exc.message, self.entries)
            return failures
        if self.progress is not None:
            self.progress(self.entries, done_bytes, total)
        if self.active:
            self.tree.finish()
            self.documents.finish()
            self.roster.finish(self.entries)
            self.tablets.finish()
            self.recount.finish(self.entries)
            self.ceremony.finish(self.entries)
            if self.gate.allows(self.witnesses.number):
                self.witnesses.finish(self.tree.tree)
        return failures

    def _look_for_ballot(self, seq: int, data: bytes, entry: dict[str, Any]) -> None:
        """Keep the encrypted ballot with the wanted tracking code, and whether its poll's
        aggregate counted it."""
        kind, found = entry["type"], self.found
        if kind == "encrypted_ballot" and found is None:
            if tracking_code_of(entry["body"].get("ballot_hash")) == self.wanted:
                self.found = FoundBallot(seq, data, entry["poll"], entry["deputy"])
        elif kind == "aggregate" and found is not None and entry["poll"] == found.poll:
            found.counted = found.seq in entry["counted"]

    def results(self) -> dict[int, tuple[Failures, str]]:
        checks = (
            self.encoding,
            self.tree,
            self.roster,
            self.tablets,
            self.windows,
            self.encrypted,
            self.recount,
            self.witnesses,
        )
        found = {check.number: (check.failures, check.detail()) for check in checks}
        if self.documents.logged:
            failures, detail = found[3]
            found[3] = (failures, f"{detail}; {self.documents.detail()}")
        return found

    def tracking_result(self, given: str, wanted: str | None) -> TrackingResult:
        if wanted is None:
            return TrackingResult(
                given,
                ok=False,
                failure=f"{given!r} is not a tracking code (16 letters and digits 2–7)",
            )
        if self.gate.limit <= 7:
            # Check 7 proves each ballot_hash is its ballot's SHA-256: without it the code
            # could name a ballot that is not the one the tablet sent.
            return _tracking_not_run(wanted)
        return prove_tracking_code(wanted, self.found, self.tree.tree, self.tree.newest)


def _tracking_not_run(code: str) -> TrackingResult:
    return TrackingResult(
        code,
        ok=False,
        failure="not checked: the bundle failed a check that the look-up depends on",
    )


def _report(
    results: dict[int, tuple[Failures, str]],
    vkey: str | None,
    entries: int,
    tracking: TrackingResult | None,
) -> Report:
    checks = []
    failed = False
    for number in range(_LAST_CHECK + 1):
        title_zh, title_en = CHECK_TITLES[number]
        failures, detail = results.get(number, (None, ""))
        if failed or failures is None:
            status = Status.NOT_RUN
            checks.append(CheckResult(number, title_zh, title_en, status))
            failed = True
            continue
        status = Status.FAILED if failures else Status.PASSED
        failed = bool(failures)
        checks.append(
            CheckResult(
                number,
                title_zh,
                title_en,
                status,
                failures.messages(),
                failures.count,
                detail if status is Status.PASSED else "",
            )
        )
    return Report(checks, vkey, tracking, entries)
