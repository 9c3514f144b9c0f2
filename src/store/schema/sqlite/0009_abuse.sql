-- Abuse monitoring (issue 14; store/abuse_store.hpp): what each node counted per requestor and hour, the
-- cases the detectors opened, and the suspensions of single credentials. Times are milliseconds since the
-- Unix epoch (UTC).

-- One row per (user, node, hour), replaced by the node with its latest counts every few seconds; the other
-- nodes read the rows changed since their last look (by updated_ms). Rows of past hours are the baselines,
-- pruned by hour.
CREATE TABLE usage_windows (
  user_id          TEXT NOT NULL,
  org_id           TEXT NOT NULL,
  user_group       TEXT NOT NULL DEFAULT '',   -- of the accreditation most of it was asked under
  node             TEXT NOT NULL,
  hour_ms          INTEGER NOT NULL,           -- the start of the UTC hour
  lookups          INTEGER NOT NULL,
  not_found        INTEGER NOT NULL,
  filings          INTEGER NOT NULL,
  malformed        INTEGER NOT NULL,
  duplicates       INTEGER NOT NULL,
  purpose_refusals INTEGER NOT NULL,
  sketch           BLOB NOT NULL,              -- abuse/'s summary of the hour, opaque here
  updated_ms       INTEGER NOT NULL,
  PRIMARY KEY (user_id, node, hour_ms)
) WITHOUT ROWID;
CREATE INDEX usage_windows_by_updated ON usage_windows (updated_ms);
-- Volumes over a span of hours, and pruning.
CREATE INDEX usage_windows_by_hour ON usage_windows (hour_ms, user_id);

-- A case: a flag, a throttle or a suspension, with its evidence. Never deleted: closing one (lifted or
-- expired) keeps it as the record. At most one open case per dedupe key across every node (the partial
-- unique index), so that two nodes that see the same evidence open one case; once closed, the key is free
-- for a new one. Lists run newest first by (opened_ms, id); a page's cursor is the id of its last case,
-- whose opened_ms the next page's query looks up (ids are random: they do not sort by time).
CREATE TABLE abuse_cases (
  id               TEXT PRIMARY KEY,   -- "abc_…"
  dedupe_key       TEXT NOT NULL,
  opened_ms        INTEGER NOT NULL,
  detector         TEXT NOT NULL,
  action           TEXT NOT NULL
                   CHECK (action IN ('flag', 'throttle', 'suspend_credential', 'suspend_accreditation')),
  user_id          TEXT NOT NULL,
  org_id           TEXT NOT NULL,
  credential_id    TEXT NOT NULL DEFAULT '',
  accreditation_id TEXT NOT NULL DEFAULT '',
  summary          TEXT NOT NULL,
  evidence         TEXT NOT NULL,     -- a JSON object, as given
  state            TEXT NOT NULL CHECK (state IN ('open', 'lifted', 'expired')),
  until_ms         INTEGER,           -- a throttle's end
  closed_ms        INTEGER,
  closed_by        TEXT NOT NULL DEFAULT '',
  close_reason     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE UNIQUE INDEX abuse_cases_open_key ON abuse_cases (dedupe_key) WHERE state = 'open';
CREATE INDEX abuse_cases_by_opened ON abuse_cases (opened_ms, id);
CREATE INDEX abuse_cases_by_state ON abuse_cases (state, opened_ms, id);
CREATE INDEX abuse_cases_by_user ON abuse_cases (user_id, opened_ms, id);
CREATE INDEX abuse_cases_by_org ON abuse_cases (org_id, opened_ms, id);

-- A suspension of one credential, which an administrator can lift: an API key, or the tokens of a user's
-- OpenID Connect identity. NULL: not suspended.
ALTER TABLE api_key ADD COLUMN suspended_ms INTEGER;
ALTER TABLE api_key ADD COLUMN suspend_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE org_user ADD COLUMN tokens_suspended_ms INTEGER;
