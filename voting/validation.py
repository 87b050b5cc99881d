"""One readable line for a request that does not fit its model, shared by HTTP and WebSockets."""

from __future__ import annotations

from pydantic import ValidationError


def validation_problem(error: ValidationError) -> str:
    """The first problem of ``error`` as ``field.path: what is wrong`` (``body`` when the whole
    message is wrong, e.g. not JSON), e.g. ``items.0.title: Field required``."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{where}: {first['msg']}"
