# Shared settings and helpers of stack/fetch, stack/up, stack/down and stack/status.
# Source it from bash. It only defines variables and functions.
#
# Environment variables (all optional):
#   KAFKA_PORT                 broker listener on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT      KRaft controller listener on 127.0.0.1 (default 9093)
#   OPENSEARCH_PORT            OpenSearch HTTP port on 127.0.0.1 (default 9200)
#   OPENSEARCH_TRANSPORT_PORT  OpenSearch transport port on 127.0.0.1 (default 9300)
#   LOGPIPE_STACK_DIR          data, log and pid files (default <repo>/.stack)
#   LOGPIPE_CACHE              downloaded jars and the compiled launcher (default <repo>/.cache)
#   KAFKA_HEAP_OPTS            JVM heap flags of the broker (default "-Xms256m -Xmx512m")
#   OPENSEARCH_HEAP_OPTS       JVM heap flags of the OpenSearch node (default "-Xms512m -Xmx1g")
#   LOGPIPE_STACK_TIMEOUT      seconds stack/up waits for each engine to become healthy (default 120)
# Two stacks can run at once when they differ in all four ports and in LOGPIPE_STACK_DIR.

STACK_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$STACK_SRC")

KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
OPENSEARCH_PORT=${OPENSEARCH_PORT:-9200}
OPENSEARCH_TRANSPORT_PORT=${OPENSEARCH_TRANSPORT_PORT:-9300}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
OPENSEARCH_HEAP_OPTS=${OPENSEARCH_HEAP_OPTS:--Xms512m -Xmx1g}
LOGPIPE_STACK_TIMEOUT=${LOGPIPE_STACK_TIMEOUT:-120}

# Absolute paths, because the JVMs' command lines and pid checks compare them as strings.
LOGPIPE_STACK_DIR=$(realpath -m "${LOGPIPE_STACK_DIR:-$REPO_ROOT/.stack}")
LOGPIPE_CACHE=$(realpath -m "${LOGPIPE_CACHE:-$REPO_ROOT/.cache}")

KAFKA_LIB=$LOGPIPE_CACHE/stack/kafka-lib
OPENSEARCH_LIB=$LOGPIPE_CACHE/stack/opensearch-lib
OPENSEARCH_LAUNCHER=$LOGPIPE_CACHE/stack/opensearch-launcher

ENGINES=(kafka opensearch)

die() {
    echo "stack: $*" >&2
    exit 1
}

check_port_variables() {
    local name
    for name in KAFKA_PORT KAFKA_CONTROLLER_PORT OPENSEARCH_PORT OPENSEARCH_TRANSPORT_PORT LOGPIPE_STACK_TIMEOUT; do
        [[ ${!name} =~ ^[1-9][0-9]*$ ]] || die "invalid $name='${!name}': expected a positive integer"
    done
}

# Parses the optional engine argument of up, down and status into the array SELECTED_ENGINES.
select_engines() {
    case "${1:-}" in
        "") SELECTED_ENGINES=("${ENGINES[@]}") ;;
        kafka | opensearch) SELECTED_ENGINES=("$1") ;;
        *) die "invalid engine '$1': expected kafka, opensearch or no argument for both" ;;
    esac
}

engine_dir() { echo "$LOGPIPE_STACK_DIR/$1"; }
pid_file() { echo "$LOGPIPE_STACK_DIR/$1/$1.pid"; }
log_file() { echo "$LOGPIPE_STACK_DIR/$1/$1.log"; }
# The JVM's own stdout and stderr: crashes before logging starts and JVM errors land here.
console_file() { echo "$LOGPIPE_STACK_DIR/$1/$1.console.log"; }

# The JVM option that marks a process as ENGINE of this stack directory, so a pid
# reused by an unrelated process, or an engine of another stack, is never taken for ours.
process_marker() { echo "-Dlogpipe.stack.engine=$1@$LOGPIPE_STACK_DIR"; }

# Prints the pid of ENGINE if its pid file names a live process carrying our marker.
running_pid() {
    local file pid
    file=$(pid_file "$1")
    [[ -s $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    { tr '\0' '\n' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qxF -- "$(process_marker "$1")" || return 1
    echo "$pid"
}

# Succeeds if the broker returns a metadata response within 5 s.
# Lists all topics, because a metadata request naming a topic can auto-create it.
kafka_healthy() {
    timeout 10 kcat -b "127.0.0.1:$KAFKA_PORT" -L -m 5 </dev/null 2>/dev/null | grep -q ' 1 brokers:'
}

# Succeeds if the cluster health is green or yellow within 1 s.
opensearch_healthy() {
    curl -s --max-time 5 "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" \
        | grep -Eq '"status":"(green|yellow)"'
}

engine_healthy() { "$1_healthy"; }

engine_ports() {
    case "$1" in
        kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
        opensearch) echo "$OPENSEARCH_PORT $OPENSEARCH_TRANSPORT_PORT" ;;
    esac
}

engine_address() {
    case "$1" in
        kafka) echo "bootstrap 127.0.0.1:$KAFKA_PORT" ;;
        opensearch) echo "http://127.0.0.1:$OPENSEARCH_PORT" ;;
    esac
}

# Prints the last 30 lines of ENGINE's log file and of its console file when that is not empty.
show_log_tail() {
    local file
    for file in "$(log_file "$1")" "$(console_file "$1")"; do
        [[ -s $file ]] || continue
        echo "---- last 30 lines of $file ----" >&2
        tail -n 30 "$file" >&2
    done
}
