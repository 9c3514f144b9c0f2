-- The audit log (docs/audit.md): entries in sequence order, each with its leaf hash and the hashes of the
-- perfect nodes of the RFC 9162 tree it completed; the tree's right edge; the signed checkpoints.
CREATE TABLE audit_entry (
  seq bigint PRIMARY KEY,          -- the leaf index, from 0
  time_ms bigint NOT NULL,         -- copies of encoded fields, for filtering
  actor_kind text COLLATE "C" NOT NULL,
  actor_id text COLLATE "C" NOT NULL,
  action text COLLATE "C" NOT NULL,
  object_kind text COLLATE "C" NOT NULL,
  object_id text COLLATE "C" NOT NULL,
  encoding bytea NOT NULL,         -- the canonical entry (audit/entry.hpp) the tree hashes
  leaf_hash bytea NOT NULL,        -- SHA-256(0x00 || encoding)
  nodes bytea NOT NULL             -- the perfect nodes this leaf completed, level 1 upwards, 32 bytes each
);
CREATE INDEX audit_entry_by_actor ON audit_entry (actor_kind, actor_id, seq);
CREATE INDEX audit_entry_by_action ON audit_entry (action, seq);
CREATE INDEX audit_entry_by_object ON audit_entry (object_kind, object_id, seq);
CREATE INDEX audit_entry_by_time ON audit_entry (time_ms);

-- The salts of the entries' commitments to the values they served: not part of the entries, so that a
-- leaked entry cannot test a guessed value; deleting one leaves the tree intact.
CREATE TABLE audit_values_salt (
  seq bigint PRIMARY KEY REFERENCES audit_entry (seq),
  salt bytea NOT NULL
);

-- One row: the tree's size and the hashes of its right edge (the cover of [0, size), largest first).
-- Appending units of work lock it (SELECT … FOR UPDATE) from their append to their commit: one sequence
-- across every node.
CREATE TABLE audit_head (
  id integer PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL,
  frontier bytea NOT NULL
);
INSERT INTO audit_head (id, size, frontier) VALUES (1, 0, '\x');

CREATE TABLE audit_checkpoint (
  size bigint PRIMARY KEY,
  root bytea NOT NULL,
  signed_ms bigint NOT NULL,
  note text NOT NULL               -- the signed note, exactly as served
);

-- Append-only, against mistakes (not against an operator who drops these: verification catches that).
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
