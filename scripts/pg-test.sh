#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests of the shared workspace: its own folder, loopback
# only, TLS with a CA this script makes (clients verify the certificate and the host name), a
# superuser reachable over the folder's Unix socket. Never the machine's own cluster.
#
#   scripts/pg-test.sh start DIR     make the cluster in DIR (empty or absent) and start it;
#                                    writes DIR/env (export lines for the tests) and prints it
#   scripts/pg-test.sh restart DIR   fast restart (connections are cut, data kept)
#   scripts/pg-test.sh stop DIR      immediate stop
#
# initdb refuses to run as root; as root the server runs as the `postgres` system user that
# Debian's postgresql-15 package creates.
set -euo pipefail

usage() { echo "usage: $0 start|restart|stop DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bin=$candidate
done
[ -n "$bin" ] || { echo "pg-test: no PostgreSQL server (install postgresql-15)" >&2; exit 69; }

as=()
if [ "$(id -u)" -eq 0 ]; then
    as=(runuser -u postgres --)
fi

ctl() { "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" "$@"; }

# A port nobody listens on (bash's /dev/tcp: no other tool is assumed).
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

make_certificates() {
    local tls=$dir/tls
    mkdir -p "$tls"
    (
        cd "$tls"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj "/CN=govbench test CA" -keyout ca.key -out ca.crt \
            -addext basicConstraints=critical,CA:TRUE \
            -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
            -keyout server.key -out server.csr 2>/dev/null
        printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1' \
            'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature' \
            'extendedKeyUsage=serverAuth' > server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
            -extfile server.ext -out server.crt 2>/dev/null
        chmod 600 server.key ca.key
    )
}

start() {
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -e "$dir/data" ]; then
        echo "pg-test: $dir already holds a cluster" >&2
        exit 73
    fi
    make_certificates
    mkdir -p "$dir/sock"
    # The superuser's password, for TCP connections of the tests (SCRAM over TLS).
    local password
    password=$(openssl rand -hex 24)
    printf '%s\n' "$password" > "$dir/pw"
    chmod 600 "$dir/pw"
    if [ ${#as[@]} -gt 0 ]; then
        chown -R postgres: "$dir/tls" "$dir/sock" "$dir/pw"
        chown postgres: "$dir"
    fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 --pwfile="$dir/pw" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    local port
    port=$(free_port) || { echo "pg-test: no free port" >&2; exit 75; }
    cat >>"$dir/data/postgresql.conf" <<EOF

# scripts/pg-test.sh
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
ssl = on
ssl_cert_file = '$dir/tls/server.crt'
ssl_key_file = '$dir/tls/server.key'
ssl_ca_file = '$dir/tls/ca.crt'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
max_connections = 60
shared_buffers = 32MB
fsync = off
EOF
    # TCP only with TLS; the socket (in this folder, 0700) only for the script and the tests' setup.
    cat >"$dir/data/pg_hba.conf" <<EOF
local   all all                 trust
hostssl all all 127.0.0.1/32    scram-sha-256
hostnossl all all 0.0.0.0/0     reject
EOF
    chmod 700 "$dir/sock"
    ctl -w -t 30 start >/dev/null
    local pgpass=$dir/pgpass
    printf 'localhost:%s:*:postgres:%s\n127.0.0.1:%s:*:postgres:%s\n' \
        "$port" "$password" "$port" "$password" > "$pgpass"
    chmod 600 "$pgpass"
    cat >"$dir/env" <<EOF
export GOVBENCH_TEST_PG_URL='postgresql://postgres@localhost:$port/postgres'
export GOVBENCH_TEST_PG_CA='$dir/tls/ca.crt'
export GOVBENCH_TEST_PG_PASSWORD='$password'
export GOVBENCH_TEST_PG_SOCKET='$dir/sock'
export GOVBENCH_TEST_PG_PORT='$port'
export GOVBENCH_TEST_PG_DIR='$dir'
export PGPASSFILE='$pgpass'
EOF
    cat "$dir/env"
}

case $action in
    start) start ;;
    restart) ctl -w -t 30 -m fast restart >/dev/null ;;
    stop) ctl -m immediate stop >/dev/null 2>&1 || true ;;
    *) usage ;;
esac
