"""A Django project's model state, as Django's own ``ProjectState`` holds it, but built statically.

Two readers produce it - ``models.py`` from the model classes, ``replay.py`` from the migration files -
and they must agree whenever Django's ``makemigrations`` has nothing to do, so everything is kept in the
*deconstructed* form Django compares and writes (``Field.deconstruct()``, ``Index.deconstruct()``, ``Q``'s
children): a migration writer can print it back, and two states compare with ``==``.

Values inside field arguments and Meta options are:

- Python literals (None, bool, int, float, str, bytes, Decimal, list, tuple, set, dict), lists and tuples
  kept apart as Django's autodetector keeps them (``ordering = ["name"]`` against a migration's
  ``("name",)`` is an AlterModelOptions); where Django itself normalizes (choices to a list of pairs,
  ``Index.fields`` to a list, ``UniqueConstraint.fields`` to a tuple (a set sorted), unique_together to a set of tuples)
  the readers do the same;
- ``Ref(path)``: a module-level object named by where it is defined (``uuid.uuid4``,
  ``django.db.models.deletion.CASCADE``, ``shop.models.default_code``);
- ``Call(path, args, kwargs)``: a call of such an object (``Index``, ``UniqueConstraint``, ``Now()``,
  ``Lower('name')``, ``MinValueValidator(1)``); ``Q`` objects become ``QNode`` (see there);
- ``Setting(name, value)``: ``settings.AUTH_USER_MODEL`` and its value (a swappable reference);
- ``Opaque(source, file, line)``: what cannot be known without running the code; readers refuse an
  opaque value wherever it would change the database, so it appears only in arguments that do not.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ...errors import MgenError
from ..pyast import Note


@dataclass(frozen=True)
class Ref:
    """A module-level object named by where it is defined."""

    path: str

    def __repr__(self) -> str:
        return self.path


CASCADE = "django.db.models.deletion.CASCADE"
LEGACY_ON_DELETE = ("ForeignKey", "OneToOneField")  # Django 1.x: without on_delete they meant CASCADE


def with_legacy_on_delete(django_class: str | None, kwargs: dict) -> dict:
    """A ``ForeignKey``/``OneToOneField`` written for Django 1.x, without ``on_delete``: CASCADE, the default
    Django 1.x had (2.0 made the argument required), in a model as in a migration."""
    if django_class in LEGACY_ON_DELETE and "on_delete" not in kwargs:
        return {**kwargs, "on_delete": Ref(CASCADE)}
    return kwargs


class NativeStr(str):
    """A string literal of a Python 2 project's module without ``from __future__ import unicode_literals``: a
    byte string there (ASCII), equal to the text it spells, as Python 2 compared them; Django on Python 2 wrote it
    ``b'...'`` (``python2.py``). Where Django made it text (``force_text``, a label it built), it is a plain str."""

    __slots__ = ()


def text(value: Any) -> Any:
    """``value`` as text where Django 1.x on Python 2 made a native string text (``force_text``)."""
    return str(value) if type(value) is NativeStr else value


@dataclass(frozen=True)
class Call:
    """A call of a class or function named by path, keyword arguments sorted by name."""

    path: str
    args: tuple = ()
    kwargs: tuple[tuple[str, Any], ...] = ()  # sorted by name

    @classmethod
    def of(cls, path: str, args: tuple = (), kwargs: dict | None = None) -> Call:
        return cls(path, tuple(args), tuple(sorted((kwargs or {}).items())))

    @property
    def kw(self) -> dict[str, Any]:
        return dict(self.kwargs)

    @property
    def name(self) -> str:
        return self.path.rpartition(".")[2]

    def __repr__(self) -> str:
        inner = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs]
        return f"{self.name}({', '.join(inner)})"


@dataclass(frozen=True)
class Setting:
    """``settings.NAME``; ``value`` is the project's setting (a swappable model label is lower-cased)."""

    name: str
    value: Any


@dataclass(frozen=True)
class Opaque:
    """A value known only when the code runs: its source, file and line."""

    source: str
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"<opaque {self.source}>"


Q_PATH = "django.db.models.query_utils.Q"
UNKNOWN_TYPE = "?"  # FieldState.db_type of a column whose type cannot be known without running the code


