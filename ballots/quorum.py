"""The quorum: a sitting may be held only if two thirds or more of seated deputies are present.

组织法 Art 14: 「三分之二以上的代表出席，始得举行」; "以上" includes the bound, so with 54 seated
deputies 36 present is a quorum and 35 is not.
"""

from __future__ import annotations


def quorum_met(present: int, electorate: int) -> bool:
    """Whether ``present`` deputies make a quorum of ``electorate`` seated deputies."""
    return 3 * present >= 2 * electorate
