# Shared bootstrap for ./setup/run, ./setup/test and ./setup/stop.
# Sourced, not executed. Every step is idempotent: a second run reuses what exists.
#
# Locations (override any of them with the environment variable of the same name):
#   AZ_HOME    per-user workspace: Odoo source cache, virtualenv, logs
#              default: ${XDG_CACHE_HOME:-$HOME/.cache}/az-odoo
#   ODOO_SRC   Odoo 18.0 Community source tree; default: $AZ_HOME/odoo-18.0
#   AZ_VENV    virtualenv; default: $AZ_HOME/venv
#   AZ_PGDATA  PostgreSQL cluster owned by the setup; default: $AZ_HOME/postgresql,
#              or /var/lib/az-odoo/postgresql when run as root (the server runs as `postgres`)
#   AZ_PGPORT  port of that cluster (socket and 127.0.0.1); default: 54329
#   AZ_DB      demo database served by ./setup/run; default: az_demo
#   AZ_ADDONS  comma-separated addons to install; default: every addon of the repository

set -euo pipefail

AZ_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZ_HOME="${AZ_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/az-odoo}"
ODOO_SRC_SET_BY_USER="${ODOO_SRC:+1}"
ODOO_SRC="${ODOO_SRC:-$AZ_HOME/odoo-18.0}"
AZ_VENV="${AZ_VENV:-$AZ_HOME/venv}"
AZ_PGPORT="${AZ_PGPORT:-54329}"
AZ_DB="${AZ_DB:-az_demo}"
AZ_DB_USER="${AZ_DB_USER:-az_odoo}"
AZ_ODOO_ARCHIVE_URL="${AZ_ODOO_ARCHIVE_URL:-https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz}"
if [ "$(id -u)" = 0 ]; then
    AZ_PGDATA="${AZ_PGDATA:-/var/lib/az-odoo/postgresql}"
else
    AZ_PGDATA="${AZ_PGDATA:-$AZ_HOME/postgresql}"
fi
AZ_PGSOCKET="$AZ_PGDATA/socket"
AZ_LOGDIR="$AZ_HOME/log"
# docutils' console messages on module descriptions: severe ones only (see the file)
export DOCUTILSCONFIG="$AZ_REPO/setup/docutils.conf"
AZ_PYTHON="${AZ_PYTHON:-python3}"
# The addons this project ships, in dependency order. Only those present are used.
AZ_ADDONS_ALL="az_project_base az_booking az_attendance az_attendance_funder az_attendance_invoicing az_attendance_sms az_booking_attendance az_booking_sms"

say() { printf '\033[1m[az]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[az] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "This step needs root: run '$*' as root (or install sudo), then try again."
    fi
}

az_addons() {
    if [ -n "${AZ_ADDONS:-}" ]; then printf '%s' "$AZ_ADDONS"; return; fi
    local out=""
    for a in $AZ_ADDONS_ALL; do
        [ -f "$AZ_REPO/$a/__manifest__.py" ] && out="$out${out:+,}$a"
    done
    printf '%s' "$out"
}

# --- Debian packages -------------------------------------------------------------------------
ensure_system_packages() {
    local missing=()
    command -v /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    dpkg -s libpq-dev >/dev/null 2>&1 || missing+=(libpq-dev)
    dpkg -s libldap2-dev >/dev/null 2>&1 || missing+=(libldap2-dev)
    dpkg -s libsasl2-dev >/dev/null 2>&1 || missing+=(libsasl2-dev)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    # The PDF attendance sheet uses Lato (Odoo's report font): installed, wkhtmltopdf embeds
    # it as text, so that an auditor can search and copy the names (pdftotext checks it).
    dpkg -s fonts-lato >/dev/null 2>&1 || missing+=(fonts-lato)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    if [ "${#missing[@]}" -gt 0 ]; then
        say "Installing Debian packages: ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
}

