"""Settings of a congress-vote installation: the one module that reads the environment.

``CONGRESS_DATA``  directory for the database and keys (default ``var``)
``CONGRESS_DB``    SQLAlchemy database URL (default: the SQLite file ``congress.sqlite`` in the
                   data directory, i.e. ``sqlite:///var/congress.sqlite``)

The log signing key lives at ``log-key.pem`` in the data directory; commands take ``--key`` to
use another file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("var")


@dataclass(frozen=True)
class Settings:
    # Storage
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'congress.sqlite'}"
    # Keys
    log_key_path: Path = DEFAULT_DATA_DIR / "log-key.pem"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read the settings from ``environ``; unset or empty variables take their defaults."""
        data_dir = Path(environ.get("CONGRESS_DATA") or DEFAULT_DATA_DIR)
        database_url = environ.get("CONGRESS_DB") or f"sqlite:///{data_dir / 'congress.sqlite'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            log_key_path=data_dir / "log-key.pem",
        )
