-- Registrar organisations (issue 15; docs/requestors.md) for PostgreSQL: as the SQLite schema
-- (../sqlite/0011_registrar_orgs.sql). NULL: the organisation is no registrar. No two organisations are
-- the same registrar.
ALTER TABLE organisation ADD COLUMN registrar_iana_id bigint CHECK (registrar_iana_id > 0);
CREATE UNIQUE INDEX organisation_by_registrar ON organisation (registrar_iana_id)
  WHERE registrar_iana_id IS NOT NULL;
