"""migration-generate: safe, reversible, verified schema migrations."""

__version__ = "0.1.0"
