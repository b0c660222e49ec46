"""Accounts' benchmark case (`shezhi bench`): the user list, against the raw SQL of its page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

import bench
from bench import RawPage, RawQuery, path_range

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE


def user_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """Users whose division lies in the viewer's jurisdiction, by username (UserList)."""
    scope, params = path_range("d.path", user)
    joins = "FROM accounts_user u JOIN core_division d ON d.code = u.division_id"
    return RawPage(
        rows=RawQuery(
            "SELECT u.id, u.username, u.first_name, u.last_name, u.role, u.phone, u.is_active, "
            f"u.last_login, d.code, d.name, d.path {joins} WHERE {scope} "
            f"ORDER BY u.username, u.id LIMIT {LIST_PAGE_SIZE}",
            params,
        ),
        count=RawQuery(f"SELECT COUNT(*) {joins} WHERE {scope}", params),
    )


bench.register(
    bench.PageCase(
        key="accounts.users.page", label=_("用户列表页"), url="/accounts/users/", floor=user_page
    )
)


def token_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The caller's own API tokens, newest first (accounts.api.token_list)."""
    return RawPage(
        rows=RawQuery(
            "SELECT id, name, hint, created_at, last_used_at, revoked_at FROM accounts_apitoken "
            f"WHERE user_id = %s ORDER BY created_at DESC, id DESC LIMIT {API_PAGE_SIZE}",
            [user.pk],
        ),
        count=RawQuery("SELECT COUNT(*) FROM accounts_apitoken WHERE user_id = %s", [user.pk]),
    )


# A list of a handful of rows (the demo issues no tokens): measured for its fixed cost.
bench.register(
    bench.PageCase(
        key="accounts.tokens.api",
        label=_("令牌接口"),
        url="/api/v1/tokens",
        floor=token_page,
        page_data=bench.api_page_data("id"),
    )
)


# The load run (`make load`, bench/load.py): the user list under concurrent officers.
def _register_load_cases() -> None:
    from bench.load import LoadCase, register

    register(LoadCase("accounts.users.page", "/accounts/users/", order=40))


_register_load_cases()
