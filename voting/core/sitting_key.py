"""The ``key_completed`` entry: the scrutineers' threshold key of the sitting, once complete.

The key ceremony (``docs/ballot-crypto-threshold.md``) ends with a successful test decryption;
its outcome is recorded as one entry that the state applies as
:class:`~voting.core.records.SittingKey`. Encrypted polls of the sitting encrypt to its
``public_key``; decryption shares are checked against its ``verification_keys``.
"""

from __future__ import annotations

from typing import Any

from voting.core.records import SittingKey

__all__ = ["key_completed"]


def key_completed(key: SittingKey) -> dict[str, Any]:
    """The entry recording ``key``; indices become the strings "1".."n" of JSON objects."""
    return {
        "type": "key_completed",
        "key_id": key.key_id,
        "t": key.t,
        "n": key.n,
        "public_key": key.public_key,
        "verification_keys": {str(j): y for j, y in sorted(key.verification_keys.items())},
        "scrutineers": {str(j): d for j, d in sorted(key.scrutineers.items())},
    }
