"""Benchmark cases of the party module (`shezhi bench` imports `shezhi.<app>.bench`). Each part
keeps its cases in its own module; import it here."""

from __future__ import annotations

from . import (
    bench_applications,  # noqa: F401  (business-handling and instructor lists, page and API)
    bench_coverage,  # noqa: F401  (the coverage report of a division, the findings API)
    bench_members,  # noqa: F401  (members list, API, transfers, the xlsx import)
    bench_organizations,  # noqa: F401  (party-organization list page and API)
)
