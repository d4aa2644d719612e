"""ZGW pagination: `?page=N`, answered as `{count, next, previous, results}`."""

from rest_framework.pagination import PageNumberPagination as _PageNumberPagination


class PageNumberPagination(_PageNumberPagination):
    page_size = 100
    page_query_param = "page"
