"""What Django's field classes do with their arguments: positional parameters, defaults, and the
per-class rules of ``Field.deconstruct()``.

A model writes ``models.CharField("name", max_length=100, null=False)``; the migration Django writes for
it says ``models.CharField(max_length=100, verbose_name='name')``. ``deconstructed`` turns either into the
second form, so the model reader and the migration replay meet in one representation. The rules mirror
Django 5.2's ``deconstruct`` methods (django/db/models/fields/__init__.py, related.py, json.py, files.py);
tests compare them with Django's own output.
"""
from __future__ import annotations

from typing import Any

from .state import Call, FieldState

# Field.__init__'s positional parameters
_FIELD_POSITIONAL = (
    "verbose_name", "name", "primary_key", "max_length", "unique", "blank", "null", "db_index", "rel", "default",
    "editable", "serialize", "unique_for_date", "unique_for_month", "unique_for_year", "choices", "help_text",
    "db_column", "db_tablespace", "auto_created", "validators", "error_messages",
)
_DATE_POSITIONAL = ("verbose_name", "name", "auto_now", "auto_now_add")
POSITIONAL: dict[str, tuple[str, ...]] = {
    "ForeignKey": ("to", "on_delete", "related_name", "related_query_name", "limit_choices_to", "parent_link",
                   "to_field", "db_constraint"),
    "OneToOneField": ("to", "on_delete", "to_field"),
    "ManyToManyField": ("to", "related_name", "related_query_name", "limit_choices_to", "symmetrical", "through",
                        "through_fields", "db_constraint", "db_table", "swappable"),
    "DecimalField": ("verbose_name", "name", "max_digits", "decimal_places"),
    "DateField": _DATE_POSITIONAL, "DateTimeField": _DATE_POSITIONAL, "TimeField": _DATE_POSITIONAL,
    "GenericIPAddressField": ("verbose_name", "name", "protocol", "unpack_ipv4"),
    "FileField": ("verbose_name", "name", "upload_to", "storage"),
    "ImageField": ("verbose_name", "name", "width_field", "height_field"),
    "FilePathField": ("verbose_name", "name", "path", "match", "recursive", "allow_files", "allow_folders"),
    "JSONField": ("verbose_name", "name", "encoder", "decoder"),
    "UUIDField": ("verbose_name",),
    "URLField": ("verbose_name", "name"),
    "ArrayField": ("base_field", "size"),
}

# An opaque field's positional arguments, in its deconstructed state (no keyword argument can be named so): a
# class of a project or library whose ``deconstruct()`` returns them (``StreamField(block_types, ...)``),
# compared as Django compares them - the values in order - and written back positionally (``field_call``)
ARGS = "*args"

# The Django field classes whose deconstruct() rules are here, by class name; any other field class is read
# through its source (field_classes.py): as the nearest of these it derives from, as ``Field``, or opaque.
FIELD_CLASSES = {
    "AutoField", "BigAutoField", "SmallAutoField",
    "CharField", "TextField", "EmailField", "URLField", "SlugField", "UUIDField", "GenericIPAddressField",
    "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
    "BooleanField", "DateField", "DateTimeField", "TimeField", "DurationField",
    "DecimalField", "FloatField", "JSONField", "BinaryField", "FileField", "ImageField", "FilePathField",
    "ForeignKey", "OneToOneField", "ManyToManyField",
}
AUTO_FIELDS = ("AutoField", "BigAutoField", "SmallAutoField")
RELATED_FIELDS = ("ForeignKey", "OneToOneField", "ManyToManyField")

# Field.deconstruct(): arguments left out when they have these values
_GENERIC_DEFAULTS: dict[str, Any] = {
    "verbose_name": None, "primary_key": False, "max_length": None, "unique": False, "blank": False,
    "null": False, "db_index": False, "editable": True, "serialize": True, "unique_for_date": None,
    "unique_for_month": None, "unique_for_year": None, "choices": None, "help_text": "", "db_column": None,
    "db_comment": None, "db_tablespace": None, "auto_created": False, "validators": (), "error_messages": None,
}
# arguments a class takes beyond Field's, left out at these values
_CLASS_DEFAULTS: dict[str, dict[str, Any]] = {
    "CharField": {"db_collation": None}, "TextField": {"db_collation": None},
    "EmailField": {"db_collation": None}, "URLField": {"db_collation": None},
    "SlugField": {"db_collation": None, "allow_unicode": False},
    "GenericIPAddressField": {"protocol": "both", "unpack_ipv4": False},
    "DateField": {"auto_now": False, "auto_now_add": False},
    "DateTimeField": {"auto_now": False, "auto_now_add": False},
    "TimeField": {"auto_now": False, "auto_now_add": False},
    "JSONField": {"encoder": None, "decoder": None},
    "DecimalField": {"max_digits": None, "decimal_places": None},
    "Field": {"default_bounds": "[)"},  # django.contrib.postgres's ranges: the canonical bounds are left out
    "FileField": {"upload_to": "", "storage": None},
    "ImageField": {"upload_to": "", "storage": None, "width_field": None, "height_field": None},
    "FilePathField": {"path": "", "match": None, "recursive": False, "allow_files": True, "allow_folders": False},
    "ForeignKey": {"related_name": None, "related_query_name": None, "limit_choices_to": None,
                   "parent_link": False, "to_field": None, "db_constraint": True, "swappable": True},
    "OneToOneField": {"related_name": None, "related_query_name": None, "limit_choices_to": None,
                      "parent_link": False, "to_field": None, "db_constraint": True, "swappable": True},
    "ManyToManyField": {"related_name": None, "related_query_name": None, "limit_choices_to": None,
                        "through": None, "through_fields": None, "db_constraint": True, "db_table": None,
                        "swappable": True, "symmetrical": None},
}
# __init__ fills these in when not given (and deconstruct leaves them out again when unchanged)
_MAX_LENGTH = {"SlugField": 50, "URLField": 200, "FileField": 100, "ImageField": 100, "FilePathField": 100}


