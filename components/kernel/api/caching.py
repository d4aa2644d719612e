"""HTTP caching of detail responses: an `ETag` over the JSON body, `If-None-Match` → 304, `HEAD`.

Mix `ETagMixin` into a viewset: its `retrieve` answers carry an ETag computed on the rendered
JSON, so two representations that differ in any byte (another host, another version) differ.
"""

import hashlib

from django.http import HttpResponseNotModified


def etag_for(content: bytes) -> str:
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


def matches(if_none_match: str, etag: str) -> bool:
    candidates = {value.strip().removeprefix("W/") for value in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


class ETagMixin:
    # The schema generator documents HEAD and If-None-Match for views that set this.
    etag_enabled = True

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "action", None) != "retrieve" or response.status_code != 200:
            return response
        response.render()
        etag = etag_for(response.content)
        if matches(request.headers.get("If-None-Match", ""), etag):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return not_modified
        response["ETag"] = etag
        if request.method == "HEAD":
            # Same headers as GET, no body (the standard forbids one).
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