@dataclass(frozen=True)
class QNode:
    """A ``Q`` object as Django keeps it: children are ``(lookup, value)`` pairs or nested QNodes, joined
    by ``connector``; ``Q(a=1) | Q(b=2)`` and a migration's ``Q(('a', 1), ('b', 2), _connector='OR')`` are
    equal because ``combine`` follows ``tree.Node.add`` exactly."""

    children: tuple = ()
    connector: str = "AND"
    negated: bool = False

    @classmethod
    def build(cls, args: tuple = (), kwargs: dict | None = None) -> QNode:
        kwargs = dict(kwargs or {})
        connector = kwargs.pop("_connector", None) or "AND"
        negated = bool(kwargs.pop("_negated", False))
        return cls(tuple(args) + tuple(sorted(kwargs.items())), connector, negated)

    def combine(self, other: QNode, connector: str) -> QNode:
        if not self.children:
            return other
        if not other.children:
            return self
        combined = QNode((), connector)._add(self, connector)
        return combined._add(other, connector)

    def _add(self, data: QNode, connector: str) -> QNode:
        if self.connector != connector:
            return QNode((self, data), connector)
        if not data.negated and (data.connector == connector or len(data.children) == 1):
            return replace(self, children=self.children + data.children)
        return replace(self, children=self.children + (data,))

    def invert(self) -> QNode:
        return replace(self, negated=not self.negated)

    def __repr__(self) -> str:
        inner = [repr(c) for c in self.children]
        if self.connector != "AND":
            inner.append(f"_connector={self.connector!r}")
        if self.negated:
            inner.append("_negated=True")
        return f"Q({', '.join(inner)})"


Value = None | bool | int | float | str | bytes | Decimal | tuple | dict | Ref | Call | Setting | Opaque | QNode


@dataclass(frozen=True)
class FieldState:
    """One field in deconstructed form: ``path`` is the field class where it is defined
    (``django.db.models.fields.CharField``); ``kwargs`` hold what ``deconstruct()`` would return.
    ``django_class`` is the Django class it behaves as (a custom field's nearest Django base; ``Field`` for a
    field class with no Django base mgen knows; ``""`` for an *opaque* field, whose class mgen cannot read -
    a package that is not installed, or a class that rewrites its own arguments - so its keyword arguments
    are kept as written). ``db_type`` is the column type a class's own ``db_type()`` returns as a literal,
    ``UNKNOWN_TYPE`` when its column cannot be known statically, None when ``django_class`` decides it."""

    name: str
    path: str
    kwargs: dict[str, Any]
    django_class: str = field(default="", compare=False)
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)
    db_type: str | None = field(default=None, compare=False)
    # an opaque class whose overrides mgen reads (``field_classes.FieldClass.base``): the arguments they can
    # touch; any other is its Django base's, so one the model leaves out is the base's default, not one the
    # library fills in (``opaque_defaults``). None: not known
    touched: frozenset[str] | None = field(default=None, compare=False)

    @property
    def opaque(self) -> bool:
        """Whether the class is one mgen cannot read (its arguments are kept as written)."""
        return not self.django_class

    def get(self, key: str, default: Any = None) -> Any:
        return self.kwargs.get(key, default)

    @property
    def is_relation(self) -> bool:
        return self.django_class in ("ForeignKey", "OneToOneField", "ManyToManyField")

    def describe(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(self.kwargs.items()))
        return f"{self.name} = {self.path.rpartition('.')[2]}({args})"


def same_field(migrated: FieldState, written: FieldState) -> bool:
    """Whether ``makemigrations`` would see no change from the migrations' field to the model's. An opaque
    field's arguments are as written in the model, and in a migration as its own ``deconstruct()`` gave
    them, with the arguments it fills in: when the model's are the migration's with some left out, the field
    is taken as unchanged (``opaque_defaults`` names what was taken; an argument the model adds or changes
    is a change)."""
    if migrated.path != written.path and not _same_opaque_key(migrated, written):
        return False
    migrated, written = _comparable(migrated, written)
    return migrated.kwargs == written.kwargs or bool(opaque_defaults(migrated, written))


def _same_opaque_key(a: FieldState, b: FieldState) -> bool:
    from . import opaque_keys  # TreeForeignKey imported from mptt.models, written from mptt.fields
    return a.opaque and b.opaque and opaque_keys.same_class(a.path, b.path)


def _comparable(migrated: FieldState, written: FieldState) -> tuple[FieldState, FieldState]:
    """An opaque relation's ``to`` without case, as Django resolves it (``opaque_keys``)."""
    if not (migrated.opaque or written.opaque):
        return migrated, written
    from .opaque_keys import same_to

    return replace(migrated, kwargs=same_to(migrated.kwargs)), replace(written, kwargs=same_to(written.kwargs))


