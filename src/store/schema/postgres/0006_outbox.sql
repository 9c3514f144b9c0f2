-- The notification outbox (issue 13; store/notification_outbox.hpp) for PostgreSQL: the same table and
-- columns as the SQLite schema (../sqlite/0008_outbox.sql). Ids compare byte-wise (COLLATE "C"), as
-- SQLite's BINARY collation does, so that lists come in the same order on both. Senders on several nodes
-- claim rows with FOR UPDATE SKIP LOCKED. Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE notification (
  id           text COLLATE "C" PRIMARY KEY,   -- "ntf_…", random
  dedupe_key   text NOT NULL UNIQUE,           -- one notification per event, channel and recipient
  channel      text NOT NULL CHECK (channel IN ('email', 'webhook')),
  destination  text NOT NULL,                  -- an email address, or the webhook's URL
  subject      text NOT NULL,                  -- an email's subject; the webhook's event type
  body         text NOT NULL,                  -- an email's text; the webhook's JSON
  request_id   text COLLATE "C" NOT NULL DEFAULT '',   -- the request it is about, or empty
  created_ms   bigint NOT NULL,
  due_ms       bigint NOT NULL,                -- not attempted before; a claim moves it to the lease's end
  attempts     integer NOT NULL DEFAULT 0,     -- claims so far
  delivered_ms bigint,
  given_up_ms  bigint,
  last_error   text NOT NULL DEFAULT ''        -- of the last failed attempt; never a secret
);
-- What a claim reads: the waiting ones, oldest due first.
CREATE INDEX notification_waiting ON notification (due_ms, id)
  WHERE delivered_ms IS NULL AND given_up_ms IS NULL;
-- Lists: all in creation order, or one request's.
CREATE INDEX notification_by_created ON notification (created_ms, id);
CREATE INDEX notification_by_request ON notification (request_id, created_ms, id);
