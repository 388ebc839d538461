"""One page of a list, ready for the shared pagination links (templates/_pagination.html)."""

from django.core.paginator import Page, Paginator


def page_of(paginator: Paginator, number) -> Page:
    """The requested page (the last or first when out of range), with `page_links`: the page
    numbers to show, elided in the middle. Templates cannot pass the current number to
    `get_elided_page_range` themselves."""
    page = paginator.get_page(number)
    page.page_links = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
