from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class ShortFirstPagePaginator(Paginator):
    """Skips the COUNT query when the first page is not full: most inboxes fit on one page.

    ``first_rows``: the first page, where the caller read it already (the list then serves only the count).
    """

    def __init__(self, object_list, per_page, *args, first_rows: list | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.first_rows = first_rows

    def page(self, number):
        if str(number) != "1":
            return super().page(number)
        rows = self.first_rows if self.first_rows is not None else list(self.object_list[:self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # what the count query would say
        return self._get_page(rows, 1, self)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    first_rows: list | None = None  # the first page, if the view read it already

    def django_paginator_class(self, object_list, per_page):
        return ShortFirstPagePaginator(object_list, per_page, first_rows=self.first_rows)
