"""The one list-page pattern: scoped rows, filters, search, sort, htmx pagination, xlsx export.

A module declares a page and gets a view:

    class DivisionList(ListPage):
        template_name = "core/division_list.html"
        title = _("行政区划")
        columns = (Column("code", _("区划代码"), sort="code", value=attrgetter("code")), ...)
        search_fields = ("name__icontains", "code__startswith")
        filter_form_class = DivisionFilterForm
        default_sort = "code"
        export_name = _("行政区划")

        def queryset(self) -> QuerySet[Division]:
            return selectors.division_rows()          # shaped, not yet scoped

    division_list = DivisionList.as_view()

Jurisdiction is applied here, not by each page: every row set, the page, its htmx partial and
its export all come from `rows()`, which runs the selector through `.visible_to(request.user)`.

The template extends components/list_page.html and defines `{% partialdef results inline %}`
(the table and pager) inside `{% block results %}`. Plain links work without JavaScript; htmx
requests aimed at `#list-results` get only that partial (STYLE §13). Each page costs a fixed
number of queries (count + one page), whatever the number of rows, as long as the selector
`select_related`s what the row template reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import (
    HttpRequest,
    HttpResponseBase,
    HttpResponseNotAllowed,
    QueryDict,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from shezhi.core.exports import xlsx_response
from shezhi.core.forms import FilterForm

RESULTS_TARGET = "list-results"
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Column:
    """A column of the table and of the export.

    `sort` is the ORDER BY field (None: not sortable); `value` gives the export cell for a row
    (None: not exported). The table cells themselves are written in the page's template.
    """

    key: str
    label: Any
    sort: str | None = None
    value: Callable[[Any], Any] | None = None
    numeric: bool = False


@dataclass(frozen=True)
class HeaderCell:
    column: Column
    url: str | None
    # "ascending" / "descending" / "none" for aria-sort; only the sorted column says which.
    aria_sort: str | None

    @property
    def label(self) -> Any:
        return self.column.label


@dataclass(frozen=True)
class PagerLink:
    number: int | str
    url: str | None
    current: bool = False


def is_partial_request(request: HttpRequest, target: str) -> bool:
    """An htmx request aimed at `target`, to be answered with that partial alone.

    A history restore (the back button after htmx's cache missed) needs the whole page again.
    """
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return bool(htmx.target == target and not htmx.history_restore_request)


def scoped(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Narrow `queryset` to the user's jurisdiction; refuse a model that is not scoped."""
    visible_to = getattr(queryset, "visible_to", None)
    if visible_to is None:
        raise ImproperlyConfigured(
            f"{queryset.model.__name__} has no visible_to(): list pages show only scoped models"
        )
    return visible_to(user)


def url_with(query: QueryDict, **changes: Any) -> str:
    """The current query string with some parameters changed (None removes them)."""
    params = query.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return "?" + encoded if encoded else "?"


class ListPage:
    template_name: ClassVar[str]
    title: ClassVar[Any]
    columns: ClassVar[Sequence[Column]] = ()
    # Lookups OR-ed together for the free-text `q`, e.g. "name__icontains", "code__startswith".
    search_fields: ClassVar[Sequence[str]] = ()
    search_placeholder: ClassVar[Any] = ""
    filter_form_class: ClassVar[type[FilterForm] | None] = None
    default_sort: ClassVar[str] = ""
    per_page: ClassVar[int] = 25
    export_name: ClassVar[Any] = ""

    def __init__(self, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        self.kwargs = kwargs
        self.query = request.GET

    @classmethod
    def as_view(cls) -> Callable[..., HttpResponseBase]:
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
            return cls(request, **kwargs).dispatch()

        view.__name__ = cls.__name__
        view.__doc__ = cls.__doc__
        # As Django's View.as_view does: lets checks find every list page (bench coverage).
        view.view_class = cls  # type: ignore[attr-defined]
        return view

    # --- what a page declares -------------------------------------------------------------

    def queryset(self) -> QuerySet[Any]:
        """The rows before scoping, from a selector (with the select_related the rows need)."""
        raise NotImplementedError

    def check_access(self) -> None:
        """Raise PermissionDenied when the user's role may not open this page at all."""

    def extra_context(self) -> dict[str, Any]:
        return {}

    def search_q(self, term: str) -> Q:
        """The filter for the free-text search; extend it for fields a lookup cannot search."""
        condition = Q()
        for lookup in self.search_fields:
            condition |= Q(**{lookup: term})
        return condition

    # --- the machinery ----------------------------------------------------------------------

    def rows(self) -> QuerySet[Any]:
        """Scoped, filtered, searched and sorted: the one row set behind page, partial, export."""
        queryset = scoped(self.queryset(), self.request.user)
        if self.filter_form is not None:
            queryset = self.filter_form.apply(queryset)
        term = self.search_term
        if term and self.search_fields:
            queryset = queryset.filter(self.search_q(term))
        return queryset.order_by(*self.ordering())

    @property
    def search_term(self) -> str:
        return self.query.get("q", "").strip()[:100]

    @property
    def filter_form(self) -> FilterForm | None:
        if self.filter_form_class is None:
            return None
        if not hasattr(self, "_filter_form"):
            self._filter_form = self.filter_form_class(self.query)
        return self._filter_form

    def sortable(self) -> dict[str, str]:
        return {column.key: column.sort for column in self.columns if column.sort}

    @property
    def sort_key(self) -> str:
        """The requested `?sort=` if it names a sortable column, else the default."""
        requested = self.query.get("sort", "")
        if requested.lstrip("-") in self.sortable():
            return requested
        return self.default_sort

    def ordering(self) -> list[str]:
        key = self.sort_key
        field = self.sortable().get(key.lstrip("-"), key.lstrip("-"))
        fields = [("-" if key.startswith("-") else "") + field] if field else []
        # A unique tie-breaker keeps rows from jumping between pages.
        return [*fields, "pk"]

    def header(self) -> list[HeaderCell]:
        current = self.sort_key
        cells = []
        for column in self.columns:
            if not column.sort:
                cells.append(HeaderCell(column, None, None))
                continue
            if current == column.key:
                aria, next_key = "ascending", "-" + column.key
            elif current == "-" + column.key:
                aria, next_key = "descending", column.key
            else:
                aria, next_key = None, column.key
            cells.append(HeaderCell(column, url_with(self.query, sort=next_key, page=None), aria))
        return cells

    def pager(self, page: Page) -> list[PagerLink]:
        links = []
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
            if number == Paginator.ELLIPSIS:
                links.append(PagerLink(number, None))
            else:
                links.append(
                    PagerLink(number, url_with(self.query, page=number), number == page.number)
                )
        return links

    def wants_partial(self) -> bool:
        return is_partial_request(self.request, RESULTS_TARGET)

    def dispatch(self) -> HttpResponseBase:
        if self.request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self.check_access()
        if self.query.get("format") == "xlsx":
            return self.export()
        page = Paginator(self.rows(), self.per_page).get_page(self.query.get("page"))
        context = {
            "page_title": self.title,
            "list": self,
            "page_obj": page,
            "rows": page.object_list,
            "header": self.header(),
            "pager": self.pager(page),
            "pager_prev": url_with(self.query, page=page.previous_page_number())
            if page.has_previous()
            else None,
            "pager_next": url_with(self.query, page=page.next_page_number())
            if page.has_next()
            else None,
            "results_target": RESULTS_TARGET,
            "export_url": url_with(self.query, format="xlsx", page=None)
            if self.export_name
            else None,
            "clear_url": self.request.path,
            **self.extra_context(),
        }
        template = self.template_name + "#results" if self.wants_partial() else self.template_name
        response = render(self.request, template, context)
        # The same URL answers with a page or a fragment; caches must keep them apart.
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response

    def export_columns(self) -> list[Column]:
        return [column for column in self.columns if column.value is not None]

    def export_rows(self, columns: Sequence[Column]) -> Iterator[list[Any]]:
        for row in self.rows().iterator(chunk_size=EXPORT_CHUNK):
            yield [column.value(row) for column in columns]  # type: ignore[misc]

    def export(self) -> HttpResponseBase:
        if not self.export_name:
            raise PermissionDenied
        columns = self.export_columns()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(
            filename=f"{self.export_name}-{stamp}.xlsx",
            headers=[column.label for column in columns],
            rows=self.export_rows(columns),
            sheet_title=str(self.export_name),
        )


def display(row: Any, field: str) -> Any:
    """Export helper: the choice label of `field` (get_<field>_display) for a row."""
    return getattr(row, f"get_{field}_display")()
