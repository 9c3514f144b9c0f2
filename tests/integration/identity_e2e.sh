#!/usr/bin/env bash
# Issue 12, items 4, 8, 11 and 14: authorised RDAP end to end over HTTP, with the real ssad binary, the
# default policy and the tests' real OpenID Connect identity provider (tests/support/test_idp: keys made
# at start, its JWK Set over loopback HTTP, tokens and forged tokens on request, key rotation).
#
# An operator sets up requestors with the pinned CLI shapes (`ssad requestor org|user|accreditation|key`):
# a network operator, an investigator, a CERT, an organisation never accredited and one whose
# accreditation lapsed. Then, over HTTP with curl:
#   - seed 000: the network operator (API key; RS256, ES256 and EdDSA tokens) with farv1_qp=
#     technicalIssueResolution gets the registrant's, admin's and tech's name, email and phone as
#     `ssad show domain` has them, never their address (listed in `redacted`, data minimisation); each
#     answer has its rdap.disclose audit entry with the field keys and no value;
#   - the public answer: a request without credentials, one from a user never accredited and one with
#     credentials but no purpose get the same bytes; answers to requests with credentials say
#     `Cache-Control: private, no-store` and never reach the cache;
#   - seed 001: the investigator (phishing) gets the registrant's address and the tech contact; for fraud
#     those fields wait for review; the CERT (malware) likewise gets them;
#   - every refusal (expired, not yet valid, wrong audience, unknown issuer, bad signature, alg none, HS256
#     keyed with the public key, unknown kid and then rotation, revoked key, suspended, reinstated, expired
#     and revoked accreditation, purposes outside the token's claim or the accreditation, unknown and
#     malformed purposes, farv1_dnt, a token for nobody here, farv1_iss naming another provider): 401 or
#     403 (400 for a malformed purpose or farv1_iss), an RDAP error naming the reason, no registration data
#     in the body, and no audit entry;
#   - /help's farv1_openidcConfiguration; `ssad policy check` and `ssad policy explain` for both seeds.
#
# BACKEND is sqlite (a file in the scratch folder) or postgres (a schema of its own on the server of the
# ctest fixture `postgres`, whose URL file SSAD_TEST_POSTGRES_URL_FILE names; fails, never skips,
# without it). Nothing waits on a fixed time: token times are set with the provider's now= parameter from
# `date +%s`, and the one state the server reaches on its own clock (a JWK Set fetched again at most once
# a second) is polled for with `eventually`.
# Usage: identity_e2e.sh SSAD TEST_IDP BACKEND. Prints "N passed, N failed".
set -u
ssad=$1
test_idp=$2
backend=$3
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"

provider_pid=""
schema=""
finish() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  server_pid=""
  [ -n "$provider_pid" ] && kill "$provider_pid" 2>/dev/null && wait "$provider_pid" 2>/dev/null
  [ -n "$schema" ] && psql -X -q "$admin" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null
  cleanup
}
trap finish EXIT
cd "$work" || exit 1

case $backend in
  sqlite) store="$work/identity.db" ;;
  postgres)
    url_file=${SSAD_TEST_POSTGRES_URL_FILE:-}
    if [ -z "$url_file" ] || [ ! -s "$url_file" ]; then
      echo "identity_e2e: SSAD_TEST_POSTGRES_URL_FILE names no URL file: run it with ctest (fixture postgres)" >&2
      exit 1
    fi
    admin=$(head -n 1 "$url_file")
    export PGOPTIONS='-c client_min_messages=warning'  # psql: no NOTICE for DROP ... CASCADE
    schema="identity_e2e_$$_${RANDOM}"
    psql -X -q -v ON_ERROR_STOP=1 "$admin" -c "CREATE SCHEMA $schema" >/dev/null ||
      { echo "cannot create schema $schema" >&2; exit 1; }
    # Percent-encoded as tests/support/postgres.hpp does: libpq refuses a second '=' in a parameter.
    case $admin in
      *\?*) store="$admin&options=-csearch_path%3D$schema" ;;
      *) store="$admin?options=-csearch_path%3D$schema" ;;
    esac
    ;;
  *)
    echo "usage: identity_e2e.sh SSAD TEST_IDP sqlite|postgres" >&2
    exit 2
    ;;
esac

# The identity provider, as a coprocess: it prints its base URL first, and exits when its standard input
# (the coprocess pipe this shell holds) closes.
coproc IDP { exec "$test_idp"; }
provider_pid=$IDP_PID
idp=""
read -r -t 10 idp <&"${IDP[0]}"
case $idp in
  http://127.0.0.1:*) ;;
  *) echo "test_idp did not start (it printed '$idp')" >&2; exit 1 ;;
