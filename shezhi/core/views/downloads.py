"""A stored file handed out as a download.

The caller has fetched the record through its scoping (404 outside the user's view) and checked
the user may have the file; this only opens it and answers.
"""

from __future__ import annotations

from django.core.files import File
from django.http import FileResponse, Http404


def private_download(stored: File, *, filename: str, content_type: str) -> FileResponse:
    """`stored` as an attachment no cache keeps (personal and official papers), or 404 when the
    file is gone from storage."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
