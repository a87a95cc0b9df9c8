"""The archive mirrors the hot tables: a column added to `instances`, `inbox` or `attachments`
without its archive twin would be lost when a matter is archived."""
import pytest

from engine.store.models import Attachment, InboxItem, MatterRecord
from engine.store.operations_models import ArchivedAttachment, ArchivedInboxItem, ArchivedMatter

ARCHIVE_ONLY = {"archived_at", "archived_by"}


@pytest.mark.parametrize("hot, archived", [(MatterRecord, ArchivedMatter), (InboxItem, ArchivedInboxItem),
                                           (Attachment, ArchivedAttachment)])
def test_every_hot_column_has_its_archive_twin(hot, archived):
    hot_columns = {c.name: c for c in hot.__table__.columns}
    archive_columns = {c.name: c for c in archived.__table__.columns}
    assert set(archive_columns) - ARCHIVE_ONLY == set(hot_columns)
    for name, column in hot_columns.items():
        assert type(archive_columns[name].type) is type(column.type), name
        assert archive_columns[name].nullable == column.nullable, name
