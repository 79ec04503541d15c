"""Python expressions in models, settings and migrations -> the state's values, without running them.

Literals evaluate to themselves; names follow imports to their definition (``Ref``); a call of a class
becomes ``Call`` (Django's ``Index``, ``Now()``, a validator); ``Q`` objects and their ``|``/``&``/``~``
follow Django's own combination rules (``state.QNode``). Django's translation functions return their
text (a migration stores ``_('name')`` as ``'name'``), ``settings.X`` reads the project's settings, and
``TextChoices``/``IntegerChoices`` classes give their members' values and ``.choices``, all as Django
would compute them. Standard-library values take the form Django's serializer writes (``canonical``:
``timedelta(0, 3600)`` is ``timedelta(seconds=3600)``); a member of a plain ``Enum`` is itself (``Ref``),
``E.A`` and ``E["A"]`` alike. Comparisons, ``and``/``or``, ``x if c else y``, subscripts and
``getattr(settings, NAME, default)`` evaluate on literals (``conditions``); a name bound to a class
(``F = models.CharField``, ``F = import_string(settings.X)``) calls that class. Anything else - a call of
a user function, a lambda, an f-string - is ``Opaque`` with its source and line: the caller decides
whether that is harmless or an error.
"""
from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ...errors import MgenError
from .. import bounded
from . import canonical, conditions, enums, model_meta, settings_objects
from .enum_calls import NOT_A_MEMBER, enum_call
from .source import (
    Definition,
    External,
    Finder,
    Module,
    ModuleRef,
    Resolved,
    Unknown,
    class_targets,
    dotted_name,
    source_text,
)
from .state import Q_PATH, Call, NativeStr, Opaque, QNode, Ref, Setting, text


def _constant(value: Any, module: Module) -> Any:
    """A literal; in a Python 2 project's module without ``unicode_literals``, a str of ASCII is the byte string
    Python 2 made of it (``NativeStr``: equal to the text; Django on Python 2 wrote it ``b'...'``)."""
    if module.native_strings and type(value) is str and value.isascii():
        return NativeStr(value)
    return value


SETTINGS_PATH = "django.conf.settings"
GET_USER_MODEL = "django.contrib.auth.get_user_model"  # the class settings.AUTH_USER_MODEL names
# Django's translation functions: the migration keeps the untranslated text
_GETTEXT = {f"django.utils.translation.{n}" for n in (
    "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy", "ugettext_noop",
    "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy")}
_DECIMAL = {"decimal.Decimal", "_pydecimal.Decimal", "_decimal.Decimal"}
_CHOICES_BASES = {"django.db.models.enums.Choices", "django.db.models.enums.TextChoices",
                  "django.db.models.enums.IntegerChoices"}
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}
_Q_CONNECTORS = {ast.BitOr: "OR", ast.BitAnd: "AND", ast.BitXor: "XOR"}
# enums whose members compare equal to their values (so a member and its value are one value to Django)
_VALUE_ENUMS = {"builtins.int", "builtins.str", "builtins.float", "builtins.bytes", "enum.IntEnum", "enum.StrEnum",
                "enum.IntFlag", "enum.ReprEnum", *_CHOICES_BASES}
_IMPORT_STRING = {"django.utils.module_loading.import_string"}


def is_opaque(value: Any) -> bool:
    """Whether ``value`` holds an Opaque anywhere inside."""
    if isinstance(value, Opaque):
        return True
    if isinstance(value, (tuple, list)):
        return any(is_opaque(v) for v in value)
    if isinstance(value, dict):
        return any(is_opaque(v) for v in value.values())
    if isinstance(value, Call):
        return any(is_opaque(v) for v in value.args) or any(is_opaque(v) for _, v in value.kwargs)
    if isinstance(value, QNode):
        return any(is_opaque(c) for c in value.children)
    return False


