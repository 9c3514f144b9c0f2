#!/usr/bin/env bash
# What `ssad serve` promises about time, through the real binary with small configured values: the rate
# limit (429 with a Retry-After that is the bucket's real refill time, and the WHOIS refusal line), an
# import into the store it serves (visible within about a second, docs/rdap.md), and the HTTP and HTTPS
# read and idle timeouts against a slow client. Usage: serve_limits_e2e.sh SSAD TEST_DATA_DIR.
# Prints "N passed, N failed"; exits 1 on any failure. No fixed sleeps: every wait polls against a deadline
# or is the wait being measured.
set -u
ssad=$1
data=$2
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"
now_ms() { date +%s%3N; }
wait_until() {  # wait_until MS: returns once now_ms has reached MS (at once when it has)
  local left=$(($1 - $(now_ms)))
  [ "$left" -gt 0 ] && sleep "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
  return 0
}

cp -r "$data/escrow/rfc9022-full" "$work/full"
cp -r "$data/escrow/rfc9022-diff" "$work/diff"
"$ssad" import escrow "$work/full/deposit.xml" --db "$work/store.db" >/dev/null 2>&1 ||
  { echo "import of the FULL deposit failed" >&2; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
# One query a second per client, two at once; timeouts of 1 s (read) and 2 s (idle).
cat > "$work/ssad.toml" <<TOML
[store]
path = "$work/store.db"
[server]
http = "127.0.0.1:0"
https = "127.0.0.1:0"
tls_certificate = "$work/cert.pem"
tls_private_key = "$work/key.pem"
read_timeout_seconds = 1
idle_timeout_seconds = 2
[rdap]
rate_limit_per_second = 1
rate_limit_burst = 2
search_cost = 2
[whois]
listen = "127.0.0.1:0"
[log]
access_log = false
TOML
"$ssad" serve --config "$work/ssad.toml" > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
http="" https="" whois_address=""
for _ in $(seq 1 100); do
  http=$(sed -n 's|.*serving .* on http://\([^ ]*\)$|\1|p' "$work/serve.err")
  https=$(sed -n 's|^  https: *https://\([^ /]*\).*|\1|p' "$work/serve.err")
  whois_address=$(sed -n 's|^  whois: *\([^ ]*\)$|\1|p' "$work/serve.err")
  [ -n "$http" ] && [ -n "$https" ] && [ -n "$whois_address" ] && break
  sleep 0.1
done
check "serve prints its HTTP, HTTPS and WHOIS addresses" test -n "$http" -a -n "$https" -a -n "$whois_address"
[ -n "$http" ] || { cat "$work/serve.err" >&2; exit 1; }
whois_host=${whois_address%:*}
whois_port=${whois_address##*:}

# Rate limit: the burst of two is answered, the third query is refused and told to come back in 1 s (one
# token a second), and it is answered when it does.
codes=""
for _ in 1 2; do codes+="$(curl -s -o /dev/null -w '%{http_code} ' "http://$http/rdap/domain/domain2.test")"; done
check "the burst is answered ($codes)" test "$codes" = "200 200 "
refused_at=$(now_ms)
headers=$(curl -sS -D - -o "$work/429.json" "http://$http/rdap/domain/domain2.test")
check "the query after the burst is 429" contains "$headers" "HTTP/1.1 429"
retry_after=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/ip' <<<"$headers")
check "Retry-After is the 1 s refill of one token ($retry_after)" test "$retry_after" = 1
check "the 429 body is an RDAP error" contains "$(cat "$work/429.json")" '"errorCode":429'
wait_until $((refused_at + ${retry_after:-1} * 1000))  # the client waits as told, no longer
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$http/rdap/domain/domain2.test")
check "after Retry-After the query is answered ($code)" test "$code" = 200
# WHOIS has a bucket of its own with the same settings.
out=""
for _ in 1 2 3; do out=$(whois -h "$whois_host" -p "$whois_port" domain2.test 2>&1); done
check "WHOIS refuses the query after the burst with its refusal line" \
  contains "$out" "% Error: too many queries from this address; try again in 1 seconds."
check "the WHOIS refusal carries no registration data" test "$(grep -c "Domain Name" <<<"$out")" = 0

# An import while serve runs is answered within about a second (docs/rdap.md); the DIFF deletes
# domain1.test. Other client addresses than 127.0.0.1 are not available, so the poll stays under the
# rate limit by waiting for a token between queries.
for _ in 1 2 3; do  # a token may be due first
  code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/cert.pem" "https://$https/rdap/domain/domain1.test")
  [ "$code" = 429 ] || break
  wait_until $(($(now_ms) + 1000))
done
check "before the import domain1.test is 200 ($code)" test "$code" = 200
"$ssad" import escrow "$work/diff/deposit.xml" --db "$work/store.db" > "$work/import.out" 2>&1
check "the DIFF imports while serve runs" contains "$(cat "$work/import.out")" "imported DIFF deposit 20101018001"
imported_at=$(now_ms)
deadline=$((imported_at + 3000))  # about a second, plus a token's wait and a margin
seen=""
while [ "$(now_ms)" -lt "$deadline" ]; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/cert.pem" "https://$https/rdap/domain/domain1.test")
  if [ "$code" = 404 ]; then seen=$(($(now_ms) - imported_at)); break; fi
  if [ "$code" = 429 ]; then wait_until $(($(now_ms) + 1000)); else wait_until $(($(now_ms) + 100)); fi
done
check "the import is visible within the documented second (after ${seen:-never} ms)" test -n "$seen"
for _ in 1 2 3; do  # the WHOIS bucket may still be refilling from the burst above
  out=$(whois -h "$whois_host" -p "$whois_port" domain1.test 2>&1)
  contains "$out" "too many queries" || break
  wait_until $(($(now_ms) + 1000))
done
check "WHOIS sees the import too" contains "$out" 'No match for "domain1.test"'

# Timeouts against a slow client, over HTTP and HTTPS: half a request is cut off after the read timeout
# (1 s), an idle keep-alive connection after the idle timeout (2 s); neither earlier.
slow_client() {  # slow_client plain|tls HOST:PORT half|idle -> milliseconds until the server closed
  python3 - "$@" "$work/cert.pem" <<'PY'
import socket, ssl, sys, time
mode, address, what, cafile = sys.argv[1:5]
host, port = address.rsplit(":", 1)
sock = socket.create_connection((host, int(port)), timeout=10)
if mode == "tls":
    context = ssl.create_default_context(cafile=cafile)
    sock = context.wrap_socket(sock, server_hostname=host)
if what == "half":
    started = time.monotonic()
    sock.sendall(b"GET /rdap/help HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
else:
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    response = b""
    while b"\r\n\r\n" not in response or not response.endswith(b'"ok"}'):
        chunk = sock.recv(4096)
        if not chunk:
            break
        response += chunk
    if not response.startswith(b"HTTP/1.1 200"):
        print("no answer")
        sys.exit(1)
    started = time.monotonic()
try:
    while sock.recv(4096):
        pass
except (ConnectionResetError, ssl.SSLError):
    pass
print(int((time.monotonic() - started) * 1000))
PY
}
for scheme in plain tls; do
  address=$http
  [ "$scheme" = tls ] && address=$https
  ms=$(slow_client "$scheme" "$address" half)
  # The server's timers start when it has the bytes, or has sent its answer: a few milliseconds on either
  # side of when this client starts counting, hence the lower bounds' margin.
  check "$scheme: half a request is cut off after the 1 s read timeout (${ms} ms)" \
    test "${ms:-0}" -ge 950 -a "${ms:-99999}" -lt 3000
  ms=$(slow_client "$scheme" "$address" idle)
  check "$scheme: an idle keep-alive connection is closed after the 2 s idle timeout (${ms} ms)" \
    test "${ms:-0}" -ge 1900 -a "${ms:-99999}" -lt 4000
done

# /help states the limits the configuration gave (docs/abuse.md).
for _ in 1 2 3; do  # a token may be due first
  help=$(curl -s -w '\n%{http_code}' "http://$http/rdap/help")
  [ "${help##*$'\n'}" = 429 ] || break
  wait_until $(($(now_ms) + 1000))
done
check "/help states the configured limits" \
  contains "$help" "Anonymous queries: 1 per second per client (an IPv4 address, or an IPv6 /64), and up to 2 at once"
check "/help states what a search counts as" contains "$help" "counts as 2 queries"

kill -TERM "$server_pid"
wait "$server_pid"
rc=$?
server_pid=""
check "SIGTERM stops every listener cleanly" test "$rc" -eq 0

echo "serve_limits_e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
