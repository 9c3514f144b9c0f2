-- The audit log (docs/audit.md): entries in sequence order, each with its leaf hash and the hashes of the
-- perfect nodes of the RFC 9162 tree it completed; the tree's right edge; the signed checkpoints.
CREATE TABLE audit_entry (
  seq INTEGER PRIMARY KEY,         -- the leaf index, from 0
  time_ms INTEGER NOT NULL,        -- copies of encoded fields, for filtering
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  object_kind TEXT NOT NULL,
  object_id TEXT NOT NULL,
  encoding BLOB NOT NULL,          -- the canonical entry (audit/entry.hpp) the tree hashes
  leaf_hash BLOB NOT NULL,         -- SHA-256(0x00 || encoding)
  nodes BLOB NOT NULL              -- the perfect nodes this leaf completed, level 1 upwards, 32 bytes each
);
CREATE INDEX audit_entry_by_actor ON audit_entry (actor_kind, actor_id, seq);
CREATE INDEX audit_entry_by_action ON audit_entry (action, seq);
CREATE INDEX audit_entry_by_object ON audit_entry (object_kind, object_id, seq);
CREATE INDEX audit_entry_by_time ON audit_entry (time_ms);

-- The salts of the entries' commitments to the values they served: not part of the entries, so that a
-- leaked entry cannot test a guessed value; deleting one leaves the tree intact.
CREATE TABLE audit_values_salt (
  seq INTEGER PRIMARY KEY REFERENCES audit_entry (seq),
  salt BLOB NOT NULL
);

-- One row: the tree's size and the hashes of its right edge (the cover of [0, size), largest first).
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  frontier BLOB NOT NULL
);
INSERT INTO audit_head (id, size, frontier) VALUES (1, 0, x'');

CREATE TABLE audit_checkpoint (
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  signed_ms INTEGER NOT NULL,
  note TEXT NOT NULL               -- the signed note, exactly as served
);

-- Append-only, against mistakes (not against an operator who drops these: verification catches that).
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
