"""`shezhi seed --scale small|province [--if-empty]`: the demo province, deterministically."""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shezhi.core.demo import Scale, has_demo_data, seed


class Command(BaseCommand):
    help = _("生成演示数据：官方行政区划、乡镇（街道）与村（社区）、演示账号及各模块登记的数据。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=[s.value for s in Scale],
            default=Scale.PROVINCE.value,
            help=_("small：少量数据（测试用）；province：全省规模（约1,600个乡镇、25,936个村居）"),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("数据库中已有乡镇或村居数据时不做任何事"),
        )

    def handle(self, *args: Any, scale: str, if_empty: bool, **options: Any) -> None:
        if has_demo_data():
            if if_empty:
                self.stdout.write(_("数据库中已有乡镇（街道）或村（社区）数据，跳过演示数据生成。"))
                return
            raise CommandError(
                _(
                    "数据库中已有乡镇（街道）或村（社区）数据。"
                    "要重新生成，请先清空数据库（shezhi flush）。"
                )
            )
        # Progress goes to the raw stream: it redraws one line in place on a terminal.
        report = seed(scale=scale, stream=cast(TextIO, getattr(self.stderr, "_out", self.stderr)))
        total = sum(report.seconds.values())
        self.stdout.write(
            self.style.SUCCESS(
                _("演示数据已生成（规模：%(scale)s，用时 %(seconds).1f 秒）。")
                % {"scale": report.scale.value, "seconds": total}
            )
        )
