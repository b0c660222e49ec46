"""Every error the API answers, in one place: {"detail": <str or list>, "code": <machine code>}.

Clients branch on `code` (stable, English); officers read `detail` (translated). Handlers are
installed on the one NinjaAPI by `install(api)`, so no operation builds an error body by hand.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    QueryDict,
)
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from shezhi.core.workflows import TransitionNotAllowed

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("shezhi.api")

# The machine codes, by HTTP status, for errors that carry no more specific one.
CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "throttled",
    500: "server_error",
}


# What ninja itself raises, replaced by the translated message of the status.
NINJA_MESSAGES = frozenset({"Unauthorized", "Forbidden", "Too many requests.", "CSRF check Failed"})
NINJA_PREFIXES = ("Cannot parse request body",)


def default_detail(status: int) -> str:
    messages = {
        400: _("请求格式有误。"),
        401: _("请先登录，或在 Authorization 头中提供有效的 API 令牌（Bearer shz_…）。"),
        403: _("您没有执行此操作的权限。"),
        # One message whether the record is missing or outside the caller's jurisdiction:
        # the answer must not reveal which.
        404: _("未找到该记录，或不在您的管辖范围内。"),
        405: _("该地址不支持这种请求方法。"),
        409: _("该记录的当前状态不允许此操作。"),
        422: _("提交的数据有误。"),
        429: _("请求过于频繁，请稍后再试。"),
        500: _("服务器内部错误"),
    }
    return messages.get(status, _("请求失败。"))


def error_body(
    status_code: int, detail: Any = None, code: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "detail": default_detail(status_code) if detail is None else detail,
        "code": code or CODES.get(status_code, "error"),
        **extra,
    }


def error_response(
    status_code: int, detail: Any = None, code: str | None = None, **extra: Any
) -> JsonResponse:
    """The error shape outside an operation (URL fallbacks, the docs gate)."""
    response = JsonResponse(
        error_body(status_code, detail, code, **extra),
        status=status_code,
        json_dumps_params={"ensure_ascii": False},
    )
    if status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="shezhi"'
    return response


class InvalidToken(AuthenticationError):
    """A bearer token was sent but is unknown, revoked or belongs to an inactive user.

    It answers 401 at once rather than falling back to the session: a client that sends a token
    means that token, and must learn that it no longer works.
    """

    def __init__(self) -> None:
        super().__init__(message=_("API 令牌无效、已撤销或所属账号已停用。"))


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(
            403, _("CSRF 校验失败：浏览器会话的写操作须带 X-CSRFToken 请求头。请刷新页面后重试。")
        )


# Translations of pydantic's error types, for query, path and body validation.
def _validation_message(error: dict[str, Any]) -> str:
    ctx = dict(error.get("ctx") or {})
    if isinstance(ctx.get("expected"), str):
        ctx["expected"] = ctx["expected"].replace(" or ", ", ")  # pydantic's English list
    kind = error.get("type", "")
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: _("必填项。"),
        "int_parsing": lambda: _("必须是整数。"),
        "int_type": lambda: _("必须是整数。"),
        "float_parsing": lambda: _("必须是数字。"),
        "bool_parsing": lambda: _("必须是 true 或 false。"),
        "string_type": lambda: _("必须是文本。"),
        "enum": lambda: _("必须是以下之一：%(expected)s。") % {"expected": ctx.get("expected", "")},
        "literal_error": lambda: (
            _("必须是以下之一：%(expected)s。") % {"expected": ctx.get("expected", "")}
        ),
        "greater_than_equal": lambda: _("不能小于 %(limit)s。") % {"limit": ctx.get("ge")},
        "greater_than": lambda: _("必须大于 %(limit)s。") % {"limit": ctx.get("gt")},
        "less_than_equal": lambda: _("不能大于 %(limit)s。") % {"limit": ctx.get("le")},
        "less_than": lambda: _("必须小于 %(limit)s。") % {"limit": ctx.get("lt")},
        "string_too_short": lambda: _("至少 %(limit)s 个字符。") % {"limit": ctx.get("min_length")},
        "string_too_long": lambda: _("最多 %(limit)s 个字符。") % {"limit": ctx.get("max_length")},
        "date_from_datetime_parsing": lambda: _("日期格式应为 YYYY-MM-DD。"),
        "date_parsing": lambda: _("日期格式应为 YYYY-MM-DD。"),
        "datetime_parsing": lambda: _("时间格式应为 ISO 8601。"),
        "json_invalid": lambda: _("不是有效的 JSON。"),
        "null_character": lambda: _("不能包含空字符（NUL）。"),
    }
    make = messages.get(kind)
    return make() if make is not None else str(error.get("msg", _("取值无效。")))


def validation_items(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ninja's errors as [{"loc": [...], "msg": "..."}], messages in the user's language."""
    return [
        {"loc": list(error.get("loc", ())), "msg": _validation_message(error)} for error in errors
    ]


