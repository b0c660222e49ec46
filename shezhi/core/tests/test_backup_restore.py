from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from shezhi.accounts.models import ApiToken, User
from shezhi.core import demo
from shezhi.core.backup import (
    backup_models,
    database_backup,
    database_restore,
    flush_database,
)
from shezhi.core.models import Division, StatusChange

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _forget_content_types() -> Iterator[None]:
    # flush re-creates content types; the rollback after the test brings the old ones back.
    yield
    ContentType.objects.clear_cache()


def _ref(obj: Any) -> Any:
    # Permissions and groups differ in id between databases: compare them by natural key.
    return obj.natural_key() if hasattr(obj, "natural_key") else obj.pk


def _value(field: models.Field, obj: models.Model) -> object:
    value = field.value_from_object(obj)  # plaintext for encrypted fields
    if field.is_relation and field.related_model is ContentType and value is not None:
        # content types are re-created by flush: compare them by what they name, not their id
        return ContentType.objects.get_for_id(value).natural_key()
    return value


def checksums() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row's every value, per table (ids included)."""
    result = {}
    for model in backup_models():
        digest = hashlib.sha256()
        n = 0
        for obj in model._base_manager.order_by("pk"):
            row = [_value(f, obj) for f in model._meta.concrete_fields]
            for m2m in model._meta.many_to_many:
                row.append(sorted(str(_ref(o)) for o in getattr(obj, m2m.name).all()))
            digest.update(repr(row).encode())
            n += 1
        result[model._meta.label] = (n, digest.hexdigest())
    return result


@pytest.fixture
def populated() -> User:
    demo.seed(scale=demo.Scale.SMALL)
    officer = User.objects.get(username="officer-440118")
    # History with an author, an encrypted phone, a permission and a group (m2m by natural key).
    officer.phone = PHONE
    officer._history_user = officer
    officer.save()
    officer.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    group = Group.objects.create(name="县级民政")
    group.permissions.add(Permission.objects.get(codename="view_division"))
    officer.groups.add(group)
    town = Division.objects.get(code="440118100")
    town.name = "新塘镇"
    town._history_user = officer  # type: ignore[attr-defined]
    town.save()
    # A generic relation (content type by natural key) and a timestamp with microseconds.
    StatusChange.objects.create(
        subject_type=ContentType.objects.get_for_model(Division),
        subject_id=town.code,
        from_status="a",
        to_status="b",
        actor=officer,
    )
    ApiToken.issue(user=officer, name="备份测试")
    return officer


def test_it_round_trips_the_whole_database(populated: User, tmp_path: Path) -> None:
    before = checksums()
    path = tmp_path / "backup.jsonl.gz"
    written = database_backup(path)
    assert written["accounts.HistoricalUser"] == before["accounts.HistoricalUser"][0]

    flush_database()
    assert not User.objects.exists() and not Division.objects.exists()

    loaded = database_restore(path)
    assert sum(loaded.values()) == sum(written.values())
    after = checksums()
    assert after == before
    assert before["core.HistoricalDivision"][0] > 91  # history rows are part of it
    officer = User.objects.get(username="officer-440118")
    assert officer.phone == PHONE
    assert officer.has_perm("accounts.reveal_personal_data")
    assert officer.has_perm("core.view_division")
    assert Division.history.filter(code="440118100", history_user=officer).exists()


def test_the_backup_holds_no_plaintext_phone(populated: User, tmp_path: Path) -> None:
    path = tmp_path / "backup.jsonl.gz"
    database_backup(path)
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        text = stream.read()
    assert '"model": "accounts.user"' in text
    assert PHONE not in text
    phones = [u.phone for u in User.objects.filter(phone__isnull=False) if u.phone]
    assert len(phones) > 100
    assert not any(phone in text for phone in phones)


def test_a_broken_backup_leaves_the_database_as_it_was(populated: User, tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write('{"model": "core.division", "pk": "440118", "fields": {"name": "x"}}\n')
        stream.write("not json\n")
    before = checksums()
    with pytest.raises(CommandError, match="数据库未改动"):
        call_command("restore", str(path), "--no-input", stdout=io.StringIO())
    ContentType.objects.clear_cache()
    assert checksums() == before


def test_the_commands_report_what_they_did(populated: User, tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl.gz"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "已备份" in out.getvalue()
    out = io.StringIO()
    call_command("restore", str(path), "--no-input", stdout=out)
    assert "已恢复" in out.getvalue()
    assert User.objects.get(username="officer-440118").phone == PHONE
    with pytest.raises(CommandError, match="找不到"):
        call_command("restore", str(tmp_path / "missing.gz"), "--no-input")
