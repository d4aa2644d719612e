"""`?expand=a,b.c` (Catalogi 1.3.2+): embed linked resources under `_expand`, level by level.

Each level gathers the URLs of one field over all objects, loads their targets in one query per
resource, and recurses into the embedded objects for the dotted remainder.
"""

import re
from collections import defaultdict

from rest_framework.exceptions import ErrorDetail, ValidationError

from .relations import uuid_from_url
from .representation import camel, read_context

# field (snake_case) -> resource basename, per resource; from the *Embedded schemas of 1.3.3.
EXPANDABLE: dict[str, dict[str, str]] = {
    "catalogus": {"zaaktypen": "zaaktype", "besluittypen": "besluittype",
                  "informatieobjecttypen": "informatieobjecttype"},
    "zaaktype": {"zaakobjecttypen": "zaakobjecttype", "catalogus": "catalogus", "statustypen": "statustype",
                 "resultaattypen": "resultaattype", "eigenschappen": "eigenschap",
                 "informatieobjecttypen": "informatieobjecttype", "roltypen": "roltype",
                 "besluittypen": "besluittype", "deelzaaktypen": "zaaktype", "gerelateerde_zaaktypen": "zaaktype"},
    "statustype": {"catalogus": "catalogus", "zaaktype": "zaaktype", "eigenschappen": "eigenschap"},
    "roltype": {"catalogus": "catalogus", "zaaktype": "zaaktype"},
    "resultaattype": {"catalogus": "catalogus", "zaaktype": "zaaktype", "besluittypen": "besluittype",
                      "informatieobjecttypen": "informatieobjecttype"},
    "eigenschap": {"catalogus": "catalogus", "zaaktype": "zaaktype", "statustype": "statustype"},
    "zaakobjecttype": {"zaaktype": "zaaktype", "resultaattypen": "resultaattype", "statustypen": "statustype",
                       "catalogus": "catalogus"},
    "zaaktypeinformatieobjecttype": {"zaaktype": "zaaktype", "catalogus": "catalogus",
                                     "informatieobjecttype": "informatieobjecttype", "statustype": "statustype"},
    "informatieobjecttype": {"catalogus": "catalogus", "zaaktypen": "zaaktype", "besluittypen": "besluittype"},
    "besluittype": {"catalogus": "catalogus", "zaaktypen": "zaaktype",
                    "informatieobjecttypen": "informatieobjecttype", "resultaattypen": "resultaattype"},
}

# basename -> viewset class, filled by viewsets.py (serializer and queryset per resource).
VIEWSETS: dict = {}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def parse(raw: str, basename: str) -> dict:
    """'a,a.b,c' -> {'a': {'b': {}}, 'c': {}}, each name checked against what may be expanded."""
    tree: dict = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        node, resource = tree, basename
        for segment in item.split("."):
            field = _snake(segment)
            if field not in EXPANDABLE.get(resource, {}):
                raise ValidationError({"expand": [ErrorDetail(
                    f"'{segment}' kan niet ge-expand worden op {resource}.", code="invalid-expand")]})
            node = node.setdefault(field, {})
            resource = EXPANDABLE[resource][field]
    return tree


def _urls(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [v["zaaktype"] if isinstance(v, dict) else v for v in value if v]
    return []


def expand(items: list[dict], tree: dict, basename: str, context: dict) -> None:
    """Add `_expand` to each representation in `items` (in place)."""
    for field, subtree in tree.items():
        target = EXPANDABLE[basename][field]
        key = camel(field)  # representations are camelCase already
        wanted = {url for item in items for url in _urls(item.get(key))}
        loaded = _load(target, wanted, context)
        if subtree:
            expand(list({id(data): data for data in loaded.values()}.values()), subtree, target, context)
        for item in items:
            value = item.get(key)
            embedded = item.setdefault("_expand", {})
            if isinstance(value, list):
                embedded[key] = [loaded[url] for url in _urls(value) if url in loaded]
            else:
                embedded[key] = loaded.get(value, {}) if value else {}


def _load(basename: str, urls: set[str], context: dict) -> dict[str, dict]:
    by_uuid = defaultdict(list)
    for url in urls:
        uuid = uuid_from_url(url)
        if uuid is not None:
            by_uuid[uuid].append(url)
    if not by_uuid:
        return {}
    viewset = VIEWSETS[basename]
    objects = viewset.by_uuids(read_context(context.get("request")).day, list(by_uuid))
    serializer = viewset.serializer_class(objects, many=True, context=context)
    result = {}
    for data in serializer.data:
        result[data["url"]] = data
        for url in by_uuid.get(uuid_from_url(data["url"]), []):
            result[url] = data
    return result
