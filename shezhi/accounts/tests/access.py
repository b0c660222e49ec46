"""Who may reach the account pages and the /me and /tokens operations, for the access matrix
(shezhi/core/access_testing.py, run by core/tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission

from shezhi.accounts.models import ApiToken, User
from shezhi.core.access_testing import (
    AccessWorld,
    Route,
    everyone,
    only,
    redirect,
    row_tag,
    signed_in,
)
from shezhi.core.access_testing import Persona as P
from shezhi.core.models import Division
from shezhi.core.roles import Role
from shezhi.core.testing import NEIGHBOUR_TOWN, TOWN, make_user

# Officers who manage users (can_manage_users): civil affairs and the party committee.
MANAGERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.party_officer,
    P.superuser,
)
# Managers whose jurisdiction holds a user of the Zengcheng town; the neighbour's does not (404).
SEE_ZENGCHENG_USER = only(
    200, P.province_officer, P.city_officer, P.county_officer, P.party_officer, P.superuser
).but(neighbour_officer=404)


def _user(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_user.pk}


def _foreign_user(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_user.pk}


ROUTES = [
    # --- signing in and out --------------------------------------------------------------------
    Route("accounts:login", everyone(redirect("core:home")).but(anonymous=200)),
    Route(
        "accounts:login",
        everyone(redirect("core:home")).but(anonymous=200),
        method="POST",
        body={"username": "nobody", "password": "wrong"},
        why="a wrong password shows the form again; a signed-in user is sent home",
    ),
    Route("accounts:logout", signed_in(redirect("accounts:login")), method="POST"),
    Route("accounts:password_change", signed_in(200)),
    Route("accounts:password_change", signed_in(200), method="POST", body={}),
    Route("accounts:profile", signed_in(200)),
    # --- users ---------------------------------------------------------------------------------
    Route("accounts:user_list", only(200, *MANAGERS), lists_rows=True, min_own_rows=300),
    Route(
        "accounts:user_list",
        only(200, *MANAGERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
    ),
    Route("accounts:user_detail", SEE_ZENGCHENG_USER, kwargs=_user, foreign=_foreign_user),
    Route(
        "core:history",
        SEE_ZENGCHENG_USER,
        kwargs=lambda w: {"label": "accounts.user", "pk": w.zengcheng_user.pk},
        foreign=lambda w: {"label": "accounts.user", "pk": w.huangpu_user.pk},
        why="a user's history follows the user pages' gate",
    ),
    Route(
        "core:reveal_personal",
        # Only the county officers were given the reveal permission (build_world); the
        # neighbour's may reveal, but not a phone it cannot see.
        only(200, P.county_officer, P.superuser).but(neighbour_officer=404),
        method="POST",
        kwargs=lambda w: {"label": "accounts.user", "pk": w.zengcheng_user.pk, "field": "phone"},
        foreign=lambda w: {"label": "accounts.user", "pk": w.huangpu_user.pk, "field": "phone"},
        body={"reason": "访问矩阵"},
    ),
    # --- personal API tokens: each user's own, another user's is 404 ------------------------------
    Route("accounts:token_list", signed_in(200), lists_rows=True),
    Route("accounts:token_create", signed_in(redirect("accounts:token_list"))),
    Route("accounts:token_create", signed_in(200), method="POST", body={"name": "访问矩阵新令牌"}),
    Route(
        "accounts:token_revoke",
        only(redirect("accounts:token_list"), P.county_officer, others=404),
        method="POST",
        kwargs=lambda w: {"pk": w.county_officer_spare_token.pk},
        foreign=lambda w: {"pk": w.neighbour_officer_spare_token.pk},
    ),
    # --- API -----------------------------------------------------------------------------------
    Route("GET /api/v1/me", signed_in(200)),
    Route("GET /api/v1/tokens", signed_in(200), lists_rows=True),
    Route(
        "DELETE /api/v1/tokens/{token_id}",
        only(200, P.county_officer, others=404),
        kwargs=lambda w: {"token_id": w.county_officer_spare_token.pk},
        foreign=lambda w: {"token_id": w.neighbour_officer_spare_token.pk},
    ),
]


def _grassroots_user(username: str, division_code: str) -> User:
    user = make_user(username, Role.WINDOW_CLERK, division_code, first_name=row_tag(division_code))
    user.phone = "13800138000"
    user.save()
    return user


def build_world(world: AccessWorld) -> None:
    world.add("zengcheng_user", _grassroots_user("window-matrix-zengcheng", TOWN))
    world.add("huangpu_user", _grassroots_user("window-matrix-huangpu", NEIGHBOUR_TOWN))
    reveal = Permission.objects.get(codename="reveal_personal_data")
    for persona in (P.county_officer, P.neighbour_officer):
        officer = world.user(persona)
        officer.user_permissions.add(reveal)
        # A token to revoke that is not the one the matrix signs the API requests with.
        name = "备用 " + row_tag(str(officer.division_id), 1)
        world.add(f"{persona.value}_spare_token", ApiToken.issue(user=officer, name=name)[0])


def build_many(world: AccessWorld) -> None:
    """A window clerk in every probe village, tagged with the village's code."""
    villages = Division.objects.filter(
        level=Division.Level.VILLAGE, code__in=[d.code for d in world.probe_divisions]
    )
    password = world.user(P.county_officer).password
    User.objects.bulk_create(
        User(
            username=f"probe-{village.code}",
            first_name=row_tag(village.code),
            role=Role.WINDOW_CLERK,
            division=village,
            password=password,
        )
        for village in villages
    )
