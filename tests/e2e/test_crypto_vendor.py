"""The vendored @noble/curves and @noble/hashes files are exactly the ones their PROVENANCE.md
names: every file listed with its SHA-256, and no file unlisted."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "devices" / "static" / "vendor"
PACKAGES = ["noble-curves-1.9.7", "noble-hashes-1.8.0"]
LISTED = re.compile(r"^([0-9a-f]{64})  (\S+)$", re.MULTILINE)


def listed(package: str) -> dict[str, str]:
    """The files and SHA-256 after "of every file as committed" in the package's PROVENANCE.md."""
    text = (VENDOR / package / "PROVENANCE.md").read_text(encoding="utf-8")
    committed = text.split("of every file as committed", 1)[1]
    return {name: digest for digest, name in LISTED.findall(committed)}


def test_only_the_pinned_versions_are_vendored() -> None:
    assert sorted(p.name for p in VENDOR.iterdir()) == PACKAGES


@pytest.mark.parametrize("package", PACKAGES)
def test_every_vendored_file_has_the_listed_sha256(package: str) -> None:
    root = VENDOR / package
    files = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name != "PROVENANCE.md"
    )
    expected = listed(package)
    assert sorted(expected) == files
    actual = {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in files}
    assert actual == expected


@pytest.mark.parametrize("package", PACKAGES)
def test_the_vendored_modules_import_nothing_outside_the_vendor_folder(package: str) -> None:
    specifiers = set()
    for path in (VENDOR / package).rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        specifiers |= set(
            re.findall(r"^(?:import|export) .* from ['\"]([^'\"]+)['\"];", text, re.M)
        )
    assert specifiers
    assert all(s.startswith(("./", "../")) for s in specifiers), specifiers
