from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shezhi.core"
    label = "core"
    verbose_name = _("平台内核")

    def ready(self) -> None:
        from . import registrations  # noqa: F401  (the kernel registers its own pages and seeds)
