"""Access declarations of the statistics: the coverage page, its API and the findings API.

Officers of a province, city or county read the figures of their own division (and of any
division inside it: another county's code answers 404, tested in test_coverage_page.py); the
roles without statistics get 403. The superuser reads the province."""

from __future__ import annotations

from shezhi.core.access_testing import Persona as P
from shezhi.core.access_testing import Route, only

READERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.party_officer,
    P.superuser,
)

ROUTES = [
    Route("party:coverage", only(200, *READERS)),
    Route("party:coverage", only(200, *READERS), query={"format": "xlsx"}),
    Route("GET /api/v1/party/coverage", only(200, *READERS)),
    Route("GET /api/v1/party/findings", only(200, *READERS)),
]
