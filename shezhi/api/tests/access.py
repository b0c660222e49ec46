"""The API's own routes outside its operations (the document, the docs page, the fallbacks), for
the access matrix (shezhi/core/access_testing.py). The operations are declared by the apps that
own them, by their "METHOD /api/v1/path" key."""

from __future__ import annotations

from shezhi.core.access_testing import API_AUTH, Route, everyone, signed_in

ROUTES = [
    Route(
        "api:openapi-json",
        signed_in(200, anonymous=401),
        auth=API_AUTH,
        why="clients read it with their token; nobody signed in gets the API's 401",
    ),
    Route("api:openapi-view", signed_in(200), auth=API_AUTH),
    Route("api:api-root", everyone(404), auth=API_AUTH),
    Route(
        "api:not-found",
        everyone(404),
        path="/api/v1/no-such-operation/",
        auth=API_AUTH,
        why="the catch-all answers the error shape, whoever asks",
    ),
]
