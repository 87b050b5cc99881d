"""C2SP tlog-checkpoint text and signed checkpoints (audit-log.md §3)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from audit.errors import AuditError, CheckpointError, NoteError
from audit.merkle import MerkleTree, leaf_hash
from audit.note import NoteSigner

ORIGIN = "xinzhou.congress.local/2026-3"
ROOT = bytes(range(32))
ROOT_B64 = base64.b64encode(ROOT).decode()


@pytest.fixture
def log() -> NoteSigner:
    return NoteSigner(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x01" * 32))


def test_text_is_three_lines() -> None:
    checkpoint = Checkpoint(origin=ORIGIN, size=123, root=ROOT)
    assert checkpoint.text() == f"{ORIGIN}\n123\n{ROOT_B64}\n"
    assert ROOT_B64 == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def test_empty_tree_size_is_zero() -> None:
    assert Checkpoint(origin=ORIGIN, size=0, root=ROOT).text().split("\n")[1] == "0"


def test_c2sp_example_parses() -> None:
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = Checkpoint.parse(text)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.extensions == ()
    assert checkpoint.text() == text


def test_extension_lines_are_kept() -> None:
    text = f"{ORIGIN}\n7\n{ROOT_B64}\nfirst extension\nsecond\n"
    checkpoint = Checkpoint.parse(text)
    assert checkpoint.extensions == ("first extension", "second")
    assert checkpoint.text() == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{ORIGIN}\n5\n{ROOT_B64}", "checkpoint text does not end with a newline"),
        (
            f"{ORIGIN}\n5\n",
            "checkpoint has 2 lines, expected at least 3 (origin, tree size, root hash)",
        ),
        (f"\n5\n{ROOT_B64}\n", "checkpoint origin (line 1) is empty"),
        (f"my log\n5\n{ROOT_B64}\n", "checkpoint origin (line 1) 'my log' contains whitespace"),
        (f"a+b\n5\n{ROOT_B64}\n", "checkpoint origin (line 1) 'a+b' contains '+'"),
        (
            f"{ORIGIN}\n012\n{ROOT_B64}\n",
            "checkpoint tree size (line 2) '012' is not a decimal number without leading zeros",
        ),
        (
            f"{ORIGIN}\n-1\n{ROOT_B64}\n",
            "checkpoint tree size (line 2) '-1' is not a decimal number without leading zeros",
        ),
        (
            f"{ORIGIN}\n1_000\n{ROOT_B64}\n",
            "checkpoint tree size (line 2) '1_000' is not a decimal number without leading zeros",
        ),
        (
            f"{ORIGIN}\n\uff15\n{ROOT_B64}\n",
            "checkpoint tree size (line 2) '５' is not a decimal number without leading zeros",
        ),
        (
            f"{ORIGIN}\n5\r\n{ROOT_B64}\n",
            "checkpoint tree size (line 2) '5\\r' is not a decimal number without leading zeros",
        ),
        (
            f"{ORIGIN}\n\n{ROOT_B64}\n",
            "checkpoint tree size (line 2) '' is not a decimal number without leading zeros",
        ),
        (
            f"{ORIGIN}\n18446744073709551616\n{ROOT_B64}\n",
            "checkpoint tree size (line 2) 18446744073709551616 is above 2**64-1",
        ),
        (f"{ORIGIN}\n5\n{ROOT_B64[:-1]}\n", "checkpoint root hash (line 3) is not valid base64"),
        (f"{ORIGIN}\n5\n{ROOT_B64} \n", "checkpoint root hash (line 3) is not valid base64"),
        (
            f"{ORIGIN}\n5\n{ROOT_B64[:-2]}9=\n",
            "checkpoint root hash (line 3) is not canonical base64",
        ),
        (
            f"{ORIGIN}\n5\n{base64.b64encode(ROOT[:31]).decode()}\n",
            "checkpoint root hash (line 3) is 31 bytes, expected 32",
        ),
        (f"{ORIGIN}\n5\n{ROOT_B64}\n\n", "checkpoint extension line 4 is empty"),
        (
            f"{ORIGIN}\n5\n{ROOT_B64}\nx\x07\n",
            "checkpoint extension line 4 contains a control character",
        ),
    ],
)
def test_parse_rejects(text: str, message: str) -> None:
    with pytest.raises(CheckpointError) as caught:
        Checkpoint.parse(text)
    assert caught.value.message == message


def test_construction_is_checked() -> None:
    with pytest.raises(
        CheckpointError, match=r"^checkpoint tree size -1 is not in 0\.\.2\*\*64-1$"
    ):
        Checkpoint(origin=ORIGIN, size=-1, root=ROOT)
    with pytest.raises(CheckpointError, match=r"^checkpoint root hash must be 32 bytes$"):
        Checkpoint(origin=ORIGIN, size=1, root=ROOT[:31])
    with pytest.raises(CheckpointError, match=r"^checkpoint extension line 5 is empty$"):
        Checkpoint(origin=ORIGIN, size=1, root=ROOT, extensions=("ok", ""))


def test_sign_and_open(log: NoteSigner) -> None:
    tree = MerkleTree(leaf_hash(bytes([number])) for number in range(5))
    checkpoint = Checkpoint(origin=ORIGIN, size=tree.size, root=tree.root())
    note = sign_checkpoint(checkpoint, log)
    assert note.startswith(checkpoint.text() + "\n— " + ORIGIN + " ")
    assert open_checkpoint(note, [log.verifier()]) == checkpoint
    assert open_checkpoint(note.encode(), [log.verifier()], origin=ORIGIN) == checkpoint


def test_open_checks_the_origin(log: NoteSigner) -> None:
    note = sign_checkpoint(Checkpoint(origin=ORIGIN, size=1, root=ROOT), log)
    with pytest.raises(CheckpointError) as caught:
        open_checkpoint(note, [log.verifier()], origin="other.example/log")
    assert (
        caught.value.message == f"checkpoint is for origin '{ORIGIN}', expected 'other.example/log'"
    )


def test_open_requires_the_origins_own_key() -> None:
    witness = NoteSigner("example.org/witness", Ed25519PrivateKey.from_private_bytes(b"\x02" * 32))
    note = witness.sign(Checkpoint(origin=ORIGIN, size=1, root=ROOT).text())
    with pytest.raises(CheckpointError) as caught:
        open_checkpoint(note, [witness.verifier()])
    assert caught.value.message == (
        f"checkpoint for origin '{ORIGIN}' is not signed by a known key of that name "
        "(verified by example.org/witness)"
    )


def test_sign_requires_the_origin_as_key_name() -> None:
    stranger = NoteSigner.generate("other.example/log")
    with pytest.raises(CheckpointError) as caught:
        sign_checkpoint(Checkpoint(origin=ORIGIN, size=1, root=ROOT), stranger)
    assert caught.value.message == (
        f"checkpoint origin '{ORIGIN}' differs from the signing key's name 'other.example/log'"
    )


def test_tampered_checkpoint_fails_its_signature(log: NoteSigner) -> None:
    note = sign_checkpoint(Checkpoint(origin=ORIGIN, size=5, root=ROOT), log)
    with pytest.raises(NoteError, match=r"^note signature line 1: signature does not verify"):
        open_checkpoint(note.replace("\n5\n", "\n6\n"), [log.verifier()])


def test_malformed_signed_text_is_a_checkpoint_error(log: NoteSigner) -> None:
    note = log.sign(f"{ORIGIN}\n05\n{ROOT_B64}\n")
    with pytest.raises(CheckpointError, match=r"^checkpoint tree size \(line 2\) '05'"):
        open_checkpoint(note, [log.verifier()])


def test_checkpoint_error_is_an_audit_error() -> None:
    assert issubclass(CheckpointError, AuditError)
