-- Abuse monitoring (issue 14; store/abuse_store.hpp) for PostgreSQL: the same tables and columns as the
-- SQLite schema (../sqlite/0009_abuse.sql). Ids compare byte-wise (COLLATE "C"), as SQLite's BINARY
-- collation does, so that lists come in the same order on both. Times are milliseconds since the Unix
-- epoch (UTC).

-- One row per (user, node, hour), replaced by the node with its latest counts every few seconds; the other
-- nodes read the rows changed since their last look (by updated_ms). Rows of past hours are the baselines,
-- pruned by hour.
CREATE TABLE usage_windows (
  user_id          text COLLATE "C" NOT NULL,
  org_id           text COLLATE "C" NOT NULL,
  user_group       text NOT NULL DEFAULT '',   -- of the accreditation most of it was asked under
  node             text COLLATE "C" NOT NULL,
  hour_ms          bigint NOT NULL,            -- the start of the UTC hour
  lookups          bigint NOT NULL,
  not_found        bigint NOT NULL,
  filings          bigint NOT NULL,
  malformed        bigint NOT NULL,
  duplicates       bigint NOT NULL,
  purpose_refusals bigint NOT NULL,
  sketch           bytea NOT NULL,             -- abuse/'s summary of the hour, opaque here
  updated_ms       bigint NOT NULL,
  PRIMARY KEY (user_id, node, hour_ms)
);
CREATE INDEX usage_windows_by_updated ON usage_windows (updated_ms);
-- Volumes over a span of hours, and pruning.
CREATE INDEX usage_windows_by_hour ON usage_windows (hour_ms, user_id);

-- A case: a flag, a throttle or a suspension, with its evidence. Never deleted: closing one (lifted or
-- expired) keeps it as the record. At most one open case per dedupe key across every node (the partial
-- unique index: an insert of a key another unit of work holds open and uncommitted waits for it, then
-- skips the row if that one committed); once closed, the key is free for a new one. Lists run newest
-- first by (opened_ms, id); a page's cursor is the id of its last case, whose opened_ms the next page's
-- query looks up (ids are random: they do not sort by time).
CREATE TABLE abuse_cases (
  id               text COLLATE "C" PRIMARY KEY,   -- "abc_…"
  dedupe_key       text COLLATE "C" NOT NULL,
  opened_ms        bigint NOT NULL,
  detector         text COLLATE "C" NOT NULL,
  action           text NOT NULL
                   CHECK (action IN ('flag', 'throttle', 'suspend_credential', 'suspend_accreditation')),
  user_id          text COLLATE "C" NOT NULL,
  org_id           text COLLATE "C" NOT NULL,
  credential_id    text NOT NULL DEFAULT '',
  accreditation_id text NOT NULL DEFAULT '',
  summary          text NOT NULL,
  evidence         text NOT NULL,   -- a JSON object, as given (text, not jsonb: it reads back unchanged)
  state            text NOT NULL CHECK (state IN ('open', 'lifted', 'expired')),
  until_ms         bigint,          -- a throttle's end
  closed_ms        bigint,
  closed_by        text NOT NULL DEFAULT '',
  close_reason     text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX abuse_cases_open_key ON abuse_cases (dedupe_key) WHERE state = 'open';
CREATE INDEX abuse_cases_by_opened ON abuse_cases (opened_ms, id);
CREATE INDEX abuse_cases_by_state ON abuse_cases (state, opened_ms, id);
CREATE INDEX abuse_cases_by_user ON abuse_cases (user_id, opened_ms, id);
CREATE INDEX abuse_cases_by_org ON abuse_cases (org_id, opened_ms, id);

-- A suspension of one credential, which an administrator can lift: an API key, or the tokens of a user's
-- OpenID Connect identity. NULL: not suspended.
ALTER TABLE api_key ADD COLUMN suspended_ms bigint;
ALTER TABLE api_key ADD COLUMN suspend_reason text NOT NULL DEFAULT '';
ALTER TABLE org_user ADD COLUMN tokens_suspended_ms bigint;
