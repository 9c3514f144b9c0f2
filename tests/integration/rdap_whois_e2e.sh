#!/usr/bin/env bash
# The public face end to end: the real ssad binary on a demo store, queried over HTTP and HTTPS with
# curl and over port-43 WHOIS with the Debian whois client, as an RDAP client, a browser and an operator
# would. Usage: rdap_whois_e2e.sh SSAD. Prints "N passed, N failed"; exits 1 on any failure.
set -u
ssad=$1
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"

"$ssad" demo --domains 300 --db "$work/demo.db" >/dev/null 2>&1 || { echo "demo failed" >&2; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat > "$work/ssad.toml" <<TOML
[store]
path = "$work/demo.db"
[server]
http = "127.0.0.1:0"
https = "127.0.0.1:0"
tls_certificate = "$work/cert.pem"
tls_private_key = "$work/key.pem"
header_limit_bytes = 4096
[rdap]
rate_limit_per_second = 0
page_size = 5
[whois]
listen = "127.0.0.1:0"
timeout_seconds = 2
[subject]
contact_url = "https://www.example.test/contact?domain={domain}"
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

# A natural person's and a legal person's domain, picked from the demo store.
natural=$(sqlite3 "$work/demo.db" "select d.name from domain d join domain_contact dc on dc.domain_id = d.id and
  dc.role = 'registrant' join contact c on c.id = dc.contact_id where c.person_type = 'natural' and c.consent = 0
  limit 1")
secret_email=$(sqlite3 "$work/demo.db" "select c.email from domain d join domain_contact dc on dc.domain_id = d.id
  and dc.role = 'registrant' join contact c on c.id = dc.contact_id where d.name = '$natural'")
idn=$(sqlite3 "$work/demo.db" "select unicode_name from domain where unicode_name is not null limit 1")

# RDAP over HTTP with curl.
headers=$(curl -sS -D - -o "$work/domain.json" -H 'Accept: application/rdap+json' "http://$http/rdap/domain/$natural")
check "a domain lookup is 200" contains "$headers" "HTTP/1.1 200"
check "the media type is application/rdap+json" contains "$headers" "Content-Type: application/rdap+json"
check "CORS allows any origin" contains "$headers" "Access-Control-Allow-Origin: \*"
body=$(cat "$work/domain.json")
check "the lookup names the domain" contains "$body" "\"ldhName\":\"$natural\""
check "the natural person's email is redacted" lacks "$body" "$secret_email"
check "the redaction is signalled per RFC 9537" contains "$body" '"type":"Registrant Email"'
check "the registrant's withheld email gives way to the contact form" contains "$body" \
  "\"contact-uri\",{},\"uri\",\"https://www.example.test/contact?domain=$natural\""
upper=$(tr '[:lower:]' '[:upper:]' <<<"$natural")
code=$(curl -s -o "$work/upper.json" -w '%{http_code}' "http://$http/rdap/domain/$upper")
check "names are case-insensitive" test "$code" = 200
code=$(curl -s -o /dev/null -w '%{http_code}' -G --data-urlencode "x=1" "http://$http/rdap/domain/$(python3 -c \
  'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$idn")")
check "a U-label lookup works" test "$code" = 200
# Each GET has its own status first, so that "HEAD = GET" cannot pass with the server down (000 = 000).
for case in "domain/$natural 200" "domain/nosuch.example 404" "domain/bad..name 400" "help 200" \
  "domains?name=a*b* 400"; do
  target=${case% *}
  get=$(curl -s -o /dev/null -w '%{http_code}' "http://$http/rdap/$target")
  head=$(curl -s -I -o /dev/null -w '%{http_code}' "http://$http/rdap/$target")
  check "GET $target is ${case##* } ($get)" test "$get" = "${case##* }"
  check "HEAD gives the status of GET for $target ($head)" test "$head" = "$get"
done
code=$(curl -s -o "$work/err.json" -w '%{http_code}' "http://$http/rdap/domain/nosuch.example")
check "an unknown domain is 404" test "$code" = 404
check "the 404 body is an RDAP error" contains "$(cat "$work/err.json")" '"errorCode":404'
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$http/rdap/domains?name=exam*le.example")
check "an unsupported partial match is 422" test "$code" = 422
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$http/rdap/domain/a%ZZ.example")
check "bad percent-encoding is 400" test "$code" = 400
code=$(curl -s -o "$work/431.json" -w '%{http_code}' -H "X-Big: $(head -c 5000 /dev/zero | tr '\0' a)" \
  "http://$http/rdap/help")
check "an oversized header is 431" test "$code" = 431
check "the 431 body is an RDAP error" contains "$(cat "$work/431.json")" '"errorCode":431'
out=$(curl -sS --cacert "$work/cert.pem" "https://$https/rdap/domain/$natural")
check "links of an HTTPS answer are https" contains "$out" "\"value\":\"https://$https/rdap/domain/$natural\""
out=$(curl -sS "http://$http/rdap/domains?name=xn*&count=true")
check "a search pages its results" contains "$out" '"paging_metadata":{"totalCount":'
next=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["paging_metadata"]["links"][0]["href"])' \
  <(echo "$out") 2>/dev/null)
code=$(curl -s -o /dev/null -w '%{http_code}' "$next")
check "the next link works" test "$code" = 200

# RDAP over HTTPS: TLS 1.3 and the allowed TLS 1.2 suites work, older versions and other suites do not.
out=$(curl -sS --cacert "$work/cert.pem" "https://$https/rdap/help")
check "HTTPS with TLS 1.3 answers" contains "$out" '"rdap_level_0"'
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/cert.pem" --tlsv1.2 --tls-max 1.2 \
  --ciphers ECDHE-ECDSA-AES256-GCM-SHA384 "https://$https/rdap/domain/$natural")
check "TLS 1.2 with ECDHE-ECDSA-AES256-GCM-SHA384 answers" test "$code" = 200
curl -s -o /dev/null --cacert "$work/cert.pem" --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-SHA \
  "https://$https/rdap/help"
check "TLS 1.2 with a CBC suite is refused" test $? -ne 0
# curl (and OpenSSL's default security level) would refuse TLS 1.1 on the client's side before the server
# is asked. This client offers TLS 1.1 only, at security level 0 with every suite, so that only the
# server can refuse it: with a protocol_version alert. TLS 1.2 from the same client is the control.
tls_client() {  # tls_client -tls1_1|-tls1_2 : the client's report of one handshake
  openssl s_client -connect "$https" "$1" -cipher 'ALL:@SECLEVEL=0' -CAfile "$work/cert.pem" </dev/null 2>&1
}
out=$(tls_client -tls1_2)
check "the TLS 1.2 control handshake succeeds" contains "$out" "Protocol *: TLSv1.2"
out=$(tls_client -tls1_1)
check "the server refuses TLS 1.1 with a protocol_version alert" contains "$out" "alert protocol version"
check "no TLS 1.1 session is made" contains "$out" "Cipher is (NONE)"

# WHOIS with the Debian whois client.
whois_host=${whois_address%:*}
whois_port=${whois_address##*:}
out=$(whois -h "$whois_host" -p "$whois_port" "$natural" 2>&1)
check "whois answers with the domain" contains "$out" "Domain Name: $natural"
check "whois shows the registrar" contains "$out" "Registrar IANA ID: "
check "whois redacts the natural person" contains "$out" "Registrant Name: REDACTED FOR PRIVACY"
check "whois does not leak the email" lacks "$out" "$secret_email"
out=$(whois -h "$whois_host" -p "$whois_port" "nosuch.example" 2>&1)
check "whois says no match" contains "$out" 'No match for "nosuch.example"'
out=$(head -c 2000 /dev/zero | tr '\0' a | whois -h "$whois_host" -p "$whois_port" -- "$(head -c 2000 /dev/zero |
  tr '\0' a)" 2>&1)
check "an overlong whois query is refused" contains "$out" "% Error"
start=$(date +%s%3N)
exec 3<>"/dev/tcp/$whois_host/$whois_port"
cat <&3 >/dev/null
exec 3<&-
waited=$(($(date +%s%3N) - start))
check "a silent whois client is cut off after the 2 s timeout, not before ($waited ms)" \
  test "$waited" -ge 2000 -a "$waited" -le 4000

kill -TERM "$server_pid"
wait "$server_pid"
rc=$?
server_pid=""
check "SIGTERM stops every listener cleanly" test "$rc" -eq 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
