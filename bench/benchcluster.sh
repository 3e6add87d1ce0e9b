# What ./bench/faults and ./bench/servers share: a PostgreSQL cluster of the benchmark's own
# (the fault run restarts it: never the cluster of ./setup/run and ./setup/test), a database
# copied from a template where the addons are installed once (AZ_BENCH_TEMPLATE_DB, default
# az_bench_template; installed again when the addons' files change), and multi-worker Odoo
# servers.
# Sourced, not executed.
#   AZ_BENCH_PGDATA  the cluster's data folder (default: bench-postgresql beside the setup's)
#   AZ_BENCH_PGPORT  its port (default: 54339)

_bench_home="${AZ_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/az-odoo}"
if [ "$(id -u)" = 0 ]; then
    _setup_pgdata="/var/lib/az-odoo/postgresql"
    _bench_pgdata_default="/var/lib/az-odoo/bench-postgresql"
else
    _setup_pgdata="$_bench_home/postgresql"
    _bench_pgdata_default="$_bench_home/bench-postgresql"
fi
export AZ_PGDATA="${AZ_BENCH_PGDATA:-$_bench_pgdata_default}"
export AZ_PGPORT="${AZ_BENCH_PGPORT:-54339}"
source "$(dirname "${BASH_SOURCE[0]}")/../setup/lib.sh"
if [ "$(readlink -m "$AZ_PGDATA")" = "$(readlink -m "$_setup_pgdata")" ] || [ "$AZ_PGPORT" = 54329 ]; then
    die "The benchmark restarts its PostgreSQL: give it a cluster of its own (AZ_BENCH_PGDATA, AZ_BENCH_PGPORT), not the setup's ($_setup_pgdata, port 54329)."
fi
bootstrap
BENCH_PIDS=()

# A fresh copy of the template database, where the addons are installed (again when they changed).
bench_database() {
    local db="$1" template="${AZ_BENCH_TEMPLATE_DB:-az_bench_template}" addons stamp_file want
    addons="$(az_addons)"
    stamp_file="$AZ_HOME/bench-$template.stamp"
    want="$(addons_stamp "$addons")"
    if [ "$(cat "$stamp_file" 2>/dev/null)" != "$want" ] \
        || ! pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$template'" | grep -q 1; then
        say "Installing $addons into $template (no demo data; a few minutes)"
        pg_psql -d postgres -qc "DROP DATABASE IF EXISTS \"$template\" WITH (FORCE)" >/dev/null
        rm -rf "$AZ_HOME/data/filestore/$template"
        odoo_cmd -d "$template" -i "$addons" --without-demo=all --stop-after-init --log-level=warn \
            --logfile="$AZ_LOGDIR/bench-$template-install.log" \
            || die "Installing the addons failed: see $AZ_LOGDIR/bench-$template-install.log"
        echo "$want" > "$stamp_file"
    fi
    say "Copying $template into $db"
    pg_psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    pg_psql -d postgres -qc "CREATE DATABASE \"$db\" OWNER $AZ_DB_USER TEMPLATE \"$template\"" >/dev/null
    # A checkpoint now: the copied sequences count on the template's WAL for the values they
    # fetched ahead; a crash before the next checkpoint (the fault run restarts PostgreSQL
    # with -m immediate) would otherwise replay the copy and hand out ids already used.
    pg_psql -d postgres -qc "CHECKPOINT" >/dev/null
    rm -rf "$AZ_HOME/data/filestore/$db"
    if [ -d "$AZ_HOME/data/filestore/$template" ]; then
        cp -a "$AZ_HOME/data/filestore/$template" "$AZ_HOME/data/filestore/$db"
    fi
}

# Start a 2-worker Odoo on database $1, port $2 (its long-polling port is $2 + 1), log $3;
# more options after them. Its pid is appended to BENCH_PIDS; returns once it answers. It
# reaches PostgreSQL over TCP: the fault run names the worker at the other end of a
# database connection by the connection's port.
bench_server() {
    local db="$1" port="$2" log="$3"
    shift 3
    odoo_args
    "${ODOO[@]}" -d "$db" --db-filter="^$db\$" --http-port="$port" --gevent-port="$((port + 1))" \
        --db_host=127.0.0.1 --workers=2 --limit-time-real=120 --limit-time-real-cron=600 --logfile="$log" --log-level=warn \
        --log-handler=odoo.service.model:INFO "$@" &
    BENCH_PIDS+=("$!")
    trap bench_stop_servers EXIT
    for _ in $(seq 1 90); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/web/login" 2>/dev/null && return 0
        sleep 1
    done
    die "Odoo on port $port did not answer: see $log"
}

bench_stop_servers() {
    local pid
    for pid in ${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in ${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}; do
        wait "$pid" 2>/dev/null || true
    done
    BENCH_PIDS=()
}
