"""The accessibility checks used by the page tests find what they are meant to find."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.e2e.a11y import low_contrast_text, small_targets, unnamed_controls

PAGE = """<!doctype html><html lang="en"><body style="background:#ffffff">
<p style="color:#777777">grey on white</p>
<p style="color:#222222">dark on white</p>
<div style="background:#0a1a33"><span style="color:#ffffff">white on navy</span></div>
<button style="width:30px;height:30px">x</button>
<button style="min-width:44px;min-height:44px" aria-label="close"></button>
<button style="min-width:44px;min-height:44px"></button>
<label for="a">Name</label><input id="a" style="height:44px;width:100px">
<input id="b" style="height:44px;width:100px">
<p hidden>hidden text</p>
</body></html>"""


def test_the_checks_report_unnamed_controls_low_contrast_and_small_targets(
    browser: Browser,
) -> None:
    page = browser.new_page()
    page.set_content(PAGE)
    assert unnamed_controls(page) == [
        '<button style="min-width:44px;min-height:44px"></button>',
        '<input id="b" style="height:44px;width:100px">',
    ]
    assert [line.split(": ", 1)[1] for line in low_contrast_text(page)] == ["grey on white"]
    assert low_contrast_text(page)[0].startswith("4.48 ")
    assert len(small_targets(page)) == 1
    assert small_targets(page)[0].startswith("30x30 <button")
    page.close()
