"""`shezhi restore FILE`: replace the whole database with a backup, in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.base import DeserializationError
from django.utils.translation import gettext as _

from shezhi.core.backup import RestoreError, database_restore


class Command(BaseCommand):
    help = _(
        "用 shezhi backup 生成的备份文件替换整个数据库：先清空，再载入，全部在一个事务中完成，"
        "失败时数据库保持原样。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("备份文件路径"))
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=_("不询问确认"),
        )

    def handle(self, *args: Any, file: str, interactive: bool, **options: Any) -> None:
        if interactive:
            answer = input(_("这将删除数据库中的全部现有数据并以备份替换。输入 yes 继续：") + " ")
            if answer.strip().lower() != "yes":
                raise CommandError(_("已取消，数据库未改动。"))
        try:
            counts = database_restore(file)
        except RestoreError:
            raise CommandError(_("找不到备份文件 %(file)s。") % {"file": file}) from None
        except (DeserializationError, ValueError, OSError) as exc:
            raise CommandError(
                _(
                    "无法恢复，数据库未改动：%(error)s"
                    "（个人信息解密失败时，请确认 SHEZHI_FIELD_KEY 与备份时相同。）"
                )
                % {"error": exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("已恢复 %(models)d 张表共 %(rows)s 行。")
                % {"models": len(counts), "rows": f"{sum(counts.values()):,}"}
            )
        )
