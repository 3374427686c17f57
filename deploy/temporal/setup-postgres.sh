#!/bin/sh
# Temporal's two databases on PostgreSQL — `temporal` (persistence) and `temporal_visibility` (SQL visibility: runs
# found by search attributes) — created if missing and brought to the schema of the server's version with the schemas
# built into temporal-sql-tool. Safe to run again: a database at the latest version is left as it is.
# Run by docker-compose.yml's temporal-schema job (temporalio/admin-tools) and by `npm run test:cluster`.
set -eu
: "${POSTGRES_SEEDS:?the PostgreSQL host}" "${POSTGRES_USER:?the user Temporal connects as}" "${POSTGRES_PWD:?its password}"
SQL_TOOL=${SQL_TOOL:-temporal-sql-tool}
export SQL_PASSWORD="$POSTGRES_PWD"

for database in temporal:temporal temporal_visibility:visibility; do
  name=${database%%:*}
  schema=postgresql/v12/${database#*:}
  set -- --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" --db "$name"
  echo "setting up database $name (schema $schema)"
  "$SQL_TOOL" "$@" create-database
  "$SQL_TOOL" "$@" setup-schema -v 0.0
  "$SQL_TOOL" "$@" update-schema --schema-name "$schema"
done
echo 'Temporal databases ready'
