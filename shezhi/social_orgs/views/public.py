"""The public face of the registry: anyone may look an organization up, without signing in.

Only registration facts are shown (what a registration certificate and the national platform
show: name, code, type, authority, address, legal representative, founding date, status). The
public selectors never load phones or other personal data; the legal representative's name is
public registration information in China and is shown.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shezhi.core.views.listing import RESULTS_TARGET, is_partial_request, url_with

from .. import selectors

PER_PAGE = 20
MAX_TERM = 50


@require_GET
def organization_search(request: HttpRequest) -> HttpResponse:
    term = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_TERM]
    too_short = 0 < len(term) < selectors.PUBLIC_MIN_TERM
    page = Paginator(selectors.public_search(term), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_title": _("社会组织信息查询"),
        "term": term,
        "too_short": too_short,
        "min_term": selectors.PUBLIC_MIN_TERM,
        "page_obj": page,
        "rows": page.object_list,
        "results_target": RESULTS_TARGET,
        "pager_prev": url_with(request.GET, page=page.previous_page_number())
        if page.has_previous()
        else None,
        "pager_next": url_with(request.GET, page=page.next_page_number())
        if page.has_next()
        else None,
    }
    template = "social_orgs/public/search.html"
    if is_partial_request(request, RESULTS_TARGET):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_GET
def organization_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    organization = selectors.public_organization(credit_code)
    return render(
        request,
        "social_orgs/public/detail.html",
        {"page_title": organization.name, "organization": organization},
    )
