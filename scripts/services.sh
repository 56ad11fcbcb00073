#!/usr/bin/env bash
# Starts the local services the test suite uses when they are down (PostgreSQL,
# Redis). Commands are this machine's own service start commands; each is
# skipped when the service already answers.
set -uo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

wait_for() { # name check-fn
  for _ in $(seq 1 60); do "$2" && { echo "$1 is up"; return 0; }; sleep 0.5; done
  echo "$1 did not come up" >&2; return 1
}

start() {
  if pg_up; then echo "PostgreSQL is up"; else
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    wait_for PostgreSQL pg_up || exit 1
  fi
  # The suite's PostgreSQL tests use database "test"; create it if missing.
  psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='test'" 2>/dev/null | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c 'create database test' >/dev/null 2>&1 || true
  if redis_up; then echo "Redis is up"; else
    echo "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    wait_for Redis redis_up || exit 1
  fi
}

case "${1:-start}" in
  start) start ;;
  *) echo "usage: $0 start" >&2; exit 2 ;;
esac
