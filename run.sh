#!/usr/bin/env bash
# Starts kvm-portal on http://localhost:8080 as two processes, as root:
#  - the host agent (kvm-host/target/kvm-host-agent.jar), as root: /dev/kvm, Linux accounts, guest disks, images,
#    QEMU processes and cgroups; its output goes to <data dir>/agent.log;
#  - the portal (ui/target/kvm-portal.jar), as the system account kvm-portal with no capabilities: the web UI,
#    the REST API and the database; its output comes here.
# They talk over the unix socket /run/kvm-portal/agent.sock (KVMP_RUN_DIR). Data in ./data (PORTAL_DATA_DIR):
# the agent's in host/ (root's), the portal's in portal/ (kvm-portal's). Stopping this script (Ctrl-C, SIGTERM)
# stops both; guests keep running and are re-attached at the next start.
# Installs what is missing (as root, via apt), creates the kvm-portal account if missing, and builds both jars
# first if one is missing or older than the sources. Options: --install-only (install packages, do not build or
# start); --rebuild; --no-build (start the jars as they are, even if older than the sources).
set -euo pipefail
cd "$(dirname "$0")"

JAR=ui/target/kvm-portal.jar
AGENT_JAR=kvm-host/target/kvm-host-agent.jar
PORTAL_USER=kvm-portal
# qemu, acl, cpio, e2fsprogs: the agent's guests, /dev/kvm entries and demo image; passwd: useradd;
# util-linux: setpriv; iproute2: ss, to see whether an agent already listens.
RUNTIME_PACKAGES=(qemu-system-x86 qemu-utils acl cpio e2fsprogs passwd util-linux iproute2)
# The agent's JVM options unless AGENT_JAVA_OPTS is set (even empty): its live data is a few MiB, so a small heap
# that starts small (the JVM's initial heap is otherwise a 64th of the machine's memory), the serial collector, C1
# only and smaller thread stacks keep its idle RSS about a quarter lower than the JVM's defaults (README).
AGENT_JAVA_OPTS_DEFAULT="-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m"
# Seconds the agent may take to listen on its socket (it re-attaches running guests first).
AGENT_START_WAIT=${KVMP_AGENT_START_WAIT:-90}

java_ok() {
    command -v javac >/dev/null 2>&1 || return 1
    local major
    major=$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')
    [ "${major:-0}" -ge 17 ]
}

missing_packages() {
    local missing=()
    java_ok || missing+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    for package in "${RUNTIME_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    echo "${missing[@]}"
}

