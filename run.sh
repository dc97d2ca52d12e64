#!/usr/bin/env bash
# Starts kvm-portal on http://localhost:8080 with the embedded H2 database in ./data (PORTAL_DATA_DIR).
# Installs what is missing (as root, via apt), and builds the portal first if the jar is missing or older
# than the sources. Options: --install-only (install packages, do not build or start); --rebuild.
set -euo pipefail
cd "$(dirname "$0")"

JAR=ui/target/kvm-portal.jar
RUNTIME_PACKAGES=(qemu-system-x86 qemu-utils acl cpio e2fsprogs)

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

needs_build() {
    [ "${REBUILD:-}" = 1 ] && return 0
    [ -f "$JAR" ] || return 0
    [ -n "$(find pom.xml ./*/pom.xml ./*/src -newer "$JAR" -type f -print -quit 2>/dev/null)" ]
}

REBUILD=""
INSTALL_ONLY=""
for argument in "$@"; do
    case "$argument" in
        --install-only) INSTALL_ONLY=1 ;;
        --rebuild) REBUILD=1 ;;
        *) echo "run.sh: unknown option $argument (use --install-only or --rebuild)" >&2; exit 2 ;;
    esac
done

install_missing
[ -n "$INSTALL_ONLY" ] && exit 0

if needs_build; then
    echo "run.sh: building the portal (first build downloads dependencies; a few minutes)"
    mvn -B -q -ntp -DskipTests package -pl ui -am
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "run.sh: note: not root. The portal starts, but the host side (per-user Linux accounts, guests, the Host page) needs root." >&2
fi
echo "run.sh: starting kvm-portal; sign in at http://localhost:${MICRONAUT_SERVER_PORT:-8080}/"
exec java ${JAVA_OPTS:-} -jar "$JAR"
