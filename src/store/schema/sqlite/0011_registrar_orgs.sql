-- Registrar organisations (issue 15; docs/requestors.md): the IANA Registrar ID of the registrar an
-- organisation of the requestor directory is, whose users may issue a registrant session for the domains
-- it sponsors. NULL: the organisation is no registrar. No two organisations are the same registrar.
ALTER TABLE organisation ADD COLUMN registrar_iana_id INTEGER CHECK (registrar_iana_id > 0);
CREATE UNIQUE INDEX organisation_by_registrar ON organisation (registrar_iana_id)
  WHERE registrar_iana_id IS NOT NULL;
