"""Field classes of libraries mgen knows the ``deconstruct()`` of, when the library is not installed.

A field class whose source mgen does not find is *opaque*: its arguments are kept as the model writes them,
and a migration holds them as the library's ``deconstruct()`` wrote them. For a few libraries that old
projects pin and that are no longer installable next to a current Django (djorm-pgarray's array fields,
django-pgjson's JSON fields), the rules of their ``deconstruct()`` are here (and django-picklefield's and
django-colorfield's), by the library's versions, each
with where its source shows it: the model's arguments are deconstructed by them before the states are
compared (``legacy_semantics.legacy_state``), as the project's own ``makemigrations`` would. Each rule is
idempotent, so a migration's arguments come back unchanged.

A rule applies only when the version the project pins (``pins.pinned_version``, through the settings under
``LIBRARIES_KEY``) is in its range, or, with no pin, when every version mgen knows deconstructs alike. A
value the rule cannot decide (positional arguments, a value that is not a literal) leaves the field as
written: opaque, as before.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .fields import ARGS, deconstructed
from .state import FieldState, Opaque, Setting

LIBRARIES_KEY = "mgen:pinned-libraries"  # in ProjectState.settings: {requirement name: version}
# the Django class a known library's field behaves as once its rules applied: Django's ``Field`` (no rules of
# a Django class; its column stays the one the reader gave: unknown)
LIBRARY_CLASS = "Field"
Version = tuple[int, ...]
Rewrite = Callable[[str, dict[str, Any], "Version | None"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class LibraryFields:
    """The field classes of one module of a library, deconstructed by one rule in [since, until)."""

    package: str  # the requirement's name, as pinned
    module: str  # where the classes are defined (the path deconstruct() writes)
    classes: tuple[str, ...]
    since: Version
    until: Version | None  # None: to its last release
    rewrite: Rewrite  # (class name, the model's keyword arguments, the pinned version) -> deconstructed
    source: str  # where the library's source shows it

    def holds(self, version: Version | None) -> bool:
        if version is None:  # not pinned: only a rule every known release agrees on
            return self.since == FIRST.get(self.package) and self.until is None
        return self.since <= version and (self.until is None or version < self.until)


def _plain(value: Any) -> bool:
    """A value whose truth and equality Python decides here (not a setting or an unreadable expression)."""
    return not isinstance(value, (Opaque, Setting))


# djorm-pgarray: the element type each class passes on (kwargs.setdefault("dbtype", ...))
_DJORM_DBTYPE = {
    "ArrayField": "int", "IntegerArrayField": "int", "SmallIntegerArrayField": "smallint",
    "BigIntegerArrayField": "bigint", "TextArrayField": "text", "FloatArrayField": "double precision",
    "DateArrayField": "date", "DateTimeArrayField": "timestamp with time zone",
}


def _djorm_array(cls: str, kw: dict[str, Any], version: Version | None) -> dict[str, Any] | None:
    """djorm-pgarray 1.0 - 1.2 ``ArrayField.__init__`` sets blank, null and default to True, True, None when
    not given; ``deconstruct()`` writes ``dbtype`` unless "int", ``dimension`` unless 1, ``type_cast`` when
    one was given (1.2: when not None), ``blank``/``null`` only when false, ``default`` unless None."""
    kw = dict(kw)
    if "type_cast" in kw and kw["type_cast"] is None and version is None:
        return None  # 1.0/1.1 write an explicit None, 1.2 does not: the pinned version decides
    dbtype = kw.pop("dbtype", _DJORM_DBTYPE[cls])
    dimension = kw.pop("dimension", 1)
    explicit = "type_cast" in kw and (kw["type_cast"] is not None or (version or (1, 2)) < (1, 2))
    type_cast = kw.pop("type_cast", None)
    blank, null, default = kw.pop("blank", True), kw.pop("null", True), kw.pop("default", None)
    if not all(_plain(v) for v in (dbtype, dimension, blank, null, default)):
        return None
    out = deconstructed("Field", kw)
    if dbtype != "int":
        out["dbtype"] = dbtype
    if dimension != 1:
        out["dimension"] = dimension
    if explicit:
        out["type_cast"] = type_cast
    if not blank:
        out["blank"] = blank
    if not null:
        out["null"] = null
    if default is not None:
        out["default"] = default
    return out


def _pgjson(options: bool) -> Rewrite:
    """django-pgjson's ``JsonField``/``JsonBField`` deconstruct as ``Field`` does; from 0.3 ``__init__``
    pops ``options`` (json.dumps' arguments) and ``deconstruct()`` writes it back when not empty."""
    def rewrite(_cls: str, kw: dict[str, Any], _version: Version | None) -> dict[str, Any] | None:
        kw = dict(kw)
        given = kw.pop("options", {}) if options else {}
        if not _plain(given):
            return None
        out = deconstructed("Field", kw)
        if given:
            out["options"] = given
        return out
    return rewrite


def _picklefield(writes_own: bool) -> Rewrite:
    """django-picklefield's ``PickledObjectField.__init__`` pops ``compress``, ``protocol`` (and ``copy``, 1.0+)
    and sets ``editable`` to False when not given; before 3.0 its ``deconstruct()`` is ``Field``'s (the popped
    arguments are not written), 3.0 writes ``compress`` when true and ``protocol`` when it is not the default
    protocol (a setting: undecided here)."""
    def rewrite(_cls: str, kw: dict[str, Any], _version: Version | None) -> dict[str, Any] | None:
        kw = dict(kw)
        compress = kw.pop("compress", False)
        kw.pop("copy", None)
        if writes_own and "protocol" in kw:
            return None
        kw.pop("protocol", None)
        kw.setdefault("editable", False)
        if not all(_plain(v) for v in (compress, kw["editable"])):
            return None
        out = deconstructed("Field", kw)
        if writes_own and compress:
            out["compress"] = True
        return out
    return rewrite


_ABSENT = object()


def _colorfield(_cls: str, kw: dict[str, Any], version: Version | None) -> dict[str, Any] | None:
    """django-colorfield's ``ColorField`` (a CharField), by release: 0.1 forces ``max_length=18``; 0.2 makes it
    a default and adds ``default='#FFFFFF'``; 0.3 defaults ``default`` to None when ``null`` (and ``blank`` to
    True), to '' when ``blank``; 0.4 pops ``format`` (the default by format: '#FFFFFF' for hex, '#FFFFFFFF' for
    hexa; never written); 0.5 pops ``samples`` and ``deconstruct()`` writes it, 0.6 ``image_field`` too (given,
    ``blank`` defaults to True); 0.10.1 makes ``max_length`` 25 (rgb formats)."""
    if version is None:  # each release deconstructs its own way: the pinned one decides
        return None
    kw = dict(kw)
    fmt = kw.pop("format", "hex") if version >= (0, 4) else "hex"
    samples = kw.pop("samples", None) if version >= (0, 5) else _ABSENT
    image_field = kw.pop("image_field", None) if version >= (0, 6) else _ABSENT
    defaults = {"hex": "#FFFFFF", "hexa": "#FFFFFFFF", "rgb": "rgb(255, 255, 255)", "rgba": "rgba(255, 255, 255, 1)"}
    if not all(_plain(v) for v in (fmt, samples, image_field, kw.get("null"), kw.get("blank"))) \
            or not isinstance(fmt, str) or fmt.lower() not in defaults:
        return None
    if image_field is not _ABSENT and image_field:
        kw.setdefault("blank", True)
    if version < (0, 2):
        kw["max_length"] = 18
    else:
        kw.setdefault("max_length", 25 if version >= (0, 10, 1) else 18)
    if version >= (0, 3) and kw.get("null"):
        kw.setdefault("blank", True)
        kw.setdefault("default", None)
    elif version >= (0, 3) and kw.get("blank"):
        kw.setdefault("default", "")
    elif version >= (0, 2):
        kw.setdefault("default", defaults[fmt.lower()])
    out = deconstructed("Field", kw)
    if samples is not _ABSENT:
        out["samples"] = samples
    if image_field is not _ABSENT:
        out["image_field"] = image_field
    return out


LIBRARIES: tuple[LibraryFields, ...] = (
    LibraryFields("djorm-pgarray", "djorm_pgarray.fields", tuple(_DJORM_DBTYPE), (1, 0), None, _djorm_array,
                  "djorm-pgarray 1.0, 1.0.4, 1.1, 1.2 djorm_pgarray/fields.py ArrayField.__init__/deconstruct"),
    LibraryFields("django-pgjson", "django_pgjson.fields", ("JsonField", "JsonBField"), (0, 1), (0, 3),
                  _pgjson(False), "django-pgjson 0.1.2, 0.2.0, 0.2.2 django_pgjson/fields.py: no deconstruct()"),
    LibraryFields("django-pgjson", "django_pgjson.fields", ("JsonField", "JsonBField"), (0, 3), None,
                  _pgjson(True), "django-pgjson 0.3.1 django_pgjson/fields.py JsonField.__init__/deconstruct"),
    LibraryFields("django-picklefield", "picklefield.fields", ("PickledObjectField",), (0, 3), (3, 0),
                  _picklefield(False), "django-picklefield 0.3.2, 1.0.0, 2.0.0, 2.1.0 fields.py: no deconstruct()"),
    LibraryFields("django-picklefield", "picklefield.fields", ("PickledObjectField",), (3, 0), None,
                  _picklefield(True), "django-picklefield 3.0.0, 3.1.0, 3.4.0 picklefield/fields.py deconstruct"),
    LibraryFields("django-colorfield", "colorfield.fields", ("ColorField",), (0, 1, 15), None, _colorfield,
                  "django-colorfield 0.1.15, 0.2.0, 0.2.2, 0.3.0, 0.3.2, 0.4.0, 0.4.5, 0.5.0, 0.6.0, 0.6.3, 0.7.2, 0.8.0, "
                  "0.9.0, 0.10.0, 0.10.1, 0.11.0, 0.14.0 colorfield/fields.py ColorField.__init__/deconstruct"),
)
# the first release each library's rules cover
FIRST: dict[str, Version] = {}
for _lib in LIBRARIES:
    FIRST[_lib.package] = min(FIRST.get(_lib.package, _lib.since), _lib.since)


def library_pins(root: Path) -> dict[str, Version]:
    """The pinned version of each library with rules here (the ones a project pins)."""
    from ..pins import pinned_version

    out = {}
    for package in sorted({lib.package for lib in LIBRARIES}):
        version = pinned_version(root, package)
        if version is not None:
            out[package] = version
    return out


def rule_for(path: str, pins: dict[str, Version]) -> LibraryFields | None:
    module, _, name = path.rpartition(".")
    for lib in LIBRARIES:
        if lib.module == module and name in lib.classes and lib.holds(pins.get(lib.package)):
            return lib
    return None


def library_field(f: FieldState, pins: dict[str, Version]) -> FieldState:
    """An opaque field of a library with rules here, its arguments as the pinned release deconstructs them
    (itself when no rule applies). The field is no longer opaque: its arguments are exact, so an argument
    the migrations hold and the model's no longer gives is a change (``state.same_field``), not a default."""
    if not f.opaque or ARGS in f.kwargs:
        return f
    lib = rule_for(f.path, pins)
    if lib is None:
        return f
    kwargs = lib.rewrite(f.path.rpartition(".")[2], f.kwargs, pins.get(lib.package))
    return f if kwargs is None else replace(f, kwargs=kwargs, django_class=LIBRARY_CLASS)
