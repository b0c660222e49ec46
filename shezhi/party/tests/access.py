"""The party module's access declarations, gathered for the access matrix
(shezhi/core/access_testing.py discovers `shezhi.<app>.tests.access`).

Each part of the module keeps its routes and world hooks in its own file, so the parts can be
written side by side: party organizations, business handling and instructors in
access_organizations.py; members, development and transfers, and statistics add theirs the same
way (one import, one entry in PARTS).
"""

from __future__ import annotations

from shezhi.core.access_testing import AccessWorld

from . import access_coverage, access_members, access_organizations

PARTS = [access_organizations, access_members, access_coverage]

ROUTES = [route for part in PARTS for route in part.ROUTES]


def build_world(world: AccessWorld) -> None:
    for part in PARTS:
        hook = getattr(part, "build_world", None)
        if hook is not None:
            hook(world)


def build_many(world: AccessWorld) -> None:
    for part in PARTS:
        hook = getattr(part, "build_many", None)
        if hook is not None:
            hook(world)
