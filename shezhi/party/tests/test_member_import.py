"""The xlsx import of members: the template matches the export; every row is checked first and
a file with any problem is refused whole with a row-by-row report; a clean file is written in
one transaction with History and coverage; large files cost a fixed number of queries."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from shezhi.party import imports
from shezhi.party.models import MemberImport, PartyMember
from shezhi.party.services.member_imports import member_import_start
from shezhi.social_orgs.models import ImportStatus

from .conftest import PartyWorld
from .members_support import make_id_number, make_member

pytestmark = pytest.mark.django_db

HEADERS = [column.label for column in imports.COLUMNS]


def row(world: PartyWorld, **values: Any) -> dict[str, Any]:
    base = {
        "name": "导入党员",
        "id_number": make_id_number(born=date(1979, 4, 5)),
        "education": "大学本科",
        "employer_code": world.organization.credit_code,
        "branch_name": world.branch.name,
        "stage": "正式党员",
        "probationary_on": date(2001, 7, 1),
        "full_on": date(2002, 7, 1),
        "training_hours": 24,
        "is_mobile": "否",
        "is_lost_contact": "否",
    }
    base.update(values)
    return base


def many(world: PartyWorld, n: int, prefix: str) -> list[dict[str, Any]]:
    """`n` distinct people born before 1982 (old enough for the 2001 dates of `row`)."""
    from datetime import timedelta

    return [
        row(
            world,
            name=f"{prefix}{i}",
            id_number=make_id_number(born=date(1960, 1, 1) + timedelta(days=i % 7000)),
        )
        for i in range(n)
    ]


def workbook(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员")
    sheet.append(headers or HEADERS)
    keys = [column.key for column in imports.COLUMNS]
    for values in rows:
        sheet.append([values.get(key, "") if key else "" for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(world: PartyWorld, data: bytes, actor: Any = None) -> MemberImport:
    upload = SimpleUploadedFile("党员.xlsx", data)
    job = member_import_start(actor=actor or world.people.county_officer, upload=upload)
    # The task is queued on commit, which a test's transaction never reaches: run it here.
    from shezhi.party.services.member_imports import member_import_run

    return member_import_run(import_id=job.pk)


def test_the_template_lines_up_with_the_export_and_its_sample_is_skipped(
    party_world: PartyWorld,
) -> None:
    book = load_workbook(io.BytesIO(imports.template_workbook()))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][HEADERS.index("身份证号码")] == imports.SAMPLE_ID_NUMBER
    job = run(party_world, imports.template_workbook())
    assert job.status == ImportStatus.INVALID
    assert job.errors == [[0, "", "文件中没有数据行（示例行不计）。"]]


def test_a_clean_file_is_written_whole_with_history_and_coverage(party_world: PartyWorld) -> None:
    w = party_world
    org = w.org()
    rows = [
        row(w, name="甲"),
        row(
            w,
            name="乙",
            employer_code="",
            employer_name=org.name,
            branch_name="",
            phone="13900001111",
        ),
        row(
            w,
            name="丙",
            stage="预备党员",
            applied_on=date(2023, 3, 1),
            activist_on=date(2023, 6, 1),
            candidate_on=date(2024, 7, 1),
            probationary_on=date(2025, 1, 10),
            full_on="",
            id_number=make_id_number(born=date(1999, 9, 9), male=False),
        ),
    ]
    job = run(w, workbook(rows))
    assert job.status == ImportStatus.DONE, job.errors
    assert job.created_count == 3 and job.total_rows == 3
    jia = PartyMember.objects.get(name="甲")
    assert jia.branch == w.branch and jia.division == w.branch.division
    assert jia.birth_date == date(1979, 4, 5) and jia.gender == "male"
    assert jia.history.first().history_user == w.people.county_officer
    yi = PartyMember.objects.get(name="乙")
    assert yi.branch is None and yi.employer == org and yi.division_path == org.authority_path
    assert yi.phone == "13900001111"
    bing = PartyMember.objects.get(name="丙")
    assert bing.stage == "probationary" and bing.gender == "female"
    org.refresh_from_db()
    assert org.full_member_count == 1


def test_a_dirty_file_is_refused_whole_with_a_row_by_row_report(party_world: PartyWorld) -> None:
    w = party_world
    existing = make_member(employer=w.organization, branch=w.branch)
    good = make_id_number(born=date(1979, 4, 5))
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    twin = make_id_number(born=date(1980, 1, 1))
    rows = [
        row(w, name="好"),  # row 2: fine, yet not written
        row(w, id_number=bad_check),  # row 3
        row(w, id_number=twin),  # row 4
        row(w, id_number=twin),  # row 5: the same person again
        row(w, id_number=existing.id_number),  # row 6: already registered
        row(w, id_number="440118********1234"),  # row 7: a masked export value
        row(w, full_on=date(2001, 1, 1)),  # row 8: before the probation began
        row(w, employer_code="51440118MJ0000000X", branch_name=""),  # row 9: unknown
        row(w, stage="党员"),  # row 10: not a stage
        row(w, name="", birth_date=date(1979, 4, 6)),  # row 11: two problems
    ]
    job = run(w, workbook(rows))
    assert job.status == ImportStatus.INVALID
    assert not PartyMember.objects.filter(name="好").exists()
    by_row: dict[int, list[str]] = {}
    for number, column, message in job.errors:
        by_row.setdefault(number, []).append(f"{column}:{message}")
    assert 2 not in by_row
    assert by_row[3] == [f"身份证号码:身份证号码第18位校验码应为 {good[-1]}。"]
    assert 4 not in by_row
    assert by_row[5] == ["身份证号码:身份证号码与第4行重复。"]
    assert "已登记为党员" in by_row[6][0]
    assert "脱敏值" in by_row[7][0]
    assert any("预备期为一年" in text for text in by_row[8])
    assert by_row[9][0].startswith("工作单位统一社会信用代码:")
    assert by_row[10][0].startswith("发展阶段:应为以下之一")
    assert sorted(t.split(":")[0] for t in by_row[11]) == ["出生日期", "姓名"]
    assert job.error_count == len(job.errors)


def test_missing_columns_are_named(party_world: PartyWorld) -> None:
    headers = [h for h in HEADERS if h not in ("身份证号码", "学历")]
    job = run(party_world, workbook([{}], headers=headers))
    assert job.status == ImportStatus.INVALID
    assert "缺少列：身份证号码、学历" in job.errors[0][2]


def test_an_officer_imports_only_within_the_jurisdiction(party_world: PartyWorld) -> None:
    w = party_world
    job = run(w, workbook([row(w)]), actor=w.people.neighbour_officer)
    assert job.status == ImportStatus.INVALID
    columns = {column for _r, column, _m in job.errors}
    assert columns == {"工作单位统一社会信用代码", "所在党组织"}


def test_a_file_that_is_not_a_workbook_is_refused_before_storing(party_world: PartyWorld) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        member_import_start(
            actor=party_world.people.county_officer,
            upload=SimpleUploadedFile("党员.xlsx", b"not a zip"),
        )
    assert not MemberImport.objects.exists()


def test_the_checks_cost_a_fixed_number_of_queries_however_many_rows(
    party_world: PartyWorld,
) -> None:
    w = party_world

    def queries(n: int) -> int:
        data = workbook(many(w, n, f"党员{n}-"))
        with CaptureQueriesContext(connection) as captured:
            checked = imports.check_file(io.BytesIO(data), actor=w.people.county_officer)
        assert checked.ok and len(checked.rows) == n, checked.errors[:3]
        return len(captured.captured_queries)

    queries(2)  # caches warmed (content types, the actor's division)
    assert queries(20) == queries(3000) <= 6


def test_a_large_file_imports_in_batches(party_world: PartyWorld) -> None:
    w = party_world
    n = imports.WRITE_BATCH * 2 + 17
    data = workbook(many(w, n, "批量"))
    job = run(w, data)
    assert job.status == ImportStatus.DONE and job.created_count == n
    w.organization.refresh_from_db()
    assert w.organization.full_member_count >= n
    assert PartyMember.history.filter(name__startswith="批量").count() == n


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_import_pages(party_world: PartyWorld, django_capture_on_commit_callbacks: Any) -> None:
    w = party_world
    client = client_for(w.people.county_officer)
    assert client.get("/party/members/import/").status_code == 200
    template = client.get("/party/members/import/template/")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    bad = row(w, id_number="440118********1234")
    with django_capture_on_commit_callbacks(execute=True):  # the task, queued on commit
        response = client.post(
            "/party/members/import/",
            {"file": SimpleUploadedFile("名册.xlsx", workbook([bad]))},
        )
    assert response.status_code == 302
    job = MemberImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "整个文件未导入" in page and "脱敏值" in page
    report = client.get(f"/party/members/import/{job.pk}/report/")
    assert report.status_code == 200
    # Someone else's import is not theirs to see; town officers may not import at all.
    assert (
        client_for(w.people.city_officer).get(f"/party/members/import/{job.pk}/").status_code == 404
    )
    assert client_for(w.people.town_officer).get("/party/members/import/").status_code == 403
    assert client_for(w.people.branch_secretary).get("/party/members/import/").status_code == 403
