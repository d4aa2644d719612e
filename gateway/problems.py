"""The gateway's own error answers, in the ZGW problem+json shape the components use."""

import uuid

import orjson

CONTENT_TYPE = b"application/problem+json"

TITLES = {
    400: "Ongeldig verzoek.",
    401: "Authenticatiegegevens zijn niet opgegeven of ongeldig.",
    403: "Je hebt geen toestemming om deze actie uit te voeren.",
    404: "Niet gevonden.",
    405: "Methode niet toegestaan.",
    413: "Verzoek te groot.",
    429: "Te veel verzoeken.",
    500: "Er is een serverfout opgetreden.",
    502: "Ongeldig antwoord van een component.",
    503: "Dienst tijdelijk niet beschikbaar.",
    504: "Een component antwoordde niet op tijd.",
}


def problem_body(status: int, code: str, detail: str) -> bytes:
    return orjson.dumps({
        "type": f"https://grondwerk.nl/fouten/{code}/",
        "code": code,
        "title": TITLES.get(status, "Fout."),
        "status": status,
        "detail": detail,
        "instance": f"urn:uuid:{uuid.uuid4()}",
    })


def problem_response(status: int, code: str, detail: str,
                     headers: list[tuple[bytes, bytes]] | None = None) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body of a problem answer (`headers` are added to its own)."""
    body = problem_body(status, code, detail)
    return [(b"content-type", CONTENT_TYPE), (b"content-length", b"%d" % len(body)), *(headers or ())], body
