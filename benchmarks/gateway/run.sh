#!/usr/bin/env bash
# Gateway throughput and added latency, in one run, against the same upstream:
#   direct  - wrk -> upstream
#   gateway - wrk -> api-gateway (Jetty 12 proxy) -> upstream
#   nginx   - wrk -> nginx reverse proxy (keep-alive upstream) -> upstream
# plus the gateway's cold start to ready (ms, from process launch to the first 200 on /ready)
# and its resident memory (VmRSS from /proc) when ready and after the load.
#
#   benchmarks/gateway/run.sh                   # wrk -t2 -c32 -d10s per target
#   DURATION=30s CONNECTIONS=64 benchmarks/gateway/run.sh
#
# Needs wrk, nginx and curl; installs them from Debian packages when run as root, else stops with
# a message saying what to install. Everything listens on 127.0.0.1 only and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
UPSTREAM_PORT=${UPSTREAM_PORT:-18081}
GATEWAY_PORT=${GATEWAY_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18082}

missing=()
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${missing[*]} from Debian packages"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "SKIPPED: the gateway benchmark needs ${missing[*]}; install them (apt-get install -y ${missing[*]}) and run again"
        exit 0
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -f "$work/nginx/nginx.pid" ]; then kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

mvn -B -q -o -pl examples/api-gateway -am package -DskipTests

wait_for() {  # url, attempts of 10 ms[, pid that must stay alive]
    for _ in $(seq 1 "$2"); do
        if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
        if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
            echo "process $3 exited before $1 answered:" >&2
            tail -20 "$work"/*.log >&2
            return 1
        fi
        sleep 0.01
    done
    echo "timed out waiting for $1" >&2
    return 1
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# Jetty and slf4j-api only: without a logging backend the upstream logs nothing
upstream_cp=$(ls examples/api-gateway/target/lib/jetty-*.jar examples/api-gateway/target/lib/slf4j-api-*.jar | paste -sd:)
java -cp "$upstream_cp" benchmarks/gateway/FixedJsonUpstream.java "$UPSTREAM_PORT" >"$work/upstream.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/users/1" 3000 "${pids[0]}"

start_ns=$(date +%s%N)
PORT=$GATEWAY_PORT GATEWAY_ROUTES=/api/users=user-service/users \
    CHASSIS_DISCOVERY_STATIC_USER_SERVICE=127.0.0.1:$UPSTREAM_PORT OTEL_SDK_DISABLED=true \
    java -jar examples/api-gateway/target/api-gateway.jar >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)
wait_for "http://127.0.0.1:$GATEWAY_PORT/ready" 6000 "$gateway_pid"
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
rss_ready=$(rss_kb "$gateway_pid")

mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    upstream users { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location /api/users/ {
            proxy_pass http://users/users/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
    }
}
CONF
"$NGINX" -c "$work/nginx/nginx.conf" -p "$work/nginx"
wait_for "http://127.0.0.1:$NGINX_PORT/api/users/1" 3000

declare -A rps p50 p99
run() {  # name url
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$2" >/dev/null
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
    echo "$out" >"$work/wrk-$1.txt"
    if echo "$out" | grep -q "Non-2xx"; then echo "WARNING: $1 had non-2xx answers" >&2; fi
    rps[$1]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50[$1]=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99[$1]=$(echo "$out" | awk '$1=="99%" {print $2}')
}
to_ms() {  # wrk latency (e.g. 812.00us, 1.23ms, 1.02s) in ms
    echo "$1" | awk '/us$/ {sub("us",""); printf "%.3f", $1/1000; next} /ms$/ {sub("ms",""); printf "%.3f", $1; next} /s$/ {sub("s",""); printf "%.3f", $1*1000}'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run direct "http://127.0.0.1:$UPSTREAM_PORT/users/1"
run gateway "http://127.0.0.1:$GATEWAY_PORT/api/users/1"
run nginx "http://127.0.0.1:$NGINX_PORT/api/users/1"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
rss_after=$(rss_kb "$gateway_pid")

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after ${WARMUP} warm-up each), $(nproc) cores, load average $load_before before, $load_after after"
printf "%-8s %12s %10s %10s %14s %14s %14s\n" target "req/s" "p50 ms" "p99 ms" "vs direct" "added p50 ms" "added p99 ms"
for t in direct gateway nginx; do
    a50=$(awk -v a="$(to_ms "${p50[$t]}")" -v b="$(to_ms "${p50[direct]}")" 'BEGIN {printf "%.3f", a-b}')
    a99=$(awk -v a="$(to_ms "${p99[$t]}")" -v b="$(to_ms "${p99[direct]}")" 'BEGIN {printf "%.3f", a-b}')
    ratio=$(awk -v a="${rps[$t]}" -v b="${rps[direct]}" 'BEGIN {printf "%.2f", a/b}')
    printf "%-8s %12s %10s %10s %14s %14s %14s\n" "$t" "${rps[$t]}" "$(to_ms "${p50[$t]}")" "$(to_ms "${p99[$t]}")" "$ratio" "$a50" "$a99"
done
echo "gateway vs nginx: $(awk -v a="${rps[gateway]}" -v b="${rps[nginx]}" 'BEGIN {printf "%.2f", a/b}') of nginx's req/s"
echo "gateway cold start to ready: ${ready_ms} ms; RSS when ready: $((rss_ready / 1024)) MiB, after the load: $((rss_after / 1024)) MiB"
