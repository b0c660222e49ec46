"""The xlsx import of party members as a job: store the upload, check it in a Celery task with
progress, write it whole or not at all (imports.py does the reading, checking and writing).

The same shape as the registry's import (social_orgs.services.organization_import_*): a row per
uploaded file (MemberImport) whose status moves through the workflow gate, updated outside the
writing transaction so the page polling it sees the progress.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shezhi.core.workflows import transition
from shezhi.social_orgs.models import ImportStatus

from ..models import MemberImport
from ..permissions import can_import_members

logger = logging.getLogger("shezhi.party")


def member_import_start(*, actor: Any, upload: Any) -> MemberImport:
    """Store an uploaded xlsx file under MEDIA_ROOT and queue its import.

    Type and size are checked by content before anything is stored; the rows are checked by the
    task. Raises PermissionDenied or ValidationError({"file": …}).
    """
    from .. import imports, tasks

    if not can_import_members(actor):
        raise PermissionDenied(_("只有县级以上民政部门或社会组织党委的工作人员可以批量导入党员。"))
    name = str(getattr(upload, "name", "") or "")
    problem = imports.upload_problem(upload, name=name, size=int(upload.size or 0))
    if problem:
        raise ValidationError({"file": [problem]})
    job = MemberImport(created_by=actor, original_name=Path(name).name[:200], size=upload.size)
    job.file.save("upload.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: tasks.run_member_import.delay(job.pk))
    return job


def _progress(job: MemberImport, **values: Any) -> None:
    # Outside any transaction (the task runs in autocommit), so the polling page sees it at once.
    MemberImport.objects.filter(pk=job.pk).update(**values)
    for key, value in values.items():
        setattr(job, key, value)


def _finish(job: MemberImport, status: str, *, started: float, **values: Any) -> None:
    job.finished_at = timezone.now()
    job.seconds = time.monotonic() - started
    for key, value in values.items():
        setattr(job, key, value)
    transition(job, status, actor=job.created_by, update_fields=("finished_at", "seconds", *values))


def member_import_run(*, import_id: int) -> MemberImport:
    """Check every row of a queued import; write a clean file in one transaction.

    Called by the task (tasks.run_member_import). A refused file writes nothing at all.
    """
    from .. import imports

    job = MemberImport.objects.select_related("created_by").get(pk=import_id)
    if job.status != ImportStatus.PENDING:
        return job  # a retried task must not run an import twice
    started = time.monotonic()
    actor = job.created_by
    transition(job, ImportStatus.VALIDATING, actor=actor)
    try:
        with job.file.open("rb") as handle:
            checked = imports.check_file(
                handle,
                actor=actor,
                progress=lambda done, total: _progress(job, processed_rows=done, total_rows=total),
            )
        warnings = [[w.row, w.column, w.message] for w in checked.warnings]
        if not checked.ok:
            _finish(
                job,
                ImportStatus.INVALID,
                started=started,
                total_rows=max(job.total_rows, len(checked.rows)),
                error_count=checked.error_count,
                errors=[[e.row, e.column, e.message] for e in checked.errors],
                warning_count=checked.warning_count,
                warnings=warnings,
            )
            return job
        total = len(checked.rows)
        _progress(job, total_rows=total, processed_rows=0)
        transition(job, ImportStatus.WRITING, actor=actor)
        created = imports.write_rows(
            checked.rows,
            actor=actor,
            progress=lambda done, total: _progress(job, processed_rows=done),
        )
    except Exception as exc:
        logger.exception("member import %s failed", import_id)
        job.refresh_from_db(fields=["status"])
        if ImportStatus.FAILED in MemberImport.ALLOWED_TRANSITIONS.get(job.status, set()):
            message = (
                _("写入时发现身份证号码已被他人登记，整个文件未导入，请重新上传。")
                if isinstance(exc, IntegrityError)
                else _("导入出错，整个文件未导入：%(error)s") % {"error": type(exc).__name__}
            )
            _finish(job, ImportStatus.FAILED, started=started, message=message)
        return job
    _finish(
        job,
        ImportStatus.DONE,
        started=started,
        created_count=created,
        warning_count=checked.warning_count,
        warnings=warnings,
    )
    return job
