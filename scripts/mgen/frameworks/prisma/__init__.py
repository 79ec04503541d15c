"""Prisma projects (docs/prisma.md): the schema language read statically (``psl.py``, ``datamodel.py``) into the
schema ``prisma migrate`` would build, the migrations folded, and the next ``<timestamp>_<name>/migration.sql``
written in Prisma's layout with a ``down.sql`` beside it (``writer.py``)."""
