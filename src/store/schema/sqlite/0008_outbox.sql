-- The notification outbox (issue 13; store/notification_outbox.hpp): an email or a webhook call, written in
-- the unit of work of the change it announces, then claimed, delivered and marked by the senders of any
-- node. A notification names the request and what happened, never a value of the registration. Rows are
-- kept once delivered or given up, as the record of what was sent. Times are milliseconds since the Unix
-- epoch (UTC).

CREATE TABLE notification (
  id           TEXT PRIMARY KEY,             -- "ntf_…", random
  dedupe_key   TEXT NOT NULL UNIQUE,         -- one notification per event, channel and recipient
  channel      TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  destination  TEXT NOT NULL,                -- an email address, or the webhook's URL
  subject      TEXT NOT NULL,                -- an email's subject; the webhook's event type
  body         TEXT NOT NULL,                -- an email's text; the webhook's JSON
  request_id   TEXT NOT NULL DEFAULT '',     -- the request it is about, or empty
  created_ms   INTEGER NOT NULL,
  due_ms       INTEGER NOT NULL,             -- not attempted before; a claim moves it to the lease's end
  attempts     INTEGER NOT NULL DEFAULT 0,   -- claims so far
  delivered_ms INTEGER,
  given_up_ms  INTEGER,
  last_error   TEXT NOT NULL DEFAULT ''      -- of the last failed attempt; never a secret
) WITHOUT ROWID;
-- What a claim reads: the waiting ones, oldest due first.
CREATE INDEX notification_waiting ON notification (due_ms, id)
  WHERE delivered_ms IS NULL AND given_up_ms IS NULL;
-- Lists: all in creation order, or one request's.
CREATE INDEX notification_by_created ON notification (created_ms, id);
CREATE INDEX notification_by_request ON notification (request_id, created_ms, id);
