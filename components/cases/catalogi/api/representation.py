"""The read path of the Catalogi serializers: each class compiles its readable fields once into one
generated function that returns the camelCase dict, so a GET builds no DRF fields, walks no data
twice and reverses no URL per object.

Why: building a ModelSerializer's fields costs milliseconds per request, and DRF's per-field dispatch
plus a second camelCase walk in the renderer cost more than the query on a page of 100. The
serializer classes stay the one description of a resource (writes, validation and the OpenAPI
schema use them as usual); `CompiledSerializerMixin.to_representation` reads through the plan.

Relations are not loaded here: the rows come from `selectors.py`, annotated with what the plan
reads (`<field>_uuid`, `<field>_uuids`, …), so a page's rows cost one query whatever they hold.
"""

import datetime
import keyword
import re
from collections.abc import Callable, Mapping

from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework import fields as drf_fields
from rest_framework import relations as drf_relations
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

from .relations import request_day, url_builder

Reader = Callable[[object, "ReadContext"], object]


def camel(name: str) -> str:
    """The key the camelCase renderer would have made of `name` (same rule, so same output)."""
    return re.sub(camelize_re, underscore_to_camel, name) if "_" in name else name


class ReadContext:
    """What a representation needs from its request: absolute URLs and the day of validity."""

    __slots__ = ("urls", "day")

    def __init__(self, request):
        self.urls = url_builder(request)
        self.day: datetime.date = request_day(request)


def read_context(request) -> ReadContext:
    if request is None:
        return ReadContext(None)
    context = getattr(request, "_catalogi_read", None)
    if context is None:
        context = request._catalogi_read = ReadContext(request)
    return context


# --- compiling one field -------------------------------------------------------------------------

# Fields whose representation of a database value is the value itself (str, bool, int, JSON).
IDENTITY_FIELDS = (drf_fields.CharField, drf_fields.BooleanField, drf_fields.IntegerField,
                   drf_fields.ChoiceField, drf_fields.JSONField, drf_fields.ReadOnlyField)


def _source(field, from_mappings: bool) -> Callable[[object], object]:
    """`field.get_attribute` without the field: attributes, or keys of stored JSON objects."""
    attrs = tuple(field.source_attrs)
    if not attrs:  # source="*"
        return lambda instance: instance
    if not from_mappings:
        if len(attrs) == 1:
            [attr] = attrs
            return lambda instance: getattr(instance, attr)

        def walk(instance):
            for attr in attrs:
                instance = getattr(instance, attr)
            return instance
        return walk

    default, allow_null, required = field.default, field.allow_null, field.required

    def lookup(instance):
        # DRF's rules for a missing key: the default, else null, else leave the key out.
        try:
            for attr in attrs:
                instance = instance[attr] if isinstance(instance, Mapping) else getattr(instance, attr)
        except (KeyError, AttributeError):
            if default is not empty:
                return default() if callable(default) else default
            if allow_null:
                return None
            if not required:
                raise SkipField()
            raise
        return instance
    return lookup


def _date(value):
    # DRF's DateField: falsy -> null, a string as it is, a date in ISO 8601.
    if not value:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _list(values):
    return None if values is None else list(values)


def _converter(field) -> Callable[[object], object] | None:
    """How a non-null value is represented; None when it is represented as itself."""
    if isinstance(field, drf_fields.ListField):
        child = _converter(field.child)
        if child is None:
            return list
        return lambda values: [None if v is None else child(v) for v in values]
    if isinstance(field, drf_fields.DateField):
        return _date
    if isinstance(field, IDENTITY_FIELDS):
        return None
    raise TypeError(f"{type(field).__name__} '{field.field_name}' has no compiled representation; "
                    "give it a `reader` (see representation.py).")


