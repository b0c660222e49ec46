"""The /api/v1 wiring: one NinjaAPI, its authentication, error shape, throttle and routers.

A module adds its API by writing a ninja Router in its own `api.py` and mounting it below with
`api.add_router("/<prefix>", "shezhi.<module>.api.router")`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, URLResolver, re_path, resolve
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.throttling import UserRateThrottle

from . import errors
from .auth import API_AUTH, signed_in_docs
from .schemas import ConflictOut, ErrorOut

# Per signed-in user (session or token); the rate is NINJA_DEFAULT_THROTTLE_RATES["user"].
USER_THROTTLE = UserRateThrottle()

UNSAFE_METHODS = {"post", "put", "patch", "delete"}


class ShezhiAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if not isinstance(pattern, URLPattern):
                continue
            if pattern.name == "api-root":
                # ninja's root view raises Http404 for Django's HTML page; answer in our shape.
                pattern.callback = _not_found
            else:
                pattern.callback = errors.json_method_not_allowed(pattern.callback)
        # Whatever no route matches still answers in the error shape, not Django's HTML page.
        urls.append(re_path(r"^.*$", _not_found, name="not-found"))
        return urls

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        # ninja calls this once per operation, after authentication and before it reads the
        # parameters: the one point to refuse input no database column can hold.
        errors.refuse_null_characters(request)
        return super().create_temporal_response(request)

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        """Document the error shape once, on every operation, as the handlers answer it."""
        schema = super().get_openapi_schema(**kwargs)
        for model in (ErrorOut, ConflictOut):
            definition = model.model_json_schema(ref_template=REF_TEMPLATE)
            schema.add_schema_definitions(definition.pop("$defs", {}))
            schema.add_schema_definitions({model.__name__: definition})
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                statuses = {401, 422, 429, 500}
                # 404: a record named in the path, the query or the body is not the caller's.
                if "{" in path or operation.get("parameters") or method in UNSAFE_METHODS:
                    statuses.add(404)
                if method in UNSAFE_METHODS:
                    statuses |= {400, 403, 409}  # 400: a body that is not JSON
                for status in sorted(statuses):
                    model_name = "ConflictOut" if status == 409 else "ErrorOut"
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": errors.CODES[status],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": REF_TEMPLATE.format(model=model_name)}
                                }
                            },
                        },
                    )
        return schema


@csrf_exempt  # it only answers 404, and must not turn an API POST into Django's CSRF page
def _not_found(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    # Django's APPEND_SLASH cannot help here (this fallback matches everything), so do its job:
    # "/api/v1/divisions" → "/api/v1/divisions/", keeping the method (308) and the query.
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name not in {"not-found", "api-root"}:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else ""), status=308
            )
    return errors.error_response(404)


api = ShezhiAPI(
    title="shezhi API",
    version="1",
    description=(
        "社治 shezhi REST API. Authenticate with a personal token (`Authorization: Bearer shz_…`, "
        "created under /accounts/tokens/) or, from the platform's own pages, the session cookie "
        "plus the X-CSRFToken header on writes. Lists answer `{count, items}` (limit/offset); "
        "errors answer `{detail, code}`."
    ),
    urls_namespace="api",
    auth=API_AUTH,
    throttle=[USER_THROTTLE],
    docs_url="/docs",
    docs_decorator=signed_in_docs,
)
errors.install(api)


api.add_router("", "shezhi.accounts.api.router")
api.add_router("/divisions", "shezhi.core.api.divisions.router")
api.add_router("/todos", "shezhi.core.api.todos.router")
api.add_router("/party", "shezhi.party.api.router")
api.add_router("/social-orgs", "shezhi.social_orgs.api.router")
api.add_router("/inspection", "shezhi.inspection.api.router")
