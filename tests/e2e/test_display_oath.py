"""The constitution oath on the hall display: the statutory text while the oath item is
current, then who led it once the chair has recorded it."""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e import scenario
from tests.e2e.a11y import low_contrast_text
from tests.e2e.conftest import MEETING, DemoServer

#: 全国人大常委会关于实行宪法宣誓制度的决定 (2018 年修订) 的誓词.
OATH = (
    "我宣誓：忠于中华人民共和国宪法，维护宪法权威，履行法定职责，忠于祖国、忠于人民，"
    "恪尽职守、廉洁奉公，接受人民监督，为建设富强民主文明和谐美丽的社会主义现代化强国努力奋斗！"
)


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    token = demo_server.login()
    scenario.sign_in(demo_server, token, scenario.deputies(1, 40))
    return token


@pytest.fixture(scope="module")
def screen(demo_server: DemoServer, browser: Browser, token: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    display = demo_server.credentials()["display_token"]
    page.goto(f"{demo_server.base}/display/{MEETING}#token={display}")
    yield page
    context.close()
    assert errors == []


def test_the_oath_text_shows_while_the_oath_item_is_current(
    demo_server: DemoServer, screen: Page, token: str
) -> None:
    expect(screen.locator(".quorum-line")).to_be_visible()
    expect(screen.locator("#oath-text")).to_have_count(0)
    scenario.make_current(demo_server, token, "i07")
    expect(screen.locator("#item-title")).to_have_text("宪法宣誓")
    expect(screen.locator(".oath-title")).to_have_text("宪法宣誓誓词")
    expect(screen.locator("#oath-text")).to_have_text(OATH)
    expect(screen.locator("#oath-taken")).to_have_count(0)
    assert low_contrast_text(screen) == []


def test_the_recorded_oath_names_who_led_it(
    demo_server: DemoServer, screen: Page, token: str
) -> None:
    path = f"/api/meetings/{MEETING}/items/i07/oath"
    demo_server.api("POST", path, {"led_by": "何金凤", "sworn": ["黄丽华", "周志强"]}, token=token)
    expect(screen.locator("#oath-taken")).to_have_text("宣誓已完成：领誓人 何金凤，宣誓人 2 名")
    expect(screen.locator("#oath-text")).to_have_text(OATH)
    screen.get_by_role("button", name="English").click()
    expect(screen.locator("#oath-taken")).to_have_text("The oath was taken: led by 何金凤, 2 sworn")
    expect(screen.locator("#oath-text")).to_have_text(OATH)
    screen.get_by_role("button", name="中文").click()


def test_the_oath_is_refused_on_another_item_and_recorded_once(
    demo_server: DemoServer, token: str
) -> None:
    body = {"led_by": "何金凤", "sworn": ["黄丽华"]}
    for item, code in (("i02", "not-oath"), ("i07", "oath-already-recorded")):
        with pytest.raises(urllib.error.HTTPError) as caught:
            demo_server.api("POST", f"/api/meetings/{MEETING}/items/{item}/oath", body, token)
        assert caught.value.code == 409
        assert json.loads(caught.value.read())["error"] == code
