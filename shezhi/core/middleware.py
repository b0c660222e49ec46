"""Sign-in is required everywhere except the public face and the few doors into the platform."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# Paths anyone may reach. The API authenticates on its own (session or token) and answers 401.
OPEN_PREFIXES = ("/public/", "/accounts/login/", "/healthz", "/i18n/", "/api/", "/admin/")


class LoginRequiredOutsidePublic:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_prefixes = (*OPEN_PREFIXES, settings.STATIC_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(self.open_prefixes):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
