"""The party module's Celery tasks. Thin: each calls one service. Schedules live in
shezhi/celery.py."""

from __future__ import annotations

from celery import shared_task

from .services.organizations import reelection_reminders_raise


@shared_task(name="shezhi.party.tasks.raise_reelection_reminders")
def raise_reelection_reminders() -> int:
    """Daily: a to-do for each party organization whose term ends within
    SHEZHI_REELECTION_NOTICE_DAYS (90) days and has no open re-election application, once per
    term. Returns how many to-dos were raised."""
    return reelection_reminders_raise()


# --- party members, development, transfers (members module) ----------------------------------


@shared_task(name="shezhi.party.tasks.run_member_import")
def run_member_import(import_id: int) -> str:
    """Check and write one uploaded xlsx file of members (services.member_imports)."""
    from .services.member_imports import member_import_run

    return str(member_import_run(import_id=import_id).status)


@shared_task(name="shezhi.party.tasks.raise_member_reminders")
def raise_member_reminders() -> dict[str, int]:
    """Daily: to-dos for probations ending within 30 days (SHEZHI_PARTY_PROBATION_NOTICE_DAYS)
    and for transfer letters past their validity still not received."""
    from .services.members import probation_reminders_raise
    from .services.transfers import transfers_flag_expired

    return {
        "probation_ending": probation_reminders_raise(),
        "transfers_expired": transfers_flag_expired(),
    }
