"""The xlsx import of party members as a job: store the upload, check it in a Celery task with
progress, write it whole or not at all (imports.py does the reading, checking and writing).

The same job as the registry's import (social_orgs.services.organization_import_*), run by
core.import_jobs: a row per uploaded file (MemberImport) whose status moves through the workflow
gate, updated outside the writing transaction so the page polling it sees the progress.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from shezhi.core.import_jobs import import_job_run, import_job_start

from ..models import MemberImport
from ..permissions import can_import_members

logger = logging.getLogger("shezhi.party")


def member_import_start(*, actor: Any, upload: Any) -> MemberImport:
    """Store an uploaded xlsx file under MEDIA_ROOT and queue its import.

    Type and size are checked by content before anything is stored; the rows are checked by the
    task. Raises PermissionDenied or ValidationError({"file": …}).
    """
    from .. import tasks

    if not can_import_members(actor):
        raise PermissionDenied(_("只有县级以上民政部门或社会组织党委的工作人员可以批量导入党员。"))
    return import_job_start(MemberImport, actor=actor, upload=upload, task=tasks.run_member_import)


def member_import_run(*, import_id: int) -> MemberImport:
    """Check every row of a queued import; write a clean file in one transaction.

    Called by the task (tasks.run_member_import). A refused file writes nothing at all.
    """
    from .. import imports

    return import_job_run(
        MemberImport,
        import_id=import_id,
        check=imports.check_file,
        write=lambda rows, actor, progress: imports.write_rows(
            rows, actor=actor, progress=progress
        ),
        counts_writes=True,
        taken_message=_("写入时发现身份证号码已被他人登记，整个文件未导入，请重新上传。"),
        logger=logger,
        name="member import",
    )
