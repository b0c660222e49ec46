"""`shezhi load_divisions`: re-sync the province, cities and counties from python-stdnum."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shezhi.core.services import divisions_load_official


class Command(BaseCommand):
    help = _("按 python-stdnum 的 GB/T 2260 数据同步广东省、地级市和县级行政区划。")

    def handle(self, *args: Any, **options: Any) -> None:
        changed = divisions_load_official()
        self.stdout.write(_("官方行政区划已同步：%(n)d 条新增或变更。") % {"n": changed})
