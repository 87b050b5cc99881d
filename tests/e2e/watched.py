"""A page in a browser context of its own on which no script error may occur: the set-up that
the browser tests of the console, the display and the public pages share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page


@contextmanager
def watched_page(
    browser: Browser, *, width: int = 1280, height: int = 900, url: str | None = None
) -> Iterator[Page]:
    """A new context (its own storage, no login, Chinese locale) and page of ``width`` ×
    ``height``, at ``url`` if given; once it closes, the script errors it saw must be none."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if url is not None:
        page.goto(url)
    yield page
    context.close()
    assert errors == []
