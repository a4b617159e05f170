#!/usr/bin/env bash
# Two separate app servers (gunicorn, each with its own workers) behind one port (nginx), on this
# machine: what a second machine would add, tried on one. Ctrl-C stops all three.
#   deploy/two_servers.sh            # http://127.0.0.1:8100/ -> 127.0.0.1:8101 and :8102
# Settings: JIAOYAN_PORT (8100), JIAOYAN_WORKERS per server (2), JIAOYAN_SERVERS (2), and the
# app's own (JIAOYAN_DATABASE_URL, JIAOYAN_REDIS_URL, ...). Start task workers with bin/worker.
# bench/bench_pages.py --url http://127.0.0.1:8100 measures it (run this with
# DJANGO_SETTINGS_MODULE=bench.settings_bench so the bare pages are there).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${JIAOYAN_PORT:-8100}
SERVERS=${JIAOYAN_SERVERS:-2}
WORKERS=${JIAOYAN_WORKERS:-2}
PREFIX=$PWD/var/nginx
mkdir -p "$PREFIX" var/log
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; }
export JIAOYAN_BEHIND_PROXY=true
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
upstreams=""
for i in $(seq 1 "$SERVERS"); do
  p=$((PORT + i))
  .venv/bin/gunicorn jiaoyan.wsgi:application --config deploy/gunicorn.conf.py --bind "127.0.0.1:$p" \
    --workers "$WORKERS" --timeout 300 --log-level warning --error-logfile "var/log/app-$p.log" &
  pids+=($!)
  upstreams+="        server 127.0.0.1:$p;"$'\n'
done
sed -e "s|@PORT@|$PORT|; s|@PREFIX@|$PREFIX|g" deploy/nginx.conf | awk -v u="$upstreams" '{ if ($0 == "@UPSTREAMS@") printf "%s", u; else print }' >"$PREFIX/nginx.conf"
nginx -p "$PREFIX" -c "$PREFIX/nginx.conf" -g 'daemon off;' &
pids+=($!)
echo "教研平台：http://127.0.0.1:$PORT/ （nginx → $SERVERS 个应用服务器 × $WORKERS 个进程）"
wait
