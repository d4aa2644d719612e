"""JSON log lines that carry the request id, so one request can be followed across components."""

import contextvars
import re

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# What an incoming X-Request-ID may look like to be passed on (the gateway and every component).
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# Keys whose values must never reach a log line, whatever a caller passes in `extra`.
REDACTED_KEYS = {"authorization", "secret", "password", "token", "auth"}


class RequestIdFilter:
    def filter(self, record) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, component: str = "", **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)
        self.component = component

    def add_fields(self, log_record, record, message_dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["component"] = self.component
        for key in list(log_record):
            if key.lower() in REDACTED_KEYS:
                log_record[key] = "[redacted]"
