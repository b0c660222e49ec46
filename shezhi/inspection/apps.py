from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "shezhi.inspection"
    label = "inspection"
    verbose_name = _("年度检查与年度工作报告")

    def ready(self) -> None:
        from . import registrations  # noqa: F401  (navigation, record types, to-dos, seeding)
