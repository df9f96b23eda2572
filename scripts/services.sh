#!/usr/bin/env bash
# scripts/services.sh — the project's real-service harness.
#
#   scripts/services.sh up       install what is missing, start every service, wait until ready
#   scripts/services.sh down     stop our processes (data is kept)
#   scripts/services.sh status   one line per service
#   scripts/services.sh env      eval "$(scripts/services.sh env)" exports the BSS_* URLs
#   BSS_KAFKA_BROKERS_COUNT=3 scripts/services.sh up|down|status|env
#                                a three-node KRaft Kafka cluster instead of the single broker
#                                (replication factor 3, min.insync.replicas 2; see kafka cluster below)
#   scripts/services.sh scrape HOST:PORT...   Prometheus's `bss` job scrapes these BSS instances
#                                (file_sd: .services/prometheus/targets/bss.json); no argument = none
#
# Every service is a project-local process listening on 127.0.0.1 only, with its data,
# pid file and log under <repo>/.services/<name>/. The ports below are project constants.
#
#   postgres           127.0.0.1:55432  PostgreSQL 15, superuser `bss` (trust), database bss_test,
#                                       settings from deploy/postgres/postgresql.conf
#   redis              127.0.0.1:56379  Redis 7, no persistence
#   kafka              127.0.0.1:59092  Apache Kafka 4.x KRaft broker+controller (controller 59093,
#                                       JMX exporter agent 59404)
#   prometheus         127.0.0.1:59090
#   alertmanager       127.0.0.1:59094
#   pushgateway        127.0.0.1:59091  Prometheus Pushgateway (Debian's prometheus-pushgateway): one-shot jobs'
#                                       results (BSS_PUSHGATEWAY_URL), scraped with honor_labels
#   postgres-exporter  127.0.0.1:59187
#   redis-exporter     127.0.0.1:59121
#   node-exporter      127.0.0.1:59100
#
# Prometheus and Alertmanager run on effective configs under .services/ rendered from the templates in
# deploy/ (a rule or notification-template change counts as a config change: `up` reloads). Alertmanager's
# receivers: env BSS_ALERT_WEBHOOK_URL (default http://127.0.0.1:59095/alerts, gets every alert),
# BSS_PAGERDUTY_URL, BSS_SMTP_SMARTHOST (default local sinks that nothing listens on), and
# BSS_ALERTMANAGER_SECRETS_DIR (default .services/alertmanager/secrets, placeholder files created here).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SVC="$REPO/.services"
HOST=127.0.0.1

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=55432
PG_USER=bss
PG_DB=bss_test
REDIS_PORT=56379
KAFKA_PORT=59092
KAFKA_CONTROLLER_PORT=59093
KAFKA_JMX_PORT=59404
PROM_PORT=59090
AM_PORT=59094
PG_EXPORTER_PORT=59187
REDIS_EXPORTER_PORT=59121
NODE_EXPORTER_PORT=59100
PUSHGATEWAY_PORT=59091

KAFKA_POM="$REPO/deploy/kafka/pom.xml"
KAFKA_LIBS="$SVC/kafka/libs"
KAFKA_AGENT_DIR="$SVC/kafka/agent"
KAFKA_AGENT_JAR="$KAFKA_AGENT_DIR/jmx_prometheus_javaagent.jar"

# start order; `down` stops in reverse
SERVICES=(postgres redis kafka alertmanager prometheus postgres-exporter redis-exporter node-exporter)
SERVICES+=(pushgateway)

declare -A PORT=(
  [postgres]=$PG_PORT [redis]=$REDIS_PORT [kafka]=$KAFKA_PORT [prometheus]=$PROM_PORT
  [alertmanager]=$AM_PORT [postgres-exporter]=$PG_EXPORTER_PORT
  [redis-exporter]=$REDIS_EXPORTER_PORT [node-exporter]=$NODE_EXPORTER_PORT
)
# seconds to wait for readiness after a start
declare -A READY_TIMEOUT=(
  [postgres]=60 [redis]=20 [kafka]=120 [prometheus]=60 [alertmanager]=30
  [postgres-exporter]=20 [redis-exporter]=20 [node-exporter]=20
)
# a string the process's command line must contain (guards against a recycled pid)
declare -A CMD_MARK=(
  [redis]="redis-server" [kafka]="kafka.Kafka" [prometheus]="$HOST:$PROM_PORT"
  [alertmanager]="$HOST:$AM_PORT" [postgres-exporter]="$HOST:$PG_EXPORTER_PORT"
  [redis-exporter]="$HOST:$REDIS_EXPORTER_PORT" [node-exporter]="$HOST:$NODE_EXPORTER_PORT"
)
PORT[pushgateway]=$PUSHGATEWAY_PORT
READY_TIMEOUT[pushgateway]=20
CMD_MARK[pushgateway]="$HOST:$PUSHGATEWAY_PORT"

