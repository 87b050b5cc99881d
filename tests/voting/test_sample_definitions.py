"""The chair console's prefilled poll definitions match the sample meeting."""

from __future__ import annotations

from voting import sample


def test_the_console_sample_file_is_generated_from_the_sample_agenda() -> None:
    assert sample.DEFINITIONS_FILE.read_text(encoding="utf-8") == sample.definitions_json(), (
        "regenerate it with: python -m voting.sample"
    )
