"""Resource URLs for one request, and the day name-based relations (1.3.2+) resolve on.

Zaaktypen name their besluittypen by omschrijving and their deelzaaktypen by identificatie;
besluittypen name informatieobjecttypen by omschrijving; so do zaaktype-informatieobjecttypen.
A GET answers with the URLs of the *published* versions valid on `datumGeldigheid` (default:
today) in the same catalogus; `selectors.py` resolves them inside the one query of a page.
"""

import datetime
import uuid as uuid_lib
from urllib.parse import urlsplit

from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """The version is valid on `day`: begin <= day <= einde (an empty einde is open-ended)."""
    return Q(**{f"{prefix}begin_geldigheid__lte": day}) & (
        Q(**{f"{prefix}einde_geldigheid__isnull": True}) | Q(**{f"{prefix}einde_geldigheid__gte": day}))


def uuid_from_url(url: str) -> uuid_lib.UUID | None:
    """The trailing UUID of a resource URL, or None."""
    try:
        return uuid_lib.UUID(urlsplit(str(url)).path.rstrip("/").rsplit("/", 1)[-1])
    except (ValueError, AttributeError):
        return None


# (script prefix, basename) -> the detail path with a placeholder uuid; reverse() takes ~50 µs and
# a zaaktype names nine resources. The prefix is the request's (the gateway's X-Forwarded-Prefix).
_DETAIL_PATHS: dict[tuple[str, str], str] = {}


class UrlBuilder:
    """Absolute detail URLs without a `reverse()` per object, nor per request."""

    PLACEHOLDER = "00000000-0000-0000-0000-000000000000"

    def __init__(self, request):
        self.request = request
        self._bases: dict[str, tuple[str, str]] = {}

    def parts(self, basename: str) -> tuple[str, str]:
        """What goes before and after the uuid in this resource's URLs."""
        parts = self._bases.get(basename)
        if parts is None:
            key = (get_script_prefix(), basename)
            path = _DETAIL_PATHS.get(key)
            if path is None:
                if len(_DETAIL_PATHS) > 1000:  # the prefix comes from a header
                    _DETAIL_PATHS.clear()
                path = _DETAIL_PATHS[key] = reverse(f"{basename}-detail", kwargs={"uuid": self.PLACEHOLDER})
            full = self.request.build_absolute_uri(path) if self.request is not None else path
            parts = self._bases[basename] = tuple(full.split(self.PLACEHOLDER, 1))
        return parts

    def __call__(self, basename: str, uuid) -> str:
        head, tail = self.parts(basename)
        return f"{head}{uuid}{tail}"


def url_builder(request) -> UrlBuilder:
    if request is None:
        return UrlBuilder(None)
    builder = getattr(request, "_catalogi_urls", None)
    if builder is None:
        builder = request._catalogi_urls = UrlBuilder(request)
    return builder


def request_day(request) -> datetime.date:
    """The day name-based relations resolve on: `datumGeldigheid` if it is a valid date, else today."""
    raw = request.query_params.get("datumGeldigheid", "") if hasattr(request, "query_params") else ""
    try:
        day = parse_date(raw) if raw else None
    except ValueError:
        day = None
    return day or timezone.localdate()
