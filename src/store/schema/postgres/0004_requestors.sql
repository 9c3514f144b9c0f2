-- The requestor directory (issue 12, DESIGN.md C4) for PostgreSQL: the same tables and columns as the
-- SQLite schema (../sqlite/0006_requestors.sql). Ids compare byte-wise (COLLATE "C"), as SQLite's BINARY
-- collation does, so that pages come in the same order on both. Nothing is ever deleted. Times are
-- milliseconds since the Unix epoch (UTC).

CREATE TABLE organisation (
  id         text COLLATE "C" PRIMARY KEY,
  name       text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('requestor', 'operator')),
  country    text NOT NULL DEFAULT '',   -- ISO 3166-1 alpha-2, or empty
  created_ms bigint NOT NULL
);

-- A user signs in with an OpenID Connect identity (issuer and subject, both set or both empty: no two
-- users share one) or with its API keys. Emails need not be unique: one person may be a user of two
-- organisations.
CREATE TABLE org_user (
  id           text COLLATE "C" PRIMARY KEY,
  org_id       text COLLATE "C" NOT NULL REFERENCES organisation (id),
  email        text NOT NULL,
  oidc_issuer  text NOT NULL DEFAULT '',
  oidc_subject text NOT NULL DEFAULT '',
  roles        bigint NOT NULL,           -- bit set of model::UserRole
  disabled     boolean NOT NULL DEFAULT false,
  created_ms   bigint NOT NULL,
  CHECK ((oidc_issuer = '') = (oidc_subject = ''))
);
CREATE UNIQUE INDEX org_user_by_oidc ON org_user (oidc_issuer, oidc_subject) WHERE oidc_issuer <> '';
CREATE INDEX org_user_by_org ON org_user (org_id, id);

-- Purposes and lawful bases are JSON arrays of strings, in the order given.
CREATE TABLE accreditation (
  id                          text COLLATE "C" PRIMARY KEY,
  org_id                      text COLLATE "C" NOT NULL REFERENCES organisation (id),
  user_group                  text NOT NULL,   -- a user group of the policy
  authority                   text NOT NULL,   -- who accredited the organisation
  valid_from_ms               bigint NOT NULL,
  valid_until_ms              bigint NOT NULL,
  code_of_conduct_version     text NOT NULL DEFAULT '',   -- empty: none accepted yet
  code_of_conduct_accepted_ms bigint,
  purposes                    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(purposes) = 'array'),
  lawful_bases                jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(lawful_bases) = 'array'),
  status                      text NOT NULL CHECK (status IN ('active', 'suspended', 'revoked', 'expired')),
  status_reason               text NOT NULL DEFAULT '',
  status_changed_ms           bigint NOT NULL,
  created_ms                  bigint NOT NULL
);
CREATE INDEX accreditation_by_org ON accreditation (org_id, id);

-- Only the SHA-256 of a key's secret part is kept.
CREATE TABLE api_key (
  id            text COLLATE "C" PRIMARY KEY,
  user_id       text COLLATE "C" NOT NULL REFERENCES org_user (id),
  secret_hash   bytea NOT NULL CHECK (octet_length(secret_hash) = 32),
  created_ms    bigint NOT NULL,
  expires_ms    bigint,                  -- NULL: does not expire
  revoked_ms    bigint,                  -- NULL: not revoked
  revoke_reason text NOT NULL DEFAULT ''
);
CREATE INDEX api_key_by_user ON api_key (user_id, id);
