from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialOrgsConfig(AppConfig):
    name = "shezhi.social_orgs"
    label = "social_orgs"
    verbose_name = _("社会组织")

    def ready(self) -> None:
        from . import registrations  # noqa: F401  (navigation, record type, seeding step)
