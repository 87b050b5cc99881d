"""Meeting documents on the tablet: the budget resolution's PDF uploaded by the chair is listed
on the current item with its size and fingerprint, and the motion's ballot names the document
it approves."""

from __future__ import annotations

import hashlib
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e import scenario
from tests.e2e.conftest import MEETING, DemoServer
from tests.e2e.tablet_pages import Chair, page_errors, paired_tablet, screenshot
from tests.pdf_samples import tiny_pdf

ITEM = "i02"
PDF = tiny_pdf("Budget 2026", pages=4)
SHA = hashlib.sha256(PDF).hexdigest()


def upload(server: DemoServer, token: str, item: str, data: bytes, title: str) -> dict[str, str]:
    query = urllib.parse.urlencode({"title": title, "filename": "budget.pdf"})
    request = urllib.request.Request(
        f"{server.base}/api/meetings/{MEETING}/items/{item}/documents?{query}",
        data,
        {"content-type": "application/pdf", "authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, str] = json.loads(response.read())
    return answer


@pytest.fixture(scope="module")
def chair(demo_server: DemoServer) -> Chair:
    chair = Chair(demo_server, demo_server.login())
    scenario.sign_in(demo_server, chair.token, scenario.deputies(2, 40))
    return chair


@pytest.fixture(scope="module")
def tablet(browser: Browser, chair: Chair) -> Iterator[tuple[BrowserContext, Page]]:
    context, page = paired_tablet(browser, chair, "d01")
    yield context, page
    context.close()


def test_the_tablet_lists_the_item_documents_and_the_ballot_names_what_it_approves(
    chair: Chair, tablet: tuple[BrowserContext, Page]
) -> None:
    _, page = tablet
    answer = upload(chair.server, chair.token, ITEM, PDF, "2026年财政预算（草案）")
    assert answer["sha256"] == SHA
    # Listing the document fetches it into the browser's cache.
    with page.expect_response(lambda response: SHA in response.url) as fetched:
        chair.api("POST", f"/items/{ITEM}/current")
    assert fetched.value.status == 200
    rows = page.locator(".documents .document")
    expect(rows).to_have_count(1)
    expect(rows.locator(".document-title")).to_have_text("2026年财政预算（草案）")
    expect(rows.locator(".document-size")).to_have_text("1 KB")
    expect(rows.locator(".document-hash")).to_have_text(f"{SHA[:8]}…{SHA[-8:]}")
    expect(page.get_by_role("heading", name="会议文件")).to_be_visible()
    screenshot(page, "documents")

    # Listed documents are kept in the browser's cache: with the network down, the document
    # is still there, byte for byte.
    context, _ = tablet
    context.set_offline(True)
    offline = page.evaluate(
        """async (url) => {
            const response = await fetch(url, {cache: "only-if-cached", mode: "same-origin"});
            return Array.from(new Uint8Array(await response.arrayBuffer()));
        }""",
        f"/api/meetings/{MEETING}/documents/{SHA}",
    )
    context.set_offline(False)
    assert bytes(offline) == PDF

    page.get_by_role("button", name="阅读：2026年财政预算（草案）").click()
    frame = page.locator("iframe.document-frame")
    base = f"/api/meetings/{MEETING}/documents/{SHA}"
    expect(frame).to_have_attribute("src", f"{base}#page=1&zoom=100")
    page.get_by_role("button", name="下一页").click()
    page.get_by_role("button", name="放大").click()
    expect(frame).to_have_attribute("src", f"{base}#page=2&zoom=150")
    expect(page.locator(".document-where")).to_have_text("第 2 页 · 150%")
    page.get_by_role("button", name="上一页").click()
    page.get_by_role("button", name="上一页").click()
    expect(page.locator(".document-where")).to_have_text("第 1 页 · 150%")
    served = page.request.get(f"{chair.server.base}{base}")
    assert served.body() == PDF
    assert served.headers["content-security-policy"] == "sandbox; default-src 'none'"
    page.wait_for_timeout(1500)  # the viewer draws the page
    screenshot(page, "documents-reader")
    page.get_by_role("button", name="关闭").click()
    expect(frame).to_have_count(0)

    definition = {"title": "关于新洲镇2026年财政预算的决议", "kind": "motion", "documents": [SHA]}
    body = {"item": ITEM, "definition": definition, "mode": "named", "change_policy": "last"}
    chair.api("POST", "/polls", body)
    approved = page.locator(".documents-approved")
    expect(approved.locator(".prompt")).to_have_text(
        "本表决批准以下文件（请核对文件指纹与所发文本一致）："
    )
    expect(approved.locator(".document-hash")).to_have_text(f"{SHA[:8]}…{SHA[-8:]}")
    expect(page.get_by_role("button", name="赞成")).to_be_visible()
    screenshot(page, "documents-ballot")
    assert page_errors(page) == []
