from __future__ import annotations

from typing import Any

from django import template

from shezhi.core.models import Division

register = template.Library()


@register.simple_tag(takes_context=True)
def division_ancestors(context: dict[str, Any], division: Division) -> list[Division]:
    """The chain province → … → division, fetched in one query."""
    by_code = Division.objects.in_bulk(division.ancestor_codes)
    return [by_code[code] for code in division.ancestor_codes if code in by_code]
