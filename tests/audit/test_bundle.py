"""The export bundle: exactly the layout of audit-log.md §7, read back strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.bundle import BundleError, read_bundle, write_bundle
from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.merkle import MerkleTree, leaf_hash
from audit.note import NoteSigner
from tests.audit.meeting_builder import build_meeting

ENTRIES = [b'{"seq":0,"type":"a","v":1}', '{"seq":1,"name":"王五","v":1}'.encode()]


def signed(size: int) -> str:
    signer = NoteSigner.generate("example.org/log")
    root = MerkleTree(leaf_hash(entry) for entry in ENTRIES[:size]).root()
    return sign_checkpoint(Checkpoint("example.org/log", size, root), signer)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    directory = tmp_path / "bundle"
    write_bundle(
        directory, vkey="k+1+AA", entries=ENTRIES, checkpoints=[(1, signed(1)), (2, signed(2))]
    )
    return directory


def test_layout(bundle: Path) -> None:
    files = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*"))
    assert files == [
        "README.txt",
        "checkpoints",
        "checkpoints/0000000001.txt",
        "checkpoints/0000000002.txt",
        "entries.jsonl",
        "log.vkey",
    ]
    assert (bundle / "log.vkey").read_bytes() == b"k+1+AA\n"
    assert (bundle / "entries.jsonl").read_bytes() == b"\n".join(ENTRIES) + b"\n"
    readme = (bundle / "README.txt").read_text(encoding="utf-8")
    assert "congress verify" in readme
    assert "会议纪要" in readme and "minutes" in readme


def test_read_back(bundle: Path) -> None:
    read = read_bundle(bundle)
    assert read.vkey == "k+1+AA"
    assert [(c.name, c.size) for c in read.checkpoints] == [
        ("checkpoints/0000000001.txt", 1),
        ("checkpoints/0000000002.txt", 2),
    ]
    assert read.checkpoints[1].note == (bundle / "checkpoints/0000000002.txt").read_text()
    assert list(read.entry_lines()) == [(data, data.decode()) for data in ENTRIES]
    assert read.entries_bytes == sum(len(data) + 1 for data in ENTRIES)


def test_the_same_meeting_gives_the_same_bytes(tmp_path: Path) -> None:
    build_meeting().write(tmp_path / "one")
    build_meeting().write(tmp_path / "two")
    for path in sorted((tmp_path / "one").rglob("*")):
        twin = tmp_path / "two" / path.relative_to(tmp_path / "one")
        assert path.is_dir() or path.read_bytes() == twin.read_bytes()


def test_refuses_a_directory_in_use(bundle: Path) -> None:
    with pytest.raises(FileExistsError):
        write_bundle(bundle, vkey="k+1+AA", entries=[], checkpoints=[])


def test_refuses_an_entry_with_a_newline(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="entry 1 contains a newline"):
        write_bundle(tmp_path / "b", vkey="k", entries=[b"{}", b"{\n}"], checkpoints=[])


def test_refuses_two_checkpoints_of_one_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="two checkpoints for tree size 1"):
        write_bundle(tmp_path / "b", vkey="k", entries=ENTRIES, checkpoints=[(1, "a"), (1, "b")])


def expect_unreadable(directory: Path, message: str) -> None:
    with pytest.raises(BundleError) as caught:
        bundle = read_bundle(directory)
        list(bundle.entry_lines())
    assert str(caught.value) == message


def test_missing_directory(tmp_path: Path) -> None:
    expect_unreadable(tmp_path / "nothing", f"{tmp_path / 'nothing'}: not a directory")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("entries.jsonl", "entries.jsonl: missing"),
        ("log.vkey", "log.vkey: missing"),
        ("checkpoints/0000000001.txt", None),
    ],
)
def test_missing_file(bundle: Path, name: str, message: str | None) -> None:
    (bundle / name).unlink()
    if message is None:  # fewer checkpoints is readable; the verifier judges it
        assert len(read_bundle(bundle).checkpoints) == 1
    else:
        expect_unreadable(bundle, message)


def test_missing_checkpoints_folder(bundle: Path) -> None:
    for path in (bundle / "checkpoints").iterdir():
        path.unlink()
    (bundle / "checkpoints").rmdir()
    expect_unreadable(bundle, "checkpoints/: missing")


def test_last_line_without_newline(bundle: Path) -> None:
    path = bundle / "entries.jsonl"
    path.write_bytes(path.read_bytes()[:-1])
    expect_unreadable(
        bundle,
        "entries.jsonl line 2 (entry 1): the last line has no newline; the file is truncated",
    )


def test_invalid_utf8(bundle: Path) -> None:
    path = bundle / "entries.jsonl"
    path.write_bytes(path.read_bytes().replace("王".encode(), b"\xff\xfe\xfd"))
    expect_unreadable(
        bundle, "entries.jsonl line 2 (entry 1): not UTF-8 (invalid byte at offset 17)"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"k+1+AA", "log.vkey: expected exactly one line ending in a newline"),
        (b"k+1+AA\nmore\n", "log.vkey: expected exactly one line ending in a newline"),
        (b"\n", "log.vkey: expected exactly one line ending in a newline"),
        (b"\xff\n", "log.vkey: not UTF-8 (invalid byte at offset 0)"),
    ],
)
def test_bad_vkey_file(bundle: Path, content: bytes, message: str) -> None:
    (bundle / "log.vkey").write_bytes(content)
    expect_unreadable(bundle, message)


def test_checkpoint_named_for_another_size(bundle: Path) -> None:
    (bundle / "checkpoints/0000000002.txt").rename(bundle / "checkpoints/0000000003.txt")
    expect_unreadable(
        bundle, "checkpoints/0000000003.txt: the checkpoint is for tree size 2, not 3"
    )


@pytest.mark.parametrize("name", ["123.txt", "0000000001.txt.bak", "notes"])
def test_stray_file_among_checkpoints(bundle: Path, name: str) -> None:
    (bundle / "checkpoints" / name).write_text("x")
    expect_unreadable(
        bundle, f"checkpoints/{name}: not a checkpoint file name (10 digits and .txt)"
    )


def test_checkpoint_without_a_size(bundle: Path) -> None:
    (bundle / "checkpoints/0000000001.txt").write_text("example.org/log\n")
    expect_unreadable(
        bundle, "checkpoints/0000000001.txt: no tree size on the checkpoint's second line"
    )


def test_checkpoint_not_utf8(bundle: Path) -> None:
    (bundle / "checkpoints/0000000001.txt").write_bytes(b"\xff")
    expect_unreadable(bundle, "checkpoints/0000000001.txt: not UTF-8 (invalid byte at offset 0)")
