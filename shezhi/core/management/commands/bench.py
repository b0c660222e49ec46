"""`shezhi bench [--scale small|province] [--repeat N] [--only PATTERN]`: figures and floors.

Where it measures: with DATABASE_URL, in that database (created when missing, seeded when
empty, reused when it holds the demo, refused when it holds anything else). Without it, in a
SQLite file of its own, var/bench/<scale>/shezhi.sqlite3, never in var/shezhi.sqlite3: the
command runs itself again with SHEZHI_VAR_DIR=var/bench/<scale>. Settings are read once, at
import, so a fresh process is the one way to point every part of Django (the ORM, the session
store behind the test Client, the admin) at another file; a second database alias would have to
be routed through every queryset the pages run. The bench process also gets its own keys there.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bench import runner
from shezhi.core.demo import Scale

# Set in the process that benchmarks its own SQLite file: the scale it was started for.
BENCH_SCALE_ENV = "SHEZHI_BENCH_SCALE"
DEFAULT_REPEAT = 20


def bench_var_dir(var_dir: Path, scale: str) -> Path:
    return var_dir / "bench" / scale


def separate_process_env(
    *, scale: str, environ: Mapping[str, str], var_dir: Path
) -> dict[str, str] | None:
    """The environment to run the benchmark in its own SQLite file, or None when this process
    should measure its own database (DATABASE_URL given, or already the bench process)."""
    if environ.get("DATABASE_URL"):
        return None
    started_for = environ.get(BENCH_SCALE_ENV)
    if started_for:
        if started_for != scale:
            raise CommandError(
                _("%(env)s=%(found)s，与 --scale %(scale)s 不符。")
                % {"env": BENCH_SCALE_ENV, "found": started_for, "scale": scale}
            )
        return None
    return {
        **environ,
        "SHEZHI_VAR_DIR": str(bench_var_dir(var_dir, scale)),
        BENCH_SCALE_ENV: scale,
    }


class Command(BaseCommand):
    help = _(
        "性能基准：在演示数据上测量写入、列表页与接口、统计数字，"
        "并在同一次运行中测量各自的下限（原始 SQL），打印倍数，结果写入 var/bench/results.json。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=[s.value for s in Scale],
            default=Scale.PROVINCE.value,
            help=_("small：几秒钟跑完（CI 用）；province：全省规模（默认）"),
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=DEFAULT_REPEAT,
            help=_("每项计时的次数（另有预热）；默认 %(default)s"),
        )
        parser.add_argument(
            "--only",
            metavar="PATTERN",
            help=_("只运行键名匹配的项，如 core.todos.* 或 todos"),
        )
        parser.add_argument(
            "--output",
            type=Path,
            help=_("结果文件；默认 var/bench/results.json"),
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help=_("就在当前配置的数据库中运行，不另建 SQLite 文件、不迁移（测试用）"),
        )

    def handle(
        self,
        *args: Any,
        scale: str,
        repeat: int,
        only: str | None,
        output: Path | None,
        in_place: bool,
        **options: Any,
    ) -> None:
        output = (output or Path(settings.VAR_DIR) / "bench" / "results.json").resolve()
        if not in_place:
            env = separate_process_env(scale=scale, environ=os.environ, var_dir=settings.VAR_DIR)
            if env is not None:
                self._run_separately(env, scale, repeat, only, output, options["verbosity"])
        # WhiteNoise warns about a STATIC_ROOT that does not exist when the test Client starts.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        stderr = cast(TextIO, getattr(self.stderr, "_out", self.stderr))
        done = runner.run(
            scale=scale,
            repeat=repeat,
            only=only,
            output=output,
            migrate=not in_place,
            stderr=stderr,
        )
        self.stdout.write(done.table)
        self.stdout.write(_("结果已写入 %(path)s（%(key)s）。") % {"path": output, "key": done.key})

    def _run_separately(
        self,
        env: dict[str, str],
        scale: str,
        repeat: int,
        only: str | None,
        output: Path,
        verbosity: int,
    ) -> None:
        Path(env["SHEZHI_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "shezhi", "bench", "--scale", scale]
        argv += ["--repeat", str(repeat), "--output", str(output), "-v", str(verbosity)]
        if only:
            argv += ["--only", only]
        self.stderr.write(
            _("基准测试使用单独的 SQLite 数据库：%(path)s")
            % {"path": Path(env["SHEZHI_VAR_DIR"]) / "shezhi.sqlite3"}
        )
        self.stdout.flush()
        self.stderr.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 (our own interpreter and entry point)
