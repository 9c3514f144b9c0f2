-- Registration data (DESIGN.md C1), shaped after RFC 9022's CSV model. Times are milliseconds since the
-- Unix epoch (UTC). Names are A-label, lower-case, without the trailing dot.

CREATE TABLE registrar (
  id            INTEGER PRIMARY KEY,
  handle        TEXT NOT NULL UNIQUE,      -- the registry's id of the registrar (EPP clID)
  name          TEXT NOT NULL,
  iana_id       INTEGER,
  status        TEXT NOT NULL DEFAULT '',
  street1       TEXT NOT NULL DEFAULT '',
  street2       TEXT NOT NULL DEFAULT '',
  street3       TEXT NOT NULL DEFAULT '',
  city          TEXT NOT NULL DEFAULT '',
  state_province TEXT NOT NULL DEFAULT '',
  postal_code   TEXT NOT NULL DEFAULT '',
  country_code  TEXT NOT NULL DEFAULT '',
  voice         TEXT NOT NULL DEFAULT '',
  voice_ext     TEXT NOT NULL DEFAULT '',
  fax           TEXT NOT NULL DEFAULT '',
  fax_ext       TEXT NOT NULL DEFAULT '',
  email         TEXT NOT NULL DEFAULT '',
  url           TEXT NOT NULL DEFAULT '',
  whois_server  TEXT NOT NULL DEFAULT '',
  rdap_base_url TEXT NOT NULL DEFAULT '',
  abuse_email   TEXT NOT NULL DEFAULT '',
  abuse_phone   TEXT NOT NULL DEFAULT '',
  created_ms    INTEGER,
  updated_ms    INTEGER
);
CREATE INDEX registrar_by_iana_id ON registrar(iana_id);

CREATE TABLE contact (
  id              INTEGER PRIMARY KEY,
  handle          TEXT NOT NULL UNIQUE,
  roid            TEXT NOT NULL,
  voice           TEXT NOT NULL DEFAULT '',
  voice_ext       TEXT NOT NULL DEFAULT '',
  fax             TEXT NOT NULL DEFAULT '',
  fax_ext         TEXT NOT NULL DEFAULT '',
  email           TEXT NOT NULL DEFAULT '',
  registrar_id    INTEGER REFERENCES registrar(id),
  person_type     TEXT NOT NULL DEFAULT 'unknown' CHECK (person_type IN ('unknown', 'natural', 'legal')),
  consent         INTEGER NOT NULL DEFAULT 0,   -- bit set of model::ConsentElement
  privacy_service TEXT NOT NULL DEFAULT '',
  created_ms      INTEGER,
  updated_ms      INTEGER
);

CREATE TABLE contact_postal (
  contact_id     INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  type           TEXT NOT NULL CHECK (type IN ('int', 'loc')),
  name           TEXT NOT NULL DEFAULT '',
  organization   TEXT NOT NULL DEFAULT '',
  street1        TEXT NOT NULL DEFAULT '',
  street2        TEXT NOT NULL DEFAULT '',
  street3        TEXT NOT NULL DEFAULT '',
  city           TEXT NOT NULL DEFAULT '',
  state_province TEXT NOT NULL DEFAULT '',
  postal_code    TEXT NOT NULL DEFAULT '',
  country_code   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (contact_id, type)
) WITHOUT ROWID;

CREATE TABLE contact_status (
  contact_id  INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  status      TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (contact_id, status)
) WITHOUT ROWID;

CREATE TABLE host (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  unicode_name   TEXT,
  roid           TEXT NOT NULL UNIQUE,
  registrar_id   INTEGER REFERENCES registrar(id),
  created_ms     INTEGER,
  updated_ms     INTEGER,
  transferred_ms INTEGER
);

CREATE TABLE host_address (
  host_id INTEGER NOT NULL REFERENCES host(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version IN (4, 6)),
  PRIMARY KEY (host_id, address)
) WITHOUT ROWID;
CREATE INDEX host_address_by_address ON host_address(address);

CREATE TABLE host_status (
  host_id     INTEGER NOT NULL REFERENCES host(id) ON DELETE CASCADE,
  status      TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (host_id, status)
) WITHOUT ROWID;

CREATE TABLE domain (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  unicode_name   TEXT,
  roid           TEXT NOT NULL UNIQUE,
  tld            TEXT NOT NULL,
  idn_table      TEXT NOT NULL DEFAULT '',
  registrar_id   INTEGER NOT NULL REFERENCES registrar(id),
  reseller       TEXT NOT NULL DEFAULT '',
  max_sig_life   INTEGER,
  created_ms     INTEGER,
  updated_ms     INTEGER,
  expires_ms     INTEGER,
  transferred_ms INTEGER
);
CREATE INDEX domain_by_unicode_name ON domain(unicode_name) WHERE unicode_name IS NOT NULL;
CREATE INDEX domain_by_registrar ON domain(registrar_id);

CREATE TABLE domain_contact (
  domain_id  INTEGER NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('registrant', 'admin', 'tech', 'billing')),
  contact_id INTEGER NOT NULL REFERENCES contact(id),
  PRIMARY KEY (domain_id, role, contact_id)
) WITHOUT ROWID;
CREATE INDEX domain_contact_by_contact ON domain_contact(contact_id);

CREATE TABLE domain_status (
  domain_id   INTEGER NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
  status      TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (domain_id, status)
) WITHOUT ROWID;

CREATE TABLE domain_nameserver (
  domain_id INTEGER NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
  host_id   INTEGER NOT NULL REFERENCES host(id),
  PRIMARY KEY (domain_id, host_id)
) WITHOUT ROWID;
CREATE INDEX domain_nameserver_by_host ON domain_nameserver(host_id);

CREATE TABLE domain_ds (
  domain_id   INTEGER NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
  key_tag     INTEGER NOT NULL,
  algorithm   INTEGER NOT NULL,
  digest_type INTEGER NOT NULL,
  digest      TEXT NOT NULL,
  PRIMARY KEY (domain_id, key_tag, algorithm, digest_type, digest)
) WITHOUT ROWID;

CREATE TABLE domain_key (
  domain_id  INTEGER NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
  flags      INTEGER NOT NULL,
  protocol   INTEGER NOT NULL,
  algorithm  INTEGER NOT NULL,
  public_key TEXT NOT NULL,
  PRIMARY KEY (domain_id, flags, protocol, algorithm, public_key)
) WITHOUT ROWID;

-- Imports applied: escrow deposits (so that a deposit is applied once and DIFFs follow their
-- predecessor) and JSON Lines files (type JSONL, id from the file's SHA-256).
CREATE TABLE escrow_deposit (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL CHECK (type IN ('FULL', 'DIFF', 'INCR', 'JSONL')),
  prev_id      TEXT NOT NULL DEFAULT '',
  tld          TEXT NOT NULL DEFAULT '',
  watermark_ms INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  imported_ms  INTEGER NOT NULL
);

-- Facts about the data as a whole, e.g. 'data_updated_ms' ("last update of RDAP database").
CREATE TABLE store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
