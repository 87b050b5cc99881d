"""The auditor's verifier: checks an export bundle without trusting the server
(audit-log.md §7; the guide is docs/verifying.md).

::

    report = verify_bundle(Path("bundle"), vkey="xinzhou.congress.local/2026-3+1a2b3c4d+AU...")
    report.ok             # True only if every check passed
    report.checks         # CheckResult per numbered check, 0 to 8

One module per check: ``bundle`` reading (0), ``signatures`` (1), ``encoding`` (2), ``tree``
(3), ``roster`` (4), ``tablets`` (5), ``windows`` (6), ``encrypted_polls`` (7, with
``encrypted`` and ``mix_checks``), ``recount`` and ``ceremony`` (8); ``run`` streams the bundle
through them, and ``tracking`` finds a deputy's encrypted ballot by its tracking code.
"""

from audit.verify.report import CHECK_TITLES, CheckResult, Report, Status, TrackingResult
from audit.verify.run import PROGRESS_EVERY, Progress, verify_bundle

__all__ = [
    "CHECK_TITLES",
    "PROGRESS_EVERY",
    "CheckResult",
    "Progress",
    "Report",
    "Status",
    "TrackingResult",
    "verify_bundle",
]
