#!/usr/bin/env bash
# Load benchmark of the dashboard at scale: a million obligations, 64 concurrent clients.
#
#   bash benches/load.sh                 # generate (once) into target/load-pg, then measure
#   OBLIGATIONS=200000 bash benches/load.sh
#   EXTRA_SERVE_ARGS=--no-result-cache bash benches/load.sh   # the queries alone
#
# Needs wrk (Debian package `wrk`). Prints wrk's latency distribution and requests per second
# for /healthz (the floor: HTTP plus one trivial query) and the pages, from one run.
set -euo pipefail
cd "$(dirname "$0")/.."

OBLIGATIONS=${OBLIGATIONS:-1000000}
DATA_DIR=${DATA_DIR:-target/load-pg-$OBLIGATIONS}
BIND=${BIND:-127.0.0.1:8471}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-20s}

command -v wrk >/dev/null || { echo "load.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
export SQLX_OFFLINE=true
unset DATABASE_URL
cargo build --release -q
bin=target/release/mandates

if [ ! -e "$DATA_DIR/.generated" ]; then
    rm -rf "$DATA_DIR"
    MANDATES_DATA_DIR=$DATA_DIR "$bin" dev generate --obligations "$OBLIGATIONS"
    touch "$DATA_DIR/.generated"
fi

MANDATES_DATA_DIR=$DATA_DIR MANDATES_LOG=warn "$bin" serve --bind "$BIND" ${EXTRA_SERVE_ARGS:-} &
server=$!
trap 'kill $server; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://$BIND/healthz" >/dev/null && break; sleep 0.2; done

paths=(
    "/healthz"
    "/"
    "/obligations?body=GA&status=outstanding"
    "/obligations?actor=4&status=outstanding&due_from=2026-01-01"
    "/obligations?body=HRC&action=request&sort=due_desc"
    "/api/obligations?status=outstanding&due_to=2026-12-31"
    "/agenda?body=GA&session=81"
)
for path in "${paths[@]}"; do
    # One request first, as a user opening the page would: it fills the result cache.
    curl -s -o /dev/null -w "first request %{time_total}s " "http://$BIND$path"
    echo "== $path"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://$BIND$path" |
        grep -E "^ +(Latency|50%|90%|99%)|Requests/sec|Non-2xx|Socket errors"
done
