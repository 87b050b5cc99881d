"""QR codes as inline SVG, drawn by the ``qrcode`` package (no image library needed).

Used for the pairing cards a tablet scans, the CA certificate download and the signed checkpoint.
The SVG has no fixed size (it fills its container, so a page sets the printed size in CSS), a
white background and the standard quiet zone of four modules; every dark module is one square
``M x,y H x+1 V y+1 H x z`` of a single path, so tests can read the matrix back.
"""

from __future__ import annotations

import html

import qrcode
import qrcode.constants
import qrcode.image.svg

__all__ = ["BORDER", "make_qr", "qr_matrix", "qr_svg"]

#: The quiet zone around the code, in modules (ISO/IEC 18004 asks for four).
BORDER = 4


def make_qr(text: str) -> qrcode.QRCode:
    """The QR code of ``text`` (UTF-8, error correction M, the smallest version that fits)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=BORDER,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(text.encode())
    code.make(fit=True)
    return code


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of ``text``'s QR code, quiet zone included: True is dark."""
    matrix: list[list[bool]] = make_qr(text).get_matrix()
    return matrix


def qr_svg(text: str, *, label: str = "") -> str:
    """An ``<svg>`` element showing ``text`` as a QR code, for inlining in HTML.

    ``label`` becomes the image's accessible name (``aria-label``).
    """
    code = make_qr(text)
    image = code.make_image()
    path = image.path
    if path is not None:
        path.attrib.pop("id", None)  # several codes may share a page; ids must be unique there
    svg: str = image.to_string(encoding="unicode")
    size = code.modules_count + 2 * BORDER
    head, rest = svg.split(">", 1)
    head = head.replace(f'width="{size}mm" height="{size}mm" ', "")
    background = f'<rect width="{size}" height="{size}" fill="#ffffff"/>'
    return f'{head} role="img" aria-label="{html.escape(label)}">{background}{rest}'