def compile_field(field, serializer, from_mappings: bool) -> Reader:
    """A function (instance, ctx) -> the field's representation, or SkipField to leave it out."""
    if hasattr(field, "reader"):
        return field.reader()
    if isinstance(field, drf_relations.ManyRelatedField) and hasattr(field.child_relation, "many_reader"):
        return field.child_relation.many_reader(field.source)
    if isinstance(field, serializers.SerializerMethodField):
        # `read_<name>(obj, ctx)` when the value needs the request, else the schema's `get_<name>(obj)`.
        method = getattr(serializer, f"read_{field.field_name}", None)
        if method is not None:
            return method
        getter = getattr(serializer, field.method_name)
        return lambda instance, ctx: getter(instance)
    get = _source(field, from_mappings)
    if isinstance(field, serializers.ListSerializer):
        child = type(field.child)()

        def many(instance, ctx):
            values = get(instance)
            return None if values is None else [child.represent(value, ctx) for value in values]
        return many
    if isinstance(field, CompiledSerializerMixin):
        nested = type(field)()

        def one(instance, ctx):
            value = get(instance)
            return None if value is None else nested.represent(value, ctx)
        return one
    if isinstance(field, drf_relations.RelatedField | drf_relations.ManyRelatedField):
        raise TypeError(f"Relation '{field.field_name}' needs a reader (use FastHyperlinkedRelatedField).")
    convert = _converter(field)
    if convert is None:
        reader = lambda instance, ctx: get(instance)  # noqa: E731
    else:
        def reader(instance, ctx):
            value = get(instance)
            return None if value is None else convert(value)
    attrs = field.source_attrs
    if not from_mappings and len(attrs) == 1 and attrs[0].isidentifier() and not keyword.iskeyword(attrs[0]):
        # What `_generate` may write inline instead of calling the reader.
        inline = {None: "instance.{}", _date: "_date(instance.{})", list: "_list(instance.{})"}.get(convert)
        if inline is not None:
            reader.inline = inline.format(attrs[0])
    return reader


def _generate(name: str, plan: tuple[tuple[str, Reader], ...]) -> Callable[[object, "ReadContext"], dict]:
    """One function that returns the whole representation as a dict display: a page of 100 then
    costs one call per object instead of one per field. Plain attributes are read inline."""
    namespace = {"_date": _date, "_list": _list}
    lines = ["def represent(instance, ctx):", "    return {"]
    for i, (key, reader) in enumerate(plan):
        expression = getattr(reader, "inline", None)
        if expression is None:
            namespace[f"_read{i}"] = reader
            expression = f"_read{i}(instance, ctx)"
        lines.append(f"        {key!r}: {expression},")
    lines.append("    }")
    exec(compile("\n".join(lines), f"<representation of {name}>", "exec"), namespace)  # noqa: S102
    return namespace["represent"]


# --- the serializer side ------------------------------------------------------------------------

class CompiledListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        iterable = data.all() if hasattr(data, "all") else data
        ctx = read_context(self.context.get("request"))
        represent = self.child.represent
        return [represent(item, ctx) for item in iterable]


# Mix into a serializer: `to_representation` runs the compiled plan with camelCase keys. Subclasses
# adjust a representation in `represent(instance, ctx)` (camelCase keys); fields in `computed_fields`
# keep their place in the output but are left for `represent` to fill. (A comment, not a docstring:
# the schema generator would take a docstring as every serializer's description.)
class CompiledSerializerMixin:

    computed_fields: tuple[str, ...] = ()
    # Stored JSON objects (checklist items) are read by key, with DRF's rules for a missing key.
    reads_mappings = False
    _plans: dict = {}
    _generated: dict = {}

    @classmethod
    def many_init(cls, *args, **kwargs):
        # DRF's many_init, answering with the compiled list serializer.
        removed = {key: kwargs.pop(key, None) for key in serializers.LIST_SERIALIZER_KWARGS_REMOVE}
        list_kwargs = {key: value for key, value in removed.items() if value is not None}
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({key: value for key, value in kwargs.items()
                            if key in serializers.LIST_SERIALIZER_KWARGS})
        return CompiledListSerializer(*args, **list_kwargs)

    @classmethod
    def read_plan(cls) -> tuple[tuple[str, Reader], ...]:
        plan = CompiledSerializerMixin._plans.get(cls)
        if plan is None:
            prototype = cls()
            plan = tuple(
                (camel(field.field_name),
                 (lambda instance, ctx: None) if field.field_name in cls.computed_fields
                 else compile_field(field, prototype, cls.reads_mappings))
                for field in prototype.fields.values() if not field.write_only)
            CompiledSerializerMixin._plans[cls] = plan
        return plan

    def to_representation(self, instance):
        return self.represent(instance, read_context(self.context.get("request")))

    def represent(self, instance, ctx: ReadContext) -> dict:
        cls = type(self)
        generated = CompiledSerializerMixin._generated.get(cls)
        if generated is None:
            # A missing key of a stored JSON object leaves the field out (SkipField): a loop then.
            generated = None if cls.reads_mappings else _generate(cls.__name__, cls.read_plan())
            CompiledSerializerMixin._generated[cls] = generated or False
        if generated:
            return generated(instance, ctx)
        data = {}
        for key, read in self.read_plan():
            try:
                data[key] = read(instance, ctx)
            except SkipField:
                pass
        return data
