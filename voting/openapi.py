"""The OpenAPI 3.1 document of the HTTP API, built from the endpoint table of :mod:`voting.api`."""

from __future__ import annotations

import re
from typing import Any

from voting.api import ENDPOINTS
from voting.protocol import Roster

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "message_en"],
    "properties": {
        "error": {"type": "string", "description": "stable error code"},
        "message": {"type": "string", "description": "中文说明"},
        "message_en": {"type": "string"},
        "details": {"type": "object"},
    },
}


#: Endpoints whose answer is not JSON, by handler name.
TEXT_RESPONSES = {
    "checkpoint": "text/plain",
    "checkpoint_qr": "image/svg+xml",
    "entries": "application/jsonl",
    "pairing_card": "text/html",
    "pairing_cards": "text/html",
}


#: Query parameters, by handler name: (name, required). All are whole numbers of at most 12
#: ASCII digits.
QUERY = {
    "inclusion": (("seq", True), ("size", False)),
    "consistency": (("from", True), ("to", False)),
    "entries": (("start", False), ("end", False)),
}
WHOLE_NUMBER = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for spec in ENDPOINTS:
        operation: dict[str, Any] = {
            "operationId": spec.handler.__name__,
            "summary": spec.summary,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {}}}},
                "400": _error("invalid request / 请求格式错误"),
                "404": _error("not found / 不存在"),
                "409": _error("conflicts with the meeting's state / 与当前状态冲突"),
                "503": _error("could not be stored; retry / 暂时无法保存，请重试"),
            },
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", spec.path)
        ]
        parameters += [
            {"name": name, "in": "query", "required": required, "schema": WHOLE_NUMBER}
            for name, required in QUERY.get(spec.handler.__name__, ())
        ]
        if parameters:
            operation["parameters"] = parameters
        if spec.permission is not None:
            operation["security"] = [{"bearer": []}]
            operation["responses"]["401"] = _error("not logged in / 未登录")
            operation["responses"]["403"] = _error("role not allowed / 无权操作")
        if spec.handler.__name__ == "login":
            operation["responses"]["401"] = _error("wrong username or password")
            operation["responses"]["429"] = dict(
                _error("too many failed logins / 登录失败次数过多"),
                headers={
                    "Retry-After": {
                        "description": "seconds to wait before the next attempt",
                        "schema": {"type": "integer"},
                    }
                },
            )
        if spec.handler.__name__ == "pair":
            operation["responses"]["401"] = _error("bad, used or expired pairing code")
            operation["responses"]["403"] = _error("deputy's seat has ended")
        if spec.handler.__name__ in TEXT_RESPONSES:
            media_type = TEXT_RESPONSES[spec.handler.__name__]
            operation["responses"]["200"]["content"] = {media_type: {"schema": {"type": "string"}}}
        body = spec.body or (Roster if spec.handler.__name__ == "put_roster" else None)
        if body is not None:
            name = body.__name__
            schema = body.model_json_schema(ref_template="#/components/schemas/{model}")
            for sub_name, sub in schema.pop("$defs", {}).items():
                schemas[sub_name] = sub
            schemas[name] = schema
            content: dict[str, Any] = {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
            }
            if body is Roster:
                # The roster may also be a CSV file (voting.roster): UTF-8 or GB18030.
                content["text/csv"] = {"schema": {"type": "string"}}
            operation["requestBody"] = {"required": True, "content": content}
        paths.setdefault(spec.path, {})[spec.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "congress-vote",
            "version": "1",
            "description": "人大会议电子表决系统 HTTP API; see docs/protocol.md",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