esac
audience="rdap.e2e.example"

"$ssad" demo --domains 50 --db "$store" > demo.out 2>&1 || { cat demo.out >&2; exit 1; }
cat > ssad.toml <<TOML
[store]
path = "$store"
[rdap]
base_url = "https://rdap.e2e.example/rdap/"
cursor_secret = "identity-e2e-cursor-secret-of-32-bytes-or-more"
rate_limit_per_second = 0
[abuse]
# Every refusal below comes from one address: far more failed credential checks than the default allows.
credential_failures_per_minute = 0
[log]
access_log = false
[oidc]
jwks_refetch_min_seconds = 1
[[oidc.issuer]]
issuer = "$idp"
name = "E2E identity provider"
audience = "$audience"
jwks_url = "$idp/jwks"
TOML

# member JSON NAME: the string or number member NAME of the flat JSON object the CLI or the provider
# printed (ids, keys and counters hold no quote, comma or brace).
member() { sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$1"; }
# made VAR NAME COMMAND...: runs an ssad command that prints {"id": ...} and sets VAR to the id; a failure
# ends the script (everything after needs it).
made() {
  local var=$1 name=$2 out status
  shift 2
  out=$("$ssad" "$@" --config ssad.toml --json 2> "$work/made.err")
  status=$?
  check "$name (exit 0, JSON)" test "$status" -eq 0
  [ "$status" -eq 0 ] || { cat "$work/made.err" >&2; exit 1; }
  printf -v "$var" '%s' "$(member "$out" id)"
  [ -n "${!var}" ] || { echo "$name: no id in $out" >&2; exit 1; }
}

# new_key VAR USER [ID_VAR]: `ssad requestor key create --user USER --json` (shown once: {"id", "key"});
# sets VAR to the key and ID_VAR to its id. A failure ends the script.
new_key() {
  local out
  out=$("$ssad" requestor key create --user "$2" --json --config ssad.toml 2> "$work/made.err")
  check "key create for $2 (exit 0)" test $? -eq 0
  printf -v "$1" '%s' "$(member "$out" key)"
  [ -n "${3-}" ] && printf -v "$3" '%s' "$(member "$out" id)"
  case ${!1} in
    ssad_key_*) ;;
    *) cat "$work/made.err" >&2; echo "key create printed no key: $out" >&2; exit 1 ;;
  esac
}

# The operator's setup, with the CLI's pinned shapes. The ids and keys, set by made and new_key:
netops="" noc="" netops_acc="" noc_key="" noc_key_id="" investigators="" analyst="" investigators_acc=""
analyst_key="" cert="" handler="" cert_acc="" never="" never_user="" never_key="" lapsed="" lapsed_user=""
lapsed_acc="" lapsed_key="" spare_key="" spare_key_id=""
made netops "org add: the network operator" requestor org add --name "NetOps Transit AS"
made noc "user add: its NOC" requestor user add --org "$netops" --email noc@netops.example \
  --oidc-issuer "$idp" --oidc-subject noc-1
made netops_acc "accreditation add: network_operator" requestor accreditation add --org "$netops" \
  --group network_operator --authority "E2E Accreditation Authority" --until 2099-12-31
new_key noc_key "$noc" noc_key_id

made investigators "org add: the investigator" requestor org add --name "Abuse Investigations Ltd"
made analyst "user add: its analyst" requestor user add --org "$investigators" --email analyst@inv.example \
  --oidc-issuer "$idp" --oidc-subject analyst-1
made investigators_acc "accreditation add: investigator" requestor accreditation add --org "$investigators" \
  --group investigator --authority "E2E Accreditation Authority" --until 2099-12-31
new_key analyst_key "$analyst"

made cert "org add: the CERT" requestor org add --name "National CERT"
made handler "user add: its handler" requestor user add --org "$cert" --email handler@cert.example \
  --oidc-issuer "$idp" --oidc-subject cert-1
made cert_acc "accreditation add: cert" requestor accreditation add --org "$cert" --group cert \
  --authority "E2E Accreditation Authority" --until 2099-12-31

made never "org add: one never accredited" requestor org add --name "Curious Co"
made never_user "user add: its user" requestor user add --org "$never" --email someone@curious.example
new_key never_key "$never_user"

made lapsed "org add: one whose accreditation lapsed" requestor org add --name "Lapsed CERT"
made lapsed_user "user add: its user" requestor user add --org "$lapsed" --email old@lapsed.example
made lapsed_acc "accreditation add: --from and --until in the past" requestor accreditation add --org "$lapsed" \
  --group cert --authority "E2E Accreditation Authority" --from 2020-01-01 --until 2020-12-31
