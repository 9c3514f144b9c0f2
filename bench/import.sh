#!/usr/bin/env bash
# Import of a demo escrow deposit (`ssad import escrow`) against the floor for a SQLite load: the
# sqlite3 shell loading the same CSV files with .import, in one transaction, into tables that mirror
# each file with the same keys and indexes as OpenSSAD's schema, under the same pragmas (WAL,
# synchronous=FULL, 256 MiB cache). Runs are alternated; medians are reported.
#
# Usage: bench/import.sh [DOMAINS]   (default 1000000; RUNS=3, WORK=/tmp/ssad-bench-import)
# Needs the release build: cmake --preset release && cmake --build --preset release
set -euo pipefail
domains=${1:-1000000}
runs=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
ssad=$root/build/release/apps/ssad/ssad
work=${WORK:-/tmp/ssad-bench-import}
deposit=$work/deposit-$domains
mkdir -p "$work"
[ -x "$ssad" ] || { echo "build the release preset first" >&2; exit 1; }
xml=$deposit/deposit-demo-$domains-20260101.xml
if [ ! -f "$xml" ]; then
  "$ssad" demo --domains "$domains" --deposit-only --out "$deposit" --db "$work/unused.db" >/dev/null
fi
f() { echo "$deposit/$1-demo-$domains-20260101.csv"; }

cat > "$work/floor.sql" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA cache_size=-262144;
BEGIN;
CREATE TABLE registrar(handle TEXT UNIQUE,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14,c15,c16,c17,c18,c19,c20,c21,c22,c23);
CREATE INDEX registrar_iana ON registrar(c3);
CREATE TABLE contact(handle TEXT UNIQUE,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12);
CREATE TABLE contact_status(handle,status,c3,PRIMARY KEY(handle,status)) WITHOUT ROWID;
CREATE TABLE contact_postal(handle,type,c3,c4,c5,c6,c7,c8,c9,c10,c11,PRIMARY KEY(handle,type)) WITHOUT ROWID;
CREATE TABLE contact_disclose(c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11);
CREATE TABLE host(name TEXT UNIQUE,roid TEXT UNIQUE,c3,c4,c5,c6);
CREATE TABLE host_status(roid,status,c3,PRIMARY KEY(roid,status)) WITHOUT ROWID;
CREATE TABLE host_address(roid,address,c3,PRIMARY KEY(roid,address)) WITHOUT ROWID;
CREATE INDEX host_address_by_address ON host_address(address);
CREATE TABLE domain(name TEXT UNIQUE,roid TEXT UNIQUE,c3,c4,c5,c6,c7,c8,c9,c10);
CREATE INDEX domain_by_registrar ON domain(c5);
CREATE TABLE domain_contact(name,handle,role,PRIMARY KEY(name,role,handle)) WITHOUT ROWID;
CREATE INDEX domain_contact_by_contact ON domain_contact(handle);
CREATE TABLE domain_status(name,status,c3,PRIMARY KEY(name,status)) WITHOUT ROWID;
CREATE TABLE domain_nameserver(name,host,PRIMARY KEY(name,host)) WITHOUT ROWID;
CREATE INDEX domain_nameserver_by_host ON domain_nameserver(host);
CREATE TABLE domain_ds(name,c2,c3,c4,c5,c6,PRIMARY KEY(name,c3,c4,c5,c6)) WITHOUT ROWID;
.import --csv $(f registrar) registrar
.import --csv $(f contact) contact
.import --csv $(f contactStatuses) contact_status
.import --csv $(f contactPostal) contact_postal
.import --csv $(f contactDisclose) contact_disclose
.import --csv $(f host) host
.import --csv $(f hostStatuses) host_status
.import --csv $(f hostAddresses) host_address
.import --csv $(f domain) domain
.import --csv $(f domainContacts) domain_contact
.import --csv $(f domainStatuses) domain_status
.import --csv $(f domainNameServers-name) domain_nameserver
.import --csv $(f dnssec-ds) domain_ds
COMMIT;
SQL

ours=()
floor=()
for run in $(seq 1 "$runs"); do
  rm -f "$work"/ours.db*
  /usr/bin/time -f "%e %M" -o "$work/time" "$ssad" import escrow "$xml" --db "$work/ours.db" >/dev/null
  ours+=("$(cat "$work/time")")
  rm -f "$work"/floor.db*
  /usr/bin/time -f "%e %M" -o "$work/time" sqlite3 "$work/floor.db" < "$work/floor.sql" >/dev/null
  floor+=("$(cat "$work/time")")
  echo "run $run: ssad ${ours[-1]% *} s (${ours[-1]#* } KiB), sqlite3 .import ${floor[-1]% *} s (${floor[-1]#* } KiB)"
done
median() { printf '%s\n' "$@" | awk '{print $1, $2}' | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
m_ours=$(median "${ours[@]}")
m_floor=$(median "${floor[@]}")
ratio=$(awk -v a="${m_ours% *}" -v b="${m_floor% *}" 'BEGIN {printf "%.2f", a / b}')
echo "domains=$domains runs=$runs median: ssad ${m_ours% *} s (peak RSS ${m_ours#* } KiB), floor ${m_floor% *} s, ratio $ratio"
echo "rows: $(sqlite3 "$work/ours.db" 'select (select count(*) from domain)||" domains, "||(select count(*) from contact)||" contacts, "||(select count(*) from domain_contact)||" domain contacts"')"
