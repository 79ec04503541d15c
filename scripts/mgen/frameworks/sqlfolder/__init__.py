"""Raw-SQL migration folders (golang-migrate, goose, plain up/down) as a framework: the folder is the history,
a schema file (SQL or YAML) or a YAML change list is the desired state, and ``mgen migrate`` is its runner.
It is also the framework ``generate`` falls back to when a ``--schema`` or ``--changes`` file is given, or
no framework's own files were found (``registry.fallback``).
"""
