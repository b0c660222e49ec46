"""Cases are discovered, not listed: each app's `bench.py` registers its own on import."""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.utils.module_loading import autodiscover_modules

from .cases import Case

CASES: dict[str, Case] = {}


def register(case: Case) -> Case:
    if case.key in CASES and CASES[case.key] is not case:
        raise ValueError(f"benchmark case {case.key!r} is registered twice")
    CASES[case.key] = case
    return case


def discover() -> list[Case]:
    """Import every installed app's `bench` module; the cases in registration order."""
    autodiscover_modules("bench")
    return list(CASES.values())


def matches(case: Case, pattern: str | None) -> bool:
    """`--only`: a shell pattern on the key (core.todos.*), or a part of it (todos)."""
    if not pattern:
        return True
    return fnmatchcase(case.key, pattern) or pattern in case.key