NUL = "\x00"


def refuse_null_characters(request: HttpRequest) -> None:
    """Answer 422 to a NUL character anywhere in the path parameters, the query or the body.

    PostgreSQL can neither store nor compare text holding one (psycopg raises DataError, which
    would be a 500), while SQLite stores it silently; Django's form fields refuse it the same way
    (ProhibitNullCharactersValidator). Called once per operation after authentication and before
    ninja reads the parameters (ShezhiAPI.create_temporal_response), so every module's input is
    covered and an anonymous caller still learns only 401. Body locations are the JSON path the
    client sent (["body", "note"]). Multipart bodies are left to their operation: reading them
    here would consume the upload stream.
    """
    locations: list[list[str | int]] = []
    match = request.resolver_match
    for name, value in (match.kwargs if match else {}).items():
        if isinstance(value, str) and NUL in value:
            locations.append(["path", name])
    locations += _null_character_fields("query", request.GET)
    if request.content_type != "multipart/form-data":
        try:
            raw = request.body
        except RequestDataTooBig:
            raw = b""  # ninja answers it
        try:
            # Whatever the Content-Type says: ninja parses any body of a JSON operation as JSON.
            body = json.loads(raw) if raw else None
        except (ValueError, RecursionError):
            body = None  # not JSON, or nested too deep to read: ninja answers 400
        locations += [["body", *path] for path in _null_character_paths(body)]
        if request.content_type == "application/x-www-form-urlencoded":
            # Too many fields (SuspiciousOperation): the operation reading the form answers it.
            with contextlib.suppress(SuspiciousOperation):
                locations += _null_character_fields("form", request.POST)
    if locations:
        raise ValidationError(
            [{"loc": loc, "type": "null_character", "msg": "NUL"} for loc in locations]
        )


def _null_character_fields(source: str, data: QueryDict) -> list[list[str | int]]:
    return [
        [source, name]
        for name, values in data.lists()
        if NUL in name or any(NUL in value for value in values)
    ]


def _null_character_paths(body: Any) -> list[list[str | int]]:
    # Iterative: a body nested as deep as json.loads allows must not overflow the stack here.
    found: list[list[str | int]] = []
    stack: list[tuple[list[str | int], Any]] = [([], body)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                found.append(path)
        elif isinstance(value, dict):
            for key, child in value.items():
                if NUL in key:
                    found.append([*path, key])
                else:
                    stack.append(([*path, key], child))
        elif isinstance(value, list):
            stack.extend(([*path, index], child) for index, child in enumerate(value))
    return sorted(found, key=str)


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (which answer {"detail"} only, and an HTML or plain-text
    500) with the platform's shape."""

    def respond(
        request: HttpRequest, status_code: int, detail: Any = None, **extra: Any
    ) -> HttpResponse:
        body = error_body(status_code, detail, **extra)
        response = api.create_response(request, body, status=status_code)
        if status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="shezhi"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, Throttled):
            # The operation adds Retry-After to this response.
            return respond(request, 429)
        # ninja's own messages are English; ours (InvalidToken, CsrfFailed, a module's
        # HttpError) are already translated.
        ninja_message = exc.message in NINJA_MESSAGES or exc.message.startswith(NINJA_PREFIXES)
        return respond(request, exc.status_code, None if ninja_message else exc.message)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 422, validation_items(exc.errors))

    def on_django_validation_error(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        # Raised by services' full_clean(): field errors become body locations.
        if hasattr(exc, "error_dict"):
            items = [
                {"loc": ["body", field], "msg": str(message)}
                for field, errors in exc.message_dict.items()
                for message in errors
            ]
        else:
            items = [{"loc": ["body"], "msg": str(message)} for message in exc.messages]
        return respond(request, 422, items)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404)

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc)
        return respond(request, 403, message or None)

    def on_transition_not_allowed(request: HttpRequest, exc: TransitionNotAllowed) -> HttpResponse:
        return respond(
            request,
            409,
            str(exc),
            status=getattr(exc, "current", None) or getattr(exc.obj, "status", None),
            requested=exc.to,
            allowed=sorted(exc.allowed),
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with the traceback for the operators; the caller learns nothing of the internals.
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500)

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (HttpError, on_http_error),  # ninja's 401, 403 (CSRF) and 429 too
        (ValidationError, on_validation_error),
        (DjangoValidationError, on_django_validation_error),
        (Http404, on_not_found),
        (ObjectDoesNotExist, on_not_found),
        (PermissionDenied, on_permission_denied),
        (TransitionNotAllowed, on_transition_not_allowed),
        (Exception, on_unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method with a plain-text 405; give it the error shape too."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            shaped = error_response(405)
            shaped["Allow"] = response["Allow"]
            return shaped
        return response

    return wrapper
