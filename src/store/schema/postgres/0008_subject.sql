-- The registrant's side (issue 15; store/subject_store.hpp) for PostgreSQL: the same tables and columns as
-- the SQLite schema (../sqlite/0010_subject.sql). Ids and keys compare byte-wise (COLLATE "C"), as SQLite's
-- BINARY collation does, so that lists come in the same order on both. Times are milliseconds since the
-- Unix epoch (UTC); hashes are SHA-256 in lower-case hex. Rows that hold personal data (a sender's address
-- as a target, an agent's contact) are pruned once they have served.

-- A one-time code sent by email; only its hash is kept ('' when no code was sent: it never matches). The
-- limits count challenges per (kind, target) since a time; a code is checked against the open ones, read
-- FOR UPDATE, so that one code is used once across nodes.
CREATE TABLE subject_challenges (
  id          text COLLATE "C" PRIMARY KEY,   -- "sch_…"
  kind        text NOT NULL CHECK (kind IN ('registrant', 'sender')),
  target      text COLLATE "C" NOT NULL,      -- a domain name, or an email address
  code_hash   text NOT NULL DEFAULT '',
  created_ms  bigint NOT NULL,
  expires_ms  bigint NOT NULL,
  attempts    bigint NOT NULL DEFAULT 0,      -- wrong codes tried against it
    used_ms     bigint,                         -- NULL: not used
  subject     text NOT NULL DEFAULT ''        -- a registrant's: whose registration the code was sent for
);
CREATE INDEX subject_challenges_by_target ON subject_challenges (kind, target, created_ms, id);
CREATE INDEX subject_challenges_by_expiry ON subject_challenges (expires_ms);

-- What a proof grants, found by id (the token carries it); only the hash of its secret is kept.
CREATE TABLE subject_sessions (
  id          text COLLATE "C" PRIMARY KEY,   -- "sss_…"
  kind        text NOT NULL CHECK (kind IN ('registrant', 'sender')),
  target      text COLLATE "C" NOT NULL,
  secret_hash text NOT NULL,
  proof       text NOT NULL,                  -- "code:<challenge id>" or "registrar:<organisation id>"
  created_ms  bigint NOT NULL,
  expires_ms  bigint NOT NULL,
  ended_ms    bigint,                         -- NULL: not ended early
  subject     text NOT NULL                   -- a registrant's: whose registration it proved
);
CREATE INDEX subject_sessions_by_expiry ON subject_sessions (expires_ms);

-- A third party a registrant designated for technical and security issues, and its consent. At most one
-- current (pending or active) designation per domain across every node (the partial unique index: an
-- insert of a domain another unit of work holds current and uncommitted waits for it, then is skipped if
-- that one committed). Once a designation ended, its contact details are blanked by the pruning; the row
-- stays as the record. `version` counts the saves (optimistic concurrency).
CREATE TABLE domain_agents (
  id            text COLLATE "C" PRIMARY KEY,   -- "agt_…"
  domain        text COLLATE "C" NOT NULL,
  registrant    text NOT NULL,                  -- the fingerprint of the registrant contact's handle
  kind          text NOT NULL CHECK (kind IN ('person', 'organisation')),
  name          text NOT NULL,
  organization  text NOT NULL DEFAULT '',
  email         text NOT NULL,
  phone         text NOT NULL DEFAULT '',
  designated_ms bigint NOT NULL,
  designated_by text NOT NULL,                  -- the registrant's session id
  state         text NOT NULL
                CHECK (state IN ('pending', 'active', 'withdrawn', 'declined', 'replaced', 'lapsed')),
  answer_hash   text NOT NULL DEFAULT '',
  consented_ms  bigint,
  consent_text  text NOT NULL DEFAULT '',
  ended_ms      bigint,
  end_reason    text NOT NULL DEFAULT '',
  version       bigint NOT NULL
);
CREATE UNIQUE INDEX domain_agents_current ON domain_agents (domain) WHERE state IN ('pending', 'active');
CREATE INDEX domain_agents_by_domain ON domain_agents (domain, designated_ms, id);
CREATE INDEX domain_agents_by_ended ON domain_agents (ended_ms) WHERE ended_ms IS NOT NULL;

-- That a message was relayed to a domain's registrant or agent: by whom, when, how big. The limits count
-- relays per domain and per sender since a time.
CREATE TABLE contact_relays (
  id             text COLLATE "C" PRIMARY KEY,   -- "rly_…"
  domain         text COLLATE "C" NOT NULL,
  sender         text COLLATE "C" NOT NULL,      -- "user:<user id>" or "session:<session id>"
  recipient_kind text NOT NULL,                  -- "registrant" or "agent"
  created_ms     bigint NOT NULL,
  bytes          bigint NOT NULL
);
CREATE INDEX contact_relays_by_domain ON contact_relays (domain, created_ms, id);
CREATE INDEX contact_relays_by_sender ON contact_relays (sender, created_ms);
CREATE INDEX contact_relays_by_created ON contact_relays (created_ms);
