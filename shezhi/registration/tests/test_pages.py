"""The officer's and the applicant's pages: list (scoped, constant queries), the application's
checklist and decisions, the form, and the permission-checked file download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shezhi.core.testing import downloaded
from shezhi.registration import services
from shezhi.registration.models import FoundingApplication, Status

from .conftest import PDF, RegWorld, id_number

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_is_scoped_filtered_and_costs_constant_queries(reg_world: RegWorld) -> None:
    own = reg_world.application(name="增城拟登记一号")
    reg_world.application(name="黄埔拟登记一号", neighbour=True)
    officer = client_for(reg_world.people.county_officer)
    page = officer.get("/registration/").content.decode()
    assert "增城拟登记一号" in page and "黄埔拟登记一号" not in page
    assert "增城拟登记一号" not in officer.get("/registration/?status=accepted").content.decode()
    assert (
        "增城拟登记一号"
        in officer.get("/registration/?q=一号&org_type=social_group").content.decode()
    )
    assert officer.get(f"/registration/{own.pk}/").status_code == 200

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get("/registration/").status_code == 200
        return len(captured)

    few = count()
    for _n in range(8):
        reg_world.application(full=1, plan="instructor")
    assert count() == few


def test_the_neighbour_gets_404_and_a_town_officer_403(reg_world: RegWorld) -> None:
    application = reg_world.application()
    assert (
        client_for(reg_world.people.neighbour_officer)
        .get(f"/registration/{application.pk}/")
        .status_code
        == 404
    )
    assert client_for(reg_world.people.town_officer).get("/registration/").status_code == 403


def test_the_page_shows_the_checklist_and_the_gate_refuses_with_a_message(reg_world) -> None:
    application = reg_world.accepted(plan="")
    officer = client_for(reg_world.people.county_officer)
    page = officer.get(f"/registration/{application.pk}/").content.decode()
    assert "四同步清单" in page and "成立党组织的申请" in page
    response = officer.post(
        f"/registration/{application.pk}/decide/", {"action": "approve"}, follow=True
    )
    text = response.content.decode()
    assert "四同步未落实，不能准予登记" in text
    assert FoundingApplication.objects.get(pk=application.pk).status == Status.ACCEPTED


def test_a_decided_application_says_so_on_the_page(reg_world: RegWorld) -> None:
    application = reg_world.application()
    officer = client_for(reg_world.people.county_officer)
    response = officer.post(
        f"/registration/{application.pk}/decide/", {"action": "accept"}, follow=True
    )
    assert "不能变更为" in response.content.decode()


def test_an_officer_files_a_paper_application_with_members_and_files(reg_world) -> None:
    officer = client_for(reg_world.people.county_officer)
    form = {
        "name": "纸质申请协会",
        "org_type": "social_group",
        "registration_authority": "440118",
        "address_division": "440118100200",
        "legal_representative": "赵六",
        "industry": "culture",
        "staff_count": "5",
        "coverage_plan": "instructor",
        "commitment_signed_on": "2025-01-02",
        "members-TOTAL_FORMS": "5",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "钱七",
        "members-0-id_number": id_number(),
        "members-0-stage": "full",
        "members-0-stage_on": "2015-07-01",
        "members-0-education": "college",
        "charter_file": SimpleUploadedFile("章程.pdf", PDF, content_type="application/pdf"),
        "commitment_file": SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf"),
    }
    response = officer.post("/registration/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    application = FoundingApplication.objects.get(name="纸质申请协会")
    assert application.members.count() == 1 and application.commitment_signed_on
    # The files come only through the application's scoping, as attachments.
    download = officer.get(f"/registration/{application.pk}/files/charter/")
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert downloaded(download) == PDF
    neighbour = client_for(reg_world.people.neighbour_officer)
    assert neighbour.get(f"/registration/{application.pk}/files/charter/").status_code == 404


def test_a_renamed_file_is_refused(reg_world: RegWorld) -> None:
    application = reg_world.application(letter=False)
    fake = SimpleUploadedFile("承诺书.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(Exception, match="PDF"):
        services.commitment_attach(
            actor=reg_world.people.county_officer, application=application, file=fake
        )
