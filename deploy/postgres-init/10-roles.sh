#!/bin/sh
# Issue 15, point 4: the two database roles, created once by the PostgreSQL image's superuser when the data
# volume is initialised (docker-entrypoint-initdb.d). The superuser is used for nothing else.
#   jobagentur_owner  owns the database, the schema and every table: runs `migrate` and `grant_app_role`
#   jobagentur_app    the application (web, worker, beat): never superuser, never owner; its rights on the
#                     tables come from `manage.py grant_app_role jobagentur_app` (run by the migrate service)
set -eu
: "${DB_OWNER_PASSWORD:?set DB_OWNER_PASSWORD in deploy/.env}"
: "${DB_APP_PASSWORD:?set DB_APP_PASSWORD in deploy/.env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v db="$POSTGRES_DB" -v owner_password="$DB_OWNER_PASSWORD" -v app_password="$DB_APP_PASSWORD" <<'SQL'
CREATE ROLE jobagentur_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE jobagentur_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO jobagentur_owner;
ALTER SCHEMA public OWNER TO jobagentur_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO jobagentur_owner, jobagentur_app;
SQL
