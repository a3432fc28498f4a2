#!/usr/bin/env bash
# Development: Celery worker with embedded beat (filesystem broker by default) and Django's server.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var
.venv/bin/celery -A jobagentur worker --beat --loglevel=INFO --concurrency=2 \
    --schedule=var/celerybeat-schedule >var/celery.log 2>&1 &
CELERY_PID=$!
trap 'kill -TERM $CELERY_PID 2>/dev/null; wait $CELERY_PID 2>/dev/null || true' EXIT INT TERM
echo "Celery-Worker und Beat laufen (Protokoll: var/celery.log)."
echo "Anwendung: http://127.0.0.1:8000  –  Demo-Zugänge: clerk-witten, clerk-hattingen, koordination, kreis, leitung (Passwort: demo)"
"$PY" manage.py runserver 127.0.0.1:${PORT:-8000}
