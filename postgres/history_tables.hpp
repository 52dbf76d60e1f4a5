// The tables in which migration tools record what they applied: migc's own, Alembic's and those
// of the other tools a migrator adopts (golang-migrate, dbmate, goose, sqlx, Flyway). They record
// the schema, they are not part of it: catalog snapshots, drift checks and introspection skip them.
#pragma once

// Each tool's table by the name it gives it, in any schema.
#define MIGC_FOREIGN_HISTORY_TABLES \
  "'alembic_version', 'schema_migrations', 'goose_db_version', '_sqlx_migrations', 'flyway_schema_history'"

// True for a pg_class row `c` that is none of those tables, nor an index or a sequence of one
// (a primary key's index, goose's id sequence, Flyway's index on `success`): by their tables, not
// by their names, so a user's `schema_migrations_log` stays in.
#define MIGC_NOT_HISTORY_RELATION_SQL                                                                    \
  "c.relname NOT LIKE 'migc\\_%' AND c.relname NOT IN (" MIGC_FOREIGN_HISTORY_TABLES ")\n"              \
  "    AND NOT EXISTS (SELECT 1 FROM pg_index hi JOIN pg_class ht ON ht.oid = hi.indrelid\n"             \
  "                    WHERE hi.indexrelid = c.oid AND ht.relname IN (" MIGC_FOREIGN_HISTORY_TABLES "))\n" \
  "    AND NOT EXISTS (SELECT 1 FROM pg_depend hd JOIN pg_class ht ON ht.oid = hd.refobjid\n"            \
  "                    WHERE hd.classid = 'pg_class'::regclass AND hd.objid = c.oid\n"                  \
  "                      AND hd.refclassid = 'pg_class'::regclass AND hd.deptype IN ('a', 'i')\n"       \
  "                      AND ht.relname IN (" MIGC_FOREIGN_HISTORY_TABLES "))\n"