install_missing() {
    local missing
    read -r -a missing <<<"$(missing_packages)"
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "run.sh: missing packages: ${missing[*]}" >&2
        echo "        install them as root: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    echo "run.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# True if a jar is missing or older than a source that goes into it (test sources do not, nor what Vaadin's build
# generates under ui/src/main).
needs_build() {
    [ "${REBUILD:-}" = 1 ] && return 0
    local jar modules=(agent-api kvm-host db backend ui)
    for jar in "$JAR" "$AGENT_JAR"; do
        [ -f "$jar" ] || return 0
        [ -n "$(find pom.xml "${modules[@]/%//pom.xml}" "${modules[@]/%//src/main}" -newer "$jar" -type f \
            -not -path 'ui/src/main/frontend/*' -not -path 'ui/src/main/bundles/*' -print -quit 2>/dev/null)" ] \
            && return 0
    done
    return 1
}

# The portal's system account: no home, no shell, a group of its own (the agent's socket belongs to that group).
ensure_portal_account() {
    id -u "$PORTAL_USER" >/dev/null 2>&1 && return 0
    echo "run.sh: creating the system account $PORTAL_USER (the portal runs as it)"
    # Another run.sh may create it at the same moment: then useradd fails and the account is there.
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
        --comment "kvm-portal web portal" "$PORTAL_USER" || id -u "$PORTAL_USER" >/dev/null
}

as_portal() {
    setpriv --reuid="$PORTAL_USER" --regid="$PORTAL_USER" --init-groups --inh-caps=-all --bounding-set=-all \
        --no-new-privs -- "$@"
}

# True if a QEMU (any process) runs with an argument naming a path under $1.
process_uses() {
    local cmdline
    for cmdline in /proc/[0-9]*/cmdline; do
        grep -qaF -- "$1" "$cmdline" 2>/dev/null && return 0
    done
    return 1
}

# Data directories of kvm-portal before the split kept everything at the top (db/, guests/, images/, import/,
# installation-id). Moves them into host/ and portal/ once, while no guest of theirs runs.
migrate_unsplit_data() {
    [ -e "$DATA/installation-id" ] || [ -d "$DATA/db" ] || return 0
    if [ -e "$HOST_DIR" ] || [ -e "$PORTAL_DIR" ]; then
        echo "run.sh: $DATA holds both the old layout (installation-id, db/ at the top) and host/ or portal/;" >&2
        echo "        move the old files into host/ (guests, images, installation-id) and portal/ (db, import)." >&2
        exit 1
    fi
    if process_uses "$DATA/guests/"; then
        echo "run.sh: $DATA has the layout of an older kvm-portal and guests of it still run; stop them (or that" >&2
        echo "        portal) first: their files move to $HOST_DIR." >&2
        exit 1
    fi
    echo "run.sh: moving $DATA to the two-process layout: guests/, images/, installation-id to host/;" \
        "db/, import/ to portal/"
    mkdir "$HOST_DIR" "$PORTAL_DIR"
    local item
    for item in guests images installation-id; do
        if [ -e "$DATA/$item" ]; then mv "$DATA/$item" "$HOST_DIR/"; fi
    done
    for item in db import; do
        if [ -e "$DATA/$item" ]; then mv "$DATA/$item" "$PORTAL_DIR/"; fi
    done
    # Files root made; the portal has not run on them as kvm-portal yet, so nothing in them is its planting.
    chown -R "$PORTAL_USER:$PORTAL_USER" "$PORTAL_DIR"
}

# <data>/ and host/ are root's, 0711 (guests' accounts pass through to their disks, nobody lists them);
# portal/ is kvm-portal's alone. Only the directory itself is chowned: root never follows what the portal made.
prepare_data_dirs() {
    install -d -o root -g root -m 0711 "$DATA"
    migrate_unsplit_data
    install -d -o root -g root -m 0711 "$HOST_DIR"
    install -d -o "$PORTAL_USER" -g "$PORTAL_USER" -m 0700 "$PORTAL_DIR"
    if ! as_portal test -w "$PORTAL_DIR" -a -x "$PORTAL_DIR"; then
        echo "run.sh: the account $PORTAL_USER cannot reach $PORTAL_DIR: a directory above it is closed to" >&2
        echo "        other accounts (e.g. /root is 0700). Put the data elsewhere:" >&2
        echo "        sudo PORTAL_DATA_DIR=/var/lib/kvm-portal ./run.sh" >&2
        exit 1
    fi
}

# The jar as kvm-portal can read it: in place, or else a root-owned copy in <data>/lib (the portal cannot
# change either).
portal_jar() {
    local jar
    jar=$(realpath "$JAR")
    if as_portal test -r "$jar"; then
        echo "$jar"
        return 0
    fi
    install -d -o root -g root -m 0755 "$DATA/lib"
    install -C -o root -g root -m 0644 "$jar" "$DATA/lib/kvm-portal.jar"
    echo "$DATA/lib/kvm-portal.jar"
}

# /run/kvm-portal (root, 0755) holds the agent's socket; its portal/ (kvm-portal, 0700) the portal's screen socket.
prepare_run_dir() {
    install -d -o root -g root -m 0755 "$RUN_DIR"
    install -d -o "$PORTAL_USER" -g "$PORTAL_USER" -m 0700 "$RUN_DIR/portal"
    if [ -n "$(ss -Hxl src "$AGENT_SOCKET" 2>/dev/null)" ]; then
        echo "run.sh: a host agent already listens on $AGENT_SOCKET (ss -xlp shows its pid): stop it first" >&2
        echo "        (systemctl stop kvm-host-agent), or give this one another KVMP_RUN_DIR." >&2
        exit 1
    fi
    rm -f "$AGENT_SOCKET"
}

agent_arguments() {
    AGENT_ARGS=(--data-dir "$HOST_DIR" --socket "$AGENT_SOCKET" --portal-user "$PORTAL_USER"
        --screen-socket "$SCREEN_SOCKET")
    if [ -n "${PORTAL_HOST_ACCELERATOR:-}" ]; then
        AGENT_ARGS+=(--accelerator "$(echo "$PORTAL_HOST_ACCELERATOR" | tr '[:upper:]' '[:lower:]')")
    fi
    if [ -n "${PORTAL_HOST_CGROUP_PARENT:-}" ]; then
        AGENT_ARGS+=(--cgroup-parent "$PORTAL_HOST_CGROUP_PARENT")
    fi
    if [ -n "${PORTAL_HOST_START_TIMEOUT:-}" ]; then
        AGENT_ARGS+=(--start-timeout "${PORTAL_HOST_START_TIMEOUT%s}")
    fi
}

start_agent() {
    agent_arguments
    echo "run.sh: starting the host agent as root (log: $AGENT_LOG)"
    # A scrubbed environment: root's agent gets its settings as arguments only, and none of this shell's variables
    # (the database password, JAVA_TOOL_OPTIONS, LD_PRELOAD, a PATH of the caller's). Its PATH finds qemu, useradd,
    # setfacl; HOME is root's, where the demo image is cached.
    local agent_env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "LANG=${LANG:-C.UTF-8}"
        "HOME=$(getent passwd root | cut -d: -f6)")
    # shellcheck disable=SC2086 # AGENT_JAVA_OPTS is a list of JVM options, split on purpose
    env -i "${agent_env[@]}" "$(command -v java)" ${AGENT_JAVA_OPTS-$AGENT_JAVA_OPTS_DEFAULT} \
        -jar "$AGENT_JAR" "${AGENT_ARGS[@]}" >>"$AGENT_LOG" 2>&1 </dev/null &
    AGENT_PID=$!
    local waited=0
    until [ -S "$AGENT_SOCKET" ]; do
        if ! kill -0 "$AGENT_PID" 2>/dev/null; then
            AGENT_PID=""
            echo "run.sh: the host agent ended before it listened on $AGENT_SOCKET; the end of $AGENT_LOG:" >&2
            tail -n 20 "$AGENT_LOG" >&2
            exit 1
        fi
        if [ "$waited" -ge $((AGENT_START_WAIT * 10)) ]; then
            echo "run.sh: the host agent did not listen on $AGENT_SOCKET within ${AGENT_START_WAIT}s;" \
                "see $AGENT_LOG" >&2
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    echo "run.sh: the host agent listens on $AGENT_SOCKET (pid $AGENT_PID)"
}

# Starts the portal as kvm-portal, no capabilities (none permitted, inheritable, ambient or in the bounding set)
# and no_new_privs, from its own data directory.
start_portal() {
    local jar
    jar=$(portal_jar)
    echo "run.sh: starting kvm-portal as $PORTAL_USER; sign in at http://localhost:${MICRONAUT_SERVER_PORT:-8080}/"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options, split on purpose
    env --chdir="$PORTAL_DIR" PORTAL_DATA_DIR="$PORTAL_DIR" HOME="$PORTAL_DIR" \
        PORTAL_HOST_AGENT_SOCKET="$AGENT_SOCKET" PORTAL_CONSOLE_SCREEN_SOCKET="$SCREEN_SOCKET" \
        setpriv --reuid="$PORTAL_USER" --regid="$PORTAL_USER" --init-groups --inh-caps=-all --bounding-set=-all \
        --no-new-privs -- "$(command -v java)" ${JAVA_OPTS:-} -jar "$jar" </dev/null &
    PORTAL_PID=$!
}

# Stops a process this script started: SIGTERM, then SIGKILL after 30 s.
# shellcheck disable=SC2317 # called from the EXIT trap
stop_process() {
    local pid=$1 name=$2 waited=0
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge 300 ]; then
            echo "run.sh: the $name did not stop within 30 s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
            return 0
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# shellcheck disable=SC2317 # the EXIT trap
stop_both() {
    stop_process "$PORTAL_PID" portal
    stop_process "$AGENT_PID" "host agent"
    if [ -n "$AGENT_PID" ]; then rm -f "$AGENT_SOCKET"; fi
}

REBUILD=""
INSTALL_ONLY=""
NO_BUILD=""
for argument in "$@"; do
    case "$argument" in
        --install-only) INSTALL_ONLY=1 ;;
        --rebuild) REBUILD=1 ;;
        --no-build) NO_BUILD=1 ;;
        *) echo "run.sh: unknown option $argument (use --install-only, --rebuild or --no-build)" >&2; exit 2 ;;
    esac
