from __future__ import annotations

import json
from collections.abc import Iterator

from django.test import Client

from shezhi.core.testing import Personas

from .conftest import bearer

ENDPOINTS = {
    ("/api/v1/me", "get"),
    ("/api/v1/tokens", "get"),
    ("/api/v1/tokens/{token_id}", "delete"),
    ("/api/v1/divisions/", "get"),
    ("/api/v1/divisions/{code}", "get"),
}


def test_the_openapi_document_lists_the_endpoints(people: Personas, signed_in) -> None:
    response = signed_in(people.county_officer).get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert (document["info"]["title"], document["info"]["version"]) == ("shezhi API", "1")
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert operations >= ENDPOINTS
    schemes = document["components"]["securitySchemes"]
    assert schemes["PersonalToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["BrowserSession"]["in"] == "cookie"


def test_every_operation_documents_the_error_shape(people: Personas, signed_in) -> None:
    document = signed_in(people.county_officer).get("/api/v1/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert responses["401"]["content"]["application/json"]["schema"] == error_ref, (
                path,
                method,
            )
            assert "422" in responses and "500" in responses
            if "{" in path:
                assert "404" in responses
    assert set(document["components"]["schemas"]["ErrorOut"]["required"]) == {"detail", "code"}
    paged = document["components"]["schemas"]["PagedDivisionBrief"]
    assert set(paged["properties"]) == {"count", "items"}


def test_every_reference_in_the_document_resolves(people: Personas, signed_in) -> None:
    document = signed_in(people.county_officer).get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]

    def refs(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = set(refs(document))
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref


def test_a_client_reads_the_document_with_its_token(people: Personas, token_for) -> None:
    response = Client().get(
        "/api/v1/openapi.json", headers=bearer(token_for(people.county_officer))
    )
    assert response.status_code == 200


def test_the_document_and_docs_are_for_signed_in_users(people: Personas, signed_in) -> None:
    anonymous = Client()
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    docs = anonymous.get("/api/v1/docs")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/accounts/login/")
    page = signed_in(people.county_officer).get("/api/v1/docs")
    assert page.status_code == 200
    assert b"swagger" in page.content.lower()


def test_the_document_is_valid_openapi(people: Personas, signed_in) -> None:
    import schemathesis  # a dev dependency; it carries the OpenAPI 3.x meta-schemas

    document = signed_in(people.county_officer).get("/api/v1/openapi.json").json()
    schemathesis.openapi.from_dict(document).validate()  # raises on an invalid document
