-- Disclosure requests (issue 13, DESIGN.md C6) for PostgreSQL: the same tables and columns as the SQLite
-- schema (../sqlite/0007_requests.sql). Each request is one JSON document saved whole, with the columns
-- lists filter and sort on copied out of it. The document is `json`, not `jsonb`: it is kept as written
-- (jsonb would refuse a "\u0000" that a free text may hold), and nothing queries inside it. Ids compare
-- byte-wise (COLLATE "C"), as SQLite's BINARY collation does, so that pages come in the same order on both.
-- Nothing is ever deleted. Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE disclosure_request (
  id                        text COLLATE "C" PRIMARY KEY,   -- "req_…"
  org_id                    text COLLATE "C" NOT NULL,
  user_id                   text COLLATE "C" NOT NULL,
  reviewer_id               text COLLATE "C" NOT NULL DEFAULT '',   -- empty: nobody has claimed it
  status                    text NOT NULL CHECK (status IN ('pending', 'in_review', 'awaiting_information',
                                                            'decided', 'cancelled')),
  domain                    text NOT NULL,
  purpose                   text NOT NULL,
  priority                  text NOT NULL,
  created_ms                bigint NOT NULL,
  deadline_ms               bigint,                          -- NULL: no deadline
  -- When the disclosed fields were due for destruction, while some field is disclosed and the requestor has
  -- not confirmed their destruction; else NULL.
  retention_overdue_from_ms bigint,
  version                   bigint NOT NULL CHECK (version >= 1),
  document                  json NOT NULL
);
-- The review queue: by status, soonest deadline first (NULLs last, as the queue's ORDER BY).
CREATE INDEX disclosure_request_queue ON disclosure_request (status, deadline_ms, id);
-- A requestor organisation's and a user's own lists, newest first.
CREATE INDEX disclosure_request_by_org ON disclosure_request (org_id, created_ms DESC, id DESC);
CREATE INDEX disclosure_request_by_user ON disclosure_request (user_id, created_ms DESC, id DESC);
-- Every request newest first, and those of a period (statistics).
CREATE INDEX disclosure_request_by_created ON disclosure_request (created_ms DESC, id DESC);
-- Requests whose disclosed data is overdue for destruction.
CREATE INDEX disclosure_request_retention_overdue ON disclosure_request (retention_overdue_from_ms)
  WHERE retention_overdue_from_ms IS NOT NULL;

-- The attachment of a request's evidence item `item` (0-based, as in the document's "evidence"), written
-- once with the request.
CREATE TABLE request_attachment (
  request_id text COLLATE "C" NOT NULL REFERENCES disclosure_request (id),
  item       integer NOT NULL CHECK (item >= 0),
  media_type text NOT NULL,
  bytes      bytea NOT NULL,
  PRIMARY KEY (request_id, item)
);
