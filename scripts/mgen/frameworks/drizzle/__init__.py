"""Drizzle ORM projects (docs/drizzle.md): the TypeScript schema read with tree-sitter, drizzle-kit's out/ folder
as the history, the next migration written with its journal entry and snapshot."""