def opaque_defaults(migrated: FieldState, written: FieldState) -> tuple[str, ...]:
    """For an opaque field whose model arguments are the migration's with some left out: those names."""
    if migrated.path != written.path and not _same_opaque_key(migrated, written) \
            or not (migrated.opaque or written.opaque):
        return ()
    migrated, written = _comparable(migrated, written)
    if all(k in migrated.kwargs and migrated.kwargs[k] == v for k, v in written.kwargs.items()):
        left_out = set(migrated.kwargs) - set(written.kwargs)
        if written.touched is not None and any(k not in written.touched for k in left_out):
            return ()  # the base's argument at its default in the model (blank=False), not a library's
        return tuple(sorted(left_out))
    return ()


# Meta options that ``ModelState`` keeps (Django's ``DEFAULT_NAMES`` minus ``apps`` and ``app_label``).
OPTION_NAMES = (
    "verbose_name", "verbose_name_plural", "db_table", "db_table_comment", "ordering", "unique_together",
    "permissions", "get_latest_by", "order_with_respect_to", "db_tablespace", "abstract", "managed", "proxy",
    "swappable", "auto_created", "index_together", "select_on_save", "default_permissions", "required_db_features",
    "required_db_vendor", "base_manager_name", "default_manager_name", "indexes", "constraints",
    "default_related_name",
)
# options the autodetector never compares (no operation changes them): a history may omit them
UNCOMPARED_OPTIONS = ("abstract", "swappable", "auto_created", "required_db_features", "required_db_vendor",
                      "db_tablespace")
# what AlterModelOptions may change (Django's AlterModelOptions.ALTER_OPTION_KEYS)
ALTER_OPTION_KEYS = (
    "base_manager_name", "default_manager_name", "default_related_name", "get_latest_by", "managed", "ordering",
    "permissions", "default_permissions", "select_on_save", "verbose_name", "verbose_name_plural",
)


@dataclass(frozen=True)
class UnreadBase:
    """A partial model's base in a library mgen does not find (``partial_models``): its path; whether the class
    shows itself a model without the history (``evident``); whether its Meta is its own (``own_meta``)."""

    path: str
    evident: bool = True
    own_meta: bool = False


@dataclass(frozen=True)
class ModelState:
    """One model: ``name`` as written (``Author``), fields by name in column order, Meta options
    (``indexes`` and ``constraints`` as tuples of ``Call``, ``unique_together`` as a sorted tuple of
    field-name tuples), and ``bases`` as labels of concrete parents (multi-table inheritance) or paths."""

    app_label: str
    name: str
    fields: dict[str, FieldState]
    options: dict[str, Any] = field(default_factory=dict)
    bases: tuple[str, ...] = ()
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)
    unread: UnreadBase | None = field(default=None, compare=False)  # a partial model's unread base

    @property
    def name_lower(self) -> str:
        return self.name.lower()

    @property
    def label_lower(self) -> str:
        return f"{self.app_label}.{self.name_lower}"

    @property
    def db_table(self) -> str:
        """Django's table name: Meta.db_table or ``<app_label>_<model name lower>``."""
        return self.options.get("db_table") or f"{self.app_label}_{self.name_lower}"

    @property
    def indexes(self) -> tuple[Call, ...]:
        return tuple(self.options.get("indexes", ()))

    @property
    def constraints(self) -> tuple[Call, ...]:
        return tuple(self.options.get("constraints", ()))

    @property
    def unique_together(self) -> tuple[tuple[str, ...], ...]:
        return tuple(self.options.get("unique_together", ()))

    @property
    def has_table(self) -> bool:
        """Whether migrate creates a table for it (not abstract, proxy or unmanaged)."""
        return not (self.options.get("proxy") or self.options.get("managed") is False
                    or self.options.get("abstract"))

    def pk(self) -> FieldState | None:
        return next((f for f in self.fields.values() if f.get("primary_key")), None)

    def get_field(self, name: str) -> FieldState | None:
        """``Options.get_field``: a field by name, or a relation by its attname (``project_id``)."""
        found = self.fields.get(name)
        if found is None and name.endswith("_id"):
            found = self.fields.get(name[:-3])
            if found is not None and found.django_class not in ("ForeignKey", "OneToOneField"):
                found = None
        return found


def normalize_together(value: Any) -> tuple[tuple[str, ...], ...]:
    """Django's ``normalize_together``: one tuple of names becomes a set of one; sorted, for ``==``."""
    if not value:
        return ()
    value = tuple(value)
    if all(isinstance(v, str) for v in value):
        value = (value,)
    return tuple(sorted({tuple(v) for v in value}))


@dataclass
class ProjectState:
    """Models by ``(app_label, model_name_lower)``, plus notes for the user."""

    models: dict[tuple[str, str], ModelState] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict, compare=False)
    auto_fields: dict[str, str] = field(default_factory=dict, compare=False)  # app label -> AutoField class
    # the apps mgen could not read (their models here are partial or the history's): label -> the refusal
    refused: dict[str, MgenError] = field(default_factory=dict, compare=False)

    def model(self, app_label: str, name: str) -> ModelState:
        return self.models[(app_label, name.lower())]

    def get(self, label: str) -> ModelState | None:
        """The model for ``app_label.ModelName`` (any case)."""
        app, _, name = label.partition(".")
        return self.models.get((app, name.lower()))

    def apps(self) -> list[str]:
        return sorted({a for a, _ in self.models})

    def only(self, app_labels: set[str]) -> ProjectState:
        """The models of ``app_labels``, for comparing the part of a project one reader covers."""
        return ProjectState({k: v for k, v in self.models.items() if k[0] in app_labels}, list(self.notes),
                            self.settings, self.auto_fields,
                            {k: v for k, v in self.refused.items() if k in app_labels})

    def differences(self, other: ProjectState) -> list[str]:
        """What differs from ``other`` as ``makemigrations`` would see it, one line each (empty when it
        would write nothing): every field argument and the options some operation changes (not bases: the
        autodetector never compares them). ``self``
        is the migrations' state, ``other`` the models' (an opaque field's arguments: ``same_field``), both as
        the Django the project pins deconstructs them (``legacy_semantics``)."""
        from .legacy_semantics import legacy_state

        migrated, written = legacy_state(self), legacy_state(other)
        out = []
        for key in sorted(set(migrated.models) | set(written.models)):
            a, b = migrated.models.get(key), written.models.get(key)
            if a is None or b is None:
                out.append(f"{'.'.join(key)}: only in {'second' if a is None else 'first'}")
                continue
            for name in sorted(set(a.fields) | set(b.fields)):
                fa, fb = a.fields.get(name), b.fields.get(name)
                if not (fa is not None and fb is not None and same_field(fa, fb)):
                    out.append(f"{'.'.join(key)}.{name}: {fa.describe() if fa else None} != "
                               f"{fb.describe() if fb else None}")
            for opt in sorted((set(a.options) | set(b.options)) - set(UNCOMPARED_OPTIONS)):
                if not _same_option(opt, a.options.get(opt), b.options.get(opt)):
                    out.append(f"{'.'.join(key)} option {opt}: {a.options.get(opt)!r} != {b.options.get(opt)!r}")
        return out


def _same_option(name: str, a: Any, b: Any) -> bool:
    """Options as the autodetector compares them: ``indexes`` and ``constraints`` by membership (it adds
    what is new and removes what is gone, whatever the order: ``AddIndex`` appends), the rest by value."""
    if name in ("indexes", "constraints") and isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return sorted(map(repr, a)) == sorted(map(repr, b))
    return a == b


# -- JSON form of values (the migration-history cache) ---------------------------------------------
_JSON_SCALARS = frozenset({type(None), bool, int, float, str})


def value_to_json(value: Any) -> Any:
    """``value`` as JSON data that ``value_from_json`` turns back into an equal value (lists and tuples,
    sets and dicts kept apart). TypeError for what no reader produces."""
    kind = type(value)  # the common exact types first (a subclass takes the isinstance chain below)
    if kind in _JSON_SCALARS:
        return value
    if kind is Call:
        return {"C": value.path, "a": [value_to_json(a) for a in value.args],
                "k": [[k, value_to_json(v)] for k, v in value.kwargs]}
    if kind is tuple:
        return {"t": [value_to_json(v) for v in value]}
    if kind is list:
        return [value_to_json(v) for v in value]
    if type(value) is NativeStr:
        return {"ns": str(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [value_to_json(v) for v in value]
    if isinstance(value, tuple):
        return {"t": [value_to_json(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"fs" if isinstance(value, frozenset) else "s": [value_to_json(v) for v in sorted(value, key=repr)]}
    if isinstance(value, dict):
        return {"d": [[value_to_json(k), value_to_json(v)] for k, v in value.items()]}
    if isinstance(value, Decimal):
        return {"D": str(value)}
    if isinstance(value, bytes):
        return {"b": value.hex()}
    if isinstance(value, Ref):
        return {"R": value.path}
    if isinstance(value, Call):
        return {"C": value.path, "a": [value_to_json(a) for a in value.args],
                "k": [[k, value_to_json(v)] for k, v in value.kwargs]}
    if isinstance(value, Setting):
        return {"S": value.name, "v": value_to_json(value.value)}
    if isinstance(value, Opaque):
        return {"O": value.source, "file": value.file, "line": value.line}
    if isinstance(value, QNode):
        return {"Q": [value_to_json(c) for c in value.children], "c": value.connector, "n": value.negated}
    raise TypeError(f"no JSON form for {type(value).__name__}")


def value_from_json(data: Any) -> Any:
    kind = type(data)  # what value_to_json writes, first: a list, a one-key form, a Call
    if kind is list:
        return [value_from_json(v) for v in data]
    if kind is dict:
        if len(data) == 1:
            for tag, inner in data.items():
                decode = _ONE_KEY_FORMS.get(tag)
                if decode is not None:
                    return decode(inner)
        elif len(data) == 3 and "C" in data and "a" in data and "k" in data:
            return Call(data["C"], tuple(value_from_json(a) for a in data["a"]),
                        tuple((k, value_from_json(v)) for k, v in data["k"]))
    return _value_from_json(data)


def _value_from_json(data: Any) -> Any:
    if not isinstance(data, (list, dict)):
        return data
    if isinstance(data, list):
        return [value_from_json(v) for v in data]
    if "t" in data:
        return tuple(value_from_json(v) for v in data["t"])
    if "s" in data:
        return {value_from_json(v) for v in data["s"]}
    if "fs" in data:
        return frozenset(value_from_json(v) for v in data["fs"])
    if "d" in data:
        return {value_from_json(k): value_from_json(v) for k, v in data["d"]}
    if "D" in data:
        return Decimal(data["D"])
    if "b" in data:
        return bytes.fromhex(data["b"])
    if "ns" in data:
        return NativeStr(data["ns"])
    if "R" in data:
        return Ref(data["R"])
    if "C" in data:
        return Call(data["C"], tuple(value_from_json(a) for a in data["a"]),
                    tuple((k, value_from_json(v)) for k, v in data["k"]))
    if "S" in data:
        return Setting(data["S"], value_from_json(data["v"]))
    if "O" in data:
        return Opaque(data["O"], data["file"], data["line"])
    if "Q" in data:
        return QNode(tuple(value_from_json(c) for c in data["Q"]), data["c"], data["n"])
    raise ValueError(f"unknown JSON value form {sorted(data)}")


_ONE_KEY_FORMS: dict[str, Any] = {
    "t": lambda v: tuple(value_from_json(x) for x in v),
    "s": lambda v: {value_from_json(x) for x in v},
    "fs": lambda v: frozenset(value_from_json(x) for x in v),
    "d": lambda v: {value_from_json(k): value_from_json(x) for k, x in v},
    "D": Decimal,
    "b": bytes.fromhex,
    "ns": NativeStr,
    "R": Ref,
}


def models_to_json(models: dict[tuple[str, str], ModelState]) -> list:
    """The models of a state as JSON data (``models_from_json`` gives back equal models, file and line kept)."""
    return [{"app": m.app_label, "name": m.name, "bases": list(m.bases), "file": m.file, "line": m.line,
             "options": value_to_json(m.options),
             "fields": [[f.name, f.path, value_to_json(f.kwargs), f.django_class, f.file, f.line, f.db_type,
                         sorted(f.touched) if f.touched is not None else None]
                        for f in m.fields.values()],
             **({"unread": [m.unread.path, m.unread.evident, m.unread.own_meta]} if m.unread else {})}
            for m in models.values()]


def models_from_json(data: list) -> dict[tuple[str, str], ModelState]:
    out = {}
    for m in data:
        fields = {entry[0]: FieldState(entry[0], entry[1], value_from_json(entry[2]), *entry[3:7],
                                       frozenset(entry[7]) if len(entry) > 7 and entry[7] is not None else None)
                  for entry in m["fields"]}
        model = ModelState(m["app"], m["name"], fields, value_from_json(m["options"]), tuple(m["bases"]),
                           m["file"], m["line"], UnreadBase(*m["unread"]) if m.get("unread") else None)
        out[(model.app_label, model.name_lower)] = model
    return out
