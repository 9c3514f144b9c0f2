-- RDAP searches (issue 4): nameservers by U-label prefix.
CREATE INDEX host_by_unicode_name ON host(unicode_name) WHERE unicode_name IS NOT NULL;
