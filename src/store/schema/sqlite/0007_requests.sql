-- Disclosure requests (issue 13, DESIGN.md C6): each request is one JSON document (store/request_document.hpp:
-- every member of model::DisclosureRequest, format version "v"), saved whole after each change, with the
-- columns lists filter and sort on copied out of it by the store. `version` counts the saves: a save names
-- the version it read and fails when another saved in between. Nothing is ever deleted. Times are
-- milliseconds since the Unix epoch (UTC). A rowid table: documents grow with their history and messages,
-- too large for the B-tree of a WITHOUT ROWID table.

CREATE TABLE disclosure_request (
  id                        TEXT NOT NULL PRIMARY KEY,   -- "req_…"
  org_id                    TEXT NOT NULL,
  user_id                   TEXT NOT NULL,
  reviewer_id               TEXT NOT NULL DEFAULT '',     -- empty: nobody has claimed it
  status                    TEXT NOT NULL CHECK (status IN ('pending', 'in_review', 'awaiting_information',
                                                            'decided', 'cancelled')),
  domain                    TEXT NOT NULL,
  purpose                   TEXT NOT NULL,
  priority                  TEXT NOT NULL,
  created_ms                INTEGER NOT NULL,
  deadline_ms               INTEGER,                      -- NULL: no deadline
  -- When the disclosed fields were due for destruction, while some field is disclosed and the requestor has
  -- not confirmed their destruction; else NULL.
  retention_overdue_from_ms INTEGER,
  version                   INTEGER NOT NULL CHECK (version >= 1),
  document                  TEXT NOT NULL CHECK (json_valid(document))
);
-- The review queue: by status, soonest deadline first.
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
  request_id TEXT NOT NULL REFERENCES disclosure_request (id),
  item       INTEGER NOT NULL CHECK (item >= 0),
  media_type TEXT NOT NULL,
  bytes      BLOB NOT NULL,
  PRIMARY KEY (request_id, item)
);
