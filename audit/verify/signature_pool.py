"""Tablet signatures checked inline, or in batches spread over worker processes.

Signature verification is most of a large verification's work (an Ed25519 check costs far
more than parsing an entry), and signatures are independent of each other, so a verifier with
several cores checks them in parallel while the main process reads on. The outcome is the same
either way: every signature is checked, and failures are reported by entry number.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Final

from audit.signature_batch import check_signatures

__all__ = ["BATCH_SIZE", "Job", "SignatureFailure", "SignaturePool", "check_batch"]

#: One signature to check: (seq, device, alg, public key, signed payload, signature).
Job = tuple[int, str, str, str, bytes, str]
#: (seq, device, reason) of a signature that does not verify.
SignatureFailure = tuple[int, str, str]

BATCH_SIZE: Final = 2_000
#: Batches in flight per worker before the reader waits.
_QUEUE_PER_WORKER: Final = 4


def check_batch(jobs: list[Job]) -> tuple[list[SignatureFailure], dict[str, int]]:
    """Check a batch with :func:`audit.signature_batch.check_signatures`; returns the failures
    and the number verified per algorithm. Runs in a worker process."""
    verdicts = check_signatures([(alg, key, payload, sig) for _, _, alg, key, payload, sig in jobs])
    failures: list[SignatureFailure] = []
    verified: dict[str, int] = {}
    for (seq, device, alg, _, _, _), problem in zip(jobs, verdicts, strict=True):
        if problem is not None:
            failures.append((seq, device, problem))
        else:
            verified[alg] = verified.get(alg, 0) + 1
    return failures, verified


class SignaturePool:
    """Collects signature jobs and checks them in ``workers`` processes (``workers`` ≤ 1:
    in this process, at once)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.verified: dict[str, int] = {}
        self._batch: list[Job] = []
        self._pending: deque[Future[tuple[list[SignatureFailure], dict[str, int]]]] = deque()
        self._executor = ProcessPoolExecutor(workers) if workers > 1 else None

    @staticmethod
    def automatic_workers(entries_bytes: int) -> int:
        """Worker processes worth starting for a bundle of this size: none for small ones."""
        cores = os.cpu_count() or 1
        return cores if entries_bytes > 8_000_000 and cores > 1 else 1

    def add(self, job: Job) -> list[SignatureFailure]:
        """Queue a job; returns the failures known so far (inline: this job's)."""
        if self._executor is None:
            return self._merge(check_batch([job]))
        self._batch.append(job)
        if len(self._batch) < BATCH_SIZE:
            return []
        self._pending.append(self._executor.submit(check_batch, self._batch))
        self._batch = []
        failures: list[SignatureFailure] = []
        while len(self._pending) > _QUEUE_PER_WORKER * self.workers:
            failures.extend(self._merge(self._pending.popleft().result()))
        return failures

    def finish(self) -> list[SignatureFailure]:
        """Check what is left and stop the workers; returns the remaining failures."""
        failures: list[SignatureFailure] = []
        if self._executor is None:
            return failures
        try:
            if self._batch:
                self._pending.append(self._executor.submit(check_batch, self._batch))
                self._batch = []
            while self._pending:
                failures.extend(self._merge(self._pending.popleft().result()))
        finally:
            self.close()
        return failures

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _merge(
        self, outcome: tuple[list[SignatureFailure], dict[str, int]]
    ) -> list[SignatureFailure]:
        failures, verified = outcome
        for alg, count in verified.items():
            self.verified[alg] = self.verified.get(alg, 0) + count
        return failures
