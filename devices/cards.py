"""Printed pairing cards: one deputy's one-time pairing code as a QR code, on A4 paper.

An operator prints the cards just before the tablets are handed out; a deputy (or the operator)
scans the card with the tablet, which opens ``{server}/tablet/{meeting}#code=<code>``, makes its
device key and registers it with the code. The code is in the URL's fragment, so it is never
sent to the server in a page request or written to an access log, and it is printed as text too
for typing by hand. A code works once and expires after 30 minutes. With a standby server
(``congress serve --peer-url``) the fragment also names the other server
(``#code=<code>&peer=https://host:port``): the tablet keeps both addresses with its pairing.

The pages are plain HTML with an inline print stylesheet and no scripts.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from devices.qr import qr_svg

__all__ = [
    "CARDS_PER_PAGE",
    "PAGE_HEADERS",
    "PairingCard",
    "card_page",
    "cards_page",
    "local_time",
    "tablet_url",
]

#: A4 sheets carry 2 × 2 cards.
CARDS_PER_PAGE = 4
#: China Standard Time: the cards show the expiry as people in the hall read a clock.
BEIJING = timezone(timedelta(hours=8))
#: The card pages load nothing and run nothing; their only style is inline.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class PairingCard:
    meeting_title: str
    deputy: str
    name: str
    seat: str
    url: str
    code: str
    expires_at: str  # UTC, the log's time format: 2026-03-01T02:00:00Z


def tablet_url(base: str, meeting: str, code: str, *, peer: str | None = None) -> str:
    """The address a tablet opens to pair: the tablet page, with the code in the fragment, and
    with ``peer`` (the other server of a primary/standby pair, ``https://host:port``) there
    too, so that the tablet knows both servers and its socket can move to the one that answers."""
    url = f"{base.rstrip('/')}/tablet/{quote(meeting, safe='')}#code={quote(code, safe='')}"
    if peer:
        url += f"&peer={quote(peer.rstrip('/'), safe=':/[]')}"
    return url


def local_time(at: str) -> str:
    """``2026-03-01T02:00:00Z`` as Beijing time: ``2026-03-01 10:00``."""
    moment = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S%z").astimezone(BEIJING)
    return moment.strftime("%Y-%m-%d %H:%M")


_STYLE = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
    sans-serif; }
.toolbar { margin: 6mm 0; font-size: 11pt; }
.sheet { display: grid; grid-template-columns: 1fr 1fr; grid-template-rows: 132mm 132mm;
  gap: 8mm; width: 186mm; margin: 0 auto; break-after: page; page-break-after: always; }
.sheet:last-of-type { break-after: auto; page-break-after: auto; }
.sheet.single { grid-template-columns: 1fr; grid-template-rows: 200mm; width: 120mm; }
.card { border: 1px dashed #555; padding: 5mm 6mm; display: flex; flex-direction: column;
  align-items: center; text-align: center; break-inside: avoid; page-break-inside: avoid; }
.meeting { font-size: 9pt; }
.name { font-size: 20pt; font-weight: bold; margin: 2mm 0 0; }
.seat { font-size: 12pt; margin: 1mm 0 2mm; }
.qr { width: 56mm; height: 56mm; }
.single .qr { width: 90mm; height: 90mm; }
.qr svg { width: 100%; height: 100%; display: block; }
.how { font-size: 13pt; font-weight: bold; margin: 2mm 0 1mm; }
.code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 10pt;
  word-break: break-all; margin: 1mm 0; }
.small { font-size: 8pt; margin: 0.5mm 0; }
@media print { .toolbar { display: none; } }
"""


def _card(card: PairingCard) -> str:
    e = html.escape
    svg = qr_svg(card.url, label=f"{card.name} 的配对二维码 / pairing QR code")
    return f"""<article class="card" data-deputy="{e(card.deputy)}">
<div class="meeting">{e(card.meeting_title)}</div>
<div class="name">{e(card.name)}</div>
<div class="seat">座位 {e(card.seat)} · 代表编号 {e(card.deputy)}</div>
<div class="qr">{svg}</div>
<p class="how">用平板扫描二维码完成配对</p>
<p class="code">配对码 <span class="code-text">{e(card.code)}</span></p>
<p class="small">有效期至 {e(local_time(card.expires_at))}（北京时间），只能使用一次。</p>
<p class="small">Scan the QR code with the tablet to pair it. The code works once, until
<time datetime="{e(card.expires_at)}">{e(card.expires_at)}</time>.</p>
</article>"""


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def card_page(card: PairingCard) -> str:
    """One deputy's card, alone on an A4 page."""
    title = f"平板配对卡 · {card.name} / tablet pairing card"
    body = f'<section class="sheet single">\n{_card(card)}\n</section>'
    return _page(title, body)


def cards_page(meeting_title: str, cards: Sequence[PairingCard], *, already_paired: int = 0) -> str:
    """Every card, :data:`CARDS_PER_PAGE` to an A4 sheet, in the given order."""
    e = html.escape
    note = f"共 {len(cards)} 张配对卡 / {len(cards)} cards"
    if already_paired:
        note += f"；已配对的 {already_paired} 名代表不再打印 / {already_paired} already paired"
    if cards:
        note += f"。有效期至 {e(local_time(cards[0].expires_at))}（北京时间）"
    sheets = [
        '<section class="sheet">\n'
        + "\n".join(_card(c) for c in cards[start : start + CARDS_PER_PAGE])
        + "\n</section>"
        for start in range(0, len(cards), CARDS_PER_PAGE)
    ]
    toolbar = f'<p class="toolbar">{e(meeting_title)} · {note}</p>'
    return _page(f"平板配对卡 · {meeting_title}", "\n".join([toolbar, *sheets]))
