#!/usr/bin/env bash
# Several `ssad serve` nodes on one PostgreSQL database, behind nginx, as docs/deployment.md describes them:
#  a. every node's response cache drops what a change (a JSONL or escrow import, `ssad registrar set`)
#     made stale within a second, and a paging cursor one node made works on the other; the rate limit
#     is per node;
#  b. faults: a node killed (-9) under load through nginx costs no request; PostgreSQL restarted and
#     killed under load makes a node answer 503 with Retry-After and an RDAP error body, never anything
#     else, and it answers 200 again on its own; an import cut off by a PostgreSQL crash leaves nothing;
#  c. a node reading from a streaming replica sees the primary's import once it is replayed, and writes
#     never go to the replica.
# The script starts its own PostgreSQL (tests/support/pg_server.sh, since it kills and restarts it), nginx
# (-p and -c in the scratch folder, on a free port) and the nodes, and stops all of them on exit.
# Usage: several_nodes_e2e.sh SSAD TEST_DATA_DIR PG_SERVER_SH. Prints what it measures and
# "N passed, N failed"; exits 1 on any failure. No fixed sleeps: every wait polls against a deadline.
set -u
ssad=$1
data=$2
pg_server=$3
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"
psql_bin=/usr/lib/postgresql/15/bin/psql
nginx_bin=/usr/sbin/nginx
[ -x "$nginx_bin" ] || { echo "nginx is not installed ($nginx_bin): run scripts/setup" >&2; exit 1; }

