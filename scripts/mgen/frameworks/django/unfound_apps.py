"""A relation into an installed app mgen finds nowhere: its label is its ``AppConfig``'s, which mgen cannot read.

django-helpdesk's ``team = models.ForeignKey(pinax.teams.models.Team, ...)`` with ``pinax.teams`` installed
but not where mgen reads: the models' reader labels the class by the app's default label (``teams.team``),
while pinax-teams' ``AppConfig`` says ``label = "pinax_teams"`` and the migration has
``to="pinax_teams.team"``. Taking the default would write an ``AlterField`` Django does not. So, after the
history is replayed, such a target takes the label the migrations' same field has, when that label is one the
app could have (its default, or its module with dots as underscores, as the history's dependencies are read
in ``replay.build_graph``) and names the same model; a relation no migration has yet refuses its app at the
field's file and line (the label is unknown until the project's environment is installed).
"""
from __future__ import annotations

from dataclasses import replace

from ...errors import MgenError
from .project import DjangoProject
from .state import FieldState, ProjectState, Setting

RELATED = ("ForeignKey", "OneToOneField", "ManyToManyField")


def _labels(project: DjangoProject) -> dict[str, tuple[str, set[str]]]:
    """The label each unfound app has in this run -> (its module, the labels it could have)."""
    out = {}
    for app in project.apps:
        if app.path is None:
            out[app.label] = (app.name, {app.label, app.name.rpartition(".")[2], app.name.replace(".", "_")})
    return out


def _target(f: FieldState) -> str | None:
    to = f.get("to")
    return to if isinstance(to, str) and not isinstance(to, Setting) else None


def relabel(desired: ProjectState, migrated: ProjectState | None, project: DjangoProject) -> None:
    """Relations of the project's models into an unfound app take the migrations' label; an app with one the
    migrations do not have is refused (``desired.refused``)."""
    unfound = _labels(project)
    if not unfound:
        return
    own = {a.label for a in project.project_apps}
    read = {app for app, _ in desired.models if app not in unfound}
    for key, model in list(desired.models.items()):
        if key[0] not in own or key[0] in desired.refused:
            continue
        fields = dict(model.fields)
        for name, f in model.fields.items():
            to = _target(f) if f.django_class in RELATED else None
            app, _, target = (to or "").partition(".")
            if to is None or app not in unfound or app in read:
                continue
            module, candidates = unfound[app]
            old_model = migrated.models.get(key) if migrated is not None else None
            old = old_model.fields.get(name) if old_model is not None else None
            old_to = _target(old) if old is not None else None
            old_app, _, old_name = (old_to or "").partition(".")
            if old_to is not None and old_app in candidates and old_name.lower() == target.lower():
                fields[name] = replace(f, kwargs={**f.kwargs, "to": old_to})
                continue
            desired.refused.setdefault(key[0], MgenError(
                f"{model.label_lower}.{name} points at a model of {module}, an installed app mgen finds nowhere: "
                f"its label (its AppConfig's, one of {', '.join(sorted(candidates))}) is unknown and no migration "
                "has this field; install the project's environment or give --python", f.file, f.line))
            break
        else:
            if fields != model.fields:
                desired.models[key] = replace(model, fields=fields)
            continue
        for other in [k for k in desired.models if k[0] == key[0]]:  # the history's models stand in
            del desired.models[other]
