"""C2SP signed notes with Ed25519 keys (audit-log.md §3, c2sp.org/signed-note).

A signed note is a text ending in a newline, a blank line, then one line per signature::

    — <key name> base64(key ID[4] || Ed25519 signature[64])

with ``key ID = SHA-256(key name || 0x0A || 0x01 || public key)[:4]``. A verifier key ("vkey")
is written ``<name>+<key ID as 8 lowercase hex digits>+base64(0x01 || public key)``.

Opening a note ignores signatures from unknown keys (a key is its name *and* key ID), rejects
the note if a known key's signature fails, and requires at least one known signature.
Problems raise :class:`~audit.errors.NoteError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NewType

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.errors import NoteError

__all__ = [
    "ED25519_ALGORITHM",
    "MAX_SIGNATURES",
    "KeyId",
    "NoteSigner",
    "NoteVerifier",
    "SignedNote",
    "check_key_name",
    "key_id",
    "open_note",
]

#: A key ID: the first four bytes of SHA-256(name || 0x0A || algorithm || public key).
KeyId = NewType("KeyId", bytes)

#: Signature type byte of Ed25519 in key IDs and verifier keys.
ED25519_ALGORITHM: Final = 0x01
#: Most signature lines a note may carry (C2SP requires accepting at least 16); a bundle's
#: checkpoint carries the log's signature and one cosignature per tablet that witnessed it.
MAX_SIGNATURES: Final = 1000

_ED25519_KEY_SIZE: Final = 32
_SIGNATURE_PREFIX: Final = "— "  # U+2014 EM DASH, space
_CONTROL: Final = re.compile(r"[\x00-\x09\x0b-\x1f]")
_KEY_ID_HEX: Final = re.compile(r"[0-9a-f]{8}")


def key_id(name: str, public_key: bytes) -> KeyId:
    """Return the key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public_key).digest()
    return KeyId(digest[:4])


def check_key_name(name: str, what: str = "key name") -> None:
    """Raise :class:`NoteError` unless ``name`` is a valid key name: non-empty, no whitespace,
    no ``+``, no control characters, valid Unicode."""
    if not name:
        raise NoteError(f"{what} is empty")
    if "+" in name:
        raise NoteError(f"{what} {name!r} contains '+'")
    if any(char.isspace() for char in name):
        raise NoteError(f"{what} {name!r} contains whitespace")
    if _CONTROL.search(name):
        raise NoteError(f"{what} {name!r} contains a control character")
    if not _is_unicode(name):
        raise NoteError(f"{what} {name!r} is not valid Unicode")


@dataclass(frozen=True, slots=True)
class SignedNote:
    """An opened note: its text (ending in a newline) and the names of the known keys whose
    signatures verified, in order of appearance."""

    text: str
    verified_by: tuple[str, ...]


class NoteVerifier:
    """An Ed25519 public key with its name, which checks note signatures."""

    __slots__ = ("_key", "_key_id", "_name", "_public_key_raw")

    def __init__(self, name: str, public_key: bytes) -> None:
        """``public_key`` is the raw 32-byte Ed25519 key."""
        check_key_name(name, "verifier key name")
        if len(public_key) != _ED25519_KEY_SIZE:
            raise NoteError(
                f"verifier key {name}: an Ed25519 key is 32 bytes, got {len(public_key)}"
            )
        self._name = name
        self._public_key_raw = bytes(public_key)
        self._key = Ed25519PublicKey.from_public_bytes(self._public_key_raw)
        self._key_id = key_id(name, self._public_key_raw)

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        """Parse ``<name>+<8 hex key ID>+<base64(0x01 || key)>``, checking the algorithm byte,
        the key length and that the key ID matches the key."""
        if vkey != vkey.strip():
            raise NoteError("verifier key has leading or trailing whitespace")
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise NoteError(f"verifier key {vkey!r} is not of the form <name>+<key ID>+<key>")
        name, id_hex, key_b64 = parts
        check_key_name(name, "verifier key name")
        if not _KEY_ID_HEX.fullmatch(id_hex):
            raise NoteError(f"verifier key {name}: key ID {id_hex!r} is not 8 lowercase hex digits")
        try:
            key = _b64decode(key_b64)
        except ValueError:
            raise NoteError(f"verifier key {name}: the key is not valid base64") from None
        if not key:
            raise NoteError(f"verifier key {name}: the key is empty")
        if key[0] != ED25519_ALGORITHM:
            raise NoteError(
                f"verifier key {name}: algorithm byte {key[0]:#04x} is not Ed25519 (0x01)"
            )
        public_key = key[1:]
        if len(public_key) != _ED25519_KEY_SIZE:
            raise NoteError(
                f"verifier key {name}: an Ed25519 key is 32 bytes, got {len(public_key)}"
            )
        verifier = cls(name, public_key)
        if verifier.key_id.hex() != id_hex:
            raise NoteError(
                f"verifier key {name}: key ID {id_hex} does not match the key, "
                f"whose ID is {verifier.key_id.hex()}"
            )
        return verifier

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> KeyId:
        return self._key_id

    @property
    def public_key_raw(self) -> bytes:
        return self._public_key_raw

    def vkey(self) -> str:
        """Return the verifier key string."""
        return _vkey(self._name, self._key_id, self._public_key_raw)

    def verify_bytes(self, data: bytes, signature: bytes) -> None:
        """Check a raw Ed25519 signature over ``data``; raises :class:`NoteError`."""
        try:
            self._key.verify(signature, data)
        except InvalidSignature:
            raise NoteError(
                f"signature does not verify under key {self._name}+{self._key_id.hex()}"
            ) from None

    def __repr__(self) -> str:
        return f"NoteVerifier({self.vkey()!r})"


