"""Benchmarks: `shezhi bench` prints each figure next to its floor, measured in the same run.

Apps declare cases in their own `bench.py` module (found by `autodiscover_modules("bench")`):

    import bench

    bench.register(bench.PageCase(key="social_orgs.registry.page", label=_("社会组织名录"),
                                  url="/social-orgs/", floor=registry_page_sql))

See bench/cases.py for the kinds of case, and shezhi/core/bench.py for examples.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cases import (
        BenchProblem,
        FigureCase,
        PageCase,
        Result,
        SeedCase,
        admin_page_data,
        api_page_data,
        list_page_data,
    )
    from .context import PERSONAS, BenchContext
    from .imports import ImportCase, check_then_write
    from .registry import register
    from .sql import RawPage, RawQuery, marks, path_range

# Imported on first use rather than here: `python -m bench.load` imports this package before
# Django is set up (it first sets the environment the settings read), and these need Django.
_LAZY = {
    **dict.fromkeys(
        (
            "BenchProblem",
            "FigureCase",
            "PageCase",
            "Result",
            "SeedCase",
            "admin_page_data",
            "api_page_data",
            "list_page_data",
        ),
        "cases",
    ),
    **dict.fromkeys(("PERSONAS", "BenchContext"), "context"),
    **dict.fromkeys(("ImportCase", "check_then_write"), "imports"),
    "register": "registry",
    **dict.fromkeys(("RawPage", "RawQuery", "marks", "path_range"), "sql"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)


__all__ = [
    "PERSONAS",
    "BenchContext",
    "BenchProblem",
    "FigureCase",
    "ImportCase",
    "PageCase",
    "RawPage",
    "RawQuery",
    "Result",
    "SeedCase",
    "admin_page_data",
    "api_page_data",
    "check_then_write",
    "list_page_data",
    "marks",
    "path_range",
    "register",
]
