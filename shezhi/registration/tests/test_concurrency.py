"""Two officers decide the same application at the same moment, in two real transactions
(PostgreSQL, where SELECT … FOR UPDATE makes the second wait): one wins, the other is told the
state no longer allows it (409), and the organization is registered once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from shezhi.core.workflows import TransitionNotAllowed
from shezhi.registration import services
from shezhi.registration.models import FoundingApplication, Status
from shezhi.social_orgs.models import SocialOrganization

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serializes)"
    ),
]


def test_of_two_simultaneous_decisions_one_wins_and_the_other_gets_a_conflict(reg_world) -> None:
    application = reg_world.accepted()
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def decide(name: str, actor: Any, approve: bool) -> None:
        try:
            mine = FoundingApplication.objects.get(pk=application.pk)
            barrier.wait(timeout=30)
            if approve:
                services.application_approve(actor=actor, application=mine)
            else:
                services.application_refuse(actor=actor, application=mine, reason="同时决定")
            outcomes[name] = "won"
        except TransitionNotAllowed:
            outcomes[name] = "conflict"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("county", reg_world.people.county_officer, True)),
        threading.Thread(target=decide, args=("city", reg_world.people.city_officer, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes.values()) == ["conflict", "won"], outcomes
    application.refresh_from_db()
    registered = SocialOrganization.objects.filter(name=application.name).count()
    if outcomes["county"] == "won":
        assert application.status == Status.APPROVED and registered == 1
    else:
        assert application.status == Status.REFUSED and registered == 0
