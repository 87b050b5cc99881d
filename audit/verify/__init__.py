"""The auditor's verifier: checks an export bundle without trusting the server
(audit-log.md §7; the guide is docs/verifying.md).

::

    report = verify_bundle(Path("bundle"), vkey="xinzhou.congress.local/2026-3+1a2b3c4d+AU...")
    report.ok             # True only if every check passed
    report.checks         # CheckResult per numbered check, 0 to 8

One module per check: ``encoding`` (2), ``signatures`` (1), ``tree`` (3), ``roster`` (4),
``tablets`` (5), ``windows`` (6), ``secrecy`` (7), ``recount`` (8); ``run`` streams the bundle
through them.
"""

from audit.verify.report import CHECK_TITLES, CheckResult, ReceiptResult, Report, Status
from audit.verify.run import PROGRESS_EVERY, Progress, verify_bundle

__all__ = [
    "CHECK_TITLES",
    "PROGRESS_EVERY",
    "CheckResult",
    "Progress",
    "ReceiptResult",
    "Report",
    "Status",
    "verify_bundle",
]