class NoteSigner:
    """An Ed25519 private key with its name, which signs notes (the log key)."""

    __slots__ = ("_key_id", "_name", "_private_key", "_public_key_raw")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        check_key_name(name, "signer key name")
        self._name = name
        self._private_key = private_key
        self._public_key_raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._key_id = key_id(name, self._public_key_raw)

    @classmethod
    def generate(cls, name: str) -> NoteSigner:
        """Return a signer with a fresh random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> KeyId:
        return self._key_id

    @property
    def public_key_raw(self) -> bytes:
        return self._public_key_raw

    def vkey(self) -> str:
        """Return the verifier key string for this signer."""
        return _vkey(self._name, self._key_id, self._public_key_raw)

    def verifier(self) -> NoteVerifier:
        """Return the matching verifier."""
        return NoteVerifier(self._name, self._public_key_raw)

    def sign(self, text: str) -> str:
        """Return the signed note: ``text``, a blank line and this key's signature line.

        ``text`` must end with a newline and contain no control characters but newlines.
        """
        if not text.endswith("\n"):
            raise NoteError("note text must end with a newline")
        _check_note_characters(text, "note text")
        signature = self._private_key.sign(text.encode("utf-8"))
        encoded = base64.b64encode(self._key_id + signature).decode("ascii")
        return f"{text}\n{_SIGNATURE_PREFIX}{self._name} {encoded}\n"

    def sign_bytes(self, data: bytes) -> bytes:
        """Return the raw 64-byte Ed25519 signature of ``data`` under this key."""
        return self._private_key.sign(data)

    def __repr__(self) -> str:
        return f"NoteSigner({self._name!r}, key ID {self._key_id.hex()})"


def open_note(note: str | bytes, verifiers: Sequence[NoteVerifier]) -> SignedNote:
    """Check a signed note against trusted ``verifiers`` and return its text.

    Signature lines from keys not among ``verifiers`` (matched by name and key ID) are ignored;
    a failing signature by a known key, a malformed note, or a note without any verified
    signature from a known key raises :class:`NoteError`.
    """
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError(
                f"note is not valid UTF-8: invalid byte at offset {exc.start}"
            ) from None
    _check_note_characters(note, "note")

    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line separating the text from the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block:
        raise NoteError("note has no signature lines after its last blank line")
    if not block.endswith("\n"):
        raise NoteError("note does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has {len(lines)} signature lines, more than {MAX_SIGNATURES}")

    signatures: list[tuple[int, str, KeyId, bytes]] = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith(_SIGNATURE_PREFIX):
            raise NoteError(
                f"note signature line {number} does not start with an em dash (U+2014) and a space"
            )
        name, _, signature_b64 = line[len(_SIGNATURE_PREFIX) :].partition(" ")
        check_key_name(name, f"note signature line {number}: key name")
        try:
            signature = _b64decode(signature_b64)
        except ValueError:
            raise NoteError(
                f"note signature line {number}: signature is not valid base64"
            ) from None
        if len(signature) < 5:
            raise NoteError(
                f"note signature line {number}: signature is {len(signature)} bytes, "
                "too short for a key ID and a signature"
            )
        signatures.append((number, name, KeyId(signature[:4]), signature[4:]))

    known = _index_verifiers(verifiers)
    signed_data = text.encode("utf-8")
    verified: list[str] = []
    unknown: list[str] = []
    for number, name, signer_id, signature in signatures:
        verifier = known.get((name, signer_id))
        if verifier is None:
            unknown.append(f"{name}+{signer_id.hex()}")
            continue
        try:
            verifier.verify_bytes(signed_data, signature)
        except NoteError as exc:
            raise NoteError(f"note signature line {number}: {exc.message}") from None
        if name not in verified:
            verified.append(name)

    if not verified:
        signed_by = ", ".join(unknown)
        trusted = ", ".join(f"{v.name}+{v.key_id.hex()}" for v in verifiers) or "none"
        raise NoteError(
            f"note has no signature from a known key (signed by {signed_by}; known: {trusted})"
        )
    return SignedNote(text=text, verified_by=tuple(verified))


def _index_verifiers(verifiers: Sequence[NoteVerifier]) -> dict[tuple[str, KeyId], NoteVerifier]:
    known: dict[tuple[str, KeyId], NoteVerifier] = {}
    for verifier in verifiers:
        handle = (verifier.name, verifier.key_id)
        other = known.setdefault(handle, verifier)
        if other.public_key_raw != verifier.public_key_raw:
            raise NoteError(
                f"two different verifier keys share name {verifier.name} "
                f"and key ID {verifier.key_id.hex()}"
            )
    return known


def _check_note_characters(note: str, what: str) -> None:
    control = _CONTROL.search(note)
    if control:
        raise NoteError(
            f"{what} contains control character U+{ord(control.group()):04X} at offset "
            f"{control.start()}; only newline is allowed"
        )
    if not _is_unicode(note):
        raise NoteError(f"{what} is not valid UTF-8 (it contains a lone surrogate)")


def _vkey(name: str, identifier: KeyId, public_key_raw: bytes) -> str:
    key_b64 = base64.b64encode(bytes([ED25519_ALGORITHM]) + public_key_raw).decode("ascii")
    return f"{name}+{identifier.hex()}+{key_b64}"


def _b64decode(text: str) -> bytes:
    """Strict standard base64 with padding; the canonical encoding only (raises ValueError)."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise ValueError("invalid base64") from exc
    if base64.b64encode(data).decode("ascii") != text:
        raise ValueError("non-canonical base64")
    return data


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
