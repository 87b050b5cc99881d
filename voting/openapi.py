"""The OpenAPI 3.1 document of the HTTP API, built from the endpoint table of :mod:`voting.http`.

Every operation documents its request body (the model in :mod:`voting.protocol`), its answer
(the model in :mod:`voting.http.answers`, or the media type of a text answer) and its errors.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from voting.http import ENDPOINTS
from voting.http.endpoints import JSON, Endpoint

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

WHOLE_NUMBER = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _schema_ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    """Add ``model`` (and the models it uses) to ``schemas``; return a reference to it."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for sub_name, sub in schema.pop("$defs", {}).items():
        schemas[sub_name] = sub
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _answer(spec: Endpoint, schemas: dict[str, Any]) -> dict[str, Any]:
    if spec.answer is not None:
        return {
            "description": "OK",
            "content": {JSON: {"schema": _schema_ref(spec.answer, schemas)}},
        }
    return {"description": "OK", "content": {spec.media_type: {"schema": {"type": "string"}}}}


def _operation(spec: Endpoint, schemas: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "responses": {
            "200": _answer(spec, schemas),
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
        for name, required in spec.query
    ]
    if parameters:
        operation["parameters"] = parameters
    responses = operation["responses"]
    if spec.permission is not None:
        operation["security"] = [{"bearer": []}]
        responses["401"] = _error("not logged in / 未登录")
        responses["403"] = _error("role not allowed / 无权操作")
    if spec.name == "login":
        responses["401"] = _error("wrong username or password")
        responses["429"] = dict(
            _error("too many failed logins / 登录失败次数过多"),
            headers={
                "Retry-After": {
                    "description": "seconds to wait before the next attempt",
                    "schema": {"type": "integer"},
                }
            },
        )
    if spec.name in ("pair", "pair_station"):
        responses["401"] = _error("bad, used or expired pairing code")
        responses["403"] = _error("deputy's seat has ended")
    if spec.name in ("post_message", "liveness_answer", "post_shuffle", "post_write_in_shares"):
        responses["403"] = _error("unknown station, bad signature or not its place / 终端无权提交")
    if spec.body is not None:
        content: dict[str, Any] = {JSON: {"schema": _schema_ref(spec.body, schemas)}}
        for media_type in spec.also_accepts:
            content[media_type] = {"schema": {"type": "string"}}
        operation["requestBody"] = {"required": True, "content": content}
    return operation


def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for spec in ENDPOINTS:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, schemas)
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
