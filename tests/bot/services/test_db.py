from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from bot.services.db import make_engine, session_factory, unit_of_work


def _table(metadata: MetaData) -> Table:
    return Table("things", metadata, Column("id", Integer, primary_key=True), Column("name", String))


def test_sqlite_file_is_created_with_its_folder(tmp_path: Path) -> None:
    db_file = tmp_path / "deep" / "folder" / "test.db"
    engine = make_engine(f"sqlite:///{db_file}")
    metadata = MetaData()
    things = _table(metadata)
    metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as session:
        session.execute(insert(things).values(name="a"))
    assert db_file.exists()
    with unit_of_work(session_factory(engine)) as session:
        assert session.execute(select(func.count()).select_from(things)).scalar_one() == 1


def test_unit_of_work_rolls_back_on_error(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    metadata = MetaData()
    things = _table(metadata)
    metadata.create_all(engine)
    factory = session_factory(engine)
    with pytest.raises(RuntimeError):
        with unit_of_work(factory) as session:
            session.execute(insert(things).values(name="lost"))
            raise RuntimeError("boom")
    with unit_of_work(factory) as session:
        assert session.execute(select(func.count()).select_from(things)).scalar_one() == 0
