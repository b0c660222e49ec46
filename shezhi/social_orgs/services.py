"""Writes to the registry: register, correct, deregister, revoke, import.

Pages, the API, the import task and commands all call these functions, which check the actor's
right, validate every fact (validators.py), write in one transaction and name the actor in the
History (simple-history). Status moves only through `core.workflows.transition`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shezhi.core.import_jobs import import_job_run, import_job_start
from shezhi.core.models import Division, StatusChange
from shezhi.core.workflows import transition

from .models import OrganizationImport, OrgStatus, SocialOrganization
from .permissions import (
    OWN_ORGANIZATION_FIELDS,
    can_change_organization_status,
    can_import_organizations,
    editable_fields,
    is_registry_officer,
)
from .validators import FACT_FIELDS, OrganizationChecker, changed_fields, normalize_credit_code

logger = logging.getLogger("shezhi.social_orgs")

# simple-history keeps the reason in 100 characters.
REASON_LENGTH = 100
IMPORT_BATCH = 2_000


def _with_history_user(organization: SocialOrganization, actor: Any, reason: str = "") -> None:
    # simple-history takes the author from the request in views; services name it explicitly so
    # that API calls, imports and commands are attributed too.
    if actor is not None and getattr(actor, "is_authenticated", False):
        organization._history_user = actor  # type: ignore[attr-defined]
    if reason:
        organization._change_reason = reason[:REASON_LENGTH]  # type: ignore[attr-defined]


def _division(value: Any) -> Division | str | None:
    """A Division for a code that exists; the code itself otherwise (the checker names it)."""
    if value is None or isinstance(value, Division):
        return value
    code = str(value).strip()
    if not code:
        return None
    if not code.isascii() or not code.isdigit():
        return code
    return Division.objects.filter(code=code).first() or code


def normalize_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts as the checker and the model take them: text stripped, divisions resolved."""
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization facts: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    for name, value in facts.items():
        if name == "credit_code":
            clean[name] = normalize_credit_code(value)
        elif name in ("registration_authority", "address_division"):
            clean[name] = _division(value)
        elif name == "legal_representative_phone":
            clean[name] = (value or "").strip() or None
        elif name == "staff_count":
            clean[name] = 0 if value is None or value == "" else value
        elif name == "charter_has_party_clause":
            clean[name] = bool(value)
        elif isinstance(value, str):
            clean[name] = value.strip()
        else:
            clean[name] = value
    return clean


def _save(organization: SocialOrganization) -> None:
    # A concurrent registration of the same code loses here, not with a 500.
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        raise ValidationError(
            {
                "credit_code": [
                    _("统一社会信用代码%(code)s已经登记，不能重复登记。")
                    % {"code": organization.credit_code}
                ]
            }
        ) from None


def _credit_code_taken(code: str, *, exclude_pk: int | None = None) -> bool:
    if not code:
        return False
    others = SocialOrganization.objects.filter(credit_code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


@transaction.atomic
def organization_create(*, actor: Any, **facts: Any) -> SocialOrganization:
    """Register an organization. Raises PermissionDenied for anyone but a civil-affairs officer
    at a registering level, and ValidationError (field → messages) for any wrong fact.

    Position-17 doubts about the credit code do not refuse it; callers show
    `validators.credit_code_warnings(org.credit_code)` after the save.
    """
    if not is_registry_officer(actor):
        raise PermissionDenied(_("只有县级以上民政部门的工作人员可以登记社会组织。"))
    clean = normalize_facts(facts)
    verdict = OrganizationChecker(actor=actor).check(
        clean, credit_code_taken=_credit_code_taken(clean.get("credit_code", ""))
    )
    if not verdict.ok:
        raise verdict.as_error()
    organization = SocialOrganization(**clean)
    # Field-level checks of the model as a safety net (the checker has said everything first);
    # the divisions were resolved above, so the foreign keys need no second look-up.
    organization.full_clean(
        exclude=["registration_authority", "address_division"], validate_unique=False
    )
    _with_history_user(organization, actor, _("登记"))
    _save(organization)
    return organization


@transaction.atomic
def organization_update(
    *, actor: Any, organization: SocialOrganization, **changes: Any
) -> SocialOrganization:
    """Correct an organization's facts. Officers of its registering level or above change any
    fact; its own organization account only address, staff count and the representative's phone
    (permissions.OWN_ORGANIZATION_FIELDS). Unchanged values write nothing.
    """
    allowed = editable_fields(actor, organization)
    if allowed is not None:
        if not allowed:
            raise PermissionDenied(_("您无权修改该社会组织的信息。"))
        refused = sorted(set(changes) - allowed)
        if refused:
            raise PermissionDenied(
                _("社会组织账号只能修改住所、从业人员数和法定代表人电话；不能修改：%(fields)s。")
                % {
                    "fields": "、".join(
                        str(SocialOrganization._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
                        for name in refused
                        if name in FACT_FIELDS
                    )
                    or "、".join(refused)
                }
            )
    clean = normalize_facts(changes)
    changed = changed_fields(organization, clean)
    if not changed:
        return organization
    merged = {name: getattr(organization, name) for name in FACT_FIELDS}
    merged.update({name: clean[name] for name in changed})
    checker = OrganizationChecker(actor=actor)
    verdict = checker.check(
        merged,
        credit_code_taken=_credit_code_taken(merged["credit_code"], exclude_pk=organization.pk),
        check_permission="registration_authority" in changed,
    ).only(changed)
    if not verdict.ok:
        raise verdict.as_error()
    for name in changed:
        setattr(organization, name, merged[name])
    # Only the changed fields: an old record's unrelated flaw must not block a correction.
    organization.full_clean(
        exclude=[
            f.name
            for f in SocialOrganization._meta.fields
            if f.name not in changed or f.name in ("registration_authority", "address_division")
        ],
        validate_unique=False,
    )
    who = _("本组织更新") if allowed == OWN_ORGANIZATION_FIELDS else _("更正登记信息")
    _with_history_user(organization, actor, who)
    _save(organization)
    return organization


def _status_change(
    *, actor: Any, organization: SocialOrganization, to: str, reason: str
) -> StatusChange:
    if not can_change_organization_status(actor, organization):
        raise PermissionDenied(_("只有登记管理机关（或其上级）的民政部门工作人员可以办理。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写理由（如注销登记决定的文号）。")]})
    _with_history_user(organization, actor, reason)
    return transition(organization, to, actor=actor, reason=reason)


