#!/usr/bin/env bash
# Runs one local Kafka broker for the Kafka bridge's tests and for trying the bridge
# by hand: `bash scripts/kafka.sh start|stop|status`.
#
# No Docker and no Apache download mirror are needed: the broker's jars come from
# Maven Central through `mvn` (org.apache.kafka:kafka_2.13 and its runtime
# dependencies) into a cache outside the repository, reused on later runs. The
# broker runs in KRaft mode as a single combined broker+controller node with every
# replication factor at 1, listening on 127.0.0.1 only.
#
# Environment:
#   SWITCHBOARD_KAFKA_VERSION  Kafka release (default 3.9.2, the last 3.x; see docs/kafka.md)
#   SWITCHBOARD_KAFKA_HOME     cache dir (default ~/.cache/switchboard/kafka-<version>)
#   SWITCHBOARD_KAFKA_PORT     client port (default 9092); the controller uses port+1
#   SWITCHBOARD_KAFKA_WAIT     seconds `start` waits for the port (default 120)
#   SWITCHBOARD_KAFKA_STATE    dir for this broker's data, config, log and pid (default:
#                              files named after the port in the cache dir); tests that
#                              stop and start a broker of their own use a temp dir here
set -uo pipefail

VERSION="${SWITCHBOARD_KAFKA_VERSION:-3.9.2}"
HOME_DIR="${SWITCHBOARD_KAFKA_HOME:-${HOME}/.cache/switchboard/kafka-${VERSION}}"
PORT="${SWITCHBOARD_KAFKA_PORT:-9092}"
CONTROLLER_PORT="$((PORT + 1))"
WAIT_SECONDS="${SWITCHBOARD_KAFKA_WAIT:-120}"
LIBS="${HOME_DIR}/libs"
STATE_DIR="${SWITCHBOARD_KAFKA_STATE:-}"
if [ -n "$STATE_DIR" ]; then
  mkdir -p "$STATE_DIR"
  DATA="${STATE_DIR}/data"
  CONF="${STATE_DIR}/server.properties"
  LOG="${STATE_DIR}/broker.log"
  PIDFILE="${STATE_DIR}/broker.pid"
else
  DATA="${HOME_DIR}/data-${PORT}"
  CONF="${HOME_DIR}/server-${PORT}.properties"
  LOG="${HOME_DIR}/broker-${PORT}.log"
  PIDFILE="${HOME_DIR}/broker-${PORT}.pid"
fi

answers() { (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; }

pid_alive() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# Fetches the broker's jars once. A throwaway pom lists kafka_2.13 (the broker,
# including kafka.Kafka and kafka.tools.StorageTool) plus an slf4j binding, since
# the broker's own pom leaves logging to the distribution's libs folder.
fetch() {
  [ -f "${LIBS}/.complete" ] && return 0
  echo "fetching Kafka ${VERSION} and its dependencies from Maven Central into ${LIBS}"
  mkdir -p "${HOME_DIR}/pom"
  cat >"${HOME_DIR}/pom/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>switchboard.local</groupId>
  <artifactId>kafka-broker-deps</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
EOF
  rm -rf "${LIBS}"
  if ! mvn -q -B -f "${HOME_DIR}/pom/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${LIBS}" >"${HOME_DIR}/fetch.log" 2>&1; then
    echo "fetching Kafka ${VERSION} failed; last lines of ${HOME_DIR}/fetch.log:" >&2
    tail -n 30 "${HOME_DIR}/fetch.log" >&2
    return 1
  fi
  touch "${LIBS}/.complete"
}

write_config() {
  cat >"$CONF" <<EOF
# Single-node KRaft broker for local tests (written by scripts/kafka.sh).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${DATA}
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=true
# Tests join many short-lived consumer groups; don't wait for more members.
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
  cat >"${HOME_DIR}/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
# stderr, so that tools whose answer is on stdout (StorageTool random-uuid) print only it.
log4j.appender.stdout.Target=System.err
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
EOF
}

# The JVM command line, as an array so paths with spaces survive.
java_cmd() { # main-class args...
  JAVA_CMD=(java -Xms128m -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:${HOME_DIR}/log4j.properties" "-Dkafka.logs.dir=${HOME_DIR}"
    -cp "${LIBS}/*" "$@")
}

start() {
  if answers; then echo "Kafka is up on 127.0.0.1:${PORT}"; return 0; fi
  if pid_alive; then
    echo "Kafka (pid $(cat "$PIDFILE")) is starting; waiting for it"
  else
    fetch || return 1
    write_config
    # Formatting is a one-time step per data dir; --ignore-formatted keeps an
    # existing dir (and its cluster id) on later starts.
    if [ ! -f "${DATA}/meta.properties" ]; then
      local cluster_id
      java_cmd kafka.tools.StorageTool random-uuid
      cluster_id="$("${JAVA_CMD[@]}" 2>>"$LOG")" || { echo "random-uuid failed" >&2; tail -n 30 "$LOG" >&2; return 1; }
      java_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF" --ignore-formatted
      "${JAVA_CMD[@]}" >>"$LOG" 2>&1 \
        || { echo "formatting ${DATA} failed; last lines of ${LOG}:" >&2; tail -n 30 "$LOG" >&2; return 1; }
    fi
    echo "starting Kafka ${VERSION} on 127.0.0.1:${PORT} (log: ${LOG})"
    # setsid: the broker gets a session of its own, so it outlives the shell (or CI
    # step) that started it, as a service does; `stop` ends it by its pid.
    java_cmd kafka.Kafka "$CONF"
    setsid "${JAVA_CMD[@]}" >>"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
  fi
  local waited=0
  while [ "$waited" -lt "$WAIT_SECONDS" ]; do
    if answers; then echo "Kafka is up on 127.0.0.1:${PORT} after ${waited}s"; return 0; fi
    if ! pid_alive; then
      echo "Kafka exited during start-up; last lines of ${LOG}:" >&2
      tail -n 40 "$LOG" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "Kafka did not answer on 127.0.0.1:${PORT} within ${WAIT_SECONDS}s; last lines of ${LOG}:" >&2
  tail -n 40 "$LOG" >&2
  return 1
}

stop() {
  if ! pid_alive; then
    rm -f "$PIDFILE"
    if answers; then echo "Kafka answers on ${PORT} but was not started by this script; leaving it" >&2; return 1; fi
    echo "Kafka is not running"
    return 0
  fi
  local pid
  pid="$(cat "$PIDFILE")"
  kill "$pid" 2>/dev/null
  # A controlled shutdown takes a few seconds; escalate if it hangs.
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  rm -f "$PIDFILE"
  echo "Kafka stopped"
}

status() {
  if answers; then echo "Kafka is up on 127.0.0.1:${PORT}"; return 0; fi
  echo "Kafka is not answering on 127.0.0.1:${PORT}"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
