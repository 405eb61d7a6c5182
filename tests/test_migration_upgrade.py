"""An existing database upgrades in place: SQLite's table copies must not trip its foreign
keys, and nothing may be left pointing nowhere."""

from __future__ import annotations

from sqlalchemy import text

from backend.migrate import is_current, migrate_to, upgrade


def _counts(engine) -> dict[str, int]:  # noqa: ANN001
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("os_image", "server", "tariff", "service_order", "invoice")
        }


def test_a_seeded_database_from_an_older_revision_upgrades_with_its_data(sqlite_portal) -> None:
    engine = sqlite_portal.engine
    before = _counts(engine)
    assert before["server"] > 0 and before["os_image"] > 0  # tables that others point at
    # Back to the schema before the tariff and os_image tables were altered, then forward.
    migrate_to(engine, "0003_order_items")
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    assert _counts(engine) == before
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
