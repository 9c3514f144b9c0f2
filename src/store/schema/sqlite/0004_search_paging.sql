-- Searches page from an index in name order (issue 9): each page reads the rows it returns, never every
-- match sorted again.

-- Domains by nameserver: the domain's name beside the host, so (host_id, domain_name) is the page order.
ALTER TABLE domain_nameserver ADD COLUMN domain_name TEXT NOT NULL DEFAULT '';
UPDATE domain_nameserver SET domain_name = (SELECT name FROM domain WHERE id = domain_id);
DROP INDEX domain_nameserver_by_host;
CREATE INDEX domain_nameserver_by_host ON domain_nameserver(host_id, domain_name);

-- Nameservers by address: the host's name beside the address (put_host re-adds the addresses, so a
-- renamed host rewrites them).
ALTER TABLE host_address ADD COLUMN host_name TEXT NOT NULL DEFAULT '';
UPDATE host_address SET host_name = (SELECT name FROM host WHERE id = host_id);
DROP INDEX host_address_by_address;
CREATE INDEX host_address_by_address ON host_address(address, host_name);

-- "exam*.com": the names whose first label starts with "exam" and whose parent is exactly "com" are one
-- range of an index on (parent, name); scanning every name from "exam" and filtering on the suffix is not.
CREATE INDEX domain_by_parent ON domain(substr(name, instr(name, '.') + 1), name);
CREATE INDEX domain_by_unicode_parent ON domain(substr(unicode_name, instr(unicode_name, '.') + 1), unicode_name)
  WHERE unicode_name IS NOT NULL;
CREATE INDEX host_by_parent ON host(substr(name, instr(name, '.') + 1), name);
CREATE INDEX host_by_unicode_parent ON host(substr(unicode_name, instr(unicode_name, '.') + 1), unicode_name)
  WHERE unicode_name IS NOT NULL;
