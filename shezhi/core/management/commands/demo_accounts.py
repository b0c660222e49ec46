"""`shezhi demo_accounts`: the demo account pattern, the password and examples per role."""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shezhi.core.demo import print_demo_accounts


class Command(BaseCommand):
    help = _("列出演示账号的命名规则、统一密码和各角色示例账号。")

    def handle(self, *args: Any, **options: Any) -> None:
        print_demo_accounts(cast(TextIO, getattr(self.stdout, "_out", self.stdout)))
