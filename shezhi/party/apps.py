from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "shezhi.party"
    label = "party"
    verbose_name = _("社会组织党建")

    def ready(self) -> None:
        from . import registrations  # noqa: F401  (navigation, record types, to-dos, seeding)