# ---------------------------------------------------------------- helpers

log() { printf '[services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

svc_dir() { printf '%s/%s' "$SVC" "$1"; }
pid_file() { printf '%s/%s/%s.pid' "$SVC" "$1" "$1"; }
log_file() { printf '%s/%s/%s.log' "$SVC" "$1" "$1"; }

is_root() { [[ $EUID -eq 0 ]]; }

# pid of our process for a service, if it is alive (empty otherwise)
our_pid() {
  local name=$1 pid
  if [[ $name == postgres ]]; then
    [[ -f $SVC/postgres/data/postmaster.pid ]] || return 0
    pid=$(head -n1 "$SVC/postgres/data/postmaster.pid" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
      && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q postgres && echo "$pid"
    return 0
  fi
  local f
  f=$(pid_file "$name")
  [[ -f $f ]] || return 0
  pid=$(<"$f")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "${CMD_MARK[$name]}"; then
    echo "$pid"
  fi
  return 0
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

# who listens on a port (for messages only)
port_owner() {
  if command -v ss >/dev/null; then
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 || true
  fi
}

http_ok() { curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null; }

# start a command in its own session, detached from this shell; its pid goes to the pid file
start_bg() {
  local name=$1
  shift
  local pidf logf
  pidf=$(pid_file "$name")
  logf=$(log_file "$name")
  mkdir -p "$(dirname "$pidf")"
  rm -f "$pidf" # a stale one (after a crash) must not be mistaken for the new process
  printf '\n==== %s start %s ====\n' "$name" "$(date -Is)" >>"$logf"
  # shellcheck disable=SC2016 # expanded by the inner bash
  # (fd 9 is the harness lock: the service must not inherit it)
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" >>"$logf" 2>&1 </dev/null 9>&- &
  # the pid file is written by the child before exec
  local i
  for i in $(seq 50); do [[ -s $pidf ]] && break; sleep 0.05; done
}

stop_pid() {
  local name=$1 pid=$2 grace=$3 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "$name: still running after ${grace}s, sending SIGKILL to $pid"
  kill -KILL "$pid" 2>/dev/null || true
}

fail_with_log() {
  local name=$1
  shift
  log "$name: $*"
  local logf
  logf=$(log_file "$name")
  if [[ -f $logf ]]; then
    log "---- last 40 lines of $logf ----"
    tail -n 40 "$logf" >&2
    log "---- end of $logf ----"
  fi
  return 1
}

# ---------------------------------------------------------------- readiness probes

ready_postgres() { "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -t 2; }
ready_redis() { [[ $(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
ready_kafka() {
  if kafka_cluster; then ready_kafka_node 1; return; fi
  port_open "$KAFKA_PORT" || return 1
  # a real Metadata answer from the broker (not just an open socket)
  kcat -b "$HOST:$KAFKA_PORT" -L -m 3 2>/dev/null | grep -q "broker 1 at $HOST:$KAFKA_PORT" || return 1
  if [[ -f $KAFKA_AGENT_JAR ]]; then http_ok "http://$HOST:$KAFKA_JMX_PORT/metrics" || return 1; fi
}
ready_prometheus() { http_ok "http://$HOST:$PROM_PORT/-/ready"; }
ready_alertmanager() { http_ok "http://$HOST:$AM_PORT/-/ready"; }
ready_postgres-exporter() { http_ok "http://$HOST:$PG_EXPORTER_PORT/metrics"; }
ready_redis-exporter() { http_ok "http://$HOST:$REDIS_EXPORTER_PORT/metrics"; }
ready_node-exporter() { http_ok "http://$HOST:$NODE_EXPORTER_PORT/metrics"; }
ready_pushgateway() { http_ok "http://$HOST:$PUSHGATEWAY_PORT/-/ready"; }

# ---------------------------------------------------------------- installation

apt_install() {
  local pkgs=("$@") sudo=()
  if ! is_root; then
    command -v sudo >/dev/null || die "need root (or sudo) to apt-get install: ${pkgs[*]}"
    sudo=(sudo)
  fi
  log "apt-get install ${pkgs[*]}"
  local aptlog="$SVC/apt.log"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}" >"$aptlog" 2>&1; then
    log "apt-get install failed; running apt-get update and retrying"
    "${sudo[@]}" apt-get update >>"$aptlog" 2>&1 || true
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}" >>"$aptlog" 2>&1 \
      || { tail -n 30 "$aptlog" >&2; die "apt-get install failed (log: $aptlog)"; }
  fi
}

missing_packages() {
  local -a m=()
  [[ -x $PG_BIN/postgres && -x $PG_BIN/pg_isready ]] || m+=(postgresql-15)
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || m+=(redis-server redis-tools)
  command -v prometheus >/dev/null || m+=(prometheus)
  command -v prometheus-alertmanager >/dev/null || m+=(prometheus-alertmanager)
  command -v prometheus-postgres-exporter >/dev/null || m+=(prometheus-postgres-exporter)
  command -v prometheus-redis-exporter >/dev/null || m+=(prometheus-redis-exporter)
  command -v prometheus-node-exporter >/dev/null || m+=(prometheus-node-exporter)
  command -v prometheus-pushgateway >/dev/null || m+=(prometheus-pushgateway)
  command -v kcat >/dev/null || m+=(kcat)
  command -v curl >/dev/null || m+=(curl)
  command -v java >/dev/null || m+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || m+=(maven)
  echo "${m[*]}"
}

# key of the resolved Kafka libs: the pom's content (it holds all versions)
kafka_libs_key() { sha256sum "$KAFKA_POM" | cut -d' ' -f1; }

kafka_libs_present() {
  [[ -f $KAFKA_LIBS/.resolved && $(<"$KAFKA_LIBS/.resolved") == "$(kafka_libs_key)" ]]
}

resolve_kafka_libs() {
  if ! kafka_libs_present; then
    log "kafka: resolving broker + tools jars with Maven into .services/kafka/libs"
    rm -rf "$KAFKA_LIBS"
    mkdir -p "$KAFKA_LIBS"
    local mlog="$SVC/kafka/maven.log"
    if ! mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies -Dkafka.libs.dir="$KAFKA_LIBS" >"$mlog" 2>&1; then
      tail -n 30 "$mlog" >&2
      die "kafka: Maven could not resolve the Kafka jars (log: $mlog)"
    fi
    kafka_libs_key >"$KAFKA_LIBS/.resolved"
  fi
  if [[ ! -f $KAFKA_AGENT_JAR || ! -f $KAFKA_AGENT_DIR/.resolved || $(<"$KAFKA_AGENT_DIR/.resolved") != "$(kafka_libs_key)" ]]; then
    log "kafka: resolving the Prometheus JMX exporter agent with Maven"
    rm -rf "$KAFKA_AGENT_DIR"
    mkdir -p "$KAFKA_AGENT_DIR"
    if mvn -B -q -f "$KAFKA_POM" dependency:copy@jmx-agent -Djmx.agent.dir="$KAFKA_AGENT_DIR" >"$SVC/kafka/maven-agent.log" 2>&1; then
      kafka_libs_key >"$KAFKA_AGENT_DIR/.resolved"
    else
      rm -f "$KAFKA_AGENT_JAR"
      log "kafka: WARNING: io.prometheus.jmx:jmx_prometheus_javaagent is not served by the Maven registry here;"
      log "kafka: WARNING: Kafka starts WITHOUT the JMX exporter, nothing listens on $HOST:$KAFKA_JMX_PORT (see .services/kafka/maven-agent.log)"
    fi
  fi
}

install_missing() {
  mkdir -p "$SVC/kafka"
  local missing
  missing=$(missing_packages)
  if [[ -n $missing ]]; then
    if command -v java >/dev/null && command -v mvn >/dev/null && ! kafka_libs_present; then
      # apt and Maven in parallel: both are network-bound
      # shellcheck disable=SC2086
      apt_install $missing &
      local apt_pid=$!
      resolve_kafka_libs
      wait "$apt_pid" || die "installing packages failed"
      return 0
    fi
    # shellcheck disable=SC2086
    apt_install $missing
  fi
  resolve_kafka_libs
}

# ---------------------------------------------------------------- postgres

as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local dir="$SVC/postgres" data="$SVC/postgres/data"
  mkdir -p "$dir"
  if is_root; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" \
      || die "postgres: the OS user 'postgres' cannot write $dir (a parent directory is not traversable); PostgreSQL refuses to run as root"
  fi
  if [[ ! -f $data/PG_VERSION ]]; then
    log "postgres: initdb $data (superuser $PG_USER, trust auth on loopback)"
    as_pg "$PG_BIN/initdb" -D "$data" -U "$PG_USER" --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { tail -n 20 "$dir/initdb.log" >&2; die "postgres: initdb failed"; }
    as_pg bash -c "cat >'$data/pg_hba.conf'" <<'EOF'
# project-local test database: trust on loopback only (no passwords, no secrets in the repo)
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
EOF
    as_pg bash -c "printf '\n# project settings, rewritten by scripts/services.sh at every start\ninclude = '\''bss.conf'\''\n' >>'$data/postgresql.conf'"
  fi
  write_postgres_conf || true
  as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$(log_file postgres)" -W start >/dev/null 9>&-
}

# bss.conf (included by postgresql.conf): where to listen, then the tuned settings of
# deploy/postgres/postgresql.conf. Rewritten at every `up`, so a change there takes effect at once
# (reload) or, for [restart] settings, at the next start. Returns 1 when nothing changed.
write_postgres_conf() {
  local data="$SVC/postgres/data"
  {
    printf "listen_addresses = '%s'\nport = %s\nunix_socket_directories = ''\n" "$HOST" "$PG_PORT"
    printf "max_connections = 200\nlogging_collector = off\n\n"
    cat "$REPO/deploy/postgres/postgresql.conf"
  } | as_pg bash -c "cat >'$data/bss.conf.new'"
  if cmp -s "$data/bss.conf.new" "$data/bss.conf"; then
    as_pg rm -f "$data/bss.conf.new"
    return 1
  fi
  as_pg mv "$data/bss.conf.new" "$data/bss.conf"
}

# A running server: apply a changed deploy/postgres/postgresql.conf without a restart.
refresh_postgres() {
  write_postgres_conf || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$SVC/postgres/data" reload >/dev/null
  sleep 0.3
  local pending
  pending=$("$PG_BIN/psql" -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAXc \
    "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart")
  log "postgres: settings reloaded from deploy/postgres/postgresql.conf${pending:+; waiting for a restart: $pending}"
}

# after readiness: the test database exists
post_ready_postgres() {
  local exists
  exists=$("$PG_BIN/psql" -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAXc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")
  if [[ $exists != 1 ]]; then
    log "postgres: creating database $PG_DB"
    "$PG_BIN/createdb" -h "$HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
  fi
}

stop_postgres() {
  [[ -f $SVC/postgres/data/postmaster.pid ]] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$SVC/postgres/data" -m fast -w -t 60 stop >/dev/null
}

# postgres writes its log as the postgres user
prepare_log_postgres() {
  local f
  f=$(log_file postgres)
  touch "$f"
  if is_root; then chown postgres: "$f"; fi
}

# ---------------------------------------------------------------- redis

start_redis() {
  local dir="$SVC/redis"
  mkdir -p "$dir"
  start_bg redis redis-server --bind "$HOST" --port "$REDIS_PORT" --protected-mode yes \
    --save '' --appendonly no --dir "$dir" --daemonize no --logfile '' --loglevel notice
}

# ---------------------------------------------------------------- kafka

kafka_props() { printf '%s/kafka/server.properties' "$SVC"; }

start_kafka() {
  if kafka_cluster; then start_kafka_node 1; return; fi
  local dir="$SVC/kafka" data="$SVC/kafka/data" props
  props=$(kafka_props)
  mkdir -p "$data"
  sed "s|@KAFKA_DATA_DIR@|$data|g" "$REPO/deploy/kafka/server.properties" >"$props"
  local log4j="-Dlog4j2.configurationFile=$REPO/deploy/kafka/log4j2.yaml"
  if [[ ! -f $data/meta.properties ]]; then
    [[ -s $dir/cluster-id ]] || head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$dir/cluster-id"
    log "kafka: formatting KRaft storage (cluster id $(<"$dir/cluster-id"))"
    java -Xmx256m "$log4j" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format \
      -t "$(<"$dir/cluster-id")" -c "$props" --ignore-formatted >"$dir/format.log" 2>&1 \
      || { tail -n 30 "$dir/format.log" >&2; die "kafka: storage format failed"; }
  fi
  local -a agent=()
  if [[ -f $KAFKA_AGENT_JAR ]]; then
    agent=("-javaagent:$KAFKA_AGENT_JAR=$HOST:$KAFKA_JMX_PORT:$REPO/deploy/kafka/jmx-exporter.yml")
  else
    log "kafka: starting without the JMX exporter agent (not available)"
  fi
  # JVM flags as in Kafka's kafka-server-start.sh / kafka-run-class.sh
  start_bg kafka java -Xms512m -Xmx1g -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 \
    -Djava.awt.headless=true "$log4j" "${agent[@]}" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$props"
}

# ---------------------------------------------------------------- kafka cluster
# BSS_KAFKA_BROKERS_COUNT=3: three KRaft nodes, each broker and controller (a quorum of three survives
# the loss of one), replication factor 3 and min.insync.replicas 2, so with the producer's acks=all a
# record is acknowledged once two brokers hold it and one broker may die without losing or stopping
# anything. Node 1 is the `kafka` service on the usual ports; nodes 2 and 3 (`kafka-2`, `kafka-3`) are
# 100 and 200 ports above. The cluster keeps its data apart (.services/kafka-cluster/) from the
# single broker's, whose storage is formatted for a quorum of one.

KAFKA_CLUSTER_SIZE=${BSS_KAFKA_BROKERS_COUNT:-1}
[[ $KAFKA_CLUSTER_SIZE == 1 || $KAFKA_CLUSTER_SIZE == 3 ]] || {
  echo "BSS_KAFKA_BROKERS_COUNT must be 1 or 3, not $KAFKA_CLUSTER_SIZE" >&2
  exit 2
}

kafka_cluster() { [[ $KAFKA_CLUSTER_SIZE == 3 ]]; }
kafka_node_port() { echo $((KAFKA_PORT + 100 * ($1 - 1))); }
kafka_node_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 100 * ($1 - 1))); }
kafka_node_service() { if (($1 == 1)); then echo kafka; else echo "kafka-$1"; fi; }

kafka_cluster_brokers() {
  local i list=()
  for i in 1 2 3; do list+=("$HOST:$(kafka_node_port "$i")"); done
  (IFS=,; echo "${list[*]}")
}

# registers kafka-2 and kafka-3 with the harness (start order, ports, readiness, pid check)
kafka_cluster_register() {
  kafka_cluster || return 0
  local i name
  for i in 2 3; do
    name=$(kafka_node_service "$i")
    SERVICES+=("$name")
    PORT[$name]=$(kafka_node_port "$i")
    READY_TIMEOUT[$name]=${READY_TIMEOUT[kafka]}
    CMD_MARK[$name]="kafka-cluster/node-$i.properties"
    eval "start_$name() { start_kafka_node $i; }; ready_$name() { ready_kafka_node $i; }"
  done
  CMD_MARK[kafka]="kafka-cluster/node-1.properties"
}

kafka_cluster_props() {
  local i=$1 dir="$SVC/kafka-cluster" voters="" n
  for n in 1 2 3; do voters+="${voters:+,}$n@$HOST:$(kafka_node_controller_port "$n")"; done
  mkdir -p "$dir/data-$i"
  sed -e "s|@KAFKA_DATA_DIR@|$dir/data-$i|g" \
    -e "s|$KAFKA_PORT|$(kafka_node_port "$i")|g" -e "s|$KAFKA_CONTROLLER_PORT|$(kafka_node_controller_port "$i")|g" \
    -e "s|^node.id=.*|node.id=$i|" -e "s|^controller.quorum.voters=.*|controller.quorum.voters=$voters|" \
    -e "s/^\(default.replication.factor\|offsets.topic.replication.factor\|transaction.state.log.replication.factor\|share.coordinator.state.topic.replication.factor\)=.*/\1=3/" \
    -e "s/^\(min.insync.replicas\|transaction.state.log.min.isr\|share.coordinator.state.topic.min.isr\)=.*/\1=2/" \
    "$REPO/deploy/kafka/server.properties" >"$dir/node-$i.properties"
  printf '%s/node-%s.properties' "$dir" "$i"
}

start_kafka_node() {
  local i=$1 dir="$SVC/kafka-cluster" props name
  name=$(kafka_node_service "$i")
  props=$(kafka_cluster_props "$i")
  local log4j="-Dlog4j2.configurationFile=$REPO/deploy/kafka/log4j2.yaml"
  if [[ ! -f $dir/data-$i/meta.properties ]]; then
    # one cluster id for the three nodes (the first node to start writes it)
    (flock 8; [[ -s $dir/cluster-id ]] || head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$dir/cluster-id") 8>"$dir/.id-lock"
    log "$name: formatting KRaft storage (cluster id $(<"$dir/cluster-id"))"
    java -Xmx256m "$log4j" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format \
      -t "$(<"$dir/cluster-id")" -c "$props" --ignore-formatted >"$dir/format-$i.log" 2>&1 \
      || { tail -n 30 "$dir/format-$i.log" >&2; die "$name: storage format failed"; }
  fi
  local -a agent=()
  if ((i == 1)) && [[ -f $KAFKA_AGENT_JAR ]]; then
    agent=("-javaagent:$KAFKA_AGENT_JAR=$HOST:$KAFKA_JMX_PORT:$REPO/deploy/kafka/jmx-exporter.yml")
  fi
  start_bg "$name" java -Xms256m -Xmx768m -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true "$log4j" "${agent[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$props"
}

ready_kafka_node() {
  local i=$1 port
  port=$(kafka_node_port "$i")
  port_open "$port" || return 1
  # this node answers Metadata and the cluster has all three brokers
  [[ $(kcat -b "$HOST:$port" -L -m 3 2>/dev/null | grep -c " at $HOST:") -ge 3 ]] || return 1
  if ((i == 1)) && [[ -f $KAFKA_AGENT_JAR ]]; then http_ok "http://$HOST:$KAFKA_JMX_PORT/metrics" || return 1; fi
}

kafka_cluster_register

# ---------------------------------------------------------------- prometheus / alertmanager

prom_config() { printf '%s/prometheus/prometheus.yml' "$SVC"; }

# writes the effective config; returns 0 when it changed
write_prometheus_config() {
  local dir="$SVC/prometheus" cfg tmp
  cfg=$(prom_config)
  mkdir -p "$dir/data" "$dir/targets"
  [[ -f $dir/targets/bss.json ]] || echo '[]' >"$dir/targets/bss.json"
  tmp="$cfg.tmp"
  sed "s|@REPO@|$REPO|g" "$REPO/deploy/prometheus/prometheus.yml" >"$tmp"
  # the rule files' checksum makes a rule change a config change, so `up` reloads rules too
  printf '# rules sha256 %s\n' "$(cat "$REPO"/deploy/prometheus/rules/*.yml 2>/dev/null | sha256sum | cut -d' ' -f1)" >>"$tmp"
  if [[ -f $cfg ]] && cmp -s "$tmp" "$cfg"; then
    rm -f "$tmp"
    return 1
  fi
  mv "$tmp" "$cfg"
  return 0
}

start_prometheus() {
  write_prometheus_config || true
  start_bg prometheus prometheus --config.file="$(prom_config)" \
    --storage.tsdb.path="$SVC/prometheus/data" \
    --storage.tsdb.retention.time=15d --storage.tsdb.retention.size=50GB \
    --web.listen-address="$HOST:$PROM_PORT" --web.enable-lifecycle
}

# a running prometheus picks up config changes without a restart
refresh_prometheus() {
  if write_prometheus_config; then
    log "prometheus: configuration changed, reloading"
    if ! curl -fsS -m 10 -X POST "http://$HOST:$PROM_PORT/-/reload" >/dev/null; then
      rm -f "$(prom_config)" # so that the next `up` tries again
      fail_with_log prometheus "reload failed, still running the previous configuration (see the log)"
    fi
  fi
}

# The repository's alertmanager.yml is a template (see its header): the effective file is written to
# .services/alertmanager/alertmanager.yml with local defaults, overridable from the environment.
am_config() { printf '%s/alertmanager/alertmanager.yml' "$SVC"; }
am_secrets_dir() { printf '%s' "${BSS_ALERTMANAGER_SECRETS_DIR:-$SVC/alertmanager/secrets}"; }
AM_LOCAL_SINK="http://$HOST:59096"

# local placeholder secret files for every @SECRETS_DIR@/<name> the template names (never overwritten)
write_alertmanager_secrets() {
  local dir name
  dir=$(am_secrets_dir)
  mkdir -p "$dir"
  chmod 700 "$dir" 2>/dev/null || true
  while read -r name; do
    name=${name#@SECRETS_DIR@/}
    [[ -f $dir/$name ]] && continue
    (
      umask 077
      case $name in
        *url*) printf '%s/%s\n' "$AM_LOCAL_SINK" "${name%%_*}" >"$dir/$name" ;; # a local URL, e.g. the Slack webhook
        *) printf 'local-placeholder-not-a-secret\n' >"$dir/$name" ;;
      esac
    )
  done < <(grep -o '@SECRETS_DIR@/[A-Za-z0-9_.-]*' "$REPO/deploy/alertmanager/alertmanager.yml" | sort -u)
}

# writes the effective config; returns 0 when it changed
write_alertmanager_config() {
  local cfg tmp
  cfg=$(am_config)
  mkdir -p "$SVC/alertmanager/data"
  write_alertmanager_secrets
  tmp="$cfg.tmp"
  sed -e "s|@REPO@|$REPO|g" \
    -e "s|@SECRETS_DIR@|$(am_secrets_dir)|g" \
    -e "s|@ALERT_WEBHOOK_URL@|${BSS_ALERT_WEBHOOK_URL:-http://$HOST:59095/alerts}|g" \
    -e "s|@PAGERDUTY_URL@|${BSS_PAGERDUTY_URL:-$AM_LOCAL_SINK/pagerduty}|g" \
    -e "s|@SMTP_SMARTHOST@|${BSS_SMTP_SMARTHOST:-$HOST:59025}|g" \
    "$REPO/deploy/alertmanager/alertmanager.yml" >"$tmp"
  # the notification templates' checksum makes a template change a config change
  printf '# templates sha256 %s\n' "$(cat "$REPO"/deploy/alertmanager/templates/*.tmpl 2>/dev/null | sha256sum | cut -d' ' -f1)" >>"$tmp"
  if [[ -f $cfg ]] && cmp -s "$tmp" "$cfg"; then
    rm -f "$tmp"
    return 1
  fi
  mv "$tmp" "$cfg"
  return 0
}

start_alertmanager() {
  write_alertmanager_config || true
  start_bg alertmanager prometheus-alertmanager \
    --config.file="$(am_config)" \
    --storage.path="$SVC/alertmanager/data" \
    --web.listen-address="$HOST:$AM_PORT" --cluster.listen-address=
}

# a running alertmanager picks up config changes without a restart
refresh_alertmanager() {
  local pid
  pid=$(our_pid alertmanager)
  if [[ -n $pid ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--config.file=$(am_config)"; then
    # started by an older harness with the template itself as its config: restart on the effective file
    log "alertmanager: restarting on the effective configuration $(am_config)"
    stop_pid alertmanager "$pid" 15
    start_alertmanager
    wait_ready alertmanager
    return
  fi
  write_alertmanager_config || return 0
  log "alertmanager: configuration changed, reloading"
  if ! curl -fsS -m 10 -X POST "http://$HOST:$AM_PORT/-/reload" >/dev/null; then
    rm -f "$(am_config)" # so that the next `up` tries again
    fail_with_log alertmanager "reload failed, still running the previous configuration (check deploy/alertmanager/alertmanager.yml)"
  fi
}

# ---------------------------------------------------------------- exporters

start_postgres-exporter() {
  DATA_SOURCE_NAME="postgresql://$PG_USER@$HOST:$PG_PORT/postgres?sslmode=disable" \
    start_bg postgres-exporter prometheus-postgres-exporter --web.listen-address="$HOST:$PG_EXPORTER_PORT"
}

start_redis-exporter() {
  start_bg redis-exporter prometheus-redis-exporter -redis.addr "redis://$HOST:$REDIS_PORT" \
    -web.listen-address "$HOST:$REDIS_EXPORTER_PORT"
}

start_node-exporter() {
  mkdir -p "$SVC/node-exporter/textfile"
  start_bg node-exporter prometheus-node-exporter --web.listen-address="$HOST:$NODE_EXPORTER_PORT" \
    --collector.textfile.directory="$SVC/node-exporter/textfile"
}

# ---------------------------------------------------------------- pushgateway

# pushed results survive a restart (a last success must not be forgotten), kept under .services/
start_pushgateway() {
  start_bg pushgateway prometheus-pushgateway --web.listen-address="$HOST:$PUSHGATEWAY_PORT" \
    --persistence.file="$SVC/pushgateway/pushgateway.data" --persistence.interval=30s
}

# ---------------------------------------------------------------- one service up

wait_ready() {
  local name=$1 timeout=${READY_TIMEOUT[$1]} start=$SECONDS pid
  while ! "ready_$name"; do
    # (only kill -0 here: a process may be rewriting its title, e.g. redis-server)
    if [[ $name != postgres ]]; then
      pid=$(cat "$(pid_file "$name")" 2>/dev/null || true)
      if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
        fail_with_log "$name" "process exited before it was ready"
        return 1
      fi
    fi
    if ((SECONDS - start >= timeout)); then
      fail_with_log "$name" "not ready after ${timeout}s"
      return 1
    fi
    sleep 0.3
  done
}

up_one() {
  local name=$1 port=${PORT[$1]} pid t0=$SECONDS
  mkdir -p "$(svc_dir "$name")"
  pid=$(our_pid "$name")
  if [[ -n $pid ]]; then
    if ! "ready_$name"; then
      log "$name: running (pid $pid) but not ready yet, waiting"
      wait_ready "$name" || return 1
    else
      log "$name: already up on $HOST:$port (pid $pid)"
    fi
    case $name in
      prometheus) refresh_prometheus ;;
      alertmanager) refresh_alertmanager ;;
      postgres) refresh_postgres && post_ready_postgres ;;
    esac
    return 0
  fi
  if port_open "$port"; then
    # the port is taken by a process this checkout did not start (e.g. another clone's harness)
    local owner
    owner=$(port_owner "$port")
    if "ready_$name"; then
      log "$name: $HOST:$port is already served by another process (${owner:-pid unknown}), not started from $SVC; using it"
      [[ $name == postgres ]] && post_ready_postgres
      return 0
    fi
    die "$name: port $HOST:$port is in use by another process (${owner:-pid unknown}) that does not answer as $name"
  fi
  [[ $name == postgres ]] && prepare_log_postgres
  log "$name: starting on $HOST:$port"
  "start_$name"
  wait_ready "$name" || return 1
  [[ $name == postgres ]] && post_ready_postgres
  log "$name: ready on $HOST:$port ($((SECONDS - t0))s)"
}

# ---------------------------------------------------------------- commands

# The ports lie inside Linux's ephemeral range (32768–60999): an outgoing connection may hold one when a
# service binds it (Kafka once failed with "Address already in use"). Reserved where /proc allows it.
reserve_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports
  [[ -w $file ]] || return 0
  local current wanted="$PG_PORT,$REDIS_PORT,$PROM_PORT-$((KAFKA_JMX_PORT + 200))"
  current=$(cat "$file")
  [[ $current == *"$PROM_PORT"* ]] && return 0
  echo "${current:+$current,}$wanted" >"$file" 2>/dev/null || true
}

cmd_up() {
  local t0=$SECONDS
  install_missing
  reserve_ports
  # all services start concurrently; the exporters do not need their targets to be up
  local -A bg=()
  local name failed=()
  for name in "${SERVICES[@]}"; do
    up_one "$name" &
    bg[$name]=$!
  done
  for name in "${SERVICES[@]}"; do
    wait "${bg[$name]}" || failed+=("$name")
  done
  if ((${#failed[@]})); then
    die "not ready: ${failed[*]} (logs under $SVC/<name>/)"
  fi
  log "all services up ($((SECONDS - t0))s)"
}

down_one() {
  local name=$1 pid
  if [[ $name == postgres ]]; then
    pid=$(our_pid postgres)
    if [[ -n $pid ]]; then
      log "postgres: stopping (pid $pid)"
      stop_postgres
    fi
    return 0
  fi
  pid=$(our_pid "$name")
  if [[ -n $pid ]]; then
    log "$name: stopping (pid $pid)"
    local grace=15
    [[ $name == kafka* ]] && grace=60
    stop_pid "$name" "$pid" "$grace"
  fi
  rm -f "$(pid_file "$name")"
}

cmd_down() {
  local name pids=()
  # exporters and prometheus first, then the engines, concurrently within each group
  for name in postgres-exporter redis-exporter node-exporter pushgateway prometheus alertmanager; do
    down_one "$name" &
    pids+=($!)
  done
  wait "${pids[@]}"
  pids=()
  for name in $(kafka_cluster && echo kafka-2 kafka-3) kafka redis postgres; do
    down_one "$name" &
    pids+=($!)
  done
  wait "${pids[@]}"
  log "all services stopped (data kept under $SVC)"
}

cmd_status() {
  local name pid state note
  for name in "${SERVICES[@]}"; do
    pid=$(our_pid "$name")
    if "ready_$name" 2>/dev/null; then state=up; else state=down; fi
    if [[ -n $pid ]]; then
      note="pid $pid"
    elif [[ $state == up ]]; then
      note="not started from this checkout"
    else
      note=""
    fi
    if [[ $name == kafka && $state == up ]]; then
      note="$note, controller $HOST:$KAFKA_CONTROLLER_PORT"
      [[ -f $KAFKA_AGENT_JAR ]] && note="$note, jmx $HOST:$KAFKA_JMX_PORT"
    fi
    printf '%-18s %-5s %s:%-6s %s\n' "$name" "$state" "$HOST" "${PORT[$name]}" "$note"
  done
}

cmd_env() {
  echo "export BSS_DATABASE_URL=postgres://$PG_USER@$HOST:$PG_PORT/$PG_DB" \
    "BSS_KAFKA_BROKERS=$(if kafka_cluster; then kafka_cluster_brokers; else echo "$HOST:$KAFKA_PORT"; fi)" \
    "BSS_REDIS_URL=redis://$HOST:$REDIS_PORT" \
    "BSS_PROMETHEUS_URL=http://$HOST:$PROM_PORT" \
    "BSS_ALERTMANAGER_URL=http://$HOST:$AM_PORT" \
    "BSS_PUSHGATEWAY_URL=http://$HOST:$PUSHGATEWAY_PORT"
}

# one `up`/`down` at a time per checkout (npm test may be started from several shells)
lock_harness() {
  mkdir -p "$SVC"
  exec 9>"$SVC/.lock"
  if ! flock -n 9; then
    log "another services.sh up/down is running in this checkout; waiting for it"
    flock -w 600 9 || die "timed out waiting for $SVC/.lock"
  fi
}

# The instances the project Prometheus scrapes as job `bss` (file_sd, re-read within 5 s). The service
# itself never writes here: whoever runs it (an operator, a test) knows its address.
cmd_scrape() {
  local file="$SVC/prometheus/targets/bss.json" t list=()
  for t in "$@"; do
    [[ $t =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || die "scrape: '$t' is not HOST:PORT"
    list+=("\"$t\"")
  done
  mkdir -p "$(dirname "$file")"
  if ((${#list[@]})); then
    printf '[{"targets":[%s],"labels":{"service":"bss"}}]\n' "$(IFS=,; echo "${list[*]}")" >"$file.tmp"
  else
    echo '[]' >"$file.tmp"
  fi
  mv "$file.tmp" "$file" # Prometheus never reads a half-written file
  log "prometheus: job bss scrapes ${*:-nothing}"
}

usage() {
  echo "usage: $0 up|down|status|env|scrape [HOST:PORT...]" >&2
  exit 2
}

case "${1:-}" in
  up)
    lock_harness
    cmd_up
    ;;
  down)
    lock_harness
    cmd_down
    ;;
  status) cmd_status ;;
  env) cmd_env ;;
  scrape)
    shift
    cmd_scrape "$@"
    ;;
  *) usage ;;
esac