new_key lapsed_key "$lapsed_user"

# Registrar organisations (issue 15): an organisation is at most one registrar, and a registrar at most one
# organisation; `org registrar` sets or clears it with a reason. Exit codes: 2 bad input, 4 conflict.
registrar_org=""
made registrar_org "org add --registrar-iana-id: a registrar" requestor org add --name "Example Registrar" \
  --registrar-iana-id 9999
"$ssad" requestor org add --name "Impostor" --registrar-iana-id 9999 --config ssad.toml 2> /dev/null
check "org add: a registrar another organisation is already exits 4" test $? -eq 4
"$ssad" requestor org add --name "Nobody" --registrar-iana-id 0 --config ssad.toml 2> /dev/null
check "org add: registrar IANA ID 0 exits 2" test $? -eq 2
out=$("$ssad" requestor org registrar "$never" --registrar-iana-id 9999 --reason "mistake" --config ssad.toml 2>&1)
check "org registrar: another organisation's registrar exits 4" test $? -eq 4
check "org registrar: the refusal names the IANA ID" contains "$out" "registrar 9999"
"$ssad" requestor org registrar "$never" --reason "neither" --config ssad.toml 2> /dev/null
check "org registrar: without --registrar-iana-id or --none exits 2" test $? -eq 2
out=$("$ssad" requestor org registrar "$registrar_org" --none --reason "contract ended" --json --config ssad.toml)
check "org registrar --none: no registrar any more" lacks "$out" registrar_iana_id
out=$("$ssad" requestor org registrar "$never" --registrar-iana-id 9999 --reason "took over" --json \
  --config ssad.toml)
check "org registrar: the freed IANA ID is another organisation's" contains "$out" '"registrar_iana_id":9999'

listed=$("$ssad" requestor list --config ssad.toml)
for acc in "$netops_acc  network_operator" "$investigators_acc  investigator" "$cert_acc  cert" "$lapsed_acc  cert"; do
  check "requestor list shows accreditation $acc" contains "$listed" "accreditation $acc"
done
check "requestor list shows the CERT's handler" contains "$listed" "user $handler  handler@cert.example"
check "requestor list never shows a key's secret" lacks "$listed" "$noc_key"
check "requestor list shows which registrar an organisation is" contains "$listed" \
  "$never  Curious Co (requestor, registrar 9999)"
check "requestor list shows no registrar for one that is none" contains "$listed" \
  "$registrar_org  Example Registrar (requestor)"

# The domain both seeds ask about: registrant and tech are one natural person, admin another.
domain=driftkitelabs.example
"$ssad" show domain "$domain" --config ssad.toml > stored.txt

# view.py: what the checks read from RDAP bodies and from `ssad show domain`, as KEY<TAB>VALUE lines
# that the shell reads into associative arrays (one Python start per answer: the checks stay fast).
#   answer FILE  "ROLE fn|email|tel" (tel without "tel:") and "ROLE adr N" (the Nth component) of the
#                entities by their first role; "redacted NAME": the reason of that `redacted` entry
#   stored       "ROLE LABEL" from stored.txt (ROLE registrant, admin or tech; LABEL "Name" for either
#                name; the first of a label given twice)
#   help FILE    farv1_openidcConfiguration's issuers, dntSupported and tokenClientSupported
cat > view.py <<'PY'
import json, re, sys

def out(key, value):
    print("%s\t%s" % (key, value))

command, args = sys.argv[1], sys.argv[2:]
if command == "answer":
    doc = json.load(open(args[0], encoding="utf-8"))
    for e in doc.get("entities", []):
        role = (e.get("roles") or [""])[0]
        for prop in e.get("vcardArray", ["vcard", []])[1]:
            if prop[0] == "adr":
                for i, part in enumerate(prop[3]):
                    out("%s adr %d" % (role, i), part)
            elif prop[0] in ("fn", "email", "tel"):
                value = prop[3]
                out("%s %s" % (role, prop[0]), value[4:] if value.startswith("tel:") else value)
    for r in doc.get("redacted", []):
        name = r.get("name", {})
        out("redacted " + name.get("type", name.get("description", "")), r.get("reason", {}).get("description", ""))
elif command == "stored":
    role, seen = None, set()
    for line in open("stored.txt", encoding="utf-8"):
        m = re.match(r"^(registrant|admin|tech) contact ", line)
        if m:
            role = m.group(1)
            continue
        m = re.match(r"^  ([A-Za-z/ ]+?)(?: \((?:loc|int)\))?: +(.*)$", line)
        if role and m and (role, m.group(1)) not in seen:
            seen.add((role, m.group(1)))
            out("%s %s" % (role, m.group(1)), m.group(2))
        elif not line.startswith(" "):
            role = None
