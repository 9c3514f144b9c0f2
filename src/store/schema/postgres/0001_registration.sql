-- Registration data (DESIGN.md C1) for PostgreSQL: the same tables and columns as the SQLite schema
-- (../sqlite/0001..0004), so that both backends answer alike. Times are milliseconds since the Unix epoch
-- (UTC). Numbers are bigint, as wide as SQLite's INTEGER, so that both stores take the same values. Names are A-label, lower-case, without the trailing dot. Names, handles and addresses compare
-- byte-wise (COLLATE "C"), as SQLite's BINARY collation does, so that search pages come in the same order
-- and a prefix is one range of an index whatever the database's locale.
--
-- Registrars, contacts, hosts and domains take their ids from one sequence: the unit of work reserves
-- blocks of it and writes new objects with COPY, ids included.

CREATE SEQUENCE object_id;

CREATE TABLE registrar (
  id             bigint PRIMARY KEY DEFAULT nextval('object_id'),
  handle         text COLLATE "C" NOT NULL UNIQUE,   -- the registry's id of the registrar (EPP clID)
  name           text NOT NULL,
  iana_id        bigint,
  status         text NOT NULL DEFAULT '',
  street1        text NOT NULL DEFAULT '',
  street2        text NOT NULL DEFAULT '',
  street3        text NOT NULL DEFAULT '',
  city           text NOT NULL DEFAULT '',
  state_province text NOT NULL DEFAULT '',
  postal_code    text NOT NULL DEFAULT '',
  country_code   text NOT NULL DEFAULT '',
  voice          text NOT NULL DEFAULT '',
  voice_ext      text NOT NULL DEFAULT '',
  fax            text NOT NULL DEFAULT '',
  fax_ext        text NOT NULL DEFAULT '',
  email          text NOT NULL DEFAULT '',
  url            text NOT NULL DEFAULT '',
  whois_server   text NOT NULL DEFAULT '',
  rdap_base_url  text NOT NULL DEFAULT '',
  abuse_email    text NOT NULL DEFAULT '',
  abuse_phone    text NOT NULL DEFAULT '',
  created_ms     bigint,
  updated_ms     bigint
);
CREATE INDEX registrar_by_iana_id ON registrar (iana_id);

CREATE TABLE contact (
  id              bigint PRIMARY KEY DEFAULT nextval('object_id'),
  handle          text COLLATE "C" NOT NULL UNIQUE,
  roid            text NOT NULL,
  voice           text NOT NULL DEFAULT '',
  voice_ext       text NOT NULL DEFAULT '',
  fax             text NOT NULL DEFAULT '',
  fax_ext         text NOT NULL DEFAULT '',
  email           text NOT NULL DEFAULT '',
  registrar_id    bigint REFERENCES registrar (id),
  person_type     text NOT NULL DEFAULT 'unknown' CHECK (person_type IN ('unknown', 'natural', 'legal')),
  consent         bigint NOT NULL DEFAULT 0,   -- bit set of model::ConsentElement
  privacy_service text NOT NULL DEFAULT '',
  created_ms      bigint,
  updated_ms      bigint
);

CREATE TABLE contact_postal (
  contact_id     bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
  type           text COLLATE "C" NOT NULL CHECK (type IN ('int', 'loc')),
  name           text NOT NULL DEFAULT '',
  organization   text NOT NULL DEFAULT '',
  street1        text NOT NULL DEFAULT '',
  street2        text NOT NULL DEFAULT '',
  street3        text NOT NULL DEFAULT '',
  city           text NOT NULL DEFAULT '',
  state_province text NOT NULL DEFAULT '',
  postal_code    text NOT NULL DEFAULT '',
  country_code   text NOT NULL DEFAULT '',
  PRIMARY KEY (contact_id, type)
);

CREATE TABLE contact_status (
  contact_id  bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
  status      text COLLATE "C" NOT NULL,
  description text NOT NULL DEFAULT '',
  PRIMARY KEY (contact_id, status)
);

CREATE TABLE host (
  id             bigint PRIMARY KEY DEFAULT nextval('object_id'),
  name           text COLLATE "C" NOT NULL UNIQUE,
  unicode_name   text COLLATE "C",
  roid           text COLLATE "C" NOT NULL UNIQUE,
  registrar_id   bigint REFERENCES registrar (id),
  created_ms     bigint,
  updated_ms     bigint,
  transferred_ms bigint
);
CREATE INDEX host_by_unicode_name ON host (unicode_name) WHERE unicode_name IS NOT NULL;

