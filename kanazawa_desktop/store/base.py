"""The database every model is bound to, late: `database_proxy`, and the models' base class.

store.connection opens a file and `database_proxy.initialize(db)` binds every model to it
(the same models could serve a shared PostgreSQL server later). models.py and
exchange_models.py both build on this module and never import each other.
"""

from __future__ import annotations

from peewee import DatabaseProxy, Model

database_proxy = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False
