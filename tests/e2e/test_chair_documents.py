"""Documents on the chair console: a PDF is uploaded to an agenda item with a progress bar and
counted on the item; a file that is not a PDF is refused in words and nothing is added."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SCREENSHOTS, DemoServer
from tests.e2e.console_login import console_page
from tests.pdf_samples import tiny_pdf

BUDGET = "关于新洲镇2026年财政预算的决议"


@pytest.fixture(scope="module")
def page(browser: Browser, demo_server: DemoServer) -> Iterator[Page]:
    with console_page(browser, demo_server) as page:
        expect(page.locator("#conn")).to_have_text("已连接")
        yield page


def test_a_file_that_is_not_a_pdf_is_refused_in_words(page: Page, tmp_path: Path) -> None:
    fake = tmp_path / "报告.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    page.get_by_role("button", name=f"上传文件：{BUDGET}").click()
    dialog = page.locator("dialog")
    dialog.get_by_label("PDF 文件").set_input_files(str(fake))
    expect(dialog.get_by_label("文件标题")).to_have_value("报告")
    dialog.get_by_role("button", name="上传").click()
    expect(dialog.locator("#dialog-error")).to_have_text("不是有效的 PDF 文件：文件开头不是 %PDF-")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-document-refused.png"))
    dialog.get_by_role("button", name="取消").click()
    expect(page.locator('.agenda-item[data-item="i02"] .documents-note')).to_have_count(0)


def test_a_pdf_is_uploaded_and_counted_on_its_item(page: Page, tmp_path: Path) -> None:
    budget = tmp_path / "budget.pdf"
    budget.write_bytes(tiny_pdf("Budget", pages=2))
    page.get_by_role("button", name=f"上传文件：{BUDGET}").click()
    dialog = page.locator("dialog")
    dialog.get_by_label("PDF 文件").set_input_files(str(budget))
    dialog.get_by_label("文件标题").fill("2026年财政预算（草案）")
    dialog.get_by_role("button", name="上传").click()
    expect(page.locator("#notice")).to_contain_text("已上传：2026年财政预算（草案）")
    note = page.locator('.agenda-item[data-item="i02"] .documents-note')
    expect(note).to_have_text("文件 1 份")
    page.screenshot(path=str(SCREENSHOTS / "console-document-uploaded.png"))
