from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class ShortFirstPagePaginator(Paginator):
    """Skips the COUNT query when the first page is not full: most inboxes fit on one page."""

    def page(self, number):
        if str(number) != "1":
            return super().page(number)
        rows = list(self.object_list[:self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # what the count query would say
        return self._get_page(rows, 1, self)


class Pagination(PageNumberPagination):
    django_paginator_class = ShortFirstPagePaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