elif command == "help":
    config = json.load(open(args[0], encoding="utf-8")).get("farv1_openidcConfiguration", {})
    print(" ".join(p.get("iss", "") for p in config.get("openidcProviders", [])),
          json.dumps(config.get("dntSupported")), json.dumps(config.get("tokenClientSupported")))
PY
declare -A stored got
while IFS=$'\t' read -r key value; do stored[$key]=$value; done < <(python3 view.py stored)
# The values no refusal and no public answer may hold: the contacts' names, emails, phones, streets,
# cities and postal codes.
contact_values=()
for key in "${!stored[@]}"; do
  case $key in *" Name" | *" Email" | *" Phone" | *" Street" | *" City" | *" Postal code") contact_values+=("${stored[$key]-}") ;; esac
done
for role in registrant admin tech; do
  for label in Name Email Phone Street City "Postal code"; do
    check "ssad show domain gives the $role's $label" test -n "${stored[$role $label]-}"
  done
done
# load NAME: the answer NAME.json's contacts and redactions into `got`.
load() {
  got=()
  local key value
  while IFS=$'\t' read -r key value; do got[$key]=$value; done < <(python3 view.py answer "$1.json")
}
# holds FILE VALUE: FILE holds VALUE, as it is (no pattern).
holds() { grep -q -F -- "$2" "$1"; }
misses() { ! holds "$@"; }

"$ssad" serve --config ssad.toml --http 127.0.0.1:0 > serve.out 2> serve.err &
server_pid=$!
http=$(http_address serve.err) || exit 1

# ask NAME CREDENTIAL TARGET: GET /rdap/TARGET, with "Authorization: Bearer CREDENTIAL" unless it is "";
# the body goes to NAME.json, the headers to NAME.headers; prints the status.
ask() {
  local args=(-s -o "$1.json" -D "$1.headers" -w '%{http_code}')
  [ -n "$2" ] && args+=(-H "Authorization: Bearer $2")
  curl "${args[@]}" "http://$http/rdap/$3"
}
# token QUERY: a token from the provider (its /token parameters), issued now, for our audience unless
# QUERY names one.
token() {
  local query
  query="now=$(date +%s)&$1"
  case $1 in *aud=*) ;; *) query+="&aud=$audience" ;; esac
  curl -s -f "$idp/token?$query"
}
# holds_no_contact_value FILE: none of the domain's stored contact values is in FILE.
holds_no_contact_value() {
  local value
  for value in "${contact_values[@]}"; do
    if holds "$1" "$value"; then echo "$1 holds '$value'" >&2; return 1; fi
  done
}
header() { grep -i -q "^$2: $3"$'\r'"\?$" "$1.headers"; }
# refused NAME CREDENTIAL TARGET STATUS REASON: the request is answered STATUS with an RDAP error whose
# description matches REASON, with no registration data and not cached; a 401 asks for Bearer.
refused() {
  local name=$1 status
  status=$(ask "$name" "$2" "$3")
  check "$name: $4" test "$status" = "$4"
  check "$name: an RDAP error (errorCode $4)" grep -q "^{\"rdapConformance\":\[\"rdap_level_0\"\],\"errorCode\":$4," "$name.json"
  check "$name: it names the reason ($5)" grep -q -- "\"description\":\[\"[^\"]*$5" "$name.json"
  check "$name: no registration data" holds_no_contact_value "$name.json"
  check "$name: no entity, no vcard" lacks "$(cat "$name.json")" 'vcardArray\|"entities"'
  if [ -n "$2" ]; then
    check "$name: Cache-Control: private, no-store" header "$name" cache-control "private, no-store"
  fi
  if [ "$4" = 401 ]; then check "$name: WWW-Authenticate: Bearer" header "$name" www-authenticate Bearer; fi
}
# disclosures: how many rdap.disclose entries the audit log holds.
disclosures() { "$ssad" audit export --config ssad.toml --action rdap.disclose 2>/dev/null | wc -l; }

seed000="domain/$domain?farv1_qp=technicalIssueResolution"
seed001="domain/$domain?farv1_qp=criminalInvestigationAndDNSAbuseMitigation&ssad_abuse_type"

# The public answer, before any request with credentials.
check "public: 200" test "$(ask public "" "$seed000")" = 200
check "public: no contact value" holds_no_contact_value public.json
load public
check "public: the registrant's name is redacted as personal data" \
  test "${got[redacted Registrant Name]-}" = "Personal data, not published without a lawful basis for the requestor"
