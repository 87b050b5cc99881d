"""The OpenAPI 3.1 document of the HTTP API, built from the endpoint table of :mod:`voting.api`."""

from __future__ import annotations

import re
from typing import Any

from voting.api import ENDPOINTS

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
            },
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", spec.path)
        ]
        if parameters:
            operation["parameters"] = parameters
        if spec.permission is not None:
            operation["security"] = [{"bearer": []}]
            operation["responses"]["401"] = _error("not logged in / 未登录")
            operation["responses"]["403"] = _error("role not allowed / 无权操作")
        if spec.handler.__name__ == "login":
            operation["responses"]["401"] = _error("wrong username or password")
            operation["responses"]["429"] = _error("too many failed logins / 登录失败次数过多")
        if spec.handler.__name__ == "pair":
            operation["responses"]["401"] = _error("bad, used or expired pairing code")
            operation["responses"]["403"] = _error("deputy's seat has ended")
        if spec.body is not None:
            name = spec.body.__name__
            schema = spec.body.model_json_schema(ref_template="#/components/schemas/{model}")
            for sub_name, sub in schema.pop("$defs", {}).items():
                schemas[sub_name] = sub
            schemas[name] = schema
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                },
            }
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