-- host_name: the host's name beside the address, so that (address, host_name) is the page order of a
-- search by address (put_host re-adds the addresses, so a renamed host rewrites them).
CREATE TABLE host_address (
  host_id   bigint NOT NULL REFERENCES host (id) ON DELETE CASCADE,
  address   text COLLATE "C" NOT NULL,
  version   integer NOT NULL CHECK (version IN (4, 6)),
  host_name text COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (host_id, address)
);
CREATE INDEX host_address_by_address ON host_address (address, host_name);

CREATE TABLE host_status (
  host_id     bigint NOT NULL REFERENCES host (id) ON DELETE CASCADE,
  status      text COLLATE "C" NOT NULL,
  description text NOT NULL DEFAULT '',
  PRIMARY KEY (host_id, status)
);

CREATE TABLE domain (
  id             bigint PRIMARY KEY DEFAULT nextval('object_id'),
  name           text COLLATE "C" NOT NULL UNIQUE,
  unicode_name   text COLLATE "C",
  roid           text COLLATE "C" NOT NULL UNIQUE,
  tld            text COLLATE "C" NOT NULL,
  idn_table      text NOT NULL DEFAULT '',
  registrar_id   bigint NOT NULL REFERENCES registrar (id),
  reseller       text NOT NULL DEFAULT '',
  max_sig_life   bigint,
  created_ms     bigint,
  updated_ms     bigint,
  expires_ms     bigint,
  transferred_ms bigint
);
CREATE INDEX domain_by_unicode_name ON domain (unicode_name) WHERE unicode_name IS NOT NULL;
CREATE INDEX domain_by_registrar ON domain (registrar_id, name);
CREATE INDEX domain_by_tld ON domain (tld);

CREATE TABLE domain_contact (
  domain_id  bigint NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('registrant', 'admin', 'tech', 'billing')),
  contact_id bigint NOT NULL REFERENCES contact (id),
  PRIMARY KEY (domain_id, role, contact_id)
);
CREATE INDEX domain_contact_by_contact ON domain_contact (contact_id);

CREATE TABLE domain_status (
  domain_id   bigint NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
  status      text COLLATE "C" NOT NULL,
  description text NOT NULL DEFAULT '',
  PRIMARY KEY (domain_id, status)
);

-- domain_name: the domain's name beside the host, so that (host_id, domain_name) is the page order of a
-- search by nameserver.
CREATE TABLE domain_nameserver (
  domain_id   bigint NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
  host_id     bigint NOT NULL REFERENCES host (id),
  domain_name text COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (domain_id, host_id)
);
CREATE INDEX domain_nameserver_by_host ON domain_nameserver (host_id, domain_name);

CREATE TABLE domain_ds (
  domain_id   bigint NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
  key_tag     bigint NOT NULL,
  algorithm   bigint NOT NULL,
  digest_type bigint NOT NULL,
  digest      text COLLATE "C" NOT NULL,
  PRIMARY KEY (domain_id, key_tag, algorithm, digest_type, digest)
);

CREATE TABLE domain_key (
  domain_id  bigint NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
  flags      bigint NOT NULL,
  protocol   bigint NOT NULL,
  algorithm  bigint NOT NULL,
  public_key text COLLATE "C" NOT NULL,
  PRIMARY KEY (domain_id, flags, protocol, algorithm, public_key)
);

-- "exam*.com": the names whose first label starts with "exam" and whose parent is exactly "com" are one
-- range of an index on (parent, name).
CREATE INDEX domain_by_parent ON domain ((substr(name, strpos(name, '.') + 1)), name);
CREATE INDEX domain_by_unicode_parent ON domain ((substr(unicode_name, strpos(unicode_name, '.') + 1)), unicode_name)
  WHERE unicode_name IS NOT NULL;
CREATE INDEX host_by_parent ON host ((substr(name, strpos(name, '.') + 1)), name);
CREATE INDEX host_by_unicode_parent ON host ((substr(unicode_name, strpos(unicode_name, '.') + 1)), unicode_name)
  WHERE unicode_name IS NOT NULL;

-- Imports applied: escrow deposits (so that a deposit is applied once and DIFFs follow their
-- predecessor) and JSON Lines files (type JSONL, id from the file's SHA-256). seq orders imports made in
-- the same millisecond.
CREATE TABLE escrow_deposit (
  id           text COLLATE "C" PRIMARY KEY,
  type         text NOT NULL CHECK (type IN ('FULL', 'DIFF', 'INCR', 'JSONL')),
  prev_id      text NOT NULL DEFAULT '',
  tld          text NOT NULL DEFAULT '',
  watermark_ms bigint NOT NULL,
  sha256       text NOT NULL,
  imported_ms  bigint NOT NULL,
  seq          bigint GENERATED ALWAYS AS IDENTITY
);

-- Facts about the data as a whole, e.g. 'data_updated_ms' ("last update of RDAP database").
CREATE TABLE store_meta (
  key   text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);