lacks "$(cat public.headers)" '^Cache-Control'
check "public: cacheable (no Cache-Control: private)" test $? -eq 0
check "public, without a purpose: 200" test "$(ask public-plain "" "domain/$domain")" = 200

# Seed 000: the network operator, technicalIssueResolution. expect_seed000 NAME HOW: the answer NAME
# discloses the three contacts' name, email and phone as stored, and withholds their address.
expect_seed000() {
  local name=$1 role stored_role label property value
  load "$name"
  check "seed 000 ($2): Cache-Control: private, no-store" header "$name" cache-control "private, no-store"
  check "seed 000 ($2): Vary: Authorization" header "$name" vary Authorization
  for role in registrant administrative technical; do
    case $role in administrative) stored_role="admin" ;; technical) stored_role="tech" ;; *) stored_role=$role ;; esac
    for label in Name Email Phone; do
      case $label in Name) property=fn ;; Email) property=email ;; Phone) property=tel ;; esac
      value=${stored[$stored_role $label]-}
      check "seed 000 ($2): $role $label as stored ($value)" test "${got[$role $property]-}" = "$value"
    done
    for label in Street City "Postal code"; do
      value=${stored[$stored_role $label]-}
      if [ -n "$value" ]; then check "seed 000 ($2): $role $label withheld" misses "$name.json" "$value"; fi
    done
  done
  for label in "Registrant Street" "Registrant City" "Registrant Postal Code" "Administrative Contact Street" \
    "Technical Contact Street" "Technical Contact City" "Technical Contact Postal Code"; do
    check "seed 000 ($2): $label in redacted, not necessary for the purpose" \
      test "${got[redacted $label]-}" = "Not necessary for the stated purpose (data minimisation)"
  done
}
before=$(disclosures)
check "seed 000 (API key): 200" test "$(ask seed000-key "$noc_key" "$seed000")" = 200
expect_seed000 seed000-key "API key"
for alg in RS256 ES256 EdDSA; do
  t=$(token "sub=noc-1&alg=$alg&purposes=technicalIssueResolution")
  check "seed 000 ($alg token): 200" test "$(ask "seed000-$alg" "$t" "$seed000")" = 200
  expect_seed000 "seed000-$alg" "$alg token"
done
"$ssad" audit export --config ssad.toml --action rdap.disclose > disclosed-000.jsonl 2>/dev/null
check "seed 000: one rdap.disclose entry per answer (4)" test "$(($(wc -l < disclosed-000.jsonl) - before))" -eq 4
python3 - "$before" "$noc" "$noc_key_id" "$netops_acc" <<'PY' > seed000-audit.txt
import json, sys
skip, user, key, accreditation = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
expected = ["admin.email", "admin.name", "admin.phone", "registrant.email", "registrant.name", "registrant.phone",
            "tech.email", "tech.name", "tech.phone"]
for line in open("disclosed-000.jsonl", encoding="utf-8").readlines()[skip:]:
    e = json.loads(line)
    ok = (e["actor"] == {"kind": "requestor", "id": user} and e["object"] == {"kind": "domain", "id": "driftkitelabs.example"}
          and e["purpose"] == "technicalIssueResolution" and e["lawful_basis"] == "6(1)(f)" and e["fields"] == expected
          and e["detail"]["accreditation"] == accreditation and e["detail"]["rules"] == "seed-000-network-attack")
    print(("ok " if ok else "wrong ") + e["detail"]["credential"])
PY
check "seed 000: each entry names the requestor, purpose, basis, rule and the 9 field keys" \
  test "$(grep -c '^ok ' seed000-audit.txt)" -eq 4
check "seed 000: the API key's entry names the key" grep -q "^ok api_key $noc_key_id\$" seed000-audit.txt
check "seed 000: the tokens' entries say oidc_token" test "$(grep -c '^ok oidc_token$' seed000-audit.txt)" -eq 3
check "seed 000: no disclosed value is in the log" holds_no_contact_value disclosed-000.jsonl

