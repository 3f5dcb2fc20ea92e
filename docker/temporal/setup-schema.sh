#!/bin/sh
# Temporal's two PostgreSQL databases, persistence and visibility: created if
# missing, then brought to the schema of this server release by Temporal's own
# schema tool. Safe to run again: each step does nothing once done, so it runs
# before every server start, and an upgrade of the image tags upgrades the schema.
#
# Runs in the temporalio/admin-tools image (docker-compose.yml, job temporal-schema)
# and under `npm run dev -- --temporal=postgres` (src/local/temporal-server.ts, with
# the tool and the schema files built from the same release).
# The tool reads its connection from the environment: SQL_PLUGIN, SQL_HOST,
# SQL_PORT, SQL_USER, SQL_PASSWORD.
set -eu

SQL_TOOL="${SQL_TOOL:-temporal-sql-tool}"
SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

for pair in "${TEMPORAL_DB:-temporal}:temporal" "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}:visibility"; do
  database="${pair%%:*}"
  schema="${pair##*:}"
  echo "Temporal schema: $database ($schema)"
  "$SQL_TOOL" --database "$database" create-database
  # Only the version tables; on a database that has them it changes nothing.
  "$SQL_TOOL" --database "$database" setup-schema -v 0.0
  "$SQL_TOOL" --database "$database" update-schema -d "$SCHEMA_DIR/$schema/versioned"
done
echo "Temporal schema: up to date"
