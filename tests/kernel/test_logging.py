"""JSON log lines carry the request id and never a secret."""

import json
import logging

from components.kernel.logging import JsonFormatter, RequestIdFilter, request_id_var


def render(**extra) -> dict:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hallo", (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter(component="test").format(record))


def test_log_line_is_json_with_request_id_and_component():
    token = request_id_var.set("abc")
    try:
        line = render()
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "abc" and line["component"] == "test" and line["message"] == "hallo"


def test_secret_like_fields_are_redacted():
    line = render(authorization="Bearer eyJ...", secret="s3cret", client_id="app")
    assert line["authorization"] == "[redacted]" and line["secret"] == "[redacted]"
    assert line["client_id"] == "app"
