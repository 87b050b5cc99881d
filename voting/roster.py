"""Importing a roster (代表名册) from CSV.

Columns, by header, in Chinese or English: 代表编号/deputy, 姓名/name, 座位号/seat, and
optionally 状态/status (在任/active, 暂停/suspended, 终止/ended). The file is UTF-8 (a BOM is
allowed); files saved by spreadsheet programs in GB18030/GBK are accepted too. Deputy ids are
1 to 64 letters, digits or ``_ . : -`` (they appear in URL paths and signed tablet messages);
errors name the line of the file, blank lines included.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from voting.errors import CommandError

HEADERS = {
    "代表编号": "deputy",
    "编号": "deputy",
    "deputy": "deputy",
    "id": "deputy",
    "姓名": "name",
    "name": "name",
    "座位号": "seat",
    "座位": "seat",
    "seat": "seat",
    "状态": "status",
    "status": "status",
}
STATUSES = {
    "": "active",
    "在任": "active",
    "active": "active",
    "暂停": "suspended",
    "暂停执行代表职务": "suspended",
    "suspended": "suspended",
    "终止": "ended",
    "ended": "ended",
}
MAX_ROWS = 5000
#: The same limits as the JSON roster (:class:`voting.protocol.RosterRowIn`): a deputy id appears
#: in URL paths and signed tablet messages.
DEPUTY_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
MAX_NAME = 500
MAX_SEAT = 32


@dataclass(frozen=True)
class RosterLine:
    deputy: str
    name: str
    seat: str
    status: str


def _error(line: int, zh: str, en: str) -> CommandError:
    return CommandError("invalid-roster", f"第{line}行：{zh}", f"line {line}: {en}")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise CommandError(
                "invalid-roster", "名册文件编码无法识别，请另存为UTF-8", "the file is not UTF-8"
            ) from None


def parse_roster(text: str) -> list[RosterLine]:
    """Parse CSV text into roster lines; raise ``invalid-roster`` naming the line."""
    reader = csv.reader(io.StringIO(text))
    # Blank lines are skipped, but errors name the row's line in the file as the user sees it.
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise CommandError("invalid-roster", "名册为空", "the roster is empty")
    header_line, header = rows[0]
    columns = [HEADERS.get(cell.strip().lower()) for cell in header]
    for needed, zh in (("deputy", "代表编号"), ("name", "姓名"), ("seat", "座位号")):
        if needed not in columns:
            raise _error(header_line, f"缺少“{zh}”列", f'missing column "{needed}"')
    if len(rows) - 1 > MAX_ROWS:
        raise CommandError("invalid-roster", "名册行数过多", f"more than {MAX_ROWS} deputies")
    lines: list[RosterLine] = []
    seen_ids: set[str] = set()
    seen_seats: set[str] = set()
    for number, row in rows[1:]:
        values = {
            column: cell.strip() for column, cell in zip(columns, row, strict=False) if column
        }
        deputy, name, seat = (
            values.get("deputy", ""),
            values.get("name", ""),
            values.get("seat", ""),
        )
        if not deputy or not name or not seat:
            raise _error(
                number, "代表编号、姓名和座位号不能为空", "deputy, name and seat are required"
            )
        if not DEPUTY_ID.fullmatch(deputy):
            raise _error(
                number,
                f"代表编号“{deputy}”无效（最多64个字母、数字或 _ . : -）",
                f'invalid deputy id "{deputy}" (at most 64 letters, digits or _ . : -)',
            )
        if len(name) > MAX_NAME or len(seat) > MAX_SEAT:
            raise _error(
                number,
                f"姓名最多{MAX_NAME}字，座位号最多{MAX_SEAT}字",
                f"a name has at most {MAX_NAME} characters, a seat {MAX_SEAT}",
            )
        if deputy in seen_ids:
            raise _error(number, f"代表编号“{deputy}”重复", f'repeated deputy id "{deputy}"')
        if seat in seen_seats:
            raise _error(number, f"座位号“{seat}”重复", f'repeated seat "{seat}"')
        status = STATUSES.get(values.get("status", "").lower())
        if status is None:
            raise _error(
                number, f"状态“{values['status']}”无效", f'unknown status "{values["status"]}"'
            )
        seen_ids.add(deputy)
        seen_seats.add(seat)
        lines.append(RosterLine(deputy, name, seat, status))
    return lines
