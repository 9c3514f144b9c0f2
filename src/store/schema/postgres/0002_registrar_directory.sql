-- The registrar directory (issue 9): what the operator states about registrars, by IANA Registrar ID,
-- for what escrow deposits lack (RFC 9022 has no abuse contact and no RDAP base URL). Filled by
-- `ssad registrar set|import`, never by an escrow or JSON Lines import, so a re-import keeps it. Reads
-- merge it into the registrar by iana_id: a non-empty value here wins over the deposit's.
CREATE TABLE registrar_directory (
  iana_id       bigint PRIMARY KEY,
  name          text NOT NULL DEFAULT '',   -- IANA's "Registrar Name" (the deposit's fName is shown)
  status        text NOT NULL DEFAULT '',   -- IANA's "Status": Accredited, Terminated, Reserved
  rdap_base_url text NOT NULL DEFAULT '',
  url           text NOT NULL DEFAULT '',   -- the registrar's web site
  abuse_email   text NOT NULL DEFAULT '',
  abuse_phone   text NOT NULL DEFAULT '',
  updated_ms    bigint NOT NULL
);