# The public answer stays the public's, whoever asks without a right to more.
check "public again after the disclosures: 200" test "$(ask public-after "" "$seed000")" = 200
check "public again: the same bytes as before (nothing cached from an authorised answer)" cmp -s public.json public-after.json
# A domain nobody asked about yet: the authorised answer comes first, and is not what the public gets next.
first="domain/secure-login-north.example?farv1_qp=technicalIssueResolution"
check "authorised first: 200" test "$(ask authorised-first "$noc_key" "$first")" = 200
load authorised-first
disclosed_name=${got[registrant fn]-}
disclosed_email=${got[registrant email]-}
check "authorised first: discloses the registrant's name and email" test -n "$disclosed_name" -a -n "$disclosed_email"
check "then the public: 200" test "$(ask public-second "" "$first")" = 200
check "then the public: not the name the authorised answer held" misses public-second.json "$disclosed_name"
check "then the public: not the email either" misses public-second.json "$disclosed_email"
check "then the public again (from the cache): the same bytes" test "$(ask public-third "" "$first")" = 200
check "the public's answers are equal" cmp -s public-second.json public-third.json
check "never accredited, with a purpose: 200" test "$(ask never "$never_key" "$seed000")" = 200
check "never accredited: exactly the public answer" cmp -s public.json never.json
check "never accredited: Cache-Control: private, no-store" header never cache-control "private, no-store"
check "accredited, without a purpose: 200" test "$(ask no-purpose "$noc_key" "domain/$domain")" = 200
check "accredited, without a purpose: exactly the public answer" cmp -s public-plain.json no-purpose.json
check "the public answers held no disclosure: no audit entry (only the authorised one's)" \
  test "$(disclosures)" -eq "$((before + 5))"

# Seed 001: the investigator, criminalInvestigationAndDNSAbuseMitigation.
before=$(disclosures)
check "seed 001 (phishing): 200" test "$(ask seed001-phishing "$analyst_key" "$seed001=phishing")" = 200
load seed001-phishing
for role in registrant technical; do
  case $role in technical) stored_role="tech" ;; *) stored_role=$role ;; esac
  check "seed 001 (phishing): $role name" test "${got[$role fn]-}" = "${stored[$stored_role Name]-}"
  check "seed 001 (phishing): $role email" test "${got[$role email]-}" = "${stored[$stored_role Email]-}"
  check "seed 001 (phishing): $role phone" test "${got[$role tel]-}" = "${stored[$stored_role Phone]-}"
  check "seed 001 (phishing): $role street" test "${got[$role adr 2]-}" = "${stored[$stored_role Street]-}"
  check "seed 001 (phishing): $role city" test "${got[$role adr 3]-}" = "${stored[$stored_role City]-}"
  check "seed 001 (phishing): $role postal code" test "${got[$role adr 5]-}" = "${stored[$stored_role Postal code]-}"
done
check "seed 001 (phishing): not the admin contact's name" misses seed001-phishing.json "${stored[admin Name]-}"
check "seed 001 (phishing): not the admin contact's email" misses seed001-phishing.json "${stored[admin Email]-}"
check "seed 001 (phishing): the admin contact, all of it, is not necessary for the purpose" \
  test "${got[redacted Administrative Contact]-}" = "Not necessary for the stated purpose (data minimisation)"
"$ssad" audit export --config ssad.toml --action rdap.disclose 2>/dev/null | tail -n 1 > disclosed-001.json
check "seed 001 (phishing): its rdap.disclose entry" test "$(disclosures)" -eq "$((before + 1))"
check "seed 001 (phishing): the entry lists the registrant's address and the tech contact" \
  grep -q '"fields":\["registrant.city","registrant.email","registrant.name","registrant.phone","registrant.postal_code","registrant.street","tech.city","tech.country_code","tech.email","tech.name","tech.phone","tech.postal_code","tech.state_province","tech.street"\]' disclosed-001.json
check "seed 001 (phishing): the entry names the rule and the investigator group" \
  contains "$(cat disclosed-001.json)" '"group":"investigator".*"rules":"seed-001-abuse-investigation"'

check "seed 001 (fraud): 200" test "$(ask seed001-fraud "$analyst_key" "$seed001=fraud")" = 200
check "seed 001 (fraud): no contact value" holds_no_contact_value seed001-fraud.json
load seed001-fraud
# The tech contact has nothing public: it is left out whole, under one entry.
for label in "Registrant Name" "Registrant Street" "Registrant City" "Registrant Postal Code" "Registrant Email" \
  "Registrant Phone" "Technical Contact"; do
  check "seed 001 (fraud): $label awaits review" \
    test "${got[redacted $label]-}" = "Disclosed only after a reviewer decides on a disclosure request (POST /v1/requests)"
done
check "seed 001 (fraud): nothing disclosed, no audit entry" test "$(disclosures)" -eq "$((before + 1))"

cert_token=$(token "sub=cert-1&alg=ES256")
check "seed 001 (CERT, malware, ES256 token): 200" test "$(ask seed001-cert "$cert_token" "$seed001=malware")" = 200
load seed001-cert
check "seed 001 (CERT, malware): the registrant's street" test "${got[registrant adr 2]-}" = "${stored[registrant Street]-}"
check "seed 001 (CERT, malware): the tech contact's email" test "${got[technical email]-}" = "${stored[tech Email]-}"