done

install_missing
[ -n "$INSTALL_ONLY" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "run.sh: run it as root: sudo ./run.sh" >&2
    echo "        It starts the host agent as root (Linux accounts, /dev/kvm, guests' QEMU processes) and" >&2
    echo "        the portal as the unprivileged account $PORTAL_USER, which it creates if missing." >&2
    exit 1
fi

if [ -n "$NO_BUILD" ]; then
    for jar in "$JAR" "$AGENT_JAR"; do
        [ -f "$jar" ] || { echo "run.sh: --no-build, but there is no $jar: build it first" >&2; exit 1; }
    done
elif needs_build; then
    echo "run.sh: building the portal and the host agent (first build downloads dependencies; a few minutes)"
    mvn -B -q -ntp -DskipTests package -pl ui,kvm-host -am
fi

DATA=$(realpath -m "${PORTAL_DATA_DIR:-data}")
HOST_DIR=$DATA/host
PORTAL_DIR=$DATA/portal
AGENT_LOG=$DATA/agent.log
RUN_DIR=$(realpath -m "${KVMP_RUN_DIR:-/run/kvm-portal}")
AGENT_SOCKET=$RUN_DIR/agent.sock
SCREEN_SOCKET=$RUN_DIR/portal/screens.sock
AGENT_PID=""
PORTAL_PID=""

ensure_portal_account
prepare_data_dirs
prepare_run_dir
trap stop_both EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
start_agent
start_portal
# wait returns early when a signal arrives, so its trap stops both at once.
status=0
wait "$PORTAL_PID" || status=$?
PORTAL_PID=""
exit "$status"
