"""`shezhi backup FILE`: the whole database to a gzipped JSON Lines file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from shezhi.core.backup import database_backup


class Command(BaseCommand):
    help = _(
        "把整个数据库（含修改历史和用户）备份为 gzip 压缩的 JSON Lines 文件，如 backup.jsonl.gz。"
        "个人信息以密文保存，恢复时需要同一个 SHEZHI_FIELD_KEY。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("备份文件路径，建议以 .jsonl.gz 结尾"))

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        counts = database_backup(file)
        self.stdout.write(
            self.style.SUCCESS(
                _("已备份 %(models)d 张表共 %(rows)s 行到 %(file)s。")
                % {
                    "models": sum(1 for n in counts.values() if n),
                    "rows": f"{sum(counts.values()):,}",
                    "file": file,
                }
            )
        )
