"""The page that helps a tablet install the hall's local CA certificate (``/ca``).

A tablet scans the QR code, downloads ``/ca.crt`` and installs it as a trusted CA; from then on
it opens the server's HTTPS pages without a warning, and the tablet page gets the secure context
that WebCrypto needs. The first download itself comes over a connection the tablet cannot check
yet, so the page shows the certificate's SHA-256 fingerprint to compare with the one that
``congress init`` printed on the server's console.
"""

from __future__ import annotations

import html

from devices.cards import PAGE_HEADERS
from devices.qr import qr_svg

__all__ = ["PAGE_HEADERS", "ca_page"]

_STYLE = """
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 4mm 6mm; max-width: 190mm; color: #000; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
    sans-serif; line-height: 1.55; }
h1 { font-size: 18pt; margin: 2mm 0; }
h2 { font-size: 13pt; margin: 5mm 0 1mm; }
.qr { width: 60mm; height: 60mm; }
.qr svg { width: 100%; height: 100%; display: block; }
.url, .fingerprint { font-family: "DejaVu Sans Mono", Consolas, monospace; word-break: break-all; }
.en { color: #333; font-size: 10pt; }
ol { padding-left: 6mm; }
"""


def ca_page(ca_url: str, fingerprint: str) -> str:
    """The install page for the CA certificate at ``ca_url`` with SHA-256 ``fingerprint``."""
    e = html.escape
    svg = qr_svg(ca_url, label="根证书下载地址 / CA certificate download")
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>安装会议系统根证书 / install the CA certificate</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>安装会议系统根证书</h1>
<p class="en">Install the meeting system's CA certificate on each tablet, once.</p>
<div class="qr">{svg}</div>
<p>用平板扫描二维码，或在浏览器中打开：<br><a class="url" href="{e(ca_url)}">{e(ca_url)}</a></p>
<p>证书指纹（SHA-256），安装时请与服务器控制台上 congress init 显示的指纹核对：<br>
<span class="fingerprint">{e(fingerprint)}</span></p>
<p class="en">Check that this SHA-256 fingerprint matches the one <code>congress init</code> printed
on the server's console before you trust the certificate.</p>
<p>第一次打开时浏览器会提示“连接不是私密连接”，这是因为平板尚未信任本证书：
选择“高级”→“继续前往”即可下载。安装完成后不会再出现此提示。</p>

<h2>安卓平板 / Android</h2>
<ol>
<li>扫描二维码，下载 <code>congress-vote-ca.crt</code>。</li>
<li>打开“设置”→“安全”（或“安全和隐私”→“更多安全设置”）→“加密与凭据”→“安装证书”→“CA 证书”。</li>
<li>点“仍然安装”，选择刚下载的 <code>congress-vote-ca.crt</code>，按提示输入锁屏密码。</li>
<li>用 Chrome 重新打开会议系统地址，地址栏不再出现警告即安装成功。</li>
</ol>
<p class="en">Download the file, then Settings → Security → Encryption &amp; credentials → Install a
certificate → CA certificate → Install anyway, and pick the downloaded file.</p>

<h2>iPad</h2>
<ol>
<li>用 Safari 扫描二维码打开链接，点“允许”下载描述文件。</li>
<li>打开“设置”→“已下载描述文件”→“安装”，输入锁屏密码，再点“安装”。</li>
<li>打开“设置”→“通用”→“关于本机”→“证书信任设置”，打开本证书的“完全信任”开关。</li>
<li>用 Safari 重新打开会议系统地址，不再出现警告即安装成功。</li>
</ol>
<p class="en">Open the link in Safari and allow the download; Settings → Profile Downloaded →
Install; then Settings → General → About → Certificate Trust Settings and turn on full trust for
this certificate.</p>
</body>
</html>
"""
