"""Review workspace: clerks check the flagged corrections of processed documents.

``store`` imports ``OUT/<stem>.json`` Documents into a database (any SQLAlchemy
URL; the schema is managed by the Alembic migrations in ``migrations/``), records
decisions with optimistic locking and an audit log, and exports
``<stem>.reviewed.json``. ``learned`` turns the decisions into the learned folder
the correction engine reads. ``app`` is the FastAPI web application.
"""
