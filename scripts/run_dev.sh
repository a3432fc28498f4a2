#!/usr/bin/env bash
# Development: Celery worker with embedded beat (filesystem broker by default) and Django's server.
# The last lines printed say where to log in and with which demo logins (issue 14), after the server is up.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
mkdir -p var
.venv/bin/celery -A jobagentur worker --beat --loglevel=INFO --concurrency=2 \
    --schedule=var/celerybeat-schedule >var/celery.log 2>&1 &
CELERY_PID=$!
# Django's "This is a development server" notice: this script is the development setup, the README says how
# to run production (gunicorn); nothing for a newcomer to act on
export DJANGO_RUNSERVER_HIDE_WARNING=true
"$PY" manage.py runserver "127.0.0.1:$PORT" &
SERVER_PID=$!
trap 'kill -TERM $SERVER_PID $CELERY_PID 2>/dev/null; wait $SERVER_PID $CELERY_PID 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 60); do  # wait up to 30 s for the server to answer, then say where to go
    if "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 0.5)" 2>/dev/null; then break; fi
    kill -0 $SERVER_PID 2>/dev/null || exit 1
    sleep 0.5
done
echo
echo "Celery-Worker und Beat laufen (Protokoll: var/celery.log)."
echo "Anmelden: http://127.0.0.1:$PORT/anmelden/"
echo "Demo-Zugänge (Passwort: demo): clerk-witten, clerk-hattingen (Städte), koordination (Koordinierungsstelle), kreis (Kreisverwaltung), leitung (Leitung JobAgentur)"
echo "Gesendete E-Mails (nach dem Anmelden): http://127.0.0.1:$PORT/entwicklung/mails/"
echo "Beenden mit Strg+C."
wait $SERVER_PID