_PLAIN = (str, int, float, bool, bytes, Decimal, type(None))
# the methods of a string that give a string and run nothing else: evaluated on readable strings
_STR_METHODS = frozenset({"lower", "upper", "title", "capitalize", "casefold", "strip", "lstrip", "rstrip",
                          "replace", "removeprefix", "removesuffix"})


def first_opaque(value: Any) -> Opaque | None:
    if isinstance(value, _PLAIN):  # most values: nothing inside
        return None
    if isinstance(value, Opaque):
        return value
    items: list = []
    if isinstance(value, (tuple, list)):
        items = list(value)
    elif isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, Call):
        items = [*value.args, *(v for _, v in value.kwargs)]
    elif isinstance(value, QNode):
        items = list(value.children)
    for item in items:
        found = first_opaque(item)
        if found is not None:
            return found
    return None


@dataclass
class Scope:
    """Where an expression is evaluated: a module and, inside a class body, the enclosing classes
    (innermost last) whose earlier assignments are visible by plain name."""

    module: Module
    classes: tuple[ast.ClassDef, ...] = ()


@dataclass
class Evaluator:
    """Evaluates expressions of a project's modules into state values (see the module's docstring)."""

    finder: Finder
    settings: dict[str, Any] = field(default_factory=dict)
    # every name the settings module assigns (``conditions.settings_assigned``); None: not known
    assigned_settings: set[str] | None = None
    # the settings evaluations have consulted since the caller last cleared it (a cached reading's key)
    settings_read: set[str] = field(default_factory=set)
    # the settings module (for ``assigned_settings`` when asked first), the settings it sets to values mgen
    # cannot read, and what ``settings_objects`` worked out (instances, app settings modules, swapper's calls)
    settings_module: str | None = None
    unknown_settings: set[str] = field(default_factory=set)
    objects: dict[str, dict] = field(default_factory=dict)
    # the values assumed for run-time conditions (``runtime_conditions.World``); None: such a test refuses
    world: Any = None
    # ``Model._meta.db_table`` and the like of a model class (``model_meta``; set by the project)
    model_meta: Any = None
    _active: set = field(default_factory=set)
    # per class node: its body's bindings by name, and its ancestors (neither changes once parsed)
    _bindings: dict[int, dict[str, list[tuple[int, ast.stmt]]]] = field(default_factory=dict)
    _ancestors: dict[int, list[Resolved]] = field(default_factory=dict)

    # -- entry points --------------------------------------------------------------------------
    def assigned(self) -> set[str] | None:
        """Every name the settings module assigns (``conditions.settings_assigned``), read once."""
        if self.assigned_settings is None and self.settings_module and "assigned" not in self.objects:
            self.objects["assigned"] = {}
            module = self.finder.module(self.settings_module)
            self.assigned_settings = conditions.settings_assigned(self.finder, module) if module else None
        return self.assigned_settings

    def value(self, node: ast.expr, scope: Scope) -> Any:
        if isinstance(node, ast.Constant):  # most nodes; nothing in one can refer back to itself
            return _constant(node.value, scope.module)
        key = (id(scope.module), id(node))
        if key in self._active:
            return self.opaque(node, scope.module, "refers to itself")
        self._active.add(key)
        try:
            return self._value(node, scope)
        finally:
            self._active.discard(key)

    def resolve(self, node: ast.expr, scope: Scope) -> Resolved | None:
        """What a name or attribute chain refers to (None for other expressions)."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head = dotted.partition(".")[0]
        for cls in scope.classes[-1:]:  # a class body sees its own names, not an enclosing class's
            bindings = self._bindings.get(id(cls))
            if bindings is not None and head not in bindings:
                break  # the common case (``models.CharField`` in a class body): nothing to look through
            stmt = self._class_binding(cls, head, before=getattr(node, "lineno", 10 ** 9))
            if stmt is not None:
                owner = Definition(f"{scope.module.name}.{cls.name}", scope.module, cls)
                current: Resolved = Definition(f"{owner.path}.{head}", scope.module, stmt, owner=owner)
                for attr in dotted.split(".")[1:]:
                    current = self.finder.attribute(current, attr)
                return current
        return self.finder.resolve(scope.module, dotted)

    def path_of(self, node: ast.expr, scope: Scope) -> str | None:
        """The definition path of a name (a class, function or module), or None."""
        target = self.resolve(node, scope)
        if isinstance(target, (Definition, External)):
            return target.path
        if isinstance(target, ModuleRef):
            return target.module.name
        return None

    @staticmethod
    def opaque(node: ast.AST, module: Module, why: str = "") -> Opaque:
        return Opaque(source_text(module, node), str(module.path), getattr(node, "lineno", None))

    # -- the cases ---------------------------------------------------------------------------
    def _value(self, node: ast.expr, scope: Scope) -> Any:
        if isinstance(node, ast.Constant):
            return _constant(node.value, scope.module)
        if isinstance(node, (ast.Tuple, ast.List)):
            # lists stay lists: Django's autodetector tells ["a"] from ("a",) in options and arguments
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return self._starred(node, scope)
            items = [self.value(e, scope) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Set):
            items = [self.value(e, scope) for e in node.elts]
            try:
                return set(items)
            except TypeError:
                return tuple(items)
        if isinstance(node, ast.Dict):
            if any(k is None for k in node.keys):
                return self.opaque(node, scope.module)
            return {self.value(k, scope): self.value(v, scope) for k, v in zip(node.keys, node.values)}  # type: ignore[arg-type]
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, scope)
        if isinstance(node, ast.BinOp):
            return self._binop(node, scope)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self._name(node, scope)
        if isinstance(node, ast.Call):
            return self._call(node, scope)
        if isinstance(node, ast.IfExp):
            test = conditions.plain(self.value(node.test, scope))
            if isinstance(test, (*_PLAIN, tuple, list, dict)):
                return self.value(node.body if test else node.orelse, scope)
            return self.opaque(node, scope.module)
        if isinstance(node, (ast.Compare, ast.BoolOp)):
            return conditions.evaluate(self, node, scope)
        if isinstance(node, ast.Subscript):
            return conditions.subscript(self, node, scope)
        if isinstance(node, ast.JoinedStr):
            return self._joined(node, scope)
        return self.opaque(node, scope.module)

    def _joined(self, node: ast.JoinedStr, scope: Scope) -> Any:
        """An f-string of readable strings and numbers, without conversions or format specs
        (``f"{name.lower()}_ptr"``)."""
        parts: list[str] = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
                continue
            value = self.value(part.value, scope) if isinstance(part, ast.FormattedValue) else None
            if not isinstance(part, ast.FormattedValue) or part.conversion != -1 or part.format_spec is not None \
                    or not isinstance(value, (str, int)) or isinstance(value, bool):
                return self.opaque(node, scope.module)
            parts.append(str(value))
        return "".join(parts)

    def _str_method(self, node: ast.Call, scope: Scope) -> Any:
        """A method of a readable string: its value when it is a pure one with string arguments
        (``name.lower()``), else opaque (``name.format(x)``); None when the owner is not a string."""
        func = node.func
        assert isinstance(func, ast.Attribute)
        owner = self.value(func.value, scope)
        if not isinstance(owner, str):
            return None
        args = [self.value(a, scope) for a in node.args]
        if func.attr in _STR_METHODS and not node.keywords and all(isinstance(a, str) for a in args):
            try:
                return getattr(owner, func.attr)(*args)
            except (TypeError, ValueError):
                pass
        return self.opaque(node, scope.module)

    def _starred(self, node: ast.Tuple | ast.List, scope: Scope) -> Any:
        out: list = []
        for e in node.elts:
            if isinstance(e, ast.Starred):
                inner = self.value(e.value, scope)
                if not isinstance(inner, (tuple, list)):
                    return self.opaque(node, scope.module)
                out.extend(inner)
            else:
                out.append(self.value(e, scope))
        return tuple(out) if isinstance(node, ast.Tuple) else out

    def _unary(self, node: ast.UnaryOp, scope: Scope) -> Any:
        operand = self.value(node.operand, scope)
        if isinstance(node.op, ast.Not):
            operand = conditions.plain(operand)
        if isinstance(node.op, ast.Invert) and isinstance(operand, QNode):
            return operand.invert()
        if isinstance(operand, (int, float, Decimal)) and not isinstance(operand, bool):
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
        if isinstance(node.op, ast.Not) and isinstance(operand, (bool, int, str, type(None))):
            return not operand
        return self.opaque(node, scope.module)

    def _binop(self, node: ast.BinOp, scope: Scope) -> Any:
        left, right = self.value(node.left, scope), self.value(node.right, scope)
        if isinstance(left, QNode) and isinstance(right, QNode) and type(node.op) in _Q_CONNECTORS:
            return left.combine(right, _Q_CONNECTORS[type(node.op)])
        literal = (int, float, Decimal, str, tuple, list, bytes)
        if isinstance(left, literal) and isinstance(right, literal) and type(node.op) in _BINOPS \
                and bounded.fits(node.op, left, right):
            try:
                return _BINOPS[type(node.op)](left, right)
            except (TypeError, ValueError, ArithmeticError):
                pass
        return self.opaque(node, scope.module)

    def _name(self, node: ast.Name | ast.Attribute, scope: Scope) -> Any:
        if isinstance(node, ast.Attribute):
            owner = self.resolve(node.value, scope)
            if isinstance(owner, Definition) and (owner.path == SETTINGS_PATH or self.settings_proxy(owner)):
                return self.setting(node.attr, node, scope)
            if isinstance(owner, Definition) and isinstance(owner.value, ast.Call):  # an app settings object
                found = settings_objects.object_attribute(self, owner, node.attr, node, scope)
                if found is not None:
                    return found
            if self.model_meta is not None and node.attr in model_meta.ATTRIBUTES \
                    and isinstance(node.value, ast.Attribute) and node.value.attr == "_meta":  # M._meta.db_table
                model = self.resolve(node.value.value, scope)
                found = self.model_meta(model, node.attr) if isinstance(model, Definition) else None
                if found is not None:
                    return found
            if isinstance(owner, Definition) and node.attr in enums.ATTRIBUTES:  # E.MEMBER.value
                found = enums.member_attribute(self, owner, node.attr, node, scope)
                if found is not None:
                    return found
            if isinstance(owner, Definition) and isinstance(owner.node, ast.ClassDef) \
                    and node.attr in ("choices", "values", "labels", "names") and self.is_choices(owner):
                members = self.choices_members(owner)
                return {
                    "choices": [(v, label) for _, v, label in members],
                    "values": [v for _, v, _ in members],
                    "labels": [label for _, _, label in members],
                    "names": [n for n, _, _ in members],
                }[node.attr]
        target = self.resolve(node, scope)
        if isinstance(target, Unknown) and isinstance(node, ast.Attribute):
            owner = self.resolve(node.value, scope)
            if isinstance(owner, ModuleRef):  # PEP 562, sys.modules[__name__] = OBJ, a name bound in an if
                return settings_objects.module_attribute(self, owner.module, node.attr, node, scope)
        if isinstance(target, Unknown) and isinstance(node, ast.Name):  # imported from such a module
            module_name, _, attr = (conditions.spelled_path(node, scope.module) or "").rpartition(".")
            module = self.finder.module(module_name) if module_name else None
            if module is not None:
                return settings_objects.module_attribute(self, module, attr, node, scope)
        if target is None or isinstance(target, Unknown):
            return self.opaque(node, scope.module)
        return self.resolved_value(target, node, scope)

    def resolved_value(self, target: Resolved, node: ast.expr, scope: Scope) -> Any:
        if isinstance(target, ModuleRef):
            return Ref(target.module.name)
        if isinstance(target, External):
            return Ref(target.path)
        if target.path == SETTINGS_PATH:
            return Ref(SETTINGS_PATH)
        if target.owner is not None and self.is_choices(target.owner) and target.value is not None:
            for name, value, _ in self.choices_members(target.owner):
                if target.path.endswith("." + name):
                    return value
        if target.owner is not None and target.value is not None and self.plain_enum(target.owner):
            return Ref(target.path)  # a member of an Enum equal to no value: itself (Django writes E['NAME'])
        value = target.value
        if value is None:  # a class or a function: referenced by its path
            return Ref(target.path)
        inner = Scope(target.module, self._class_chain(target.owner))
        return self.value(value, inner)

    def _class_chain(self, owner: Definition | None) -> tuple[ast.ClassDef, ...]:
        chain = []
        while owner is not None and isinstance(owner.node, ast.ClassDef):
            chain.append(owner.node)
            owner = owner.owner
        return tuple(reversed(chain))

    def settings_proxy(self, owner: Definition) -> bool:
        """Whether ``owner`` is a project's settings object that forwards to Django's: an instance of a class
        whose ``__getattr__(self, name)`` answers ``getattr(django.conf.settings, name)`` (``settings =
        StaticSettings()``, read as ``from app.conf import settings``); its attributes are then settings."""
        value = owner.value
        if not isinstance(value, ast.Call) or value.args or value.keywords:
            return False
        cls = self.resolve(value.func, Scope(owner.module))
        if not isinstance(cls, Definition) or not isinstance(cls.node, ast.ClassDef):
            return False
        for item in cls.node.body:
            if not (isinstance(item, ast.FunctionDef) and item.name == "__getattr__" and len(item.args.args) == 2):
                continue
            param = item.args.args[1].arg
            for call in ast.walk(item):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "getattr" \
                        and len(call.args) >= 2 and isinstance(call.args[1], ast.Name) and call.args[1].id == param:
                    target = self.resolve(call.args[0], Scope(cls.module))
                    if getattr(target, "path", None) == SETTINGS_PATH:
                        return True
        return False

    def setting(self, name: str, node: ast.expr, scope: Scope) -> Any:
        self.settings_read.add(name)
        if name not in self.settings:
            default = settings_objects.swapper_default(self, name)
            if default is not None:  # a swappable model setting swapper sets to its own model
                return Setting(name, default)
            raise MgenError(f"settings.{name} is used but the settings module does not set it to a literal",
                            str(scope.module.path), getattr(node, "lineno", None))
        return Setting(name, self.settings[name])

    def _call(self, node: ast.Call, scope: Scope) -> Any:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return self.opaque(node, scope.module)
        if isinstance(node.func, ast.Attribute) and hasattr(str, node.func.attr):
            found = self._str_method(node, scope)
            if found is not None:
                return found
        target = self.resolve(node.func, scope)
        spelled = conditions.spelled_path(node.func, scope.module)
        if spelled in settings_objects.SWAPPER or getattr(target, "path", None) in settings_objects.SWAPPER:
            args = tuple(self.value(a, scope) for a in node.args)
            kwargs = {k.arg: self.value(k.value, scope) for k in node.keywords if k.arg}
            return settings_objects.swapper_call(self, spelled or target.path, args, kwargs, node, scope)  # type: ignore[union-attr]
        if target is None or isinstance(target, Unknown):
            if spelled not in canonical.KNOWN_CALLS:  # a stdlib class whose module imports it from C
                return self.opaque(node, scope.module)
            target = External(spelled)
        path = target.path if isinstance(target, (Definition, External)) else target.module.name
        if path not in _GETTEXT and path not in _IMPORT_STRING:
            target = self._alias(target, node, scope)
            if target is None:
                return self.opaque(node, scope.module)
            path = target.path if isinstance(target, (Definition, External)) else target.module.name
        if path == "builtins.getattr":
            return conditions.settings_getattr(self, node, scope)
        if path == GET_USER_MODEL and not node.args and not node.keywords:  # ForeignKey(get_user_model(), ...)
            return self.setting("AUTH_USER_MODEL", node, scope)  # deconstructs as the swappable setting
        if path in conditions.IS_INSTALLED:
            return conditions.is_installed(self, node, scope)
        args = tuple(self.value(a, scope) for a in node.args)
        kwargs = {k.arg: self.value(k.value, scope) for k in node.keywords if k.arg}
        if path in _IMPORT_STRING:
            return self._import_string(args, kwargs, node, scope)
        if path in canonical.KNOWN_CALLS:
            return canonical.value_of(path, args, kwargs, lambda: self.opaque(node, scope.module))
        if path in _GETTEXT:  # a lazy translation is text (Python 2 too)
            return text(args[-1]) if args and isinstance(args[-1], str) else self.opaque(node, scope.module)
        if path in _DECIMAL and len(args) == 1 and isinstance(args[0], (str, int)) and not kwargs:
            try:
                return Decimal(args[0])
            except InvalidOperation:
                return self.opaque(node, scope.module)
        if path == Q_PATH:
            return QNode.build(args, kwargs)
        if isinstance(target, Definition) and not isinstance(target.node, ast.ClassDef):
            # a function runs code: its result is unknown (classes make value objects Django deconstructs)
            return self.opaque(node, scope.module)
        if isinstance(target, External) and target.path.startswith("builtins.") and target.path not in (
                "builtins.tuple", "builtins.list", "builtins.set", "builtins.frozenset", "builtins.dict"):
            return self.opaque(node, scope.module)
        if path in ("builtins.tuple", "builtins.list", "builtins.frozenset", "builtins.set"):
            if len(args) > 1 or args and not isinstance(args[0], (tuple, list, set)):
                return self.opaque(node, scope.module)
            items = list(args[0]) if args else []
            return items if path == "builtins.list" else (set(items) if path.endswith("set") else tuple(items))
        if path == "builtins.dict" and not args:
            return kwargs
        if isinstance(target, Definition) and (member := enum_call(self, target, args, kwargs)) is not NOT_A_MEMBER:
            return member  # E(1) of an IntEnum: its value, as E.NAME reads (enum_calls)
        return Call.of(path, args, kwargs)

    def _alias(self, target: Resolved, node: ast.Call, scope: Scope) -> Resolved | None:
        """A call through a name bound to a class (``F = models.CharField``, ``F = import_string(...)``):
        the class it names; a name bound to anything else is None (its call runs code)."""
        seen = 0
        while isinstance(target, Definition) and target.value is not None and seen < 8 \
                and target.path not in _GETTEXT and target.path not in _IMPORT_STRING:
            seen += 1
            if isinstance(target.value, (ast.Name, ast.Attribute)):  # _ = gettext_lazy: the name it binds
                target = self.resolve(target.value, Scope(target.module, self._class_chain(target.owner)))
                continue
            value = self.resolved_value(target, node.func, scope)
            if not isinstance(value, Ref):
                return None
            target = self.resolve_path(value.path)
            if target is None:
                return None
        return target

    def resolve_path(self, path: str) -> Resolved | None:
        """The definition a dotted import path names (a class, function or module), External when no root
        has its source; None when a root has the module and not the name."""
        module_name, _, name = path.rpartition(".")
        while module_name:
            module = self.finder.module(module_name)
            if module is not None:
                found = self.finder.resolve(module, path[len(module_name) + 1:])
                return None if isinstance(found, Unknown) else found
            module_name = module_name.rpartition(".")[0]
        return External(path) if name else None

    def _import_string(self, args: tuple, kwargs: dict, node: ast.Call, scope: Scope) -> Any:
        """``import_string("a.b.C")`` (or of a setting holding the path): the object it imports."""
        value = args[0] if len(args) == 1 and not kwargs else None
        value = value.value if isinstance(value, Setting) else value
        if not isinstance(value, str) or "." not in value:
            return self.opaque(node, scope.module)
        found = self.resolve_path(value)
        if isinstance(found, (Definition, External)):
            return Ref(found.path)
        if isinstance(found, ModuleRef):
            return Ref(found.module.name)
        return self.opaque(node, scope.module)

    # -- classes -----------------------------------------------------------------------------
    def bases(self, cls: Definition) -> list[Resolved]:
        """The resolved base classes of a class definition."""
        return self.finder.bases(cls)

    def ancestors(self, cls: Definition) -> list[Resolved]:
        """All base classes, depth first (each once), for 'is it a subclass of' questions; a base no root
        has the source of is a leaf. The list is shared: callers do not change it."""
        cached = self._ancestors.get(id(cls.node))
        if cached is None:
            cached = self._ancestors[id(cls.node)] = self._find_ancestors(cls)
        return cached

    def _find_ancestors(self, cls: Definition) -> list[Resolved]:
        out: list[Resolved] = []
        seen: set[str] = set()
        stack = list(reversed(self.bases(cls)))
        while stack:
            base = stack.pop()
            key = base.path if isinstance(base, (Definition, External)) else (
                base.module.name if isinstance(base, ModuleRef) else repr(base))
            if key in seen:
                continue
            seen.add(key)
            out.append(base)
            if isinstance(base, Definition) and isinstance(base.node, ast.ClassDef):
                stack.extend(reversed(self.bases(base)))
        return out

    def plain_enum(self, cls: Definition) -> bool:
        """An ``enum.Enum`` whose members equal no plain value (no ``int``/``str`` mixin, not Django's Choices)."""
        if not isinstance(cls.node, ast.ClassDef):
            return False
        paths = {getattr(b, "path", None) for b in self.ancestors(cls)}
        return "enum.Enum" in paths and not paths & _VALUE_ENUMS

    def is_choices(self, cls: Definition) -> bool:
        return isinstance(cls.node, ast.ClassDef) and any(
            isinstance(b, (Definition, External)) and b.path in _CHOICES_BASES for b in self.ancestors(cls))

    def choices_members(self, cls: Definition) -> list[tuple[str, Any, Any]]:
        """(name, value, label) of a TextChoices/IntegerChoices class, as Django's ChoicesType makes them."""
        assert isinstance(cls.node, ast.ClassDef)
        scope = Scope(cls.module, (*self._class_chain(cls.owner), cls.node))
        members = []
        for stmt in cls.node.body:
            if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
                continue
            for name in class_targets(stmt):
                if name.startswith("_"):
                    continue
                raw = self.value(stmt.value, Scope(scope.module, scope.classes[:-1]))
                if isinstance(raw, (tuple, list)) and len(raw) > 1 and isinstance(raw[-1], str):
                    *value, label = raw
                    raw = value[0] if len(value) == 1 else tuple(value)
                else:
                    label = name.replace("_", " ").title()
                members.append((name, raw, label))
        return members


    def _class_binding(self, cls: ast.ClassDef, name: str, before: int) -> ast.stmt | None:
        """The last assignment to ``name`` in the class body before line ``before``."""
        bindings = self._bindings.get(id(cls))
        if bindings is None:
            bindings = self._bindings[id(cls)] = _class_bindings(cls)
        found = None
        for line, stmt in bindings.get(name, ()):
            if line >= before:
                break
            found = stmt
        return found


def _class_bindings(cls: ast.ClassDef) -> dict[str, list[tuple[int, ast.stmt]]]:
    """The names a class body binds (assignments, nested classes, methods), each with its statements in order."""
    out: dict[str, list[tuple[int, ast.stmt]]] = {}
    for stmt in cls.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            names = class_targets(stmt)
        elif isinstance(stmt, (ast.ClassDef, ast.FunctionDef)):
            names = [stmt.name]
        else:
            continue
        for name in names:
            out.setdefault(name, []).append((stmt.lineno, stmt))
    return out
