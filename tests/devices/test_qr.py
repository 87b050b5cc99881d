"""QR codes and printed pairing cards.

No QR decoder is at hand, so a test reads the modules back from the SVG path and compares them
with the matrix the ``qrcode`` package computes for the expected text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from starlette.testclient import TestClient

from devices.qr import BORDER, qr_matrix, qr_svg
from devices.tablet import Tablet
from tests.voting.conftest import ORIGIN
from tests.voting.sitting import MEETING, Staff, open_meeting, pair

SVG = "{http://www.w3.org/2000/svg}"
SQUARE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z")
CARD = re.compile(r'<article class="card" data-deputy="([^"]+)">.*?</article>', re.S)
CODE = re.compile(r'<span class="code-text">([^<]+)</span>')


def drawn_modules(svg: str) -> set[tuple[int, int]]:
    """(row, column) of every dark module the SVG's path draws."""
    root = ET.fromstring(svg)
    (path,) = root.iter(f"{SVG}path")
    d = path.attrib["d"]
    squares = SQUARE.findall(d)
    assert "".join(f"M{x},{y}H{a}V{b}H{c}z" for x, y, a, b, c in squares) == d
    cells = set()
    for x, y, right, bottom, left in ((int(v) for v in s) for s in squares):
        assert (right, bottom, left) == (x + 1, y + 1, x), "every module is a unit square"
        cells.add((y, x))
    return cells


def dark_modules(text: str) -> set[tuple[int, int]]:
    return {
        (row, col)
        for row, line in enumerate(qr_matrix(text))
        for col, dark in enumerate(line)
        if dark
    }


def card_svg(card: str) -> str:
    start = card.index("<svg")
    return card[start : card.index("</svg>", start) + len("</svg>")]


def test_the_svg_draws_the_qr_code_of_the_text() -> None:
    text = "https://hall.local/tablet/xinzhou-17-3#code=Zm9vYmFyYmF6cXV4"
    svg = qr_svg(text, label="配对 <1>")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "配对 <1>"
    size = len(qr_matrix(text))
    assert root.attrib["viewBox"] == f"0 0 {size} {size}"
    assert "width" not in root.attrib
    assert all("id" not in element.attrib for element in root.iter())
    assert drawn_modules(svg) == dark_modules(text)
    assert drawn_modules(svg) != dark_modules(text + "x")
    # The quiet zone stays light.
    assert all(
        BORDER <= r < size - BORDER and BORDER <= c < size - BORDER for r, c in drawn_modules(svg)
    )


def test_a_pairing_card_shows_the_deputy_and_a_code_that_works_once(client: TestClient) -> None:
    chair = open_meeting(client, 3)
    response = client.get(
        f"/api/meetings/{MEETING}/deputies/d02/pairing-card", headers=chair.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src" not in response.headers["content-security-policy"]
    page = response.text
    assert "<title>平板配对卡 · 代表02 / tablet pairing card</title>" in page
    assert "新洲镇第十七届人民代表大会第三次会议" in page
    assert '<div class="name">代表02</div>' in page
    assert '<div class="seat">座位 02 · 代表编号 d02</div>' in page
    assert "用平板扫描二维码完成配对" in page
    # The fixture clock stands at 01:30 UTC: the code lasts until 10:00 Beijing time.
    assert "有效期至 2026-03-01 10:00（北京时间），只能使用一次。" in page
    assert '<time datetime="2026-03-01T02:00:00Z">' in page
    assert CARD.findall(page) == ["d02"]
    (code,) = CODE.findall(page)
    url = f"http://testserver/tablet/{MEETING}#code={code}"
    assert drawn_modules(card_svg(page)) == dark_modules(url)

    tablet = Tablet(origin=ORIGIN, device="tab-d02", deputy="d02")
    paired = client.post(f"/api/meetings/{MEETING}/pair", json=tablet.pair_request(code))
    assert paired.status_code == 200
    assert paired.json()["deputy"] == "d02"
    again = Tablet(origin=ORIGIN, device="tab-x", deputy="d02")
    refused = client.post(f"/api/meetings/{MEETING}/pair", json=again.pair_request(code))
    assert refused.status_code == 401
    assert refused.json()["error"] == "pairing-code-used"


def test_the_cards_of_every_unpaired_deputy_four_to_an_a4_page(client: TestClient) -> None:
    chair = open_meeting(client, 6)
    pair(client, chair, "d01")
    response = client.get(f"/api/meetings/{MEETING}/pairing-cards", headers=chair.headers)
    assert response.status_code == 200
    page = response.text
    assert "@page { size: A4; margin: 12mm; }" in page
    assert "break-after: page; page-break-after: always;" in page
    assert "共 5 张配对卡 / 5 cards；已配对的 1 名代表不再打印 / 1 already paired" in page
    sheets = page.split('<section class="sheet">')[1:]
    assert [len(CARD.findall(sheet)) for sheet in sheets] == [4, 1]
    cards = CARD.findall(page)
    assert cards == ["d02", "d03", "d04", "d05", "d06"]
    codes = CODE.findall(page)
    assert len(set(codes)) == 5
    for deputy, code in zip(cards, codes, strict=True):
        tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy)
        paired = client.post(f"/api/meetings/{MEETING}/pair", json=tablet.pair_request(code))
        assert paired.json()["deputy"] == deputy
    again = client.get(f"/api/meetings/{MEETING}/pairing-cards", headers=chair.headers).text
    assert CARD.findall(again) == []
    assert "共 0 张配对卡 / 0 cards；已配对的 6 名代表不再打印 / 6 already paired" in again


def test_cards_need_the_pairing_permission(client: TestClient) -> None:
    chair = open_meeting(client, 2)
    display = chair.client.post(
        "/api/tokens", json={"role": "display", "label": "大屏"}, headers=chair.headers
    )
    viewer = Staff(client, display.json()["token"])
    for path in ("/deputies/d01/pairing-card", "/pairing-cards"):
        assert client.get(f"/api/meetings/{MEETING}{path}").status_code == 401
        refused = viewer.call("GET", path, status=403)
        assert refused["error"] == "forbidden"
    assert "配对码" not in client.get(f"/api/meetings/{MEETING}/pairing-cards").text


def test_openapi_lists_the_card_pages_as_html(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/meetings/{meeting}/deputies/{deputy}/pairing-card",
        "/api/meetings/{meeting}/pairing-cards",
    ):
        operation = paths[path]["get"]
        assert list(operation["responses"]["200"]["content"]) == ["text/html"]
        assert operation["security"] == [{"bearer": []}]
