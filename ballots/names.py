"""Written names (另选他人, eligibility lists): one spelling per person.

A name is compared after Unicode NFC normalisation and trimming of surrounding whitespace, so
``"王五"``, ``" 王五 "`` and a decomposed spelling of the same letters are one person. A name
containing a control or format character (Unicode categories Cc and Cf: zero-width spaces, bidi
marks, NUL) would look like another person's name while counting apart, so it is never a name:
in a tally file it is an input error, in a decrypted ballot it is ignored. A name is at most
:data:`MAX_NAME_LENGTH` characters after normalisation (the longest names in use, such as
transliterated names of minority deputies with a middle dot, stay well below it).
"""

from __future__ import annotations

import unicodedata

from ballots.errors import InputError
from ballots.values import expect_str

MAX_NAME_LENGTH = 32
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf"})


def normal_name(value: object, path: str) -> str:
    """The compared form of a name read from a tally file; ``""`` for a blank one.

    Raises :class:`InputError` at ``path`` for a non-string, a control or format character,
    or a name longer than :data:`MAX_NAME_LENGTH` characters.
    """
    name = unicodedata.normalize("NFC", expect_str(value, path, allow_empty=True)).strip()
    problem = name_problem(name)
    if problem is not None:
        raise InputError(path, problem)
    return name


def lenient_name(value: object) -> str | None:
    """The compared form of a name decrypted from a ballot, or ``None`` if it is not one.

    ``value`` is the decrypted UTF-8 bytes or text. Bytes that are not UTF-8, text that is not
    already in NFC form, a control or format character or an over-long name give ``None``
    (ignored, never an error, so that one modified tablet cannot stop a count); a blank name
    gives ``""``.
    """
    if isinstance(value, bytes | bytearray):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(value, str) or unicodedata.normalize("NFC", value) != value:
        return None
    name = value.strip()
    return None if name_problem(name) is not None else name


def name_problem(name: str) -> str | None:
    """Why a normalised, trimmed ``name`` is not a name, or ``None`` if it is one."""
    for char in name:
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return (
                f"control or format character U+{ord(char):04X} in a name"
                " (names may not contain invisible characters)"
            )
    if len(name) > MAX_NAME_LENGTH:
        return f"a name has at most {MAX_NAME_LENGTH} characters, got {len(name)}"
    return None