# --- Odoo source -----------------------------------------------------------------------------
ensure_odoo_src() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
        if [ -n "${ODOO_SRC_SET_BY_USER:-}" ]; then
            die "ODOO_SRC=$ODOO_SRC holds no Odoo source tree (no odoo-bin): point ODOO_SRC to an Odoo 18.0 Community checkout."
        fi
        say "No Odoo source in $ODOO_SRC: downloading Odoo 18.0 Community from $AZ_ODOO_ARCHIVE_URL"
        local tmp
        tmp="$(mktemp -d)"
        if curl -fsSL --connect-timeout 20 "$AZ_ODOO_ARCHIVE_URL" -o "$tmp/odoo.tar.gz" 2>/dev/null; then
            mkdir -p "$ODOO_SRC"
            tar -xzf "$tmp/odoo.tar.gz" -C "$ODOO_SRC" --strip-components=1
            rm -rf "$tmp"
        else
            rm -rf "$tmp"
            die "No Odoo 18.0 source found and it could not be downloaded: set ODOO_SRC to an Odoo 18.0 Community source tree, or unpack one into $AZ_HOME/odoo-18.0."
        fi
    fi
    "$AZ_PYTHON" "$AZ_REPO/setup/check_odoo_tree.py" "$ODOO_SRC" || exit 1
}

# --- Python environment ----------------------------------------------------------------------
ensure_venv() {
    local stamp want
    want="$(cat "$ODOO_SRC/requirements.txt" "$AZ_REPO/requirements.txt" "$AZ_REPO/requirements-dev.txt" | sha256sum | cut -c1-16)"
    stamp="$AZ_VENV/.az-requirements"
    if [ -x "$AZ_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    say "Preparing the Python environment in $AZ_VENV (Odoo requirements; a few minutes the first time)"
    [ -x "$AZ_VENV/bin/python" ] || "$AZ_PYTHON" -m venv "$AZ_VENV"
    local pip=("$AZ_VENV/bin/python" -m pip --disable-pip-version-check -q)
    # Old pins of Odoo's requirements build from source with the legacy setuptools toolchain.
    "${pip[@]}" install "setuptools<70" "setuptools_scm<8" wheel
    "${pip[@]}" install --no-build-isolation -r "$ODOO_SRC/requirements.txt"
    # What the addons need at run time, then the development and test tools.
    "${pip[@]}" install --no-build-isolation -r "$AZ_REPO/requirements.txt" -r "$AZ_REPO/requirements-dev.txt"
    echo "$want" > "$stamp"
}

# --- JavaScript test tools ------------------------------------------------------------------
# The packages of package.json (axe-core, the accessibility audit the browser tests run inside
# Chromium), installed from the npm registry at the versions of package-lock.json into the
# workspace, never into the repository. AZ_AXE_JS tells the tests where axe-core is.
ensure_node_tools() {
    local dir="$AZ_HOME/node" want
    want="$(cat "$AZ_REPO/package.json" "$AZ_REPO/package-lock.json" | sha256sum | cut -c1-16)"
    if [ ! -f "$dir/node_modules/axe-core/axe.min.js" ] || [ "$(cat "$dir/.az-packages" 2>/dev/null)" != "$want" ]; then
        say "Installing the JavaScript test tools of package.json into $dir"
        mkdir -p "$dir"
        cp "$AZ_REPO/package.json" "$AZ_REPO/package-lock.json" "$dir/"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
            || die "npm could not install the test tools of package.json into $dir"
        echo "$want" > "$dir/.az-packages"
    fi
    export AZ_AXE_JS="$dir/node_modules/axe-core/axe.min.js"
}

# --- PostgreSQL ------------------------------------------------------------------------------
pg_bin() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -n "$d" ] || die "PostgreSQL binaries not found in /usr/lib/postgresql: install the Debian package 'postgresql'."
    printf '%s' "$d"
}

# Run a PostgreSQL server command as the cluster owner (postgres when we are root).
pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_pg() {
    local bin
    bin="$(pg_bin)"
    if [ ! -f "$AZ_PGDATA/PG_VERSION" ]; then
        say "Creating a PostgreSQL cluster in $AZ_PGDATA"
        mkdir -p "$AZ_PGDATA"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$AZ_PGDATA"
        chmod 700 "$AZ_PGDATA"
        pg_as_owner "$bin/initdb" -D "$AZ_PGDATA" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
        pg_as_owner mkdir -p "$AZ_PGSOCKET"
        cat >> "$AZ_PGDATA/postgresql.conf" <<EOF
# written by az setup
port = $AZ_PGPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$AZ_PGSOCKET'
max_connections = 200
shared_buffers = 256MB
EOF
    fi
    if ! pg_as_owner "$bin/pg_ctl" -D "$AZ_PGDATA" status >/dev/null 2>&1; then
        say "Starting PostgreSQL on port $AZ_PGPORT (data: $AZ_PGDATA)"
        pg_as_owner "$bin/pg_ctl" -D "$AZ_PGDATA" -l "$AZ_PGDATA/server.log" -w -t 60 start >/dev/null \
            || die "PostgreSQL did not start: see $AZ_PGDATA/server.log"
    fi
    ensure_pg_durable
    if ! pg_psql -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='$AZ_DB_USER'" | grep -q 1; then
        pg_psql -d postgres -c "CREATE ROLE $AZ_DB_USER LOGIN CREATEDB" >/dev/null
    fi
}

