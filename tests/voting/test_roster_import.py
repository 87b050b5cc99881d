"""Importing the roster (代表名册) of a draft meeting from a CSV file or JSON."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.voting.conftest import ORIGIN
from tests.voting.sitting import MEETING, TITLE, Staff, bootstrap_admin, open_meeting
from voting.errors import CommandError
from voting.roster import RosterLine, decode, parse_roster

ROSTER_ZH = "代表编号,姓名,座位号,状态\nd01,王建国,01,在任\nd02,李秀英,02,暂停\nd03,张伟,03,终止\n"
EXPECTED = [
    {"deputy": "d01", "name": "王建国", "seat": "01", "status": "active"},
    {"deputy": "d02", "name": "李秀英", "seat": "02", "status": "suspended"},
    {"deputy": "d03", "name": "张伟", "seat": "03", "status": "ended"},
]
CSV = {"content-type": "text/csv"}


def draft_meeting(client: TestClient) -> Staff:
    admin = bootstrap_admin(client)
    response = client.post(
        "/api/meetings",
        json={"meeting": MEETING, "origin": ORIGIN, "title": TITLE, "date": "2026-03-01"},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    return admin


def put_csv(staff: Staff, data: bytes, *, content_type: str = "text/csv") -> Any:
    return staff.client.put(
        f"/api/meetings/{MEETING}/roster",
        content=data,
        headers={**staff.headers, "content-type": content_type},
    )


def roster_of(staff: Staff) -> list[dict[str, str]]:
    found: list[dict[str, str]] = staff.state()["roster"]
    return found


@pytest.fixture
def admin(client: TestClient) -> Staff:
    return draft_meeting(client)


# Through the API -------------------------------------------------------------------------------


def test_a_csv_with_chinese_headers(admin: Staff) -> None:
    response = put_csv(admin, ROSTER_ZH.encode())
    assert response.status_code == 200, response.text
    assert response.json() == {"meeting": MEETING, "deputies": 3}
    state = admin.state()
    assert state["status"] == "draft"
    assert state["roster"] == EXPECTED


def test_a_utf8_file_with_a_byte_order_mark(admin: Staff) -> None:
    response = put_csv(admin, "\ufeff".encode() + ROSTER_ZH.encode())
    assert response.status_code == 200, response.text
    assert roster_of(admin) == EXPECTED


def test_a_gb18030_file_from_a_spreadsheet(admin: Staff) -> None:
    data = ROSTER_ZH.replace("\n", "\r\n").encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    response = put_csv(admin, data, content_type="text/csv; charset=gb18030")
    assert response.status_code == 200, response.text
    assert roster_of(admin) == EXPECTED


def test_english_headers_in_any_case_and_order(admin: Staff) -> None:
    text = "Seat,Name,Deputy,Status\n02,Li Xiuying,d02,suspended\n01,Wang Jianguo,d01,\n"
    response = put_csv(admin, text.encode())
    assert response.status_code == 200, response.text
    assert roster_of(admin) == [
        {"deputy": "d01", "name": "Wang Jianguo", "seat": "01", "status": "active"},
        {"deputy": "d02", "name": "Li Xiuying", "seat": "02", "status": "suspended"},
    ]


def test_a_json_roster(admin: Staff) -> None:
    body = {"deputies": [{"deputy": "d01", "name": "王建国, 副主席", "seat": "01"}]}
    assert admin.call("PUT", "/roster", body) == {"meeting": MEETING, "deputies": 1}
    assert roster_of(admin) == [
        {"deputy": "d01", "name": "王建国, 副主席", "seat": "01", "status": "active"}
    ]


def test_a_new_import_replaces_the_whole_roster(admin: Staff) -> None:
    assert put_csv(admin, ROSTER_ZH.encode()).status_code == 200
    assert put_csv(admin, "代表编号,姓名,座位号\nd09,赵敏,09\n".encode()).status_code == 200
    assert roster_of(admin) == [{"deputy": "d09", "name": "赵敏", "seat": "09", "status": "active"}]


BAD_FILES = [
    pytest.param(
        "代表编号,姓名\nd01,王建国\n".encode(),
        "第1行：缺少“座位号”列",
        'line 1: missing column "seat"',
        id="missing-column",
    ),
    pytest.param(
        "代表编号,姓名,座位号\nd01,王建国,01\nd01,李秀英,02\n".encode(),
        "第3行：代表编号“d01”重复",
        'line 3: repeated deputy id "d01"',
        id="repeated-id",
    ),
    pytest.param(
        "代表编号,姓名,座位号\nd01,王建国,01\nd02,李秀英,01\n".encode(),
        "第3行：座位号“01”重复",
        'line 3: repeated seat "01"',
        id="repeated-seat",
    ),
    pytest.param(
        "代表编号,姓名,座位号,状态\nd01,王建国,01,退休\n".encode(),
        "第2行：状态“退休”无效",
        'line 2: unknown status "退休"',
        id="bad-status",
    ),
    pytest.param(
        "代表编号,姓名,座位号\nd01,,01\n".encode(),
        "第2行：代表编号、姓名和座位号不能为空",
        "line 2: deputy, name and seat are required",
        id="empty-name",
    ),
    pytest.param(
        "代表编号,姓名,座位号\n3/12,王建国,01\n".encode(),
        "第2行：代表编号“3/12”无效（最多64个字母、数字或 _ . : -）",
        'line 2: invalid deputy id "3/12" (at most 64 letters, digits or _ . : -)',
        id="bad-deputy-id",
    ),
    pytest.param(b"", "名册为空", "the roster is empty", id="empty-file"),
    pytest.param(b"\r\n , ,\r\n", "名册为空", "the roster is empty", id="blank-lines-only"),
    pytest.param(
        b"\xff\xfe\xfa",
        "名册文件编码无法识别，请另存为UTF-8",
        "the file is not UTF-8",
        id="unknown-encoding",
    ),
]


@pytest.mark.parametrize(("data", "zh", "en"), BAD_FILES)
def test_a_bad_file_is_refused_and_changes_nothing(
    admin: Staff, data: bytes, zh: str, en: str
) -> None:
    assert put_csv(admin, ROSTER_ZH.encode()).status_code == 200
    response = put_csv(admin, data)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid-roster", "message": zh, "message_en": en}
    assert roster_of(admin) == EXPECTED


def test_a_bad_json_roster_is_refused(admin: Staff) -> None:
    refused = admin.call("PUT", "/roster", {"deputies": []}, status=400)
    assert refused["error"] == "invalid-message"
    assert refused["message"].startswith("请求格式错误：deputies: ")
    assert roster_of(admin) == []


def test_the_roster_cannot_be_replaced_once_the_meeting_is_open(client: TestClient) -> None:
    chair = open_meeting(client, 3)
    response = put_csv(chair, ROSTER_ZH.encode())
    assert response.status_code == 409
    assert response.json() == {
        "error": "meeting-open",
        "message": "会议已开始，名册变更请使用代表状态调整",
        "message_en": "the meeting is already open",
    }
    refused = chair.call("PUT", "/roster", {"deputies": EXPECTED[:1]}, status=409)
    assert refused["error"] == "meeting-open"
    assert [(d["deputy"], d["name"], d["status"]) for d in roster_of(chair)] == [
        ("d01", "代表01", "active"),
        ("d02", "代表02", "active"),
        ("d03", "代表03", "active"),
    ]


def test_an_operator_may_import_and_a_display_may_not(client: TestClient, admin: Staff) -> None:
    admin.client.post(
        "/api/accounts",
        json={
            "username": "op",
            "role": "operator",
            "password": "operator-pass",
            "meetings": "all",
        },
        headers=admin.headers,
    )
    operator = Staff.login(client, "op", "operator-pass")
    assert put_csv(operator, ROSTER_ZH.encode()).status_code == 200
    token = client.post(
        "/api/tokens", json={"role": "display", "label": "大屏"}, headers=admin.headers
    ).json()["token"]
    display = Staff(client, token)
    response = put_csv(display, "代表编号,姓名,座位号\nd09,赵敏,09\n".encode())
    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "message": "当前角色无权导入名册",
        "message_en": "role display may not do roster.set",
    }
    assert roster_of(admin) == EXPECTED


def test_an_unknown_meeting(admin: Staff) -> None:
    response = admin.client.put(
        "/api/meetings/m9/roster", content=ROSTER_ZH.encode(), headers={**admin.headers, **CSV}
    )
    assert response.status_code == 404
    assert response.json()["error"] == "unknown-meeting"


# parse_roster ----------------------------------------------------------------------------------


def test_parse_maps_statuses_and_strips_cells() -> None:
    text = (
        "编号 , 姓名 ,座位,状态,备注\n"
        " d01 , 王建国 , 01 , ,组长\n"
        "d02,李秀英,02,暂停执行代表职务,\n"
        "d03,张伟,03,Ended,\n"
        'd04,"欧阳, 明月",04,active,\n'
    )
    assert parse_roster(text) == [
        RosterLine("d01", "王建国", "01", "active"),
        RosterLine("d02", "李秀英", "02", "suspended"),
        RosterLine("d03", "张伟", "03", "ended"),
        RosterLine("d04", "欧阳, 明月", "04", "active"),
    ]


def test_parse_without_a_status_column() -> None:
    assert parse_roster("deputy,name,seat\nd01,A,1\n") == [RosterLine("d01", "A", "1", "active")]


def test_parse_names_the_line_of_the_file_past_blank_lines() -> None:
    text = "\n代表编号,姓名,座位号\n\nd01,王建国,01\n\n,,\nd01,李秀英,02\n"
    with pytest.raises(CommandError) as caught:
        parse_roster(text)
    assert (caught.value.code, caught.value.zh, caught.value.en) == (
        "invalid-roster",
        "第7行：代表编号“d01”重复",
        'line 7: repeated deputy id "d01"',
    )


def test_parse_names_the_header_line_of_a_missing_column() -> None:
    with pytest.raises(CommandError) as caught:
        parse_roster("\n\n姓名,座位号\n王建国,01\n")
    assert caught.value.zh == "第3行：缺少“代表编号”列"


def test_parse_refuses_overlong_cells() -> None:
    with pytest.raises(CommandError) as caught:
        parse_roster(f"代表编号,姓名,座位号\nd01,王建国,{'1' * 33}\n")
    assert caught.value.en == "line 2: a name has at most 500 characters, a seat 32"
    with pytest.raises(CommandError) as caught:
        parse_roster(f"代表编号,姓名,座位号\n{'d' * 65},王建国,01\n")
    assert caught.value.code == "invalid-roster"


def test_decode_utf8_with_bom_and_gb18030() -> None:
    assert decode("\ufeff代表编号".encode()) == "代表编号"
    assert decode("代表编号,姓名".encode("gb18030")) == "代表编号,姓名"
    assert decode("代表编号".encode()) == "代表编号"
