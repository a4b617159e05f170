"""Errors in the caller's language: 401/404 in Chinese, and 422 naming each field.

Every 422 has the same shape, whether pydantic refused the input at the edge or a service's
model validation refused it: {"detail": [{"loc": [...], "field": "code", "msg": "人员编号：…"}]}.
`field` is the English name the client sent; `msg` starts with the field's Chinese label.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from core.errors import DomainError

# Pydantic error types and their Chinese wording; `{…}` are filled from the error's context.
MESSAGES: dict[str, str] = {
    "missing": "不能为空",
    "string_too_short": "至少需要{min_length}个字符",
    "string_too_long": "不能超过{max_length}个字符",
    "string_type": "必须是文本",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "bool_parsing": "必须是 true 或 false",
    "bool_type": "必须是 true 或 false",
    "greater_than": "必须大于{gt}",
    "greater_than_equal": "不能小于{ge}",
    "less_than": "必须小于{lt}",
    "less_than_equal": "不能大于{le}",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "enum": "取值应为以下之一：{expected}",
    "literal_error": "取值应为以下之一：{expected}",
    "list_type": "必须是列表",
    "model_attributes_type": "必须是对象",
    "dict_type": "必须是对象",
    "json_invalid": "请求体不是有效的 JSON",
    "extra_forbidden": "不是可接受的字段",
}


class FieldError(Exception):
    """Raised by an operation for a value that passed pydantic but names nothing (an unknown
    subject code, say): becomes a 422 like any other validation error."""

    def __init__(self, field: str, message: str, *, source: str = "body", label: str | None = None) -> None:
        self.field, self.message, self.source, self.label = field, message, source, label
        super().__init__(f"{field}: {message}")


def _field(model: Any, name: str) -> FieldInfo | None:
    """The field `name` of a schema or of a schema nested in it: ninja flattens a Query[Schema]
    parameter, so the error's location names the inner field without its parent."""
    fields: dict[str, FieldInfo] = getattr(model, "model_fields", None) or {}
    if name in fields:
        return fields[name]
    for info in fields.values():
        found = _field(info.annotation, name) if isinstance(info.annotation, type) else None
        if found is not None:
            return found
    return None


def _label(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The Chinese title of the field at `loc`, walking into nested schemas."""
    current: Any = model
    title: str | None = None
    for part in loc:
        info = _field(current, part) if isinstance(part, str) else None
        if info is None:
            continue
        title = info.title or title
        current = info.annotation
    return title


def _plain(value: Any) -> str:
    """Context values as a reader writes them: 0 rather than 0.0, choices without quotes."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("'", "").replace(" or ", " 或 ")


def _message(error: dict[str, Any]) -> str:
    template = MESSAGES.get(error["type"])
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error":
        # Our own validators raise ValueError with a Chinese sentence; pydantic prefixes it.
        return str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
    if template is None:
        return "取值不正确"
    try:
        return template.format(**{k: _plain(v) for k, v in ctx.items()})
    except (KeyError, IndexError):
        return template


def _entry(loc: list[Any], label: str | None, message: str) -> dict[str, Any]:
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    return {"loc": loc, "field": field, "msg": f"{label or field}：{message}"}


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with the Chinese as characters, not \\u escapes: readable in logs and curl."""

    json_dumps_params = {"ensure_ascii": False}


class ChineseErrorsAPI(NinjaAPI):
    """NinjaAPI whose validation errors read in Chinese and carry the field's label."""

    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext[Any]]
                                             ) -> NinjaValidationError:
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            source = model.__ninja_param_source__
            for raw in context.pydantic_validation_error.errors(include_url=False):
                inner = model.__ninja_flatten_map_reverse__.get(raw["loc"], raw["loc"])
                loc = [source, *inner]
                errors.append(_entry(loc, _label(model, tuple(inner)), _message(dict(raw))))
        return NinjaValidationError(errors)


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's English defaults for the errors a client will meet."""

    def not_found(request: HttpRequest, exc: object) -> HttpResponse:
        # The access functions' messages say "not found" for "not yours" as well, so they are
        # safe to pass on; they never say which of the two it was.
        return api.create_response(request, {"detail": str(exc) or "没有找到"}, status=404)

    def unauthenticated(request: HttpRequest, exc: object) -> HttpResponse:
        response = api.create_response(request, {"detail": "需要登录，或提供有效的接口令牌（Authorization: Bearer …）"},
                                       status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    # Handlers take `object`: ninja's handler type admits the exception class as well as an
    # instance, so each narrows what it reads.
    def field_error(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, FieldError)
        body = {"detail": [_entry([exc.source, exc.field], exc.label, exc.message)]}
        return api.create_response(request, body, status=422)

    def model_invalid(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, DjangoValidationError)
        # A service's full_clean() refused the values (a duplicate code, say); Django's messages
        # are already in the active language (zh-hans).
        detail: list[dict[str, Any]] = []
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                for message in messages:
                    detail.append({"loc": ["body", field], "field": field, "msg": message})
        else:
            detail = [{"loc": ["body"], "field": "", "msg": m} for m in exc.messages]
        return api.create_response(request, {"detail": detail}, status=422)

    def domain_error(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, DomainError)
        # A service refused the write; its message is Chinese and names what to fix.
        field = exc.field or ""
        body = {"detail": [{"loc": ["body", field] if field else ["body"], "field": field, "msg": exc.message}]}
        return api.create_response(request, body, status=422)

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(FieldError, field_error)
    api.add_exception_handler(DjangoValidationError, model_invalid)


# Statuses Django or ninja answer in HTML or plain text inside /api/ (an unknown path, a wrong
# method, a programming error after Django has logged it), and what the client reads instead.
PLAIN_STATUS_MESSAGES: dict[int, str] = {
    400: "请求格式不正确",
    403: "没有权限",
    404: "没有找到该接口或对象",
    405: "不支持该请求方法",
    413: "请求体过大",
    500: "服务器内部错误，已记录，请稍后重试",
}


class JsonErrorsMiddleware:
    """Every error inside /api/ answers JSON, whichever layer produced it.

    Runs after Django turned an exception into its 500 response (and logged it), so a
    programming error still reaches the log; only the body the client reads changes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (not request.path.startswith("/api/") or response.status_code < 400
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        status = response.status_code
        message = PLAIN_STATUS_MESSAGES.get(status, "请求失败")
        body = json.dumps({"detail": message}, ensure_ascii=False)
        replacement = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement
