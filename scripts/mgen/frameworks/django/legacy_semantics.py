"""What an older Django's ``makemigrations`` sees in a field: the deconstruction rules that changed since.

``fields.py`` deconstructs as the Django mgen is written against does (5.2). A project that pins an older
Django had its migrations written, and its models compared, by that version's ``deconstruct()`` and
``contribute_to_class()``: a ``BooleanField`` forced ``blank=True`` and left it out before 2.1, a
``related_name`` pattern was written filled in before 4.0, ``limit_choices_to`` was not written before 2.0.
Both states (the migrations' and the models') go through the same rules before they are compared or
written, as in Django both sides' fields are built and deconstructed by the one running version.

Each rule is one small function of (model, field, version) -> field arguments, with the Django versions it
held for (``since`` inclusive, ``until`` exclusive) and where Django's source shows it; with no pinned
version, or one at or past every ``until``, nothing changes. The pinned version (``pins.pinned_version``)
reaches the states through their settings (``project.py`` puts it under ``PINNED_KEY``, a name no
``settings.X`` can spell).
"""
from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ..pysyntax import parse_python
from .legacy_to_field import without_pk_to_field
from .library_fields import LIBRARIES_KEY, library_field
from .state import CASCADE, FieldState, ModelState, ProjectState, Ref, Setting
from .values import first_opaque

PINNED_KEY = "mgen:pinned-django"  # in ProjectState.settings: the Django version the project pins
Version = tuple[int, ...]
RELATED = ("ForeignKey", "OneToOneField", "ManyToManyField")


@dataclass(frozen=True)
class Rule:
    """One change of ``deconstruct()``/``contribute_to_class()`` between Django versions."""

    name: str
    since: Version  # first Django version that behaved so
    until: Version  # first Django version that no longer did
    classes: tuple[str, ...]  # the Django classes it concerns (FieldState.django_class)
    rewrite: Callable[[ModelState, FieldState, Version], dict[str, Any]]
    source: str  # where Django's source shows it

    def holds(self, version: Version) -> bool:
        return self.since <= version[:2] < self.until


def _without(key: str) -> Callable[[ModelState, FieldState, Version], dict[str, Any]]:
    def rewrite(_model: ModelState, f: FieldState, _version: Version) -> dict[str, Any]:
        return {k: v for k, v in f.kwargs.items() if k != key}
    return rewrite


def _without_cascade(_model: ModelState, f: FieldState, _version: Version) -> dict[str, Any]:
    on_delete = f.kwargs.get("on_delete")
    if isinstance(on_delete, Ref) and on_delete.path == CASCADE:
        return {k: v for k, v in f.kwargs.items() if k != "on_delete"}
    return f.kwargs


def _interpolated(text: Any, names: dict[str, str]) -> Any:
    """``text % names`` as ``RelatedField.contribute_to_class`` does it; anything else (a lazy or opaque
    value, a pattern Django itself would fail on) is left as it is."""
    if not isinstance(text, str) or "%" not in text:
        return text
    try:
        return text % names
    except (KeyError, ValueError, TypeError):
        return text


def _pattern_names(model: ModelState, version: Version) -> dict[str, str]:
    names = {"class": model.name.lower(), "app_label": model.app_label.lower()}
    if version[:2] >= (1, 10):  # 'model_name' joined in 1.10 (1.10's related.py contribute_to_class)
        names["model_name"] = model.name_lower
    return names


def _filled_related_name(model: ModelState, f: FieldState, version: Version) -> dict[str, Any]:
    """Before 4.0, ``contribute_to_class`` wrote the interpolated ``related_name`` back into
    ``remote_field.related_name``, which ``deconstruct()`` returned: ``'%(class)s_set'`` was written as
    ``'issue_set'``; from 1.10 on, with none given, ``Meta.default_related_name`` (interpolated) took its place.
    (1.8.6 / 1.11.2 / 3.2 django/db/models/fields/related.py ``RelatedField.contribute_to_class``; 4.0 keeps the
    argument as given in ``_related_name``.)"""
    kw = dict(f.kwargs)
    given = kw.get("related_name")
    if not given and version[:2] >= (1, 10):
        given = model.options.get("default_related_name")
    if given:
        kw["related_name"] = _interpolated(given, _pattern_names(model, version))
    return kw


def _filled_related_query_name(model: ModelState, f: FieldState, version: Version) -> dict[str, Any]:
    """1.10 to 3.2 interpolated ``related_query_name`` the same way (with 'class' and 'app_label' only)."""
    if not f.kwargs.get("related_query_name"):
        return f.kwargs
    names = {"class": model.name.lower(), "app_label": model.app_label.lower()}
    return {**f.kwargs, "related_query_name": _interpolated(f.kwargs["related_query_name"], names)}


def _hidden_m2m_name(model: ModelState, f: FieldState, version: Version) -> dict[str, Any]:
    """A ManyToManyField whose reverse relation is hidden (``related_name`` ending in '+') had it replaced by
    a generated name before 4.0: ``'_<class>_<field>_+'`` from 1.8, ``'_<app>_<class>_<field>_+'`` in 3.2
    (1.8.6 / 3.2 related.py ``ManyToManyField.contribute_to_class``); ``deconstruct()`` wrote that."""
    given = f.kwargs.get("related_name")
    if not isinstance(given, str) or not given.endswith("+"):
        return f.kwargs
    parts = (model.name.lower(), f.name) if version[:2] < (3, 2) else (model.app_label, model.name.lower(), f.name)
    return {**f.kwargs, "related_name": "_" + "_".join(parts) + "_+"}


def _email_max_length(_model: ModelState, f: FieldState, _version: Version) -> dict[str, Any]:
    """Before 1.8, ``EmailField.__init__`` set ``max_length`` to 75 when not given (1.8: 254); its
    ``deconstruct()`` kept it either way. The states hold 254 for a call that gives none, so the call in the
    source (the model's, or the migration's) decides: one that states no ``max_length`` had 75."""
    if f.kwargs.get("max_length") != 254 or _states_max_length(f.file, f.line) is not False:
        return f.kwargs
    return {**f.kwargs, "max_length": 75}


def _states_max_length(file: str | None, line: int | None) -> bool | None:
    """Whether the ``EmailField(...)`` calls at ``file:line`` give ``max_length`` (keyword, or the fourth
    positional argument of ``Field``); None when there is none, they disagree or a ``**kwargs`` hides it."""
    tree = _parsed(file) if file and line else None
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno == line
             and (n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")).endswith(
                 "EmailField")] if tree is not None else []
    if not calls or any(k.arg is None for c in calls for k in c.keywords):
        return None
    stated = {any(k.arg == "max_length" for k in c.keywords) or len(c.args) >= 4 for c in calls}
    return stated.pop() if len(stated) == 1 else None


@functools.lru_cache(maxsize=256)
def _parsed(file: str) -> ast.Module | None:
    try:
        return parse_python(Path(file).read_text(encoding="utf-8", errors="replace"), file)
    except (OSError, SyntaxError, ValueError, MgenError):
        return None


# django.contrib.auth's AbstractBaseUser.last_login as the Django that read it declared it (the source read
# is a current Django's): 1.7 ``DateTimeField(_('last login'), default=timezone.now)``; 1.8 made it nullable
_LAST_LOGIN_FROM_1_8 = {"verbose_name": "last login", "blank": True, "null": True}


def _last_login(_model: ModelState, f: FieldState, _version: Version) -> dict[str, Any]:
    declared = (f.file or "").replace("\\", "/").endswith(("django/contrib/auth/base_user.py",
                                                             "django/contrib/auth/models.py"))
    if f.name != "last_login" or not declared or f.kwargs != _LAST_LOGIN_FROM_1_8:
        return f.kwargs
    return {"verbose_name": "last login", "default": Ref("django.utils.timezone.now")}


# Oldest first, in the order Django applied them (the hidden M2M name is set before the interpolation).
RULES: tuple[Rule, ...] = (
    Rule("EmailField max_length 75", (1, 7), (1, 8), ("EmailField",), _email_max_length,
         "1.7 fields/__init__.py EmailField.__init__: kwargs['max_length'] = kwargs.get('max_length', 75); "
         "1.8: 254 (1.8 release notes: EmailField.max_length increased to 254)"),
    Rule("AbstractBaseUser.last_login not null", (1, 7), (1, 8), ("DateTimeField",), _last_login,
         "1.7 contrib/auth/models.py AbstractBaseUser: last_login = DateTimeField(default=timezone.now); 1.8: "
         "blank=True, null=True (1.8 release notes: AbstractBaseUser.last_login allows null values)"),
    Rule("BooleanField blank", (1, 7), (2, 1), ("BooleanField",), _without("blank"),
         "2.0 fields/__init__.py BooleanField: __init__ sets blank=True, deconstruct() deletes it; 2.1 dropped "
         "both (2.1 release notes: BooleanField can now be null=True)"),
    Rule("BinaryField editable", (1, 7), (2, 1), ("BinaryField",), _without("editable"),
         "2.0 fields/__init__.py BinaryField: __init__ sets editable=False, deconstruct() deletes it; 2.1 "
         "writes editable=True (2.1 release notes: a BinaryField may now be set to editable=True)"),
    Rule("on_delete=CASCADE not written", (1, 7), (1, 9), ("ForeignKey", "OneToOneField"), _without_cascade,
         "1.8.6 related.py ForeignObject.deconstruct(): on_delete only when it is not CASCADE; 1.9 always"),
    Rule("limit_choices_to not written", (1, 7), (2, 0), RELATED, _without("limit_choices_to"),
         "1.11.2 related.py ForeignObject/ManyToManyField.deconstruct() have no limit_choices_to; 2.0's write it"),
    Rule("through_fields not written", (1, 7), (5, 2), ("ManyToManyField",), _without("through_fields"),
         "5.1 related.py ManyToManyField.deconstruct() has no through_fields; 5.2's writes it"),
    Rule("hidden ManyToMany related_name generated", (1, 8), (4, 0), ("ManyToManyField",), _hidden_m2m_name,
         "1.8.6 / 3.2 related.py ManyToManyField.contribute_to_class"),
    Rule("related_name written filled in", (1, 7), (4, 0), RELATED, _filled_related_name,
         "1.8.6 / 3.2 related.py RelatedField.contribute_to_class; 4.0 deconstructs _related_name"),
    Rule("related_query_name written filled in", (1, 10), (4, 0), RELATED, _filled_related_query_name,
         "1.10 / 3.2 related.py RelatedField.contribute_to_class; 4.0 deconstructs _related_query_name"),
)


def rules_for(version: Version | None) -> tuple[Rule, ...]:
    """The rules that held in ``version`` (none without one)."""
    if not version:
        return ()
    return tuple(r for r in RULES if r.holds(tuple(version)))


def pinned(state: ProjectState) -> Version | None:
    value = state.settings.get(PINNED_KEY) if state.settings else None
    return tuple(value) if value else None


def _setting_values(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A field's arguments with ``settings.X`` as its value: ``deconstruct()`` returns what the field holds,
    the setting's value (``default=settings.MAX_ITEMS`` is written ``default=None`` when the setting is None);
    only ``to=settings.AUTH_USER_MODEL`` stays a reference (the swappable setting). The same ``kwargs`` when
    none is a setting."""
    def plain(k: str, v: Any) -> bool:  # a setting mgen could not read stays the reference it is
        return k != "to" and isinstance(v, Setting) and first_opaque(v.value) is None

    if not any(plain(k, v) for k, v in kwargs.items()):
        return kwargs
    return {k: v.value if plain(k, v) else v for k, v in kwargs.items()}


def libraries(state: ProjectState) -> dict[str, Version]:
    """The versions the project pins of the libraries ``library_fields`` knows."""
    value = state.settings.get(LIBRARIES_KEY) if state.settings else None
    return {k: tuple(v) for k, v in value.items()} if isinstance(value, dict) else {}


def legacy_model(model: ModelState, rules: tuple[Rule, ...], version: Version | None,
                 pins: dict[str, Version] | None = None) -> ModelState:
    """The model's fields as the rules' Django deconstructed them, a known library's opaque fields as its
    pinned release does (``library_fields``); an abstract model's: as written."""
    if model.options.get("abstract"):
        return model
    fields = {}
    changed = False
    for name, f in model.fields.items():
        f = library_field(f, pins or {})
        valued = _setting_values(f.kwargs)
        if valued is not f.kwargs:
            f = replace(f, kwargs=valued)
        changed = changed or f is not model.fields[name]
        kwargs = f.kwargs
        for rule in rules:
            if f.django_class in rule.classes:
                assert version is not None
                kwargs = rule.rewrite(model, replace(f, kwargs=kwargs), version)
        if kwargs != f.kwargs:
            f = replace(f, kwargs=kwargs)
            changed = True
        fields[name] = f
    return replace(model, fields=fields) if changed else model


def legacy_state(state: ProjectState) -> ProjectState:
    """``state`` as makemigrations of the Django it pins would compare and write it, with the libraries it
    pins (itself when nothing changes: no rule holds, no field of a known library)."""
    version = pinned(state)
    rules = rules_for(version)
    pins = libraries(state)
    models = {key: legacy_model(m, rules, version, pins) for key, m in state.models.items()}
    if version is not None:
        models = without_pk_to_field(models, version)  # to_field="id": the same field before 4.0 (legacy_to_field)
    if all(models[key] is m for key, m in state.models.items()):
        return state
    return replace(state, models=models)


def legacy_operation(state: ProjectState, kind: str, args: dict[str, Any]) -> dict[str, Any]:
    """An operation's arguments as the pinned Django's writer gives them: 1.7 wrote every argument of the
    operation's ``__init__``, defaults included (1.7.0 writer.py ``OperationWriter.serialize``: each name of
    ``inspect.getargspec(operation.__init__)`` with its value from ``inspect.getcallargs``), so
    ``preserve_default=True`` on every ``AddField`` (its ``__init__`` has it from 1.7.0) and, from 1.7.2, on every
    ``AlterField`` (1.7.2 added the argument, #23738), and ``options``/``bases`` on every ``CreateModel``;
    1.8's ``deconstruct()`` methods leave out ``preserve_default=True``, empty options and
    ``(models.Model,)``. taiga-back's own history, pinned to 1.7.0 in September 2014, has AddFields with it and
    AlterFields without)."""
    version = pinned(state)
    if not (version and (1, 7) <= tuple(version)[:2] < (1, 8)):
        return args
    since = {"AddField": (1, 7), "AlterField": (1, 7, 2)}.get(kind)
    if since is not None and tuple(version) >= since:
        return {**args, "preserve_default": args.get("preserve_default", True)}
    if kind == "CreateModel":  # 1.7's autodetector passed options and bases always (1.8 leaves out the defaults)
        return {**args, "options": args.get("options", {}),
                "bases": args.get("bases", ("django.db.models.base.Model",))}
    return args



def created_model_deferred(version: Version | None) -> frozenset[str]:
    """The Meta options a ``CreateModel`` of the pinned Django does not hold: ``generate_created_models`` pops
    ``unique_together``/``index_together``, ``indexes`` and ``constraints`` and adds an operation for each after
    the model, and only later optimizers fold those back into the ``CreateModel``: ``AlterTogetherOptionOperation``
    from 2.2 (2.1.15's ``CreateModel.reduce`` has no such case, 2.2.28's has), ``AddIndex`` from 4.2.1 (4.2.0's
    has none, 4.2.1's has), ``AddConstraint`` from 5.1 (5.0.14's has none, 5.1.15's has). With no pinned
    version: none (the Django mgen is written against). A bare series ``4.2`` is taken as its latest release."""
    if not version:
        return frozenset()
    v = tuple(version)
    deferred = set()
    if v[:2] < (2, 2):
        deferred |= {"unique_together", "index_together"}
    if v[:2] < (4, 2) or v == (4, 2, 0):
        deferred.add("indexes")
    if v[:2] < (5, 1):
        deferred.add("constraints")
    return frozenset(deferred)
