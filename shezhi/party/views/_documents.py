"""An application's stored document as a download, for the page and the API alike."""

from __future__ import annotations

from django.http import FileResponse, Http404

from shezhi.core.views.downloads import private_download

from ..models import ApplicationDocument, PartyOrgApplication
from ..services import organizations as services


def document_response(application: PartyOrgApplication, document_pk: int) -> FileResponse:
    """The document as an attachment, or 404: not the application's, or gone from storage.
    `application` comes through the caller's scoping: the only way to a document."""
    document = ApplicationDocument.objects.filter(application=application, pk=document_pk).first()
    if document is None:
        raise Http404
    extension, content_type = services.document_type(document)
    return private_download(
        document.file, filename=f"{document.title}.{extension}", content_type=content_type
    )
