-- The requestor directory (issue 12, DESIGN.md C4): requestor organisations and the operator's own, their
-- users, their accreditations, and the users' API keys. Ids are the model's ("org_…", "usr_…", "acc_…",
-- "key_…"), random and never reused; lists page by id. Nothing is ever deleted: a user is disabled, an
-- accreditation suspended or revoked, a key revoked. Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE organisation (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('requestor', 'operator')),
  country    TEXT NOT NULL DEFAULT '',   -- ISO 3166-1 alpha-2, or empty
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- A user signs in with an OpenID Connect identity (issuer and subject, both set or both empty: no two
-- users share one) or with its API keys. Emails need not be unique: one person may be a user of two
-- organisations.
CREATE TABLE org_user (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES organisation (id),
  email        TEXT NOT NULL,
  oidc_issuer  TEXT NOT NULL DEFAULT '',
  oidc_subject TEXT NOT NULL DEFAULT '',
  roles        INTEGER NOT NULL,          -- bit set of model::UserRole
  disabled     INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_ms   INTEGER NOT NULL,
  CHECK ((oidc_issuer = '') = (oidc_subject = ''))
) WITHOUT ROWID;
CREATE UNIQUE INDEX org_user_by_oidc ON org_user (oidc_issuer, oidc_subject) WHERE oidc_issuer <> '';
CREATE INDEX org_user_by_org ON org_user (org_id, id);

-- Purposes and lawful bases are JSON arrays of strings, in the order given.
CREATE TABLE accreditation (
  id                          TEXT PRIMARY KEY,
  org_id                      TEXT NOT NULL REFERENCES organisation (id),
  user_group                  TEXT NOT NULL,   -- a user group of the policy
  authority                   TEXT NOT NULL,   -- who accredited the organisation
  valid_from_ms               INTEGER NOT NULL,
  valid_until_ms              INTEGER NOT NULL,
  code_of_conduct_version     TEXT NOT NULL DEFAULT '',   -- empty: none accepted yet
  code_of_conduct_accepted_ms INTEGER,
  purposes                    TEXT NOT NULL DEFAULT '[]'
                              CHECK (json_valid(purposes) AND json_type(purposes) = 'array'),
  lawful_bases                TEXT NOT NULL DEFAULT '[]'
                              CHECK (json_valid(lawful_bases) AND json_type(lawful_bases) = 'array'),
  status                      TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked', 'expired')),
  status_reason               TEXT NOT NULL DEFAULT '',
  status_changed_ms           INTEGER NOT NULL,
  created_ms                  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX accreditation_by_org ON accreditation (org_id, id);

-- Only the SHA-256 of a key's secret part is kept.
CREATE TABLE api_key (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES org_user (id),
  secret_hash   BLOB NOT NULL CHECK (typeof(secret_hash) = 'blob' AND length(secret_hash) = 32),
  created_ms    INTEGER NOT NULL,
  expires_ms    INTEGER,                 -- NULL: does not expire
  revoked_ms    INTEGER,                 -- NULL: not revoked
  revoke_reason TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX api_key_by_user ON api_key (user_id, id);
