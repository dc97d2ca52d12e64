#!/usr/bin/env bash
# Runs every test of kvm-portal for real: unit tests, H2 and PostgreSQL tests, QEMU-backed host tests and
# Playwright journeys in Chromium. Installs what the tests need (as root, via apt), starts a throwaway
# PostgreSQL server on 127.0.0.1 and a spare port, runs the whole Maven build, and stops the server whatever
# happens. Extra arguments go to Maven (e.g. ./test.sh -pl backend -am).
set -euo pipefail
cd "$(dirname "$0")"

TEST_PACKAGES=(chromium postgresql cpio e2fsprogs gzip genisoimage)

install_test_packages() {
    local missing=()
    for package in "${TEST_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: missing packages: ${missing[*]}" >&2
        echo "         install them as root: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    echo "test.sh: installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# A free TCP port on 127.0.0.1 at or above $1.
spare_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

PG_DIR=""
PG_CTL=""
PG_USER=""
stop_postgres() {
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_pg_user "$PG_CTL" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
}

as_pg_user() {
    if [ "$PG_USER" = postgres ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bin/initdb" ] || { echo "test.sh: no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 1; }
    PG_CTL="$bin/pg_ctl"
    # PostgreSQL refuses to run as root: as root, the server runs as the postgres account.
    if [ "$(id -u)" -eq 0 ]; then PG_USER=postgres; else PG_USER=$(id -un); fi
    PG_DIR=$(mktemp -d /tmp/kvm-portal-test-pg.XXXXXX)
    local password port
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$password" > "$PG_DIR/pwfile"
    [ "$PG_USER" = postgres ] && chown -R postgres: "$PG_DIR"
    as_pg_user "$bin/initdb" -D "$PG_DIR/data" -U postgres -A scram-sha-256 --pwfile="$PG_DIR/pwfile" \
        -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
    port=$(spare_port 55432)
    as_pg_user "$PG_CTL" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; exit 1; }
    export KVMP_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres&password=$password"
    echo "test.sh: PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port (data in $PG_DIR)"
}

./run.sh --install-only
install_test_packages
trap stop_postgres EXIT
start_postgres
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
mvn -B -ntp verify "$@"
