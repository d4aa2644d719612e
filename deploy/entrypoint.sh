#!/bin/sh
# Start one Grondwerk process in the container; the command picks which, GRONDWERK_COMPONENT for what:
#   serve      (default) the component's API with gunicorn, or the gateway (`python -m gateway`, its
#              own server, GATEWAY_WORKERS processes) when GRONDWERK_COMPONENT=gateway;
#              GRONDWERK_MIGRATE=true migrates first
#   worker     the component's Celery worker with its embedded beat (the outbox and delivery sweeps)
#   migrate    create the component's database if missing, migrate it, and (authorizations)
#              ensure the service client exists — for a Kubernetes Job or init container
#   grondwerk ARGS / anything else   run as given (e.g. `grondwerk authorizations create_client x --all`)
set -eu

component="${GRONDWERK_COMPONENT:-}"
port="${PORT:-8000}"

need_component() {
  case "$component" in
    authorizations|persons|cases|documents|notifications) ;;
    gateway) [ "$1" = serve ] || { echo "the gateway has no '$1'" >&2; exit 2; } ;;
    *) echo "set GRONDWERK_COMPONENT to one of: authorizations persons cases documents notifications gateway" \
            "(got '${component}')" >&2
       exit 2 ;;
  esac
}

migrate() {
  python -c "import sys; from devstack.services import create_databases; create_databases([sys.argv[1]])" "$component"
  grondwerk "$component" migrate --noinput
  if [ "$component" = authorizations ]; then
    grondwerk authorizations bootstrap --no-demo
  fi
}

command="${1:-serve}"
case "$command" in
  serve)
    need_component serve
    if [ "$component" = gateway ]; then
      # Clients' X-Forwarded-* are ignored unless GATEWAY_TRUST_FORWARDED=true (behind an
      # ingress or load balancer that sets them).
      exec python -m gateway --host 0.0.0.0 --port "$port" --workers "${GATEWAY_WORKERS:-2}"
    fi
    if [ "${GRONDWERK_MIGRATE:-false}" = true ]; then
      migrate
    fi
    # --reuse-port: a listening socket per worker, so connections are spread over the workers.
    exec gunicorn --bind "0.0.0.0:$port" --workers "${WEB_CONCURRENCY:-2}" \
      --worker-class gthread --threads "${WEB_THREADS:-4}" --keep-alive 75 --reuse-port --graceful-timeout 20 --timeout 60 --no-control-socket \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" "components.${component}.wsgi:application"
    ;;
  worker)
    need_component worker
    export DJANGO_SETTINGS_MODULE="components.$component.settings"
    # The command line is the one components/kernel/celery.py defines for every worker.
    argv=$(python -c "import sys; from components.kernel.celery import worker_argv; print(' '.join(worker_argv(sys.argv[1], concurrency=int(sys.argv[2]))))" \
           "$component" "${WORKER_CONCURRENCY:-8}")
    # shellcheck disable=SC2086  # argv is a list of plain words
    exec $argv --schedule-filename "${GRONDWERK_VAR_DIR:-var}/celerybeat-$component"
    ;;
  migrate)
    need_component migrate
    migrate
    ;;
  *)
    exec "$@"
    ;;
esac
