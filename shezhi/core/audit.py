"""Audit writes that are not model history: reveals of personal data.

Each reveal is a `RevealLog` row and a line on the `shezhi.audit` logger, so it can be shipped to
a separate log store that officers of the platform cannot edit.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import RevealLog

audit_log = logging.getLogger("shezhi.audit")


@transaction.atomic
def personal_data_reveal(
    *, actor: Any, subject: models.Model, field: str, ip_address: str | None, reason: str = ""
) -> RevealLog:
    """Record that `actor` saw the full value of `subject.<field>`. Call before showing it."""
    entry = RevealLog.objects.create(
        user=actor,
        subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=str(subject.pk),
        field=field,
        reason=reason[:200],
        ip_address=ip_address,
    )
    level = logging.getLevelName(getattr(settings, "SHEZHI_REVEAL_LOG_LEVEL", "INFO"))
    audit_log.log(
        level if isinstance(level, int) else logging.INFO,
        "personal data revealed: user=%s subject=%s:%s field=%s ip=%s reason=%r",
        actor.username,
        subject._meta.label_lower,
        subject.pk,
        field,
        ip_address or "-",
        entry.reason,
        extra={
            "event": "reveal_personal_data",
            "user_id": actor.pk,
            "subject": f"{subject._meta.label_lower}:{subject.pk}",
            "field": field,
            "ip_address": ip_address,
        },
    )
    return entry
