from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "shezhi.registration"
    label = "registration"
    verbose_name = _("成立登记")

    def ready(self) -> None:
        from . import registrations  # noqa: F401  (navigation, record types, to-dos, seeding)