# Refusals of the credential: 401.
before=$(disclosures)
refused expired "$(token "sub=noc-1&exp=-120")" "$seed000" 401 "has expired"
refused not-yet-valid "$(token "sub=noc-1&nbf=120")" "$seed000" 401 "is not valid yet"
refused wrong-audience "$(token "sub=noc-1&aud=someone-else.example")" "$seed000" 401 "another audience"
refused unknown-issuer "$(token "sub=noc-1&iss=https://idp.unknown.example")" "$seed000" 401 "issuer is not trusted"
refused bad-signature "$(token "sub=noc-1&forge=bad-signature")" "$seed000" 401 "signature does not verify"
refused alg-none "$(token "sub=noc-1&forge=none")" "$seed000" 401 "algorithm is not the key's"
refused hs256-public-key "$(token "sub=noc-1&forge=hs256-public-key")" "$seed000" 401 "algorithm is not the key's"
refused unknown-kid "$(token "sub=noc-1&forge=unknown-kid")" "$seed000" 401 "signed with an unknown key"

# Rotation: a key the server has not seen yet is fetched (at most once a second, jwks_refetch_min_seconds).
fetched=$(member "$(curl -s "$idp/stats")" jwks_requests)
new_kid=$(curl -s -f -X POST "$idp/rotate?alg=RS256")
check "the provider rotates to a new RS256 key" test -n "$new_kid"
rotated=$(token "sub=noc-1&alg=RS256&kid=$new_kid")
accepted() { test "$(ask rotated "$rotated" "$seed000")" = 200; }
check "a token signed with the new key is accepted once the set is fetched again" eventually 10 accepted
check "the server fetched the provider's key set again" \
  test "$(member "$(curl -s "$idp/stats")" jwks_requests)" -gt "$fetched"
expect_seed000 rotated "rotated key"

# The API key: revoked, it fails on the very next request.
new_key spare_key "$noc" spare_key_id
check "a second key works" test "$(ask spare "$spare_key" "$seed000")" = 200
"$ssad" requestor key revoke "$spare_key_id" --config ssad.toml > /dev/null
check "key revoke (exit 0)" test $? -eq 0
refused revoked-key "$spare_key" "$seed000" 401 "has been revoked"
# A forged secret: the last hex digit changed (to 1 when it is 0, else to 0), so never the key itself.
forged_key="${spare_key%?}0"
[ "${spare_key: -1}" != 0 ] || forged_key="${spare_key%?}1"
refused no-such-key "$forged_key" "$seed000" 401 "API key is not valid"

# The accreditation: suspended, then reinstated; one that lapsed.
"$ssad" requestor accreditation suspend "$netops_acc" --reason "e2e: complaint under investigation" \
  --config ssad.toml > /dev/null
check "accreditation suspend (exit 0)" test $? -eq 0
refused suspended-key "$noc_key" "$seed000" 403 "accreditation is suspended"
refused suspended-token "$(token "sub=noc-1&alg=EdDSA")" "$seed000" 403 "accreditation is suspended"
"$ssad" requestor accreditation reinstate "$netops_acc" --reason "e2e: complaint dismissed" --config ssad.toml > /dev/null
check "accreditation reinstate (exit 0)" test $? -eq 0
check "reinstated: the next request is answered" test "$(ask reinstated "$noc_key" "$seed000")" = 200
expect_seed000 reinstated "reinstated"
refused lapsed "$lapsed_key" "$seed000" 403 "accreditation is expired"

# Purposes.
refused outside-token-purposes "$(token "sub=noc-1&purposes=criminalInvestigationAndDNSAbuseMitigation")" \
  "$seed000" 403 "not among the token's rdap_allowed_purposes"
refused outside-accreditation "$analyst_key" "$seed000" 403 "not permitted by the organisation's accreditation"
refused unknown-purpose "$noc_key" "domain/$domain?farv1_qp=madeUpPurpose" 403 "not one this server knows"
refused malformed-purpose "$noc_key" "domain/$domain?farv1_qp=a-b" 400 "not a purpose value"
refused dnt "$(token "sub=noc-1&dnt=true")" "$seed000&farv1_dnt=true" 403 "farv1_dnt=true cannot be honoured"
refused unknown-subject "$(token "sub=nobody")" "$seed000" 403 "not a user of an accredited organisation"

# farv1_iss (RFC 9560 §4.2.3): the token's issuer, named, is answered; one not trusted here is refused.
check "farv1_iss naming the provider: 200" test "$(ask iss "$(token "sub=noc-1")" "$seed000&farv1_iss=$idp")" = 200
refused other-iss "$(token "sub=noc-1")" "$seed000&farv1_iss=https://idp.unknown.example" 400 \
  "farv1_iss names an identity provider this server does not accept"

