"""Documents attached to an application: PDF, JPG, PNG or DOCX recognized by their content, at
most 10 MB, stored under MEDIA_ROOT and served only through a permission-checked view."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shezhi.core.testing import downloaded
from shezhi.party.models import ApplicationDocument, ApplicationKind, Formation, PartyOrgKind
from shezhi.party.services.organizations import (
    application_create,
    application_submit,
    application_withdraw,
    document_attach,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def application(party_world):
    org = party_world.org(full_members=3)
    return application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.ESTABLISH,
        proposal={
            "name": "材料测试党支部",
            "kind": PartyOrgKind.BRANCH,
            "formation": Formation.ALONE,
            "covered_organizations": [org.pk],
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("请示.pdf", PDF, "pdf"),
        ("照片.JPEG", JPG, "jpg"),
        ("扫描件.png", PNG, "png"),
        ("名单.docx", docx(), "docx"),
    ],
)
def test_it_accepts_the_four_types_by_their_content(
    party_world, application, media, name, content, stored
) -> None:
    document = document_attach(
        actor=party_world.county_party,
        application=application,
        file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )
    assert document.title == name.rsplit(".", 1)[0]
    assert document.file.name.startswith(f"party/applications/{application.pk}/")
    assert document.file.name.endswith(f".{stored}")
    # A random stored name: the sender's name never reaches the file system.
    assert name.rsplit(".", 1)[0] not in document.file.name
    assert (media / document.file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("假装.pdf", b"<html><script>alert(1)</script></html>"),  # a name is not a type
        ("请示.png", PDF),  # the extension must match the content
        ("表格.docx", xlsx()),  # a zip that is not a Word document
        ("脚本.exe", b"MZ\x90\x00" + b"\x00" * 32),
        ("无扩展名", PDF),
    ],
)
def test_it_refuses_other_types(party_world, application, media, name, content) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        document_attach(
            actor=party_world.county_party,
            application=application,
            file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
    assert "只能上传 PDF、JPG、PNG 或 DOCX" in caught.value.message_dict["file"][0]
    assert not ApplicationDocument.objects.exists()
    assert not any(media.rglob("*.*"))


def test_it_refuses_files_over_the_size_limit(party_world, application, media, settings) -> None:
    from django.core.exceptions import ValidationError

    settings.SHEZHI_DOCUMENT_MAX_BYTES = 1024
    big = PDF + b"0" * 1024
    with pytest.raises(ValidationError) as caught:
        document_attach(
            actor=party_world.county_party,
            application=application,
            file=SimpleUploadedFile("大文件.pdf", big),
        )
    assert "不能超过" in caught.value.message_dict["file"][0]
    assert not ApplicationDocument.objects.exists()


def test_a_closed_application_takes_no_more_documents(party_world, application, media) -> None:
    from shezhi.core.workflows import TransitionNotAllowed

    application_withdraw(actor=party_world.county_party, application=application)
    with pytest.raises(TransitionNotAllowed):
        document_attach(
            actor=party_world.county_party,
            application=application,
            file=SimpleUploadedFile("请示.pdf", PDF),
        )


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_uploads_and_the_download_is_checked(party_world, application, media) -> None:
    officer = page(party_world.county_party)
    response = officer.post(
        f"/party/applications/{application.pk}/documents/",
        {"title": "成立请示", "file": SimpleUploadedFile("请示.pdf", PDF)},
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    url = f"/party/applications/{application.pk}/documents/{document.pk}/"
    response = officer.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert downloaded(response) == PDF
    # The superior's officer reads it; a neighbouring county's officer does not learn it exists.
    assert page(party_world.city_party).get(url).status_code == 200
    assert page(party_world.neighbour_party).get(url).status_code == 404
    assert page(party_world.people.neighbour_officer).get(url).status_code == 404
    # Another application's id does not reach this document.
    other = application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.DISSOLVE,
        party_organization=party_world.branch,
        proposal={"reason": "测试"},
    )
    wrong = f"/party/applications/{other.pk}/documents/{document.pk}/"
    assert officer.get(wrong).status_code == 404
    # Not under a public URL: MEDIA_URL serves nothing.
    assert Client().get(url).status_code == 302  # to sign-in


def test_the_page_refuses_a_bad_upload_with_a_message(party_world, application, media) -> None:
    officer = page(party_world.county_party)
    response = officer.post(
        f"/party/applications/{application.pk}/documents/",
        {"file": SimpleUploadedFile("a.pdf", b"not a pdf")},
        follow=True,
    )
    assert "只能上传 PDF、JPG、PNG 或 DOCX" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_a_reader_may_not_attach_but_the_applicant_may_after_submission(
    party_world, application, media
) -> None:
    application_submit(actor=party_world.county_party, application=application)
    # A civil-affairs officer reads the application but does not speak for it.
    response = page(party_world.people.county_officer).post(
        f"/party/applications/{application.pk}/documents/",
        {"file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 403
    response = page(party_world.county_party).post(
        f"/party/applications/{application.pk}/documents/",
        {"file": SimpleUploadedFile("补充材料.pdf", PDF)},
    )
    assert response.status_code == 302
    assert ApplicationDocument.objects.count() == 1
