"""Who is calling the API: a personal token (clients) or the browser's session (pages' scripts).

Order matters. The token is tried first: a request that carries `Authorization: Bearer shz_…`
is judged on that token alone, and sends no cookie the attacker of a CSRF could ride on, so it
is not CSRF-checked. Only then the session, whose unsafe requests must carry the CSRF token
(ninja marks its views csrf_exempt for Django's middleware and leaves the check to the cookie
auth, see https://django-ninja.dev/guide/csrf/). Inactive users and revoked tokens answer 401.

Tokens work only here: the platform's pages are plain Django views behind the session, so a
token in a header never signs anyone into them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from shezhi.accounts.models import ApiToken, User

from .errors import CsrfFailed, InvalidToken, error_response


class PersonalToken(HttpBearer):
    """`Authorization: Bearer shz_…`, checked against the stored SHA-256 (ApiToken)."""

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            return None  # no token: let the session try
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = ApiToken.authenticate(token) if token.startswith(ApiToken.PREFIX) else None
        if user is None or not user.is_active:
            raise InvalidToken
        # Audit (simple-history's middleware reads request.user) and throttling name the owner.
        request.user = user
        return user


class BrowserSession(APIKeyCookie):
    """Django's session cookie, with the CSRF token required on POST, PUT, PATCH and DELETE."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)  # also tells the Swagger page to send X-CSRFToken

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None  # nobody signed in: 401, there is no session to forge
        csrf_exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not csrf_exempt and check_csrf(request) is not None:
            raise CsrfFailed
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return request.user if request.user.is_authenticated else None


personal_token = PersonalToken()
browser_session = BrowserSession()
API_AUTH = [personal_token, browser_session]


def api_user(request: HttpRequest) -> User | None:
    """The caller by the API's rules, for views outside an operation (the docs)."""
    user = personal_token(request)
    if user is None and request.user.is_authenticated and request.user.is_active:
        user = request.user
    return user


def signed_in_docs(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document and the docs page are for signed-in users (session or token)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            user = api_user(request)
        except InvalidToken as exc:
            return error_response(401, exc.message)
        if user is None:
            if request.path.endswith(".json"):
                return error_response(401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
