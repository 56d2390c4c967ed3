"""{% cell figure %}: the only way a template shows a figure of an aggregate (nara/core/suppression.py).

Renders <span data-count="7">7</span> for a count, <span data-count="hidden">&lt;5</span> when it is suppressed, and
data-measure for days and amounts ("dolt" when hidden). Anything that is not a suppression.Cell is refused, so a
raw number cannot reach an aggregate through this tag; tests/test_aggregates_suppressed.py checks every page.
"""

from django import template
from django.utils.html import format_html

from nara.core.suppression import Cell

register = template.Library()


@register.simple_tag
def cell(figure):
    if not isinstance(figure, Cell):
        raise TypeError(f"{{% cell %}} renders suppression.Cell only, not {type(figure).__name__}")
    attribute = "data-measure" if figure.measure else "data-count"
    value = "hidden" if figure.hidden else str(figure.value)
    return format_html('<span {}="{}">{}</span>', attribute, value, figure.text)
