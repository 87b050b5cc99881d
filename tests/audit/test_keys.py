"""The log signing key file: created 0600, never overwritten, refused when others may read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from audit.errors import AuditError
from audit.keys import (
    KeyFileError,
    KeyFileExists,
    KeyFileInvalid,
    KeyFileMissing,
    KeyFilePermissions,
    check_key_name,
    create_key_file,
    load_signer,
)
from audit.merkle import EMPTY_ROOT
from audit.note import NoteVerifier

ORIGIN = "xinzhou.congress.local/2026-3"


def test_created_key_file_is_mode_0600_pkcs8_pem(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "log-key.pem"
    create_key_file(path, ORIGIN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert data.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    key = serialization.load_pem_private_key(data, password=None)
    assert isinstance(key, Ed25519PrivateKey)


def test_mode_is_0600_even_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "log-key.pem"
        create_key_file(path, ORIGIN)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_load_round_trip_gives_the_same_vkey(tmp_path: Path) -> None:
    path = tmp_path / "log-key.pem"
    created = create_key_file(path, ORIGIN)
    loaded = load_signer(path, ORIGIN)
    assert loaded.vkey() == created.vkey()
    assert loaded.name == ORIGIN
    assert created.vkey().startswith(ORIGIN + "+")
    assert NoteVerifier.from_vkey(created.vkey()).vkey() == created.vkey()
    # What the loaded key signs verifies under the vkey printed at creation.
    note = sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), loaded)
    opened = open_checkpoint(note, [NoteVerifier.from_vkey(created.vkey())], origin=ORIGIN)
    assert (opened.size, opened.root) == (0, EMPTY_ROOT)


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "log-key.pem"
    first = create_key_file(path, ORIGIN)
    before = path.read_bytes()
    with pytest.raises(KeyFileExists) as caught:
        create_key_file(path, ORIGIN)
    assert caught.value.message == f"key file {path} already exists; refusing to overwrite it"
    assert caught.value.path == path
    assert path.read_bytes() == before
    assert load_signer(path, ORIGIN).vkey() == first.vkey()


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o602])
def test_refuses_a_key_that_group_or_others_may_access(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "log-key.pem"
    create_key_file(path, ORIGIN)
    path.chmod(mode)
    with pytest.raises(KeyFilePermissions) as caught:
        load_signer(path, ORIGIN)
    assert caught.value.message == (
        f"log signing key {path} has mode {mode:04o}: group or others may access it; "
        f"restrict it with `chmod 600 {path}`"
    )


def test_owner_read_only_key_loads(tmp_path: Path) -> None:
    path = tmp_path / "log-key.pem"
    created = create_key_file(path, ORIGIN)
    path.chmod(0o400)
    assert load_signer(path, ORIGIN).vkey() == created.vkey()


def test_missing_key_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.pem"
    with pytest.raises(KeyFileMissing) as caught:
        load_signer(path, ORIGIN)
    assert caught.value.message == (
        f"log signing key {path} not found; create it with `congress init`"
    )


def test_refuses_a_key_of_another_algorithm(tmp_path: Path) -> None:
    path = tmp_path / "p256.pem"
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    with pytest.raises(KeyFileInvalid) as caught:
        load_signer(path, ORIGIN)
    assert caught.value.message == f"log signing key {path} is not an Ed25519 private key"


def test_refuses_a_file_that_is_not_a_pem_key(tmp_path: Path) -> None:
    path = tmp_path / "junk.pem"
    path.write_bytes(b"not a key\n")
    path.chmod(0o600)
    with pytest.raises(KeyFileInvalid) as caught:
        load_signer(path, ORIGIN)
    assert caught.value.message == f"log signing key {path} is not an unencrypted PEM private key"


@pytest.mark.parametrize(
    ("origin", "message"),
    [
        ("", "log origin is empty"),
        ("a b", "log origin 'a b' contains whitespace"),
        ("a+b", "log origin 'a+b' contains '+'"),
        ("tab\there", "log origin 'tab\\there' contains whitespace"),
    ],
)
def test_refuses_an_invalid_origin_and_writes_nothing(
    tmp_path: Path, origin: str, message: str
) -> None:
    path = tmp_path / "log-key.pem"
    with pytest.raises(ValueError) as caught:
        create_key_file(path, origin)
    assert str(caught.value) == message
    assert not path.exists()


def test_errors_belong_to_the_audit_error_tree() -> None:
    for error in (KeyFileExists, KeyFileMissing, KeyFilePermissions, KeyFileInvalid):
        assert issubclass(error, KeyFileError)
    assert issubclass(KeyFileError, AuditError)


def test_check_key_name_returns_a_valid_origin() -> None:
    assert check_key_name(ORIGIN) == ORIGIN
    with pytest.raises(ValueError) as caught:
        check_key_name("a\x01b")
    assert str(caught.value) == "log origin 'a\\x01b' contains a control character"