def _same(value: Any, default: Any) -> bool:
    """Django compares most defaults with ``is``: ``null=0`` is not ``null=False``."""
    if default is None or isinstance(default, bool):
        return value is default
    if isinstance(default, tuple):
        return value in ((), [], None) if not default else value == default
    return type(value) is type(default) and value == default


def bind_arguments(django_class: str, args: tuple, kwargs: dict) -> dict:
    """Positional arguments named as the class's ``__init__`` names them; an opaque class's (``django_class``
    "") are carried as they are, under ``ARGS``: its own ``deconstruct()`` gave them."""
    if not django_class:
        return {**kwargs, ARGS: tuple(args)} if args else dict(kwargs)
    names = POSITIONAL.get(django_class, _FIELD_POSITIONAL)
    bound = dict(zip(names, args))
    if len(args) > len(names):
        raise ValueError(f"{django_class} takes at most {len(names)} positional arguments")
    clash = set(bound) & set(kwargs)
    if clash:
        raise ValueError(f"{django_class} got {', '.join(sorted(clash))} twice")
    return {**bound, **kwargs}


def deconstructed(django_class: str, kwargs: dict) -> dict:
    """The keyword arguments ``deconstruct()`` returns for a field built with ``kwargs`` (already bound).
    Idempotent: a migration's arguments come back unchanged. An opaque field's (``django_class`` "") are
    kept as written; ``Field`` is any class with no rules of its own; ``ArrayField`` always has ``size``."""
    if not django_class:
        return dict(kwargs)
    kw = {k: v for k, v in kwargs.items() if k not in ("name", "rel")}  # name: the attribute, not an argument
    if django_class == "EmailField":
        kw.setdefault("max_length", 254)  # kept even at the default (Django's choice)
    # db_index defaults to True for these: only an explicit False is kept
    index_off = django_class in ("SlugField", "ForeignKey", "OneToOneField") and kw.get("db_index") is False
    binary_editable = django_class == "BinaryField" and kw.get("editable") is True  # not editable by default
    class_defaults = _CLASS_DEFAULTS.get(django_class, {})
    out = {k: v for k, v in kw.items()
           if not (k in class_defaults and _same(v, class_defaults[k]))
           and not (k in _GENERIC_DEFAULTS and _same(v, _GENERIC_DEFAULTS[k]))}
    if django_class in AUTO_FIELDS:
        out.pop("blank", None)
        out["primary_key"] = True
    if django_class in ("DateField", "DateTimeField", "TimeField") and (out.get("auto_now") or out.get("auto_now_add")):
        out.pop("editable", None)
        out.pop("blank", None)
    if django_class == "BinaryField":
        out.pop("editable", None)
        if binary_editable:
            out["editable"] = True
    if django_class in _MAX_LENGTH and out.get("max_length") == _MAX_LENGTH[django_class]:
        del out["max_length"]
    if django_class in ("GenericIPAddressField", "UUIDField"):
        out.pop("max_length", None)
    if django_class in ("SlugField", "ForeignKey", "OneToOneField"):
        out.pop("db_index", None)
        if index_off:
            out["db_index"] = False
    if django_class == "OneToOneField":
        out.pop("unique", None)
    if django_class in RELATED_FIELDS and not out.get("limit_choices_to"):
        out.pop("limit_choices_to", None)
    if django_class in RELATED_FIELDS:
        out.pop("swappable", None)  # decides how ``to`` is written, not an argument of its own
    if django_class == "ManyToManyField":
        for meaningless in ("null", "symmetrical"):
            out.pop(meaningless, None)
    if "choices" in out and isinstance(out["choices"], (list, tuple)):
        out["choices"] = normalize_choices(out["choices"])
    if django_class == "ArrayField":
        out["size"] = kwargs.get("size")
    if out.get("primary_key"):
        out["serialize"] = False  # Options.setup_pk
    return out


def normalize_choices(choices: list | tuple) -> list:
    """Django 5's ``normalize_choices``: a list of (value, label) tuples, groups as (name, [pairs])."""
    out = []
    for item in choices:
        if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[1], (list, tuple)):
            out.append((item[0], normalize_choices(item[1])))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            out.append(tuple(item))
        else:
            out.append(item)
    return out


def auto_field(path: str, django_class: str) -> FieldState:
    """The ``id`` Django adds to a model without a primary key."""
    return FieldState("id", path, {"auto_created": True, "primary_key": True, "serialize": False,
                                   "verbose_name": "ID"}, django_class=django_class)


def deconstruct_path(definition: str) -> str:
    """The import path Django writes for a field class defined at ``definition``
    (``django.db.models.fields.related.ForeignKey`` -> ``django.db.models.ForeignKey``)."""
    if definition == "django.contrib.postgres.fields.array.ArrayField":  # ArrayField.deconstruct()
        return "django.contrib.postgres.fields.ArrayField"
    for module in ("related", "files", "generated", "json", "proxy", "composite"):
        prefix = f"django.db.models.fields.{module}."
        if definition.startswith(prefix):
            return "django.db.models." + definition[len(prefix):]
    if definition.startswith("django.db.models.fields."):
        return "django.db.models." + definition[len("django.db.models.fields."):]
    return definition


def field_call(field: FieldState) -> Call:
    """The field as the call a migration writes (an opaque field's positional arguments first)."""
    kwargs = dict(field.kwargs)
    return Call.of(field.path, tuple(kwargs.pop(ARGS, ())), kwargs)
