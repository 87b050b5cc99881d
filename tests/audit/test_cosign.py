"""C2SP cosignature/v1 (audit/cosign.py) against answers computed here from the spec's layout."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.cosign import (
    Cosignature,
    cosign,
    cosignature_key_id,
    cosigned_message,
    note_signature_lines,
    tablet_cosigner,
    verify_cosignature,
)
from audit.errors import CosignatureError

# The checkpoint of the spec's example (c2sp.org/tlog-cosignature) and its time line.
CHECKPOINT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
TIME = 1679315147
NAME = "witness.example.com/w1"
# RFC 8032 §7.1 test 1 secret key: a fixed key, so the signature is fixed too.
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")


def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEED)


def public() -> bytes:
    return key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def expected_line() -> str:
    """The line built by hand from the spec: key ID || u64 BE time || Ed25519 signature."""
    message = b"cosignature/v1\ntime 1679315147\n" + CHECKPOINT.encode()
    signature = key().sign(message)
    key_id = hashlib.sha256(NAME.encode() + b"\n\x04" + public()).digest()[:4]
    blob = key_id + struct.pack(">Q", TIME) + signature
    return "— " + NAME + " " + base64.b64encode(blob).decode()


def test_message_is_the_spec_layout() -> None:
    assert cosigned_message(CHECKPOINT, TIME) == (
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


def test_key_id_uses_type_byte_4() -> None:
    assert (
        cosignature_key_id(NAME, public())
        == (hashlib.sha256(NAME.encode() + b"\n\x04" + public()).digest()[:4])
    )
    assert cosignature_key_id(NAME, public()).hex() == "{:08x}".format(
        int.from_bytes(hashlib.sha256(NAME.encode() + b"\n\x04" + public()).digest()[:4], "big")
    )


def test_cosign_matches_the_known_answer() -> None:
    line = cosign(key(), NAME, CHECKPOINT, TIME).line()
    assert line == expected_line()
    assert len(base64.b64decode(line.split(" ")[2])) == 76


def test_verify_accepts_and_parses() -> None:
    parsed = verify_cosignature(expected_line(), CHECKPOINT, NAME, public())
    assert (parsed.name, parsed.timestamp) == (NAME, TIME)
    assert Cosignature.parse(expected_line()) == parsed


def test_verify_refuses_another_checkpoint() -> None:
    other = CHECKPOINT.replace("20852163", "20852164")
    with pytest.raises(CosignatureError, match="does not verify over the checkpoint"):
        verify_cosignature(expected_line(), other, NAME, public())


def test_verify_refuses_another_name_and_key() -> None:
    with pytest.raises(CosignatureError, match=r"expected witness\.example\.com/w2"):
        verify_cosignature(expected_line(), CHECKPOINT, "witness.example.com/w2", public())
    stranger = (
        Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    with pytest.raises(CosignatureError, match="is not that of its key"):
        verify_cosignature(expected_line(), CHECKPOINT, NAME, stranger)


def test_verify_refuses_a_changed_timestamp() -> None:
    blob = bytearray(base64.b64decode(expected_line().split(" ")[2]))
    blob[11] ^= 1
    line = f"— {NAME} {base64.b64encode(bytes(blob)).decode()}"
    with pytest.raises(CosignatureError, match="at time 1679315146 does not verify"):
        verify_cosignature(line, CHECKPOINT, NAME, public())


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("- w AAAA", "em dash"),
        ("— w !!!!", "not valid base64"),
        ("— w " + base64.b64encode(bytes(70)).decode(), "70 bytes, expected 76"),
        ("— w+x " + base64.b64encode(bytes(76)).decode(), r"contains '\+'"),
    ],
)
def test_parse_refuses_malformed_lines(line: str, problem: str) -> None:
    with pytest.raises(CosignatureError, match=problem):
        Cosignature.parse(line)


def test_tablet_cosigner_name_and_note_lines() -> None:
    assert tablet_cosigner("xinzhou.congress.local/2026-3", "t1") == (
        "xinzhou.congress.local/2026-3/tablet/t1"
    )
    with pytest.raises(CosignatureError, match="whitespace"):
        tablet_cosigner("o", "t 1")
    note = CHECKPOINT + "\n— log abc=\n" + expected_line() + "\n"
    assert note_signature_lines(note) == (CHECKPOINT, ("— log abc=", expected_line()))
