"""The benchmark's subscribers: one uvicorn process answering every callback URL with 204 and
noting, per delivery, the time from publication (`?t=` in the notificatie's resourceUrl) to receipt.

`GET /stats` answers {count, distinct, first, last, latencies}; `POST /reset` starts over.
"""

import json
import time
from urllib.parse import parse_qs, urlsplit

state = {"count": 0, "seen": set(), "first": None, "last": None, "latencies": []}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    now = time.time()
    answer, status = b"", 204
    if scope["method"] == "POST" and scope["path"] == "/reset":
        state.update(count=0, seen=set(), first=None, last=None, latencies=[])
    elif scope["method"] == "GET" and scope["path"] == "/stats":
        answer, status = json.dumps({"count": state["count"], "distinct": len(state["seen"]), "first": state["first"],
                                     "last": state["last"], "latencies": state["latencies"]}).encode(), 200
    elif scope["method"] == "POST":
        notificatie = json.loads(body)
        if notificatie.get("kanaal") != "test":  # not the callback check
            headers = dict(scope["headers"])
            state["count"] += 1
            state["seen"].add(headers.get(b"x-grondwerk-delivery-id"))
            state["first"] = state["first"] or now
            state["last"] = now
            published = float(parse_qs(urlsplit(notificatie["resourceUrl"]).query)["t"][0])
            state["latencies"].append(now - published)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", str(len(answer)).encode())]})
    await send({"type": "http.response.body", "body": answer})
