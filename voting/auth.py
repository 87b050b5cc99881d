"""Who may do what: one table of permissions, and the role of each caller.

Roles: ``admin``, ``chair``, ``operator`` (accounts with passwords); ``display`` and ``auditor``
(read-only tokens); ``deputy`` (a paired tablet, identified by its signed messages — it never
calls these HTTP actions); ``none`` (no credentials).
"""

from __future__ import annotations

from typing import Final

from voting.congress import Principal
from voting.errors import Forbidden

STAFF: Final = frozenset({"admin", "chair"})
OPERATORS: Final = STAFF | {"operator"}
READERS: Final = OPERATORS | {"display", "auditor"}
AUDITORS: Final = STAFF | {"auditor"}

PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "account.create": frozenset({"admin"}),
    "account.manage": frozenset({"admin"}),
    "account.read": STAFF,
    "token.create": STAFF,
    "token.revoke": STAFF,
    "logout": READERS,
    "meeting.create": STAFF,
    "meeting.open": STAFF,
    "meeting.close": STAFF,
    "meeting.read": READERS,
    "roster.set": OPERATORS,
    "roster.status": STAFF,
    "attendance": OPERATORS,
    "device.pairing": OPERATORS,
    "agenda": STAFF,
    "poll": STAFF,
    "speaking": STAFF,
    "notice": STAFF,
    "log.read": AUDITORS,
}

ACTION_NAMES_ZH: Final = {
    "account.create": "创建账户",
    "account.manage": "查看账户或更改其会议范围",
    "account.read": "查看可管理本会议的账户",
    "token.create": "签发只读令牌",
    "token.revoke": "查看或撤销只读令牌",
    "logout": "退出登录",
    "meeting.create": "创建会议",
    "meeting.open": "开始会议",
    "meeting.close": "闭会",
    "meeting.read": "查看会议",
    "roster.set": "导入名册",
    "roster.status": "调整代表状态",
    "attendance": "登记出席",
    "device.pairing": "管理平板配对",
    "agenda": "管理议程",
    "poll": "主持表决",
    "speaking": "主持发言",
    "notice": "发布公告",
    "log.read": "读取审计日志",
}


def authorise(principal: Principal, action: str) -> None:
    if principal.role not in PERMISSIONS[action]:
        raise Forbidden(
            "forbidden",
            f"当前角色无权{ACTION_NAMES_ZH[action]}",
            f"role {principal.role} may not do {action}",
        )
