"""`shezhi import_divisions FILE`: towns and villages from an xlsx or csv file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shezhi.core.services import divisions_import


class Command(BaseCommand):
    help = _(
        "从 xlsx 或 csv 文件导入乡镇（街道）和村（社区）。列：代码、名称、上级代码。"
        "文件有任何错误时整份拒绝，并逐行列出错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("xlsx 或 csv 文件"))
        parser.add_argument("--user", help=_("记入修改历史的用户名"))

    def handle(self, *args: Any, file: str, user: str | None, **options: Any) -> None:
        from shezhi.accounts.models import User

        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("用户 %(user)s 不存在。") % {"user": user})
        if not Path(file).is_file():
            raise CommandError(_("找不到文件 %(file)s。") % {"file": file})
        result = divisions_import(actor=actor, file=file)
        if not result.ok:
            for error in result.errors:
                where = _("第 %(row)d 行") % {"row": error.row} if error.row else _("文件")
                column = f"，{error.column}" if error.column else ""
                self.stderr.write(f"{where}{column}：{error.message}")
            raise CommandError(
                _("文件有 %(n)d 处错误，未导入任何数据。请修改后重新导入。")
                % {"n": len(result.errors)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已导入 %(rows)d 行：新增 %(created)d 个，"
                    "更名 %(updated)d 个，未变 %(unchanged)d 个。"
                )
                % {
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        )
