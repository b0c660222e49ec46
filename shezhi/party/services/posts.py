"""Committee posts of a party organization between elections: a by-election fills a post, a
post ends (resignation, transfer, re-election). Re-elections replace the whole committee through
the business-handling application (services.organizations); this records single changes.

Only full members of the organization on the roll may hold its posts (probationary members may
not be elected, 《中国共产党章程》第七条); one sitting secretary at a time (a constraint on the
table as well); the other single posts and the committee's size follow the same limits as a
re-election (services.organizations).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    CommitteePost,
    MemberStatus,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Post,
    Stage,
)
from .members import attribute
from .organizations import (
    BRANCH_COMMITTEE_MIN_FULL_MEMBERS,
    COMMITTEE_MAX_SEATS,
    MAX_DEPUTY_SECRETARIES,
    SINGLE_POSTS,
)


@transaction.atomic
def post_assign(
    *,
    actor: Any,
    organization: PartyOrganization,
    member: PartyMember,
    post: str,
    since: date,
    reason: str = "",
) -> CommitteePost:
    """Seat `member` in `post` of `organization` from `since`."""
    # Lock the organization: two officers filling the last seat at once cannot both succeed.
    organization = PartyOrganization.objects.select_for_update().get(pk=organization.pk)
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if organization.status != PartyOrgStatus.ACTIVE:
        add("party_organization", _("该党组织已撤销，不能任职。"))
    if post not in Post.values:
        add("post", _("未知的职务。"))
    if since > timezone.localdate():
        add("since", _("任职日期不能晚于今天。"))
    if not (
        member.branch_id == organization.pk
        and member.stage == Stage.FULL
        and member.status == MemberStatus.ACTIVE
    ):
        add(
            "member",
            _("%(name)s不是%(org)s在册的正式党员，不能担任委员（只有正式党员有被选举权）。")
            % {"name": member.name, "org": organization.name},
        )
    sitting = list(
        CommitteePost.objects.filter(party_organization=organization, until__isnull=True)
    )
    if any(p.member_id == member.pk for p in sitting):
        add("member", _("%(name)s已在本届委员会任职。") % {"name": member.name})
    if post in SINGLE_POSTS and any(p.post == post for p in sitting):
        add(
            "post",
            _("%(post)s已有人在任，请先办理离任。") % {"post": Post(post).label},
        )
    deputies = sum(1 for p in sitting if p.post == Post.DEPUTY_SECRETARY)
    if post == Post.DEPUTY_SECRETARY and deputies >= MAX_DEPUTY_SECRETARIES:
        add("post", _("副书记最多 %(n)s 名。") % {"n": MAX_DEPUTY_SECRETARIES})
    limit = COMMITTEE_MAX_SEATS.get(organization.kind)
    if limit is not None and len(sitting) >= limit:
        add(
            "post",
            _("%(kind)s委员会最多 %(n)s 人（《中国共产党基层组织选举工作条例》第六条）。")
            % {"kind": organization.get_kind_display(), "n": limit},
        )
    branch_like = organization.kind in (PartyOrgKind.BRANCH, PartyOrgKind.JOINT_BRANCH)
    if branch_like and post not in (Post.SECRETARY, Post.DEPUTY_SECRETARY):
        full_count = PartyMember.objects.filter(
            branch=organization, stage=Stage.FULL, status=MemberStatus.ACTIVE
        ).count()
        if full_count < BRANCH_COMMITTEE_MIN_FULL_MEMBERS:
            add(
                "post",
                _(
                    "正式党员不足 %(n)s 人的党支部不设支部委员会，只设书记一名、必要时副书记一名"
                    "（《中国共产党支部工作条例（试行）》第十条）。"
                )
                % {"n": BRANCH_COMMITTEE_MIN_FULL_MEMBERS},
            )
    if errors:
        raise ValidationError(errors)
    seat = CommitteePost(party_organization=organization, member=member, post=post, since=since)
    try:
        with transaction.atomic():
            attribute(seat, actor, reason or _("任职")).save()
    except IntegrityError:  # one_sitting_secretary, should the lock have been bypassed
        raise ValidationError({"post": [_("书记已有人在任，请先办理离任。")]}) from None
    return seat


@transaction.atomic
def post_end(*, actor: Any, post: CommitteePost, until: date, reason: str = "") -> CommitteePost:
    """End a sitting post on `until`."""
    post = CommitteePost.objects.select_for_update().get(pk=post.pk)
    if post.until is not None:
        raise ValidationError(
            {"until": [_("该职务已于 %(day)s 离任。") % {"day": post.until.isoformat()}]}
        )
    if until < post.since:
        raise ValidationError({"until": [_("离任日期不能早于任职日期。")]})
    if until > timezone.localdate():
        raise ValidationError({"until": [_("离任日期不能晚于今天。")]})
    post.until = until
    attribute(post, actor, reason or _("离任")).save(update_fields=["until"])
    return post
