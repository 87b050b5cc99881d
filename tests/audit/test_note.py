"""C2SP signed notes with Ed25519 (audit-log.md §3)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.errors import AuditError, NoteError
from audit.note import NoteSigner, NoteVerifier, SignedNote, key_id, open_note

# Known answer from the C2SP signed-note specification.
EXAMPLE_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
EXAMPLE_NOTE = (
    "This is an example message.\n"
    "\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXm"
    "RKuwHjG1Yu72IneyaQM=\n"
)
EXAMPLE_PUBLIC_KEY = base64.b64decode("AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")[1:]

TEXT = "xinzhou.congress.local/2026-3\n5\nroot line\n"


def fixed_signer(name: str, seed: int) -> NoteSigner:
    return NoteSigner(name, Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32))


@pytest.fixture
def log() -> NoteSigner:
    return fixed_signer("xinzhou.congress.local/2026-3", 1)


@pytest.fixture
def other() -> NoteSigner:
    return fixed_signer("example.org/witness", 2)


def signature_line(signer: NoteSigner, text: str) -> str:
    """The signature line ``signer`` adds to ``text``."""
    return signer.sign(text)[len(text) + 1 :]


def open_error(note: str | bytes, verifiers: list[NoteVerifier]) -> str:
    with pytest.raises(NoteError) as caught:
        open_note(note, verifiers)
    return caught.value.message


# Known answer and round trips ------------------------------------------------------------------


def test_c2sp_known_answer() -> None:
    verifier = NoteVerifier.from_vkey(EXAMPLE_VKEY)
    assert verifier.name == "example.com/foo"
    assert verifier.key_id.hex() == "530d903a"
    assert verifier.vkey() == EXAMPLE_VKEY
    assert key_id("example.com/foo", EXAMPLE_PUBLIC_KEY).hex() == "530d903a"
    assert open_note(EXAMPLE_NOTE, [verifier]) == SignedNote(
        text="This is an example message.\n", verified_by=("example.com/foo",)
    )
    assert open_note(EXAMPLE_NOTE.encode(), [verifier]).verified_by == ("example.com/foo",)


def test_sign_then_open(log: NoteSigner) -> None:
    note = log.sign(TEXT)
    assert note.startswith(TEXT + "\n— xinzhou.congress.local/2026-3 ")
    assert note.endswith("\n")
    opened = open_note(note, [NoteVerifier.from_vkey(log.vkey())])
    assert opened == SignedNote(text=TEXT, verified_by=("xinzhou.congress.local/2026-3",))


def test_text_may_contain_blank_lines(log: NoteSigner) -> None:
    text = "first\n\nsecond\n\n"
    assert open_note(log.sign(text), [log.verifier()]).text == text


def test_signer_and_verifier_agree(log: NoteSigner) -> None:
    verifier = log.verifier()
    assert (verifier.name, verifier.key_id, verifier.public_key_raw) == (
        log.name,
        log.key_id,
        log.public_key_raw,
    )
    assert verifier.vkey() == log.vkey()
    assert log.vkey().startswith(f"{log.name}+{log.key_id.hex()}+")


def test_generated_signers_differ() -> None:
    first, second = NoteSigner.generate("a.example"), NoteSigner.generate("a.example")
    assert first.public_key_raw != second.public_key_raw
    assert open_note(first.sign(TEXT), [first.verifier()]).verified_by == ("a.example",)


def test_raw_signatures(log: NoteSigner) -> None:
    signature = log.sign_bytes(b"ballot hash")
    assert len(signature) == 64
    log.verifier().verify_bytes(b"ballot hash", signature)
    with pytest.raises(NoteError) as caught:
        log.verifier().verify_bytes(b"another hash", signature)
    assert caught.value.message == (
        f"signature does not verify under key {log.name}+{log.key_id.hex()}"
    )


# Which signatures count ------------------------------------------------------------------------


def test_unknown_keys_are_ignored(log: NoteSigner, other: NoteSigner) -> None:
    note = log.sign(TEXT) + signature_line(other, TEXT)
    assert open_note(note, [log.verifier()]).verified_by == (log.name,)
    # Same name as a known key but another key ID: a different key, also ignored.
    impostor = fixed_signer(log.name, 3)
    note = impostor.sign(TEXT) + signature_line(log, TEXT)
    assert open_note(note, [log.verifier()]).verified_by == (log.name,)


def test_every_known_key_is_reported(log: NoteSigner, other: NoteSigner) -> None:
    note = log.sign(TEXT) + signature_line(other, TEXT)
    opened = open_note(note, [other.verifier(), log.verifier()])
    assert opened.verified_by == (log.name, other.name)


def test_failing_known_signature_rejects_the_note(log: NoteSigner, other: NoteSigner) -> None:
    forged = other.sign(TEXT) + signature_line(log, "another text\n")
    assert open_error(forged, [log.verifier(), other.verifier()]) == (
        f"note signature line 2: signature does not verify under key {log.name}+{log.key_id.hex()}"
    )


def test_no_known_signature_rejects_the_note(log: NoteSigner, other: NoteSigner) -> None:
    assert open_error(other.sign(TEXT), [log.verifier()]) == (
        f"note has no signature from a known key (signed by {other.name}+{other.key_id.hex()}; "
        f"known: {log.name}+{log.key_id.hex()})"
    )
    assert open_error(other.sign(TEXT), []) == (
        f"note has no signature from a known key (signed by {other.name}+{other.key_id.hex()}; "
        "known: none)"
    )


def test_tampered_text_rejects_the_note(log: NoteSigner) -> None:
    note = log.sign(TEXT).replace("\n5\n", "\n6\n")
    assert open_error(note, [log.verifier()]) == (
        f"note signature line 1: signature does not verify under key {log.name}+{log.key_id.hex()}"
    )


def test_signature_limit(log: NoteSigner, other: NoteSigner) -> None:
    unknown = signature_line(other, TEXT)
    at_limit = log.sign(TEXT) + unknown * 999
    assert open_note(at_limit, [log.verifier()]).verified_by == (log.name,)
    assert open_error(at_limit + unknown, [log.verifier()]) == (
        "note has 1001 signature lines, more than 1000"
    )


# Malformed notes -------------------------------------------------------------------------------

SIG = "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXm"
SIG += "RKuwHjG1Yu72IneyaQM=\n"


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("text\n" + SIG, "note has no blank line separating the text from the signatures"),
        ("text\n\n", "note has no signature lines after its last blank line"),
        ("text\n\n" + SIG[:-1], "note does not end with a newline"),
        (
            "text\n\n- example.com/foo AAAAAAA=\n",
            "note signature line 1 does not start with an em dash (U+2014) and a space",
        ),
        (
            "text\n\n" + SIG + "—example.com/foo AAAAAAA=\n",
            "note signature line 2 does not start with an em dash (U+2014) and a space",
        ),
        (
            "text\n\n— example.com/foo not*base64\n",
            "note signature line 1: signature is not valid base64",
        ),
        (
            "text\n\n— example.com/foo AAAAAAA\n",
            "note signature line 1: signature is not valid base64",
        ),
        (
            "text\n\n— example.com/foo AAAAAAB=\n",
            "note signature line 1: signature is not valid base64",
        ),
        (
            "text\n\n— example.com/foo AAAAAA==\n",
            "note signature line 1: signature is 4 bytes, too short for a key ID and a signature",
        ),
        (
            "text\n\n— example.com/foo\n",
            "note signature line 1: signature is 0 bytes, too short for a key ID and a signature",
        ),
        (
            "text\n\n— example.com/foo+x AAAAAAA=\n",
            "note signature line 1: key name 'example.com/foo+x' contains '+'",
        ),
        ("text\n\n—  AAAAAAA=\n", "note signature line 1: key name is empty"),
        (
            "text\r\n\n" + SIG,
            "note contains control character U+000D at offset 4; only newline is allowed",
        ),
        (
            "te\x00xt\n\n" + SIG,
            "note contains control character U+0000 at offset 2; only newline is allowed",
        ),
        ("text \ud800\n\n" + SIG, "note is not valid UTF-8 (it contains a lone surrogate)"),
        (b"text\xff\n\n" + SIG.encode(), "note is not valid UTF-8: invalid byte at offset 4"),
    ],
)
def test_malformed_notes(note: str | bytes, message: str) -> None:
    assert open_error(note, [NoteVerifier.from_vkey(EXAMPLE_VKEY)]) == message


def test_sign_rejects_text_it_could_not_open(log: NoteSigner) -> None:
    for text, message in [
        ("no newline", "note text must end with a newline"),
        (
            "tab\there\n",
            "note text contains control character U+0009 at offset 3; only newline is allowed",
        ),
    ]:
        with pytest.raises(NoteError) as caught:
            log.sign(text)
        assert caught.value.message == message


# Keys ------------------------------------------------------------------------------------------


def test_vkey_with_plus_in_its_base64() -> None:
    signer = fixed_signer("example.com/plus", 8)
    vkey = signer.vkey()
    assert vkey == "example.com/plus+fef6ff84+AROY9ixtGkV8UbpqS189vS9p/KkyFiGNyJl+QWvRfZPK"
    verifier = NoteVerifier.from_vkey(vkey)
    assert verifier.public_key_raw == signer.public_key_raw
    assert verifier.vkey() == vkey
    assert open_note(signer.sign(TEXT), [verifier]).verified_by == ("example.com/plus",)


def _with_key(key: bytes) -> str:
    return "example.com/foo+530d903a+" + base64.b64encode(key).decode()


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        (
            "example.com/foo",
            "verifier key 'example.com/foo' is not of the form <name>+<key ID>+<key>",
        ),
        (
            "example.com/foo+530d903a",
            "verifier key 'example.com/foo+530d903a' is not of the form <name>+<key ID>+<key>",
        ),
        (EXAMPLE_VKEY + "\n", "verifier key has leading or trailing whitespace"),
        ("+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "verifier key name is empty"),
        (
            "example com+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            "verifier key name 'example com' contains whitespace",
        ),
        (
            "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            "verifier key example.com/foo: key ID '530D903A' is not 8 lowercase hex digits",
        ),
        (
            "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            "verifier key example.com/foo: key ID '530d903' is not 8 lowercase hex digits",
        ),
        (
            "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            "verifier key example.com/foo: key ID 530d903b does not match the key, "
            "whose ID is 530d903a",
        ),
        (
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",
            "verifier key example.com/foo: the key is not valid base64",
        ),
        ("example.com/foo+530d903a+", "verifier key example.com/foo: the key is empty"),
        (
            _with_key(b"\x02" + EXAMPLE_PUBLIC_KEY),
            "verifier key example.com/foo: algorithm byte 0x02 is not Ed25519 (0x01)",
        ),
        (
            _with_key(b"\x01" + EXAMPLE_PUBLIC_KEY[:31]),
            "verifier key example.com/foo: an Ed25519 key is 32 bytes, got 31",
        ),
    ],
)
def test_malformed_vkeys(vkey: str, message: str) -> None:
    with pytest.raises(NoteError) as caught:
        NoteVerifier.from_vkey(vkey)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "signer key name is empty"),
        ("a b", "signer key name 'a b' contains whitespace"),
        ("a\u3000b", "signer key name 'a\\u3000b' contains whitespace"),
        ("a+b", "signer key name 'a+b' contains '+'"),
    ],
)
def test_signer_names_follow_c2sp(name: str, message: str) -> None:
    with pytest.raises(NoteError) as caught:
        NoteSigner.generate(name)
    assert caught.value.message == message


def test_conflicting_verifiers_are_refused(log: NoteSigner) -> None:
    # Two keys cannot share name and key ID unless they are the same key; simulate a collision.
    genuine = log.verifier()
    collision = fixed_signer(log.name, 4).verifier()
    object.__setattr__(collision, "_key_id", genuine.key_id)
    assert open_error(log.sign(TEXT), [genuine, collision]) == (
        f"two different verifier keys share name {log.name} and key ID {log.key_id.hex()}"
    )
    assert open_note(log.sign(TEXT), [genuine, log.verifier()]).verified_by == (log.name,)


def test_note_error_is_an_audit_error() -> None:
    assert issubclass(NoteError, AuditError)
