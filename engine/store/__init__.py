"""The store: SQLAlchemy models, the unit of work and its repositories.

The only package of the engine that imports SQLAlchemy; services see repositories only.
"""
from .db import Database, database_url_from_env, dispose_every_database  # noqa: F401
from .uow import PortalUnitOfWork, UnitOfWork  # noqa: F401
from . import operations_models  # noqa: F401,E402 - registers the operations tables on Base.metadata
from . import warning_models  # noqa: F401,E402 - registers the supervision tables on Base.metadata
from . import complaint_models  # noqa: F401,E402 - registers the complaint tables (issue 11) on Base.metadata
from . import board_models  # noqa: F401,E402 - registers the audit anchors table on Base.metadata
from . import tally_models  # noqa: F401,E402 - registers the 考核 tallies (issue 12) on Base.metadata
