"""What a case gets: the scale, the repetitions, the demo's people and signed-in test clients."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from shezhi.core.demo import EXAMPLE_COUNTIES, account_name
from shezhi.core.roles import Role

from .timing import warmups_for

if TYPE_CHECKING:
    from shezhi.accounts.models import User

# The demo accounts a case can act as (shezhi/core/demo.py seeds them at every scale): the
# province's civil-affairs officer sees every row, Zengcheng's county officer a few percent of
# them, and the superuser is the Django admin's user.
PERSONAS: dict[str, str] = {
    "province": account_name(Role.CIVIL_AFFAIRS_OFFICER, "440000"),
    "county": account_name(Role.CIVIL_AFFAIRS_OFFICER, EXAMPLE_COUNTIES[0]),
    "superuser": "admin",
}


@dataclass
class BenchContext:
    scale: str
    repeat: int
    _users: dict[str, User] = field(default_factory=dict, repr=False)
    _clients: dict[str, Client] = field(default_factory=dict, repr=False)

    @property
    def warmup(self) -> int:
        return warmups_for(self.repeat)

    @property
    def connection(self) -> BaseDatabaseWrapper:
        # The test Client runs views in this thread, on this same connection.
        return connections[DEFAULT_DB_ALIAS]

    def user(self, persona: str) -> User:
        if persona not in self._users:
            from shezhi.accounts.models import User

            self._users[persona] = User.objects.select_related("division").get(
                username=PERSONAS[persona]
            )
        return self._users[persona]

    def client(self, persona: str) -> Client:
        """A test Client signed in as the persona (a real session row, as in a browser)."""
        if persona not in self._clients:
            client = Client()
            client.force_login(self.user(persona))
            self._clients[persona] = client
        return self._clients[persona]

    def close(self) -> None:
        """Sign the clients out, so their session rows do not pile up run after run."""
        for client in self._clients.values():
            client.logout()
        self._clients.clear()
