-- The registrant's side (issue 15; store/subject_store.hpp): the challenges that prove control of a domain
-- or of an email address, the sessions they grant, the agents registrants designate, and the record of
-- relayed messages (never the messages). Times are milliseconds since the Unix epoch (UTC); hashes are
-- SHA-256 in lower-case hex. Rows that hold personal data (a sender's address as a target, an agent's
-- contact) are pruned once they have served.

-- A one-time code sent by email; only its hash is kept ('' when no code was sent: it never matches). The
-- limits count challenges per (kind, target) since a time; a code is checked against the open ones.
CREATE TABLE subject_challenges (
  id          TEXT PRIMARY KEY,   -- "sch_…"
  kind        TEXT NOT NULL CHECK (kind IN ('registrant', 'sender')),
  target      TEXT NOT NULL,      -- a domain name, or an email address
  code_hash   TEXT NOT NULL DEFAULT '',
  created_ms  INTEGER NOT NULL,
  expires_ms  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,   -- wrong codes tried against it
    used_ms     INTEGER,                      -- NULL: not used
  subject     TEXT NOT NULL DEFAULT ''      -- a registrant's: whose registration the code was sent for
) WITHOUT ROWID;
CREATE INDEX subject_challenges_by_target ON subject_challenges (kind, target, created_ms, id);
CREATE INDEX subject_challenges_by_expiry ON subject_challenges (expires_ms);

-- What a proof grants, found by id (the token carries it); only the hash of its secret is kept.
CREATE TABLE subject_sessions (
  id          TEXT PRIMARY KEY,   -- "sss_…"
  kind        TEXT NOT NULL CHECK (kind IN ('registrant', 'sender')),
  target      TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  proof       TEXT NOT NULL,      -- "code:<challenge id>" or "registrar:<organisation id>"
  created_ms  INTEGER NOT NULL,
  expires_ms  INTEGER NOT NULL,
  ended_ms    INTEGER,            -- NULL: not ended early
  subject     TEXT NOT NULL       -- a registrant's: whose registration it proved (fails once it changes)
) WITHOUT ROWID;
CREATE INDEX subject_sessions_by_expiry ON subject_sessions (expires_ms);

-- A third party a registrant designated for technical and security issues, and its consent. At most one
-- current (pending or active) designation per domain across every node (the partial unique index): of
-- two designations at once, the second is refused. Once a designation ended, its contact details are
-- blanked by the pruning; the row stays as the record. `version` counts the saves (optimistic
-- concurrency).
CREATE TABLE domain_agents (
  id            TEXT PRIMARY KEY,   -- "agt_…"
  domain        TEXT NOT NULL,
  registrant    TEXT NOT NULL,      -- the fingerprint of the registrant contact's handle
  kind          TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
  name          TEXT NOT NULL,
  organization  TEXT NOT NULL DEFAULT '',
  email         TEXT NOT NULL,
  phone         TEXT NOT NULL DEFAULT '',
  designated_ms INTEGER NOT NULL,
  designated_by TEXT NOT NULL,      -- the registrant's session id
  state         TEXT NOT NULL
                CHECK (state IN ('pending', 'active', 'withdrawn', 'declined', 'replaced', 'lapsed')),
  answer_hash   TEXT NOT NULL DEFAULT '',
  consented_ms  INTEGER,
  consent_text  TEXT NOT NULL DEFAULT '',
  ended_ms      INTEGER,
  end_reason    TEXT NOT NULL DEFAULT '',
  version       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX domain_agents_current ON domain_agents (domain) WHERE state IN ('pending', 'active');
CREATE INDEX domain_agents_by_domain ON domain_agents (domain, designated_ms, id);
CREATE INDEX domain_agents_by_ended ON domain_agents (ended_ms) WHERE ended_ms IS NOT NULL;

-- That a message was relayed to a domain's registrant or agent: by whom, when, how big. The limits count
-- relays per domain and per sender since a time.
CREATE TABLE contact_relays (
  id             TEXT PRIMARY KEY,   -- "rly_…"
  domain         TEXT NOT NULL,
  sender         TEXT NOT NULL,      -- "user:<user id>" or "session:<session id>"
  recipient_kind TEXT NOT NULL,      -- "registrant" or "agent"
  created_ms     INTEGER NOT NULL,
  bytes          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX contact_relays_by_domain ON contact_relays (domain, created_ms, id);
CREATE INDEX contact_relays_by_sender ON contact_relays (sender, created_ms);
CREATE INDEX contact_relays_by_created ON contact_relays (created_ms);