# The CERT's accreditation revoked: its token, which worked a moment ago, fails on the very next request.
check "the CERT's token works" test "$(ask cert-before "$cert_token" "$seed001=botnet")" = 200
"$ssad" requestor accreditation revoke "$cert_acc" --reason "e2e: accreditation withdrawn" --config ssad.toml > /dev/null
check "accreditation revoke (exit 0)" test $? -eq 0
refused revoked-accreditation "$cert_token" "$seed001=botnet" 403 "accreditation is revoked"
check "refusals disclosed nothing: the only new entries are the answers' (rotated, spare, reinstated, farv1_iss, CERT)" \
  test "$(disclosures)" -eq "$((before + 5))"
check "every change to the directory is in the audit log with its reason" \
  contains "$("$ssad" audit export --config ssad.toml 2>/dev/null)" '"e2e: accreditation withdrawn"'

# /help: RFC 9560 §4.1.
check "/help: 200" test "$(ask help "" help)" = 200
check "/help: farv1 conformance" grep -q '"rdapConformance":\[[^]]*"farv1"' help.json
check "/help: farv1_openidcConfiguration names the provider, dntSupported false, tokens supported" \
  test "$(python3 view.py help help.json)" = "$idp false true"

kill "$server_pid" && wait "$server_pid" 2>/dev/null
server_pid=""

# ssad policy: check and explain.
"$ssad" policy default > default.toml
out=$("$ssad" policy check default.toml 2>&1)
check "policy check: the default is valid (exit 0)" test $? -eq 0
check "policy check: says what it read" contains "$out" '^default.toml: valid: 6 groups, 0 purposes of its own, 8 rules; sha256 [0-9a-f]\{64\}$'
sed 's/^outcome = "review"$/outcome = "maybe"/' default.toml > broken.toml
line=$(grep -n '^outcome = "maybe"$' broken.toml | cut -d: -f1)
out=$("$ssad" policy check broken.toml 2>&1)
check "policy check: a broken file (exit 2)" test $? -eq 2
check "policy check: names the file, the line and the fix" \
  contains "$out" "broken.toml:$line: rule 'seed-001-review': outcome 'maybe' is not one of disclose, review, refuse"
out=$("$ssad" policy explain --config ssad.toml --domain "$domain" --group network_operator \
  --purpose technicalIssueResolution 2>&1)
check "policy explain (seed 000): exit 0" test $? -eq 0
check "policy explain (seed 000): the registrant's phone by seed-000-network-attack" \
  contains "$out" '^registrant.phone  *disclose  *seed-000-network-attack$'
check "policy explain (seed 000): the registrant's street not necessary" \
  contains "$out" '^registrant.street  *withhold  *not_necessary  *seed-000-minimisation$'
out=$("$ssad" policy explain --config ssad.toml --domain "$domain" --group investigator \
  --purpose criminalInvestigationAndDNSAbuseMitigation --abuse-type phishing 2>&1)
check "policy explain (seed 001, phishing): the registrant's street by seed-001-abuse-investigation" \
  contains "$out" '^registrant.street  *disclose  *seed-001-abuse-investigation$'
check "policy explain (seed 001, phishing): the tech contact's email" \
  contains "$out" '^tech.email  *disclose  *seed-001-abuse-investigation$'
out=$("$ssad" policy explain --config ssad.toml --domain "$domain" --group investigator \
  --purpose criminalInvestigationAndDNSAbuseMitigation --abuse-type fraud 2>&1)
check "policy explain (seed 001, fraud): the registrant's street awaits review" \
  contains "$out" '^registrant.street  *review  *pending_review  *seed-001-review$'
# The same for users of the directory, under their accreditations.
out=$("$ssad" policy explain --config ssad.toml --domain "$domain" --user "$noc" --purpose technicalIssueResolution 2>&1)
check "policy explain --user (the NOC, seed 000): exit 0" test $? -eq 0
check "policy explain --user (the NOC, seed 000): names its accreditation's group" contains "$out" 'group network_operator'
check "policy explain --user (the NOC, seed 000): the admin's email by seed-000-network-attack" \
  contains "$out" '^admin.email  *disclose  *seed-000-network-attack$'
out=$("$ssad" policy explain --config ssad.toml --domain "$domain" --user "$analyst" \
  --purpose criminalInvestigationAndDNSAbuseMitigation --abuse-type phishing 2>&1)
check "policy explain --user (the analyst, seed 001, phishing): the tech contact's street" \
  contains "$out" '^tech.street  *disclose  *seed-001-abuse-investigation$'

echo "identity_e2e ($backend): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
