"""JSON for the Catalogi API with orjson; a representation the serializers already wrote in camelCase
is not walked again (errors and other bodies are camelized as the camelCase renderer does)."""

import orjson
from djangorestframework_camel_case.render import CamelCaseJSONRenderer
from djangorestframework_camel_case.util import camelize
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# DRF's encoder for what orjson leaves to us: datetimes (DRF writes UTC as "Z"), Decimal, lazy strings.
_default = JSONEncoder().default
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
# DRF escapes these two (valid JSON, but not valid JavaScript); so do we.
_LINE_SEPARATORS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


class CatalogiJSONRenderer(CamelCaseJSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        if not getattr(renderer_context.get("response"), "camelized", False):
            data = camelize(data, **self.json_underscoreize)
        if self.get_indent(accepted_media_type, renderer_context):
            return JSONRenderer.render(self, data, accepted_media_type, renderer_context)
        content = orjson.dumps(data, default=_default, option=_OPTIONS)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in content:
                content = content.replace(raw, escaped)
        return content