@transaction.atomic
def organization_deregister(
    *, actor: Any, organization: SocialOrganization, reason: str
) -> StatusChange:
    """注销登记: the organization dissolved and its deregistration was approved. Final."""
    return _status_change(
        actor=actor, organization=organization, to=OrgStatus.DEREGISTERED, reason=reason
    )


@transaction.atomic
def organization_revoke(
    *, actor: Any, organization: SocialOrganization, reason: str
) -> StatusChange:
    """撤销登记: the registration revoked as an administrative penalty. Final."""
    return _status_change(
        actor=actor, organization=organization, to=OrgStatus.REVOKED, reason=reason
    )


# The registry's own status decisions, for the detail page and the API.
STATUS_ACTIONS = {
    OrgStatus.DEREGISTERED: organization_deregister,
    OrgStatus.REVOKED: organization_revoke,
}


# --------------------------------------------------------------------------------------------
# xlsx import


@transaction.atomic
def organization_import_start(*, actor: Any, upload: Any) -> OrganizationImport:
    """Store an uploaded xlsx file under MEDIA_ROOT and queue its import.

    Type and size are checked by content before anything is stored (import_jobs.upload_problem);
    the rows are checked by the task. Raises PermissionDenied or ValidationError({"file": …}).
    """
    from . import imports, tasks

    if not can_import_organizations(actor):
        raise PermissionDenied(_("只有县级以上民政部门的工作人员可以导入社会组织。"))
    return import_job_start(
        OrganizationImport,
        actor=actor,
        upload=upload,
        task=tasks.run_organization_import,
        max_bytes=imports.MAX_UPLOAD_BYTES,
    )


def organization_import_run(*, import_id: int) -> OrganizationImport:
    """Check every row of a queued import; write a clean file in one transaction.

    Called by the task (tasks.run_organization_import). The file stays under MEDIA_ROOT for the
    report; a refused file writes nothing at all.
    """
    from . import imports

    return import_job_run(
        OrganizationImport,
        import_id=import_id,
        check=imports.check_file,
        # The page keeps showing the rows checked while the one transaction writes them.
        write=lambda rows, actor, progress: _write_rows(rows, actor=actor),
        counts_writes=False,
        taken_message=_("写入时发现统一社会信用代码已被他人登记，整个文件未导入，请重新上传。"),
        logger=logger,
        name="organization import",
    )


@transaction.atomic
def _write_rows(rows: list[Any], *, actor: Any) -> int:
    """The whole clean file in one transaction, in batches, each row with its History entry."""
    from simple_history.utils import bulk_create_with_history

    organizations = []
    for row in rows:
        organization = SocialOrganization(**row.facts, status=row.status)
        # bulk_create skips save(), which keeps the authority's path with the row.
        organization.authority_path = organization.registration_authority.path
        organizations.append(organization)
    bulk_create_with_history(
        organizations,
        SocialOrganization,
        batch_size=IMPORT_BATCH,
        default_user=actor,
        default_change_reason=_("批量导入"),
    )
    return len(organizations)
