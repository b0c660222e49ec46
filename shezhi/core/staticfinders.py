"""Static files from npm: exactly the files the templates load, not whole `dist/` folders.

echarts' dist/ alone holds 46 MB of variants; collecting and compressing them all made a release's
`collectstatic` take minutes for four files the pages use. `settings.VENDOR_FILES` names each
served file (its URL path under STATIC_URL) and where npm put it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage


class NodeModulesFinder(BaseFinder):
    def _files(self) -> dict[str, Path]:
        return {name: Path(source) for name, source in settings.VENDOR_FILES.items()}

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [
            Error(
                f"{source} is missing: the front-end libraries are installed by `npm ci` "
                "(make deps)",
                id="shezhi.E001",
            )
            for source in self._files().values()
            if not source.is_file()
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        find_all = find_all or kwargs.get("all", False)
        source = self._files().get(path)
        found = [str(source)] if source is not None and source.is_file() else []
        return found if find_all else (found[0] if found else None)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for name, source in self._files().items():
            storage = FileSystemStorage(location=source.parent)
            storage.prefix = str(Path(name).parent)  # type: ignore[attr-defined]
            yield source.name, storage
