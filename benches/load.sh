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

# A viewer account for the load (pages need a session), with a fresh password.
email=load@bench.example
if MANDATES_DATA_DIR=$DATA_DIR "$bin" user list | grep -q "^$email"; then
    password=$(MANDATES_DATA_DIR=$DATA_DIR "$bin" user password "$email" | awk '{print $NF}')
else
    password=$(MANDATES_DATA_DIR=$DATA_DIR "$bin" user add "$email" --role viewer | awk '{print $NF}')
fi

MANDATES_DATA_DIR=$DATA_DIR MANDATES_LOG=error "$bin" serve --bind "$BIND" ${EXTRA_SERVE_ARGS:-} &
server=$!
trap 'kill $server; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://$BIND/healthz" >/dev/null && break; sleep 0.2; done

# Sign in as a browser would: the form's token, then the post; keep the session cookie.
jar=$(mktemp)
csrf=$(curl -s -c "$jar" "http://$BIND/sign-in" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "email=$email" \
    --data-urlencode "password=$password" --data-urlencode "csrf=$csrf" "http://$BIND/sign-in"
session=$(awk '$6 == "mandates_session" {print $7}' "$jar")
rm -f "$jar"
[ -n "$session" ] || { echo "load.sh: could not sign in" >&2; exit 1; }
cookie="Cookie: mandates_session=$session"

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
    curl -s -o /dev/null -H "$cookie" -w "first request %{http_code} %{time_total}s " "http://$BIND$path"
    echo "== $path"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$cookie" "http://$BIND$path" |
        grep -E "^ +(Latency|50%|90%|99%)|Requests/sec|Non-2xx|Socket errors"
done
