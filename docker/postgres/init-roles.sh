#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d):
# the app and Temporal each get a role of their own instead of the superuser.
#   booking   owns the booking database (the migration job and the app use it); no other rights.
#   temporal  may create databases (the temporal-schema job creates and owns Temporal's two).
# Passwords come from the environment and reach SQL as psql variables (:'name'), quoted by psql.
set -eu

: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD}"
: "${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD}"
APP_DB_USER="${APP_DB_USER:-booking}"
APP_DB_NAME="${APP_DB_NAME:-booking}"
TEMPORAL_DB_USER="${TEMPORAL_DB_USER:-temporal}"

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" -v app_db="$APP_DB_NAME" \
  -v temporal_user="$TEMPORAL_DB_USER" -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
CREATE ROLE :"temporal_user" LOGIN PASSWORD :'temporal_password' NOSUPERUSER CREATEDB NOCREATEROLE;
SQL