node_pids=()  # every `ssad serve` started, killed or not
nginx_pid=""
cleanup() {
  local pid
  for pid in "${node_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null
  for pid in "${node_pids[@]}" $nginx_pid; do wait "$pid" 2>/dev/null; done
  bash "$pg_server" stop "$work/replica"
  bash "$pg_server" stop "$work/pg"
  rm -rf "$work"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# One address of 10.0.0.0/8 at random: the nodes believe 127.0.0.1's X-Forwarded-For (nginx's, and this
# script's own direct requests), so that each request counts as a client of its own for the rate limit.
random_client() { echo "10.$((RANDOM % 256)).$((RANDOM % 256)).$((RANDOM % 256))"; }
# answer URL: the body, then a line "status=NNN"
answer() { curl -s --max-time 10 -w '\nstatus=%{http_code}' -H "X-Forwarded-For: $(random_client)" "$1"; }
# wait_for URL PATTERN SINCE_MS DEADLINE_MS: polls URL until its answer matches PATTERN (grep), then prints
# the milliseconds since SINCE_MS; fails at the deadline.
wait_for() {
  local url=$1 pattern=$2 since=$3 deadline=$4
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if grep -q -- "$pattern" <<<"$(answer "$url")"; then
      echo $(($(now_ms) - since))
      return 0
    fi
    sleep 0.02
  done
  return 1
}
sql() { "$psql_bin" -X -At -d "$1" -c "$2"; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
counts_query="SELECT (SELECT count(*) FROM domain) || ' domains, ' || (SELECT count(*) FROM contact) ||
  ' contacts, ' || (SELECT count(*) FROM host) || ' hosts, ' || (SELECT count(*) FROM escrow_deposit) || ' deposits'"

# start_node NAME CACHE_MEGABYTES RATE_PER_SECOND [REPLICA_URL]: starts `ssad serve` on a free port of
# 127.0.0.1 with the shared cursor secret; sets node_pid and node_http (HOST:PORT).
start_node() {
  local name=$1 address="" pid
  cat >"$work/$name.toml" <<TOML
[store]
path = "$db"
replica_url = "${4:-}"
[server]
http = "127.0.0.1:0"
trusted_proxies = ["127.0.0.1"]
forwarded_header = "x-forwarded-for"
[rdap]
base_url = "https://rdap.nodes.example/rdap/"
cursor_secret = "$cursor_secret"
page_size = 10
cache_megabytes = $2
rate_limit_per_second = $3
rate_limit_burst = 4
[log]
access_log = false
TOML
  "$ssad" serve --config "$work/$name.toml" >"$work/$name.out" 2>"$work/$name.err" &
  pid=$!
  node_pids+=("$pid")
  local deadline=$(($(now_ms) + 20000))
  while [ -z "$address" ] && [ "$(now_ms)" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null; do
    address=$(sed -n 's|.*serving .* on http://\([^ ]*\)$|\1|p' "$work/$name.err")
    [ -n "$address" ] || sleep 0.05
  done
  if [ -z "$address" ]; then
    echo "node $name did not start:" >&2
    cat "$work/$name.err" >&2
    exit 1
  fi
  node_pid=$pid
  node_http=$address
}

# The load client: GET /rdap/domain/NAME for the names in a file, from several threads, each on a
# keep-alive connection, every request as a client of its own (X-Forwarded-For). Each answer is checked:
# 200 must name the domain asked for; in `outage` mode a 503 must carry Retry-After: 1 and an RDAP error
# body. Anything else (another status, a reset, a closed connection, a timeout) is a failure.
#   load.py balanced HOST:PORT NAMES TOTAL CLIENTS KILL_PID  kills KILL_PID (-9) after half the requests
#   load.py outage HOST:PORT NAMES CLIENTS STOP_FILE READY_FILE  runs until STOP_FILE exists; makes
#                                                    READY_FILE after 100 good answers
# Prints "requests ok unavailable failed seconds" and then up to 5 failures, one a line.
cat >"$work/load.py" <<'PY'
import http.client, json, os, signal, sys, threading, time

mode, address, names_file = sys.argv[1:4]
host, port = address.rsplit(":", 1)
names = open(names_file).read().split()
lock = threading.Lock()
state = {"next": 0, "ok": 0, "unavailable": 0, "failed": 0, "failures": []}
if mode == "balanced":
    total, clients, kill_pid = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
else:
    clients, stop_file, ready_file = int(sys.argv[4]), sys.argv[5], sys.argv[6]


def verdict(name, status, retry_after, body):
    if status == 200:
        try:
            got = json.loads(body).get("ldhName")
        except ValueError:
            return "200 with a body that is not JSON"
        return "ok" if got == name else f"200 for {name} naming {got}"
    if status == 503 and mode == "outage":
        try:
            error = json.loads(body)
        except ValueError:
            return "503 with a body that is not JSON"
        if retry_after != "1":
            return f"503 with Retry-After {retry_after!r}"
        if error.get("errorCode") != 503 or "rdapConformance" not in error:
            return "503 without an RDAP error body"
        return "unavailable"
    return f"status {status} for {name}"


def client():
    conn = None
    while True:
        with lock:
            n = state["next"]
            if mode == "balanced" and n >= total:
                break
            state["next"] = n + 1
        if mode == "outage" and os.path.exists(stop_file):
            break
        if mode == "balanced" and n == total // 2:
            os.kill(kill_pid, signal.SIGKILL)
        name = names[n % len(names)]
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            conn.request("GET", "/rdap/domain/" + name,
                         headers={"X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"})
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            outcome = verdict(name, response.status, response.getheader("Retry-After"), body)
            if response.will_close:
                conn.close()
                conn = None
        except Exception as e:  # a reset, a closed connection, a timeout: all failures
            outcome = f"{type(e).__name__}: {e}"
            if conn is not None:
                conn.close()
            conn = None
        with lock:
            if outcome in ("ok", "unavailable"):
                state[outcome] += 1
                if mode == "outage" and state["ok"] == 100:
                    open(ready_file, "w").close()
            else:
                state["failed"] += 1
                if len(state["failures"]) < 5:
                    state["failures"].append(outcome)


started = time.monotonic()
threads = [threading.Thread(target=client) for _ in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
seconds = time.monotonic() - started
requests = state["ok"] + state["unavailable"] + state["failed"]
print(requests, state["ok"], state["unavailable"], state["failed"], f"{seconds:.2f}")
for failure in state["failures"]:
    print(failure)
PY

# --- The database: a demo registry (.example), the RFC 9022 FULL deposit and the JSONL example (.test).
bash "$pg_server" start "$work/pg" || exit 1
db=$(cat "$work/pg/url")
cursor_secret=$(openssl rand -base64 32)
"$ssad" demo --domains 2000 --db "$db" --out "$work/demo" >/dev/null 2>&1 || { echo "demo failed" >&2; exit 1; }
"$ssad" import escrow "$data/escrow/rfc9022-full/deposit.xml" --db "$db" >/dev/null 2>&1 ||
  { echo "the FULL deposit did not import" >&2; exit 1; }
"$ssad" import jsonl "$data/jsonl/registry.jsonl" --db "$db" >/dev/null 2>&1 ||
  { echo "registry.jsonl did not import" >&2; exit 1; }
sql "$db" "SELECT name FROM domain WHERE tld = 'example' ORDER BY name" >"$work/names"
check "the demo registry holds 2000 .example domains" test "$(wc -l <"$work/names")" -eq 2000

# --- Two nodes behind nginx. Rate limit 2/s, burst 4 per client and node (the load is many clients).
start_node a 64 2
a_pid=$node_pid a_http=$node_http
start_node b 64 2
b_pid=$node_pid b_http=$node_http
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
lock_file $work/nginx/nginx.lock;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream ssad {
    server $a_http max_fails=1 fail_timeout=10s;
    server $b_http max_fails=1 fail_timeout=10s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://ssad;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_connect_timeout 1s;
      proxy_send_timeout 10s;
      proxy_read_timeout 5s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      proxy_next_upstream_timeout 5s;
      proxy_max_temp_file_size 0;
    }
  }
}
NGINX
"$nginx_bin" -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
balancer="127.0.0.1:$nginx_port"
if ! wait_for "http://$balancer/healthz" "status=200" "$(now_ms)" $(($(now_ms) + 10000)) >/dev/null; then
  echo "nginx did not start:" >&2
  cat "$work/nginx/error.log" >&2
  exit 1
fi
echo "nodes: a on $a_http, b on $b_http; nginx on $balancer"

# --- a. Caches follow every change, whoever makes it.
# change_seen WHAT NAME PATTERN COMMAND...: runs the command (a change through the CLI) and polls both
# nodes until their answer for domain NAME matches PATTERN; checks each saw it within a second of the
# command's end (a is polled first, so b's time includes a's wait).
change_seen() {
  local what=$1 name=$2 pattern=$3 started ended ms_a ms_b
  shift 3
  started=$(now_ms)
  "$@" >"$work/change.out" 2>&1
  local rc=$?
  ended=$(now_ms)
  check "$what succeeds" test "$rc" -eq 0
  [ "$rc" -eq 0 ] || cat "$work/change.out" >&2
  ms_a=$(wait_for "http://$a_http/rdap/domain/$name" "$pattern" "$ended" $((ended + 3000)))
  ms_b=$(wait_for "http://$b_http/rdap/domain/$name" "$pattern" "$ended" $((ended + 3000)))
  echo "  $what: the command took $((ended - started)) ms; node a answered anew ${ms_a:-never} ms after it," \
    "node b ${ms_b:-never} ms after it"
  check "$what: node a drops its stale $name within 1 s (${ms_a:-never} ms)" test "${ms_a:-9999}" -lt 1000
  check "$what: node b drops its stale $name within 1 s (${ms_b:-never} ms)" test "${ms_b:-9999}" -lt 1000
}
echo "a. caches:"
# Both nodes read example.test, and keep it: a change made behind the store's back (no commit
# announcement) is not seen by either, so the answers below that change come from a cache being dropped.
for node in a b; do
  http_var=${node}_http
  check "node $node answers example.test" \
    contains "$(answer "http://${!http_var}/rdap/domain/example.test")" '"eventDate":"2030-04-03T22:00:00Z"'
done
sql "$db" "UPDATE domain SET expires_ms = 1893456000000 WHERE name = 'example.test'" >/dev/null
for node in a b; do
  http_var=${node}_http
  check "node $node answers example.test from its cache" \
    contains "$(answer "http://${!http_var}/rdap/domain/example.test")" '"eventDate":"2030-04-03T22:00:00Z"'
done
sed 's/"expires": "2030-04-03T22:00:00Z"/"expires": "2031-04-03T22:00:00Z"/' "$data/jsonl/registry.jsonl" \
  >"$work/registry-2031.jsonl"
change_seen "a JSONL import" example.test '"eventDate":"2031-04-03T22:00:00Z"' \
  "$ssad" import jsonl "$work/registry-2031.jsonl" --db "$db"
for node in a b; do
  http_var=${node}_http
  check "node $node answers domain1.test before the DIFF" \
    contains "$(answer "http://${!http_var}/rdap/domain/domain1.test")" "status=200"
done
change_seen "an escrow DIFF import" domain1.test "status=404" "$ssad" import escrow "$data/escrow/rfc9022-diff/deposit.xml" --db "$db"
change_seen "registrar set" example.test '"abuse-desk@registrar.example"' \
  "$ssad" registrar set 1234 --abuse-email abuse-desk@registrar.example --db "$db"

# A cursor node a made works on node b: the next page of a search on a, asked of b, is the page after.
page1=$(answer "http://$a_http/rdap/domains?name=acorn*")
read -r first_page next_path < <(python3 -c '
import json, sys
body = json.loads(sys.stdin.read().rstrip("\n").rsplit("\n", 1)[0])
names = [d["ldhName"] for d in body["domainSearchResults"]]
nexts = [l["href"] for l in body.get("paging_metadata", {}).get("links", []) if l.get("rel") == "next"]
print(",".join(names), nexts[0].split("/rdap/", 1)[1] if nexts else "")' <<<"$page1")
check "a search on node a has a next link (page: ${first_page:-none})" test -n "${next_path:-}"
page2_b=$(answer "http://$b_http/rdap/$next_path")
page2_a=$(answer "http://$a_http/rdap/$next_path")
names_of() { python3 -c '
import json, sys
print(",".join(d["ldhName"] for d in json.loads(sys.stdin.read().rstrip("\n").rsplit("\n", 1)[0])["domainSearchResults"]))' \
  <<<"$1" 2>/dev/null; }
second_b=$(names_of "$page2_b")
second_a=$(names_of "$page2_a")
echo "  paging: node a page 1 ends at ${first_page##*,}; its cursor on node b gives ${second_b:-nothing}"
check "node b follows node a's cursor (200)" contains "$page2_b" "status=200"
check "node b's page is the one node a gives for that cursor" test -n "$second_b" -a "$second_b" = "$second_a"
check "node b's page continues after node a's" test "${second_b%%,*}" \> "${first_page##*,}"

# The rate limit is per node: one client through nginx gets a burst from each node (2 x 4), not 4.
codes=$(for _ in $(seq 1 16); do printf 'url = "http://%s/rdap/help"\noutput = "/dev/null"\n' "$balancer"; done |
  curl -s -K - -w '%{http_code}\n' -H "X-Forwarded-For: 198.51.100.7")
answered=$(grep -c '^200$' <<<"$codes")
refused=$(grep -c '^429$' <<<"$codes")
echo "  rate limit 2/s, burst 4, per node: one client sent 16 queries at once through nginx: $answered answered," \
  "$refused refused"
check "one client's burst through two nodes is up to twice one node's ($answered answered)" \
  test "$answered" -gt 4 -a "$answered" -le 10 -a $((answered + refused)) -eq 16

# --- b1. Node a is killed (-9) in the middle of a load through nginx: every request is answered 200 with
# the domain asked for (nginx passes the requests a lost to b).
echo "b. faults:"
python3 "$work/load.py" balanced "$balancer" "$work/names" 4000 4 "$a_pid" >"$work/balanced.result"
read -r requests ok _ load_failed seconds <"$work/balanced.result"
echo "  load through nginx, node a killed after 2000: $requests requests in $seconds s, $ok answered 200" \
  "with the right domain, $load_failed failed"
tail -n +2 "$work/balanced.result" | sed 's/^/    failure: /'
check "a node killed under load costs no request ($load_failed failed)" test "$ok" -eq 4000 -a "$load_failed" -eq 0
wait "$a_pid" 2>/dev/null
check "node b is still serving" kill -0 "$b_pid"

# --- b2. PostgreSQL restarted, then killed and started again, under load against a node without a cache.
start_node c 0 0
c_pid=$node_pid c_http=$node_http
rm -f "$work/outage.stop" "$work/outage.ready"
python3 "$work/load.py" outage "$c_http" "$work/names" 3 "$work/outage.stop" "$work/outage.ready" \
  >"$work/outage.result" &
load_pid=$!
deadline=$(($(now_ms) + 10000))
while [ ! -e "$work/outage.ready" ] && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.05; done
check "the load on node c is answered before the outage" test -e "$work/outage.ready"
restart_started=$(now_ms)
bash "$pg_server" restart "$work/pg"
restarted=$(now_ms)
ms=$(wait_for "http://$c_http/rdap/domain/example.test" "status=200" "$restarted" $((restarted + 10000)))
echo "  PostgreSQL restart (fast) took $((restarted - restart_started)) ms; node c answered 200 again" \
  "${ms:-never} ms after it was back"
check "after a PostgreSQL restart node c answers 200 again within 5 s (${ms:-never} ms)" test "${ms:-99999}" -lt 5000
killed=$(now_ms)
bash "$pg_server" kill "$work/pg"
outage=$(curl -s --max-time 10 -D "$work/outage.headers" "http://$c_http/rdap/domain/example.test")
check "with PostgreSQL down node c answers 503" grep -q "^HTTP/1.1 503" "$work/outage.headers"
check "the 503 says Retry-After: 1" grep -qi "^Retry-After: 1" "$work/outage.headers"
check "the 503 is an RDAP error" contains "$outage" '"errorCode":503'
check "the 503 has rdapConformance" contains "$outage" '"rdapConformance"'
# The outage lasts until node c has answered 20 more queries 503 (the load meanwhile meets it many times).
for _ in $(seq 1 20); do
  curl -s --max-time 10 -o /dev/null -w '%{http_code}\n' "http://$c_http/rdap/domain/example.test"
done >"$work/outage.codes"
check "node c answers 503 as long as PostgreSQL is down" test "$(grep -c '^503$' "$work/outage.codes")" -eq 20
moment=$(now_ms)
ms=$(wait_for "http://$c_http/readyz" "status=503" "$moment" $((moment + 3000)))
check "with PostgreSQL down node c is not ready (/readyz 503 after ${ms:-never} ms)" test -n "$ms"
# A node with a cache answers what it has cached (every change goes through the database, so nothing has
# changed meanwhile), and 503 for the rest. Node b cached every demo domain in the load above.
check "with PostgreSQL down node b answers a domain it has cached" \
  contains "$(answer "http://$b_http/rdap/domain/acornacorn.example")" "status=200"
check "with PostgreSQL down node b answers 503 for a domain it has not cached" \
  contains "$(answer "http://$b_http/rdap/domain/domain2.test")" "status=503"
bash "$pg_server" start-again "$work/pg"
back=$(now_ms)
ms=$(wait_for "http://$c_http/rdap/domain/example.test" "status=200" "$back" $((back + 10000)))
echo "  PostgreSQL killed for $((back - killed)) ms; node c answered 200 again ${ms:-never} ms after it was back"
check "after PostgreSQL is back node c answers 200 again within 5 s, on its own (${ms:-never} ms)" \
  test "${ms:-99999}" -lt 5000
touch "$work/outage.stop"
wait "$load_pid"
read -r requests ok unavailable load_failed seconds <"$work/outage.result"
echo "  load on node c during both: $requests requests in $seconds s: $ok answered 200, $unavailable answered 503" \
  "as they should, $load_failed otherwise"
tail -n +2 "$work/outage.result" | sed 's/^/    failure: /'
check "during the outages every answer is 200 or a proper 503 ($load_failed other)" test "$load_failed" -eq 0
check "the load met the outage ($unavailable proper 503s)" test "$unavailable" -gt 0
check "node c never died" kill -0 "$c_pid"
# PostgreSQL restarted while node c is idle: its idle reader connections are dead, which shows only when
# one is used; still, the first queries after the restart are answered.
clients=()
for _ in 1 2 3 4 5 6 7 8; do  # several at once, so that several connections are kept
  curl -s -o /dev/null -o /dev/null "http://$c_http/rdap/domain/example.test" "http://$c_http/rdap/domain/other.test" &
  clients+=("$!")
done
wait "${clients[@]}"
bash "$pg_server" restart "$work/pg"
codes=$(for _ in $(seq 1 10); do curl -s -o /dev/null -w '%{http_code} ' "http://$c_http/rdap/domain/example.test"; done)
echo "  PostgreSQL restarted while node c was idle; its next 10 answers: $codes"
check "after a restart in a quiet time node c's first answers are 200 ($codes)" test "$codes" = "$(printf '200 %.0s' $(seq 1 10))"

# An import cut off by a PostgreSQL crash leaves nothing: killed while it writes its domains.
"$ssad" demo --deposit-only --domains 10000 --seed 2 --out "$work/big" >/dev/null 2>&1
before=$(sql "$db" "$counts_query")
others=$(sql "$db" "SELECT count(*) FROM domain WHERE tld <> 'example'")
"$ssad" import escrow "$work/big/deposit-demo-10000-2.xml" --db "$db" >"$work/big.out" 2>&1 &
import_pid=$!
deadline=$(($(now_ms) + 60000))
writing=""
while [ -z "$writing" ] && kill -0 "$import_pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do
  writing=$(sql "$db" "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'COPY domain %' AND pid <> pg_backend_pid()")
  [ -n "$writing" ] || sleep 0.02
done
bash "$pg_server" kill "$work/pg"
wait "$import_pid"
import_rc=$?
bash "$pg_server" start-again "$work/pg"
after=$(sql "$db" "$counts_query")
when="after it ended"
[ -n "$writing" ] && when="while it wrote its domains"
echo "  PostgreSQL killed $when, the import exited $import_rc; before: $before; after: $after"
if [ -n "$writing" ]; then
  check "the import cut off by the crash failed" test "$import_rc" -ne 0
  check "the store is as before the import ($after)" test "$before" = "$after"
else
  check "the store holds the whole import ($after)" contains "$after" "^$((10000 + others)) domains"
fi

# --- c. A node reading from a streaming replica.
echo "c. read replica:"
bash "$pg_server" replica "$work/pg" "$work/replica" || exit 1
replica=$(cat "$work/replica/url")
start_node r 64 0 "$replica"
r_http=$node_http
check "node r answers from the replica" \
  contains "$(answer "http://$r_http/rdap/domain/example.test")" '"eventDate":"2031-04-03T22:00:00Z"'
check "node r answers 404 for a domain not yet imported" \
  contains "$(answer "http://$r_http/rdap/domain/replica-1.test")" "status=404"
{
  sed 's/"expires": "2030-04-03T22:00:00Z"/"expires": "2032-04-03T22:00:00Z"/' "$data/jsonl/registry.jsonl"
  echo '{"domain": {"name": "replica-1.test", "roid": "DR1-TEST", "registrar": "reg2"}}'
} >"$work/replica.jsonl"
"$ssad" import jsonl "$work/replica.jsonl" --db "$db" >"$work/replica-import.out" 2>&1
imported=$(now_ms)
check "the import through the primary succeeds" contains "$(cat "$work/replica-import.out")" "imported JSONL"
new_ms=$(wait_for "http://$r_http/rdap/domain/replica-1.test" "status=200" "$imported" $((imported + 5000)))
cached_ms=$(wait_for "http://$r_http/rdap/domain/example.test" '"eventDate":"2032-04-03T22:00:00Z"' "$imported" \
  $((imported + 5000)))
replay=$(sql "$replica" "SELECT pg_last_wal_replay_lsn() = pg_last_wal_receive_lsn()")
echo "  after the import on the primary, node r answered the new domain after ${new_ms:-never} ms and its" \
  "cached changed domain after ${cached_ms:-never} ms (replayed everything received: $replay)"
check "a new domain is visible through the replica within 5 s (${new_ms:-never} ms)" test "${new_ms:-99999}" -lt 5000
# The commit is announced before the replica replays it; node r's cache must follow the replay, not
# its next check of the data (a second later).
check "node r's cache drops the changed domain once the replica has it ($((${cached_ms:-99999} - ${new_ms:-0})) ms later)" \
  test $((${cached_ms:-99999} - ${new_ms:-0})) -lt 500
errors=$(grep -c "ERROR" "$work/replica/log")
check "node r sent the replica nothing it refused ($errors errors in its log)" test "$errors" -eq 0
# The replica is lost and comes back: node r answers 503 meanwhile (it does not fall back to the primary)
# and reconnects on its own.
bash "$pg_server" kill "$work/replica"
check "with its replica down node r answers 503" \
  contains "$(answer "http://$r_http/rdap/domain/domain2.test")" "status=503"
bash "$pg_server" start-again "$work/replica"
back=$(now_ms)
ms=$(wait_for "http://$r_http/rdap/domain/domain2.test" "status=200" "$back" $((back + 10000)))
echo "  replica killed and started again: node r answered 200 again ${ms:-never} ms after it was back"
check "node r answers 200 again once its replica is back (${ms:-never} ms)" test "${ms:-99999}" -lt 5000
primary_before=$(sql "$db" "$counts_query")
others=$(sql "$db" "SELECT count(*) FROM domain WHERE tld <> 'example'")
"$ssad" import jsonl "$data/jsonl/registry.jsonl" --db "$replica" >"$work/replica-write.out" 2>&1
write_rc=$?
echo "  an import pointed at the replica: exit $write_rc, $(head -n 1 "$work/replica-write.out")"
check "an import pointed at the replica is refused" test "$write_rc" -ne 0
check "and writes nothing" test "$(sql "$db" "$counts_query")" = "$primary_before" -a \
  "$(sql "$replica" "$counts_query")" = "$primary_before"

echo "several_nodes_e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
