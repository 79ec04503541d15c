"""Alembic: the revision chain (``revisions``), its replay into a Schema, and revision files written
the way ``alembic revision`` writes them."""
