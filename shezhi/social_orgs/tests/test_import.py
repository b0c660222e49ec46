"""The xlsx import: the template matches the export, uploads are checked by content and size, a
clean file is written whole, a dirty one not at all with a row-by-row report, and a big one is
checked and written in a few times openpyxl's own read of the file."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import Workbook, load_workbook

from shezhi.core.models import Division
from shezhi.core.testing import COUNTY, NEIGHBOUR_VILLAGE, TOWN, VILLAGE, Personas
from shezhi.social_orgs import imports
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.imports import COLUMNS, SAMPLE_CREDIT_CODE
from shezhi.social_orgs.models import ImportStatus, OrganizationImport, SocialOrganization

from .conftest import make_org, zengcheng_org

pytestmark = pytest.mark.django_db

IMPORT = "/orgs/import/"
HEADERS = [column.label for column in COLUMNS]

_sequence = iter(range(500_000, 10**6))


def row(**overrides: Any) -> list[Any]:
    """One clean row in template order (the "核对用" columns left empty)."""
    values = {
        "credit_code": issue_credit_code(
            organization_type="1", division_code=COUNTY, sequence=next(_sequence)
        ),
        "name": "导入协会",
        "org_type": "社会团体",
        "industry": "文化",
        "registration_authority": COUNTY,
        "business_supervisor": "",
        "address_division": VILLAGE,
        "address": "荔城街道1号",
        "legal_representative": "孙权",
        "legal_representative_phone": "13800138000",
        "founded_on": date(2012, 3, 4),
        "staff_count": 6,
        "charter_has_party_clause": "是",
        "status": "正常",
    }
    values.update(overrides)
    return [values.get(column.key, "") if column.key else "" for column in COLUMNS]


def xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("社会组织")
    sheet.append(headers or HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Any, content: bytes, name: str = "社会组织.xlsx") -> Any:
    # The task is queued on commit; tests run inside a transaction, so run the callbacks here
    # (Celery is eager in tests: the task runs at once, as it does without a broker).
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def last_import() -> OrganizationImport:
    return OrganizationImport.objects.latest("pk")


# --- the template ---------------------------------------------------------------------------------


def test_the_template_has_the_export_columns_a_sample_and_notes(
    client: Any, people: Personas
) -> None:
    client.force_login(people.county_officer)
    response = client.get("/orgs/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.cell(row=2, column=1).value == SAMPLE_CREDIT_CODE
    assert sheet.cell(row=2, column=5).value == COUNTY  # the officer's own authority
    assert "填写说明" in workbook.sheetnames
    export = client.get("/orgs/", {"format": "xlsx"})
    exported: Any = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [c.value for c in exported[1]] == HEADERS


def test_the_template_sent_back_unchanged_registers_nothing(
    client: Any, people: Personas, media_root: Any
) -> None:
    client.force_login(people.county_officer)
    template = client.get("/orgs/import/template.xlsx").content
    before = SocialOrganization.objects.count()
    upload(client, template)
    job = last_import()
    assert job.status == ImportStatus.INVALID
    assert job.errors == [[0, "", "文件中没有数据行（示例行不计）。"]]
    assert SocialOrganization.objects.count() == before


def test_an_exported_file_corrected_goes_back_in(
    client: Any, people: Personas, media_root: Any
) -> None:
    """Export → delete the rows from the registry's point of view (new codes) → import."""
    make_org(name="导出再导入协会", legal_representative_phone="13800138000")
    client.force_login(people.county_officer)
    export = client.get("/orgs/", {"format": "xlsx", "q": "导出再导入"})
    sheet: Any = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows[0][11] == "138****8000"
    # As exported, the masked phone and the taken code are refused, each by name.
    upload(client, xlsx(rows))
    messages = {e[2] for e in last_import().errors}
    assert "电话号码含“*”，是脱敏后的显示值：请填写完整号码，或留空。" in messages
    assert any("已经登记" in m for m in messages)
    rows[0][0] = row()[0]
    rows[0][11] = ""
    upload(client, xlsx(rows))
    assert last_import().status == ImportStatus.DONE


# --- the upload check -----------------------------------------------------------------------------


def test_it_refuses_a_file_that_is_not_xlsx_by_content(
    client: Any, people: Personas, media_root: Any
) -> None:
    client.force_login(people.county_officer)
    response = upload(client, b"name,code\n\xe5\x8d\x8f\xe4\xbc\x9a,1\n", "renamed.xlsx")
    assert response.status_code == 422
    assert "文件内容不是 Excel 工作簿（.xlsx）" in response.content.decode()
    assert not OrganizationImport.objects.exists()


