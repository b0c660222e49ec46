"""Fixtures shared by the whole suite. The official divisions come with the migrations."""

from __future__ import annotations

import pytest

from shezhi.core.testing import Personas, personas


@pytest.fixture
def people(db: None) -> Personas:
    return personas()