# The cluster holds sealed attendance proof: it runs with PostgreSQL's crash-safe defaults.
# Clusters made by earlier versions of this setup had fsync, full_page_writes and
# synchronous_commit off; they are switched back on here (ALTER SYSTEM, then a reload).
# Only the test database trades durability for speed, per database and without any risk of
# corruption: see create_test_database.
ensure_pg_durable() {
    local setting changed=""
    for setting in fsync full_page_writes synchronous_commit; do
        if [ "$(pg_psql -d postgres -tAc "SHOW $setting")" != "on" ]; then
            pg_psql -d postgres -qc "ALTER SYSTEM SET $setting = on" >/dev/null
            changed=1
        fi
    done
    if [ -n "$changed" ]; then
        pg_psql -d postgres -qc "SELECT pg_reload_conf()" >/dev/null
        say "PostgreSQL: fsync, full_page_writes and synchronous_commit switched on (crash-safe)"
    fi
}

# A fresh, empty database for the test run. synchronous_commit=off makes commits return
# before their WAL is flushed: a crash may lose the last commits of this throw-away
# database, never corrupt it nor touch the other databases of the cluster.
create_test_database() {
    local db="$1"
    pg_psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    pg_psql -d postgres -qc "CREATE DATABASE \"$db\" OWNER $AZ_DB_USER ENCODING 'UTF8' LC_COLLATE 'C' TEMPLATE template0" >/dev/null
    pg_psql -d postgres -qc "ALTER DATABASE \"$db\" SET synchronous_commit = off" >/dev/null
}

pg_psql() {
    pg_as_owner "$(pg_bin)/psql" -h "$AZ_PGSOCKET" -p "$AZ_PGPORT" -U "$(pg_superuser)" -v ON_ERROR_STOP=1 "$@"
}

pg_superuser() {
    if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi
}

pg_stop() {
    local bin
    bin="$(pg_bin)"
    if [ -f "$AZ_PGDATA/PG_VERSION" ] && pg_as_owner "$bin/pg_ctl" -D "$AZ_PGDATA" status >/dev/null 2>&1; then
        pg_as_owner "$bin/pg_ctl" -D "$AZ_PGDATA" -m fast -w stop >/dev/null
        say "PostgreSQL stopped"
    fi
}

# --- Odoo ------------------------------------------------------------------------------------
odoo_args() {
    # Odoo runs from its source tree (odoo-bin puts it first on sys.path), never from an
    # installed package, so `import odoo` always resolves to the real tree. Sets ODOO, the
    # command line, so that `"${ODOO[@]}" ... &` gives the server's own pid in $!.
    mkdir -p "$AZ_HOME/data"
    ODOO=("$AZ_VENV/bin/python" "$ODOO_SRC/odoo-bin"
          --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$AZ_REPO"
          --data-dir="$AZ_HOME/data"
          --db_host="$AZ_PGSOCKET" --db_port="$AZ_PGPORT" --db_user="$AZ_DB_USER"
          --db-filter='.*')
}

addons_stamp() {
    # The addons ($1, comma-separated) and a digest of their files: ./setup/run updates its
    # database when either changed, so that new code never runs on the schema of the old one.
    echo "$1"
    (cd "$AZ_REPO" && find ${1//,/ } -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' \
        -o -name '*.po' -o -name '*.js' -o -name '*.scss' \) -print0 | LC_ALL=C sort -z \
        | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
}

odoo_cmd() {
    odoo_args
    "${ODOO[@]}" "$@"
}

bootstrap() {
    ensure_system_packages
    ensure_odoo_src
    ensure_venv
    ensure_pg
    mkdir -p "$AZ_LOGDIR"
}