def test_it_refuses_a_zip_that_is_not_a_workbook(
    client: Any, people: Personas, media_root: Any
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    client.force_login(people.county_officer)
    response = upload(client, buffer.getvalue())
    assert response.status_code == 422
    assert "文件内容不是 Excel 工作簿" in response.content.decode()


def test_it_refuses_other_extensions(client: Any, people: Personas, media_root: Any) -> None:
    client.force_login(people.county_officer)
    response = upload(client, xlsx([row()]), "社会组织.xls")
    assert response.status_code == 422
    assert "只接受 Excel 工作簿（.xlsx）文件" in response.content.decode()


def test_it_refuses_a_file_over_the_size_limit(
    client: Any, people: Personas, media_root: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 1000)
    client.force_login(people.county_officer)
    response = upload(client, xlsx([row()] * 20))
    assert response.status_code == 422
    assert "超过0 MB 的上限" in response.content.decode() or "上限" in response.content.decode()
    assert not OrganizationImport.objects.exists()


@pytest.mark.parametrize("persona", ["party_officer", "organization_account", "town_officer"])
def test_only_registry_officers_import(client: Any, people: Personas, persona: str) -> None:
    client.force_login(getattr(people, persona))
    assert client.get(IMPORT).status_code == 403
    assert client.get("/orgs/import/template.xlsx").status_code == 403


def test_the_file_is_stored_outside_the_web_root(
    client: Any, people: Personas, media_root: Any, settings: Any
) -> None:
    client.force_login(people.county_officer)
    upload(client, xlsx([row()]), "../../etc/passwd.xlsx")
    job = last_import()
    path = job.file.path
    assert path.startswith(str(media_root)) and path.endswith(".xlsx")
    assert "passwd" not in path and job.original_name == "passwd.xlsx"
    assert not str(settings.STATIC_ROOT or "").startswith(str(media_root))


# --- clean and dirty files ------------------------------------------------------------------------


def test_a_clean_file_is_written_whole_with_history(
    client: Any, people: Personas, media_root: Any
) -> None:
    client.force_login(people.county_officer)
    rows = [
        row(name="导入甲协会"),
        row(
            name="导入乙中心",
            org_type="社会服务机构",
            credit_code=issue_credit_code(
                organization_type="2", division_code=COUNTY, sequence=next(_sequence)
            ),
            industry="教育",
            address_division=TOWN,
            founded_on="2016年7月1日",
            staff_count="",
            charter_has_party_clause="",
            legal_representative_phone="",
            status="列入活动异常名录",
        ),
    ]
    response = upload(client, xlsx(rows))
    job = last_import()
    assert response.status_code == 302 and response["Location"] == f"/orgs/import/{job.pk}/"
    assert (job.status, job.total_rows, job.created_count, job.error_count) == ("done", 2, 2, 0)
    second = SocialOrganization.objects.get(name="导入乙中心")
    assert (second.org_type, second.industry, second.founded_on, second.staff_count) == (
        "social_service",
        "education",
        date(2016, 7, 1),
        0,
    )
    assert second.status == "abnormal" and second.charter_has_party_clause is False
    assert second.authority_path == Division.objects.get(code=COUNTY).path
    entry = second.history.get()
    assert (entry.history_user, entry.history_change_reason) == (people.county_officer, "批量导入")
    page = client.get(f"/orgs/import/{job.pk}/").content.decode()
    assert "已导入 2 个社会组织" in page


def test_a_dirty_file_writes_nothing_and_reports_row_by_row(
    client: Any, people: Personas, media_root: Any
) -> None:
    taken = zengcheng_org().credit_code
    duplicate = row()[0]
    rows = [
        row(name="干净的一行"),
        row(credit_code=taken),  # row 3: registered already
        row(credit_code=duplicate),  # row 4
        row(credit_code=duplicate),  # row 5: repeats row 4
        row(org_type="俱乐部"),  # row 6
        row(address_division=NEIGHBOUR_VILLAGE),  # row 7
        row(registration_authority="440100"),  # row 8: the county officer may not
        row(founded_on="2016-13-45"),  # row 9
        row(staff_count=-2),  # row 10
        row(credit_code="51440118MJ00000I0X"),  # row 11
        row(name="", legal_representative=""),  # row 12
    ]
    client.force_login(people.county_officer)
    before = SocialOrganization.objects.count()
    upload(client, xlsx(rows))
    job = last_import()
    assert job.status == ImportStatus.INVALID
    assert SocialOrganization.objects.count() == before
    assert not SocialOrganization.objects.filter(name="干净的一行").exists()
    problems = {(r, column): message for r, column, message in job.errors}
    assert problems[(3, "统一社会信用代码")] == f"统一社会信用代码{taken}已经登记，不能重复登记。"
    assert problems[(5, "统一社会信用代码")] == "统一社会信用代码与第4行重复。"
    assert (4, "统一社会信用代码") not in problems
    assert problems[(6, "类型")].startswith("类型应为以下之一：社会团体")
    assert "不在登记管理机关" in problems[(7, "住所所在镇街或村居代码")]
    assert problems[(8, "登记管理机关区划代码")].startswith("您无权以广州市（440100）")
    assert problems[(9, "成立登记日期")] == "“2016-13-45”不是有效日期，格式如 2016-12-31。"
    assert problems[(10, "从业人员数")] == "从业人员数不能为负数。"
    assert problems[(11, "统一社会信用代码")].startswith("第16位“I”不是有效字符")
    assert problems[(12, "名称")] == "请填写名称。"
    assert problems[(12, "法定代表人")] == "请填写法定代表人。"
    assert 2 not in {r for r, _c, _m in job.errors}
    assert job.error_count == len(job.errors)

    page = client.get(f"/orgs/import/{job.pk}/").content.decode()
    assert "整个文件未导入" in page and "统一社会信用代码与第4行重复。" in page
    report = client.get(f"/orgs/import/{job.pk}/errors.xlsx")
    sheet: Any = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("行号", "列", "问题")
    assert (5, "统一社会信用代码", "统一社会信用代码与第4行重复。") in lines


def test_a_file_without_the_required_columns_is_refused(
    client: Any, people: Personas, media_root: Any
) -> None:
    client.force_login(people.county_officer)
    upload(client, xlsx([["协会"]], headers=["名称"]))
    job = last_import()
    assert job.status == ImportStatus.INVALID
    assert job.errors[0][2].startswith("缺少列：统一社会信用代码、类型")


def test_a_corrupt_workbook_is_reported_not_crashed(people: Personas, media_root: Any) -> None:
    content = xlsx([row()])
    broken = content.replace(b"worksheets/sheet1.xml", b"worksheets/sheetX.xml", 1)
    result = imports.check_file(io.BytesIO(broken), actor=people.county_officer)
    assert not result.ok
    assert result.errors[0].message == "无法读取文件：请确认它是有效的 .xlsx 文件。"


def test_the_import_page_polls_while_running_and_stops_after(
    client: Any, people: Personas, media_root: Any
) -> None:
    client.force_login(people.county_officer)
    job = OrganizationImport.objects.create(
        created_by=people.county_officer,
        original_name="running.xlsx",
        size=1,
        file="imports/social_orgs/x.xlsx",
        status=ImportStatus.VALIDATING,
        total_rows=4000,
        processed_rows=1000,
    )
    headers = {"HX-Request": "true", "HX-Target": "import-progress"}
    fragment = client.get(f"/orgs/import/{job.pk}/", headers=headers).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<html" not in fragment
    assert 'aria-valuenow="25"' in fragment
    OrganizationImport.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    fragment = client.get(f"/orgs/import/{job.pk}/", headers=headers).content.decode()
    assert "hx-trigger" not in fragment


def test_an_import_is_only_its_uploaders(client: Any, people: Personas, media_root: Any) -> None:
    client.force_login(people.county_officer)
    upload(client, xlsx([row()]))
    job = last_import()
    client.force_login(people.city_officer)
    assert client.get(f"/orgs/import/{job.pk}/").status_code == 404
    assert client.get(f"/orgs/import/{job.pk}/errors.xlsx").status_code == 404


# --- a huge file ----------------------------------------------------------------------------------

HUGE_ROWS = 5_000


def test_a_huge_file_is_checked_and_written_whole(
    people: Personas, media_root: Any, tmp_path: Any
) -> None:
    """A file of HUGE_ROWS rows is checked and written in one go. Import speed against
    openpyxl's own read is a benchmark (`shezhi bench --only import`), not a timed test."""
    from shezhi.social_orgs.services import organization_import_run

    Division.objects.bulk_create(
        [
            Division(
                code=f"{TOWN}{n:03d}",
                name=f"导入村{n}",
                level=Division.Level.VILLAGE,
                parent_id=TOWN,
                path=f"{Division.objects.get(code=TOWN).path}{TOWN}{n:03d}/",
            )
            for n in range(201, 260)
        ]
    )
    villages = [f"{TOWN}{n:03d}" for n in range(201, 260)]
    rows = [
        row(
            name=f"大批量协会{n:05d}",
            address_division=villages[n % len(villages)],
            legal_representative_phone=f"139{n:08d}" if n % 3 else "",
            staff_count=n % 50,
        )
        for n in range(HUGE_ROWS)
    ]
    path = tmp_path / "huge.xlsx"
    path.write_bytes(xlsx(rows))

    from django.core.files import File

    with path.open("rb") as handle:
        job = OrganizationImport(
            created_by=people.county_officer, original_name="huge.xlsx", size=path.stat().st_size
        )
        job.file.save("huge.xlsx", File(handle), save=True)
    organization_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, HUGE_ROWS), job.message
    assert SocialOrganization.objects.filter(name__startswith="大批量协会").count() == HUGE_ROWS


def test_a_huge_dirty_file_writes_nothing(people: Personas, media_root: Any, tmp_path: Any) -> None:
    from django.core.files import File

    from shezhi.social_orgs.services import organization_import_run

    rows = [row(name=f"脏批量{n}") for n in range(5_000)]
    rows[4_321] = row(name="坏行", founded_on="明天")
    path = tmp_path / "dirty.xlsx"
    path.write_bytes(xlsx(rows))
    with path.open("rb") as handle:
        job = OrganizationImport(
            created_by=people.county_officer, original_name="dirty.xlsx", size=path.stat().st_size
        )
        job.file.save("dirty.xlsx", File(handle), save=True)
    organization_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert job.errors == [[4_323, "成立登记日期", "“明天”不是有效日期，格式如 2016-12-31。"]]
    assert (job.total_rows, job.processed_rows) == (5_000, 5_000)
    assert not SocialOrganization.objects.filter(name__startswith="脏批量").exists()
