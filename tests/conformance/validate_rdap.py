#!/usr/bin/python3
"""Conformance checker for golden RDAP JSON responses.

Usage:
    validate_rdap.py --schemas DIR FILE...
    validate_rdap.py --self-test

Each FILE is an RDAP response body, or a wrapper object with exactly the
members {"status": N, "headers": {...}, "body": {...}}.  The kind of response
comes from the file name's prefix:

    domain-*.json       domain lookup        rdap_domain.json
    nameserver-*.json   nameserver lookup    rdap_nameserver.json
    entity-*.json       entity lookup        rdap_entity_without_asEventActor.json
    help-*.json         /help                rdap_help.json
    error-*.json        error body           rdap_error.json
    nameservers-*.json  nameserver search    rdap_nameservers.json
    domains-*.json      domain search        (local schema, items: rdap_domain.json)
    entities-*.json     entity search        (local schema, items: rdap_entity_without_asEventActor.json)

A wrapper with a status other than 200 is checked as an error body whatever
its prefix.

Prints one line per problem, "FILE: JSONPOINTER: message" (RFC 6901 pointer;
the empty pointer "" is the whole response), then a summary line.  Exit status:
0 = no problem, 1 = problems found, 2 = usage error.

Runs with Debian 12's /usr/bin/python3 and python3-jsonschema (4.10.x), no
network access.  Sources: ../../../shared/spec/rdap.md (the project digest of
RFC 9083, RFC 9537, RFC 8977/8982 and ICANN's February 2024 gTLD RDAP
profile as encoded in icann/rdap-conformance-tool) and the tool's JSON schemas.
"""

import argparse
import copy
import ipaddress
import json
import os
import re
import sys
import urllib.parse

try:
    import jsonschema
    from jsonschema import Draft7Validator, FormatChecker, RefResolver
    from jsonschema.exceptions import RefResolutionError, best_match
except ImportError:  # pragma: no cover - environment problem, not a check
    sys.stderr.write("validate_rdap.py needs python3-jsonschema "
                     "(apt-get install python3-jsonschema) and /usr/bin/python3\n")
    sys.exit(2)


# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

# File-name prefix -> response kind.
KIND_PREFIXES = [
    ("domains-", "domain-search"),
    ("nameservers-", "nameserver-search"),
    ("entities-", "entity-search"),
    ("domain-", "domain"),
    ("nameserver-", "nameserver"),
    ("entity-", "entity"),
    ("help-", "help"),
    ("error-", "error"),
]

# Kind -> top-level schema file (ICANN tool RDAPValidator, see the schemas' README).
KIND_SCHEMAS = {
    "domain": "rdap_domain.json",
    "nameserver": "rdap_nameserver.json",
    "entity": "rdap_entity_without_asEventActor.json",
    "help": "rdap_help.json",
    "error": "rdap_error.json",
    "nameserver-search": "rdap_nameservers.json",
}

# Search kinds -> (result array member, schema of one result).  RFC 9083 §8.
SEARCH_ARRAYS = {
    "domain-search": ("domainSearchResults", "rdap_domain.json"),
    "nameserver-search": ("nameserverSearchResults", "rdap_nameserver.json"),
    "entity-search": ("entitySearchResults", "rdap_entity_without_asEventActor.json"),
}

LOOKUP_KINDS = {"domain", "nameserver", "entity"}
# Responses the ICANN 2024 profile applies to (rdapConformance ids, jCard rules).
PROFILE_KINDS = LOOKUP_KINDS | set(SEARCH_ARRAYS)

PROFILE_IDS = ["icann_rdap_response_profile_1", "icann_rdap_technical_implementation_guide_1"]
OBSOLETE_PROFILE_IDS = ["icann_rdap_response_profile_0", "icann_rdap_technical_implementation_guide_0"]

# Members defined by RDAP extensions; outside the ICANN schemas, which use
# "additionalProperties": false.  Stripped (from a copy) before schema validation.
EXTENSION_MEMBERS = {
    "redacted",                            # RFC 9537
    "paging_metadata",                     # RFC 8977
    "sorting_metadata",                    # RFC 8977
    "subsetting_metadata",                 # RFC 8982
    "reverse_search_properties_mapping",   # RFC 9536 §5
    "reverse_search_properties",           # RFC 9536 §4 (/help)
}

# rdapConformance identifier <-> member it announces.  "iff" pairs: the
# identifier is listed exactly when the member appears (except in /help, which
# lists every extension the server supports, RFC 9083 §4.1).
CONFORMANCE_MEMBERS_IFF = [
    ("redacted", "redacted"),                  # RFC 9537 §4.1
    ("paging", "paging_metadata"),             # RFC 8977 §2
    ("sorting", "sorting_metadata"),           # RFC 8977 §2
    ("subsetting", "subsetting_metadata"),     # RFC 8982 §4
]
# Member present => identifier listed (RFC 9536 §9).
CONFORMANCE_MEMBERS_IMPLIES = [
    ("reverse_search", "reverse_search_properties_mapping"),
    ("reverse_search", "reverse_search_properties"),
]

# Values the ICANN tool checks against IANA "RDAP JSON Values" (custom
# "format"s in the schemas).  Lists from spec/rdap.md §1.3.
ROLES = {"registrant", "technical", "administrative", "abuse", "billing", "registrar",
         "reseller", "sponsor", "proxy", "notifications", "noc"}
EVENT_ACTIONS = {"registration", "reregistration", "last changed", "expiration", "deletion",
                 "reinstantiation", "transfer", "locked", "unlocked",
                 "last update of RDAP database", "registrar expiration",
                 "enum validation expiration"}
STATUSES = {"validated", "renew prohibited", "update prohibited", "transfer prohibited",
            "delete prohibited", "proxy", "private", "removed", "obscured", "associated",
            "active", "inactive", "locked", "pending create", "pending renew",
            "pending transfer", "pending update", "pending delete", "add period",
            "auto renew period", "renew period", "transfer period", "redemption period",
            "pending restore", "client delete prohibited", "server delete prohibited",
            "client renew prohibited", "server renew prohibited",
            "client transfer prohibited", "server transfer prohibited",
            "client update prohibited", "server update prohibited", "client hold",
            "server hold",
            # also in the IANA list (RIR use); accepted to avoid false alarms
            "administrative", "reserved"}
NOTICE_TYPES = {"result set truncated due to authorization",
                "result set truncated due to excessive load",
                "result set truncated due to unexplainable reasons",
                "object truncated due to authorization",
                "object truncated due to excessive load",
                "object truncated due to unexplainable reasons",
                "object redacted due to authorization"}
VARIANT_RELATIONS = {"registered", "unregistered", "registration restricted",
                     "open registration", "conjoined"}

# RFC 9537 §4.2 methods.
REDACTION_METHODS = {"removal", "emptyValue", "partialValue", "replacementValue"}
REDACTED_MEMBERS = {"name", "prePath", "postPath", "replacementPath", "pathLang", "method",
                    "reason"}

# Redacted names registered by ICANN (spec/rdap.md §2; tool codes -65800…-65816).
REGISTERED_REDACTED_NAMES = {
    "Registry Domain ID", "Registry Registrant ID", "Registrant Name",
    "Registrant Organization", "Registrant Street", "Registrant City",
    "Registrant Postal Code", "Registrant Phone", "Registrant Phone Ext", "Registrant Fax",
    "Registrant Fax Ext", "Registrant Email", "Registry Tech ID", "Tech Name", "Tech Phone",
    "Tech Phone Ext", "Tech Email",
}

# 2024 profile notices (RP 2.6.3, RP 2.10; spec/rdap.md §6.1).
STATUS_CODES_NOTICE = {
    "title": "Status Codes",
    "description": ["For more information on domain status codes, please visit https://icann.org/epp"],
    "href": "https://icann.org/epp",
    "rel": "glossary",
}
RDDS_NOTICE = {
    "title": "RDDS Inaccuracy Complaint Form",
    "description": ["URL of the ICANN RDDS Inaccuracy Complaint Form: https://icann.org/wicf"],
    "href": "https://icann.org/wicf",
    "rel": "help",
}
TOS_TITLE = "Terms of Service"

# Placeholder texts (RFC 9537 §3: placeholders such as "XXXX" MUST NOT be used;
# 2019-profile "REDACTED FOR PRIVACY" is obsolete).  Compared after
# normalisation (case, blanks, surrounding brackets); exact match only, so
# free text that merely mentions redaction is not flagged.
PLACEHOLDER_TEXTS = {
    "redacted", "redacted for privacy", "redacted for gdpr", "redacted for gdpr privacy",
    "data redacted", "redacted data", "withheld", "withheld for privacy", "not disclosed",
    "data protected", "non-public data", "non public data", "gdpr masked",
    "redacted for privacy purposes", "email redacted for privacy",
}
PLACEHOLDER_RE = re.compile(r"x{4,}|\*{3,}|#{3,}|\?{3,}", re.IGNORECASE)


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def pointer(loc):
    """RFC 6901 JSON Pointer for a location tuple of member names / indices."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)


class Problems:
    """Collects (location, message) pairs for one file."""

    def __init__(self):
        self.items = []

    def add(self, loc, message):
        self.items.append((tuple(loc), message))

    def __len__(self):
        return len(self.items)


def walk(value, loc=()):
    """Yield (location, value) for every node of a JSON value, depth first."""
    yield loc, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, loc + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, loc + (index,))


def find_members(value, names):
    """Yield (location of the member, member value) for members named in `names`, anywhere."""
    for loc, node in walk(value):
        if isinstance(node, dict):
            for key in node:
                if key in names:
                    yield loc + (key,), node[key]


def get_at(value, loc):
    for part in loc:
        value = value[part]
    return value


def is_nonempty(value):
    """True when a jCard/RDAP value carries data ("" / null / [] / ["",""] do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list):
        return any(is_nonempty(v) for v in value)
    return True


def is_empty_value(value):
    """RFC 9537 §3.2 emptyValue: "" for text, null otherwise (an all-empty street array is accepted)."""
    if value is None or value == "":
        return True
    if isinstance(value, list):
        return all(is_empty_value(v) for v in value)
    return False


def short(value, limit=120):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def roles_of(entity):
    roles = entity.get("roles") if isinstance(entity, dict) else None
    return [r for r in roles if isinstance(r, str)] if isinstance(roles, list) else []


def links_of(obj):
    links = obj.get("links") if isinstance(obj, dict) else None
    return [(i, l) for i, l in enumerate(links) if isinstance(l, dict)] if isinstance(links, list) else []


# --------------------------------------------------------------------------
# JSONPath (RFC 9535 subset) for RFC 9537 prePath / postPath / replacementPath
# --------------------------------------------------------------------------
#
# Supported: "$", ".name", ".*", "['name']" / ["name"], "[n]" (negative n too),
# "[*]", "[start:end:step]", and filters "[?(@<rel> == 'lit')]" or
# "[?@<rel> == 'lit']" where <rel> is a (possibly empty) chain of ".name",
# "['name']" and "[n]" segments and 'lit' a single- or double-quoted string.
# Anything else ("..", unions, functions, !=, &&, ...) raises JsonPathError.
# A query evaluates to a node list: [(location tuple, value), ...].

class JsonPathError(ValueError):
    pass


_NAME_FIRST = re.compile(r"[A-Za-z_\u0080-\U0010FFFF]")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_\u0080-\U0010FFFF]*")
_INT = re.compile(r"-?(0|[1-9][0-9]*)")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "/": "/", "\\": "\\",
            "'": "'", '"': '"'}


class _PathParser:
    def __init__(self, text):
        self.text = text
        self.pos = 0

    # -- low level --
    def error(self, what):
        raise JsonPathError(f"{what} at offset {self.pos} in {self.text!r}")

    def peek(self, n=1):
        return self.text[self.pos:self.pos + n]

    def skip_blank(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n\r":
            self.pos += 1

    def expect(self, token):
        if self.peek(len(token)) != token:
            self.error(f"expected {token!r}")
        self.pos += len(token)

    def name_shorthand(self):
        if not _NAME_FIRST.match(self.text, self.pos):
            self.error("expected a member name")
        m = _NAME_CHARS.match(self.text, self.pos + 1)
        name = self.text[self.pos:m.end()]
        self.pos = m.end()
        return name

    def string_literal(self):
        quote = self.peek()
        if quote not in ("'", '"'):
            self.error("expected a quoted string")
        self.pos += 1
        out = []
        while True:
            if self.pos >= len(self.text):
                self.error("unterminated string")
            ch = self.text[self.pos]
            if ch == quote:
                self.pos += 1
                return "".join(out)
            if ch == "\\":
                nxt = self.text[self.pos + 1:self.pos + 2]
                if nxt == "u":
                    digits = self.text[self.pos + 2:self.pos + 6]
                    if not re.fullmatch(r"[0-9A-Fa-f]{4}", digits):
                        self.error("bad \\u escape")
                    out.append(chr(int(digits, 16)))
                    self.pos += 6
                    continue
                if nxt not in _ESCAPES or (nxt in "'\"" and nxt != quote):
                    self.error("bad escape")
                out.append(_ESCAPES[nxt])
                self.pos += 2
                continue
            out.append(ch)
            self.pos += 1

    def integer(self):
        m = _INT.match(self.text, self.pos)
        if not m:
            return None
        self.pos = m.end()
        return int(m.group())

    # -- grammar --
    def query(self):
        """jsonpath-query = "$" *segment"""
        self.skip_blank()
        self.expect("$")
        segments = []
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return segments
            segments.append(self.segment(relative=False))

    def segment(self, relative):
        if self.peek(2) == "..":
            self.error("descendant segment '..' is not supported")
        if self.peek() == ".":
            self.pos += 1
            if self.peek() == "*" and not relative:
                self.pos += 1
                return ("wild",)
            return ("name", self.name_shorthand())
        if self.peek() == "[":
            self.pos += 1
            self.skip_blank()
            sel = self.selector(relative)
            self.skip_blank()
            if self.peek() == ",":
                self.error("union selectors are not supported")
            self.expect("]")
            return sel
        self.error("expected '.' or '['")

    def selector(self, relative):
        ch = self.peek()
        if ch in ("'", '"'):
            return ("name", self.string_literal())
        if relative:  # singular query inside a filter: names and indices only
            n = self.integer()
            if n is None:
                self.error("only names and indices are supported inside a filter path")
            return ("index", n)
        if ch == "*":
            self.pos += 1
            return ("wild",)
        if ch == "?":
            self.pos += 1
            self.skip_blank()
            return self.filter_expr()
        start = self.integer()
        self.skip_blank()
        if self.peek() != ":":
            if start is None:
                self.error("unsupported selector")
            return ("index", start)
        self.pos += 1
        self.skip_blank()
        end = self.integer()
        step = None
        self.skip_blank()
        if self.peek() == ":":
            self.pos += 1
            self.skip_blank()
            step = self.integer()
        return ("slice", start, end, step)

    def filter_expr(self):
        """Filter = comparison | "(" filter ")"; comparison = @rel == 'lit' (either order)."""
        if self.peek() == "(":
            self.pos += 1
            self.skip_blank()
            inner = self.filter_expr()
            self.skip_blank()
            self.expect(")")
            return inner
        if self.peek() == "@":
            rel = self.rel_path()
            self.skip_blank()
            self.comparison_op()
            self.skip_blank()
            literal = self.string_literal()
        elif self.peek() in ("'", '"'):
            literal = self.string_literal()
            self.skip_blank()
            self.comparison_op()
            self.skip_blank()
            if self.peek() != "@":
                self.error("expected '@'")
            rel = self.rel_path()
        else:
            self.error("unsupported filter expression")
        self.skip_blank()
        if self.peek(2) in ("&&", "||"):
            self.error("logical operators are not supported")
        return ("filter", tuple(rel), literal)

    def comparison_op(self):
        if self.peek(2) != "==":
            self.error("only '==' comparisons are supported")
        self.pos += 2

    def rel_path(self):
        self.expect("@")
        rel = []
        while True:
            self.skip_blank()
            if self.peek() in (".", "[") and self.peek(2) != "..":
                seg = self.segment(relative=True)
                rel.append(seg)
            elif self.peek(2) == "..":
                self.error("descendant segment '..' is not supported")
            else:
                return rel


def parse_jsonpath(text):
    """Parse an absolute JSONPath into a list of segments, or raise JsonPathError."""
    if not isinstance(text, str):
        raise JsonPathError("path is not a string")
    return _PathParser(text).query()


def _children(value, loc):
    if isinstance(value, dict):
        for key, child in value.items():
            yield loc + (key,), child
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield loc + (index,), child


def _singular(value, rel):
    """Follow a filter's relative path; returns (found, value)."""
    for seg in rel:
        kind, arg = seg
        if kind == "name" and isinstance(value, dict) and arg in value:
            value = value[arg]
        elif kind == "index" and isinstance(value, list) and -len(value) <= arg < len(value):
            value = value[arg]
        else:
            return False, None
    return True, value


def _apply(seg, loc, value):
    kind = seg[0]
    if kind == "name":
        if isinstance(value, dict) and seg[1] in value:
            yield loc + (seg[1],), value[seg[1]]
    elif kind == "index":
        n = seg[1]
        if isinstance(value, list) and -len(value) <= n < len(value):
            n = n % len(value)
            yield loc + (n,), value[n]
    elif kind == "wild":
        yield from _children(value, loc)
    elif kind == "slice":
        _, start, end, step = seg
        if isinstance(value, list) and step != 0:
            # RFC 9535 §2.3.4.2 slice semantics match Python's
            for n in range(len(value))[slice(start, end, step)]:
                yield loc + (n,), value[n]
    elif kind == "filter":
        _, rel, literal = seg
        for child_loc, child in _children(value, loc):
            found, got = _singular(child, rel)
            if found and isinstance(got, str) and got == literal:
                yield child_loc, child


def evaluate_jsonpath(segments, root):
    nodes = [((), root)]
    for seg in segments:
        nodes = [n for loc, value in nodes for n in _apply(seg, loc, value)]
    return nodes


def jsonpath_query(text, root):
    """Evaluate an absolute JSONPath on `root`: list of (location, value)."""
    return evaluate_jsonpath(parse_jsonpath(text), root)


# --------------------------------------------------------------------------
# Schemas (check 1)
# --------------------------------------------------------------------------

class LocalRefResolver(RefResolver):
    """RefResolver that never fetches anything over the network."""

    def resolve_remote(self, uri):
        raise RefResolutionError(f"schema {uri!r} is not in the --schemas directory")


def _date_time(value):
    """RFC 3339 date-time (RFC 9083 §4.5 eventDate)."""
    if not isinstance(value, str):
        return True
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                     r"([Zz]|[+-](\d{2}):(\d{2}))", value)
    if not m:
        return False
    month, day, hour, minute, second = (int(m.group(i)) for i in (2, 3, 4, 5, 6))
    return (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59
            and second <= 60)


def _hostname(value, allow_unicode):
    """Conservative domain-name syntax check (labels 1-63, name <= 253, >= 2 labels)."""
    name = value[:-1] if value.endswith(".") else value
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253:
        return False
    for label in labels:
        if not label:
            return False
        if label.isascii():
            if len(label) > 63 or not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?", label):
                return False
        elif not allow_unicode:
            return False
    return True


def _uri(value):
    if not isinstance(value, str):
        return True
    if re.search(r"\s", value):
        return False
    parts = urllib.parse.urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc)


def _host_in_uri(value):
    if not isinstance(value, str):
        return True
    try:
        host = urllib.parse.urlsplit(value).hostname
    except ValueError:
        return False
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return _hostname(host, allow_unicode=True) or host == "localhost"


def _ip(version):
    def check(value):
        if not isinstance(value, str):
            return True
        try:
            return ipaddress.ip_address(value).version == version
        except ValueError:
            return False
    return check


def build_format_checker():
    """Formats used by the ICANN schemas that can be checked offline.

    The tool checks these against IANA data sets; we use the value lists in
    spec/rdap.md.  Formats needing data we do not have (linkRelations,
    mediaTypes, rdapExtensions) are not checked.
    """
    fc = FormatChecker(formats=())

    def in_set(values):
        return lambda v: not isinstance(v, str) or v in values

    fc.checks("role")(in_set(ROLES))
    fc.checks("eventAction")(in_set(EVENT_ACTIONS))
    fc.checks("status")(in_set(STATUSES))
    fc.checks("noticeAndRemark")(in_set(NOTICE_TYPES))
    fc.checks("variantRelation")(in_set(VARIANT_RELATIONS))
    fc.checks("date-time")(_date_time)
    fc.checks("uri")(_uri)
    fc.checks("hostname-in-uri")(_host_in_uri)
    fc.checks("idn-hostname")(lambda v: not isinstance(v, str) or _hostname(v, allow_unicode=True))
    fc.checks("ipv4-validation")(_ip(4))
    fc.checks("ipv6-validation")(_ip(6))
    return fc


def _local_search_schema(array_name, item_schema):
    """Top level of a search response (RFC 9083 §8), modelled on rdap_nameservers.json."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"local_{array_name}.json",
        "type": "object",
        "properties": {
            array_name: {"type": "array", "items": {"$ref": f"{item_schema}#"}},
            "rdapConformance": {"$ref": "rdap_common.json#/definitions/rdapConformance"},
            "lang": {"$ref": "rdap_common.json#/definitions/lang"},
            "notices": {"$ref": "rdap_notices.json#"},
            "events": {"$ref": "rdap_events.json#"},
            "remarks": {"$ref": "rdap_common.json#/definitions/remarks"},
        },
        "required": [array_name],
        "additionalProperties": False,
    }


# rdap_error.json does not look at the RFC 9083 common members; check them too.
_LOCAL_ERROR_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "local_error.json",
    "allOf": [{"$ref": "rdap_error.json#"}],
    "type": "object",
    "properties": {
        "rdapConformance": {"$ref": "rdap_common.json#/definitions/rdapConformance"},
        "lang": {"$ref": "rdap_common.json#/definitions/lang"},
        "notices": {"$ref": "rdap_notices.json#"},
    },
}


class Schemas:
    """All schema files of a directory in one resolver store."""

    def __init__(self, directory):
        self.store = {}
        count = 0
        for root, _, files in os.walk(directory):
            for name in sorted(files):
                if not name.endswith(".json"):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as fh:
                    doc = json.load(fh)
                count += 1
                rel = os.path.relpath(path, directory).replace(os.sep, "/")
                base = doc.get("$id") if isinstance(doc.get("$id"), str) else name
                for key in (name, rel, base):
                    self.store.setdefault(key, doc)
                # A nested "$id" (jcard.json's "vcardArray") changes the base URI
                # of the refs below it; the ICANN tool resolves those refs in the
                # containing file, so map the nested id to the whole document.
                for loc, node in walk(doc):
                    if loc and isinstance(node, dict) and isinstance(node.get("$id"), str):
                        self.store.setdefault(urllib.parse.urljoin(base, node["$id"]), doc)
        if count == 0:
            raise ValueError(f"no *.json schema in {directory}")
        for kind, (array_name, item_schema) in SEARCH_ARRAYS.items():
            if kind not in KIND_SCHEMAS:
                schema = _local_search_schema(array_name, item_schema)
                self.store[schema["$id"]] = schema
        self.store[_LOCAL_ERROR_SCHEMA["$id"]] = _LOCAL_ERROR_SCHEMA
        self.format_checker = build_format_checker()
        self._validators = {}

    def validator(self, name):
        if name not in self._validators:
            if name not in self.store:
                raise ValueError(f"schema {name} not found in --schemas directory")
            schema = self.store[name]
            resolver = LocalRefResolver(base_uri=name, referrer=schema, store=self.store)
            self._validators[name] = Draft7Validator(schema, resolver=resolver,
                                                     format_checker=self.format_checker)
        return self._validators[name]

    def schema_for(self, kind):
        if kind in KIND_SCHEMAS:
            return "local_error.json" if kind == "error" else KIND_SCHEMAS[kind]
        return f"local_{SEARCH_ARRAYS[kind][0]}.json"


def conformance_ids(body):
    conf = body.get("rdapConformance") if isinstance(body, dict) else None
    return [c for c in conf if isinstance(c, str)] if isinstance(conf, list) else []


def is_extension_member(name, idents):
    """RFC 9083 §2.1 / RFC 7480 §6: extension members are "<identifier>_<name>"."""
    if name in EXTENSION_MEMBERS:
        return True
    return any(name.startswith(ident + "_") for ident in idents if ident != "rdap_level_0")


def strip_extensions(value, idents):
    """Deep copy of `value` without extension members (at any depth)."""
    if isinstance(value, dict):
        return {k: strip_extensions(v, idents) for k, v in value.items()
                if not is_extension_member(k, idents)}
    if isinstance(value, list):
        return [strip_extensions(v, idents) for v in value]
    return copy.copy(value)


def _schema_message(error):
    msg = error.message
    if error.context:
        inner = best_match(error.context)
        if inner is not None:
            msg += f" (closest: {inner.message})"
    code = None
    if isinstance(error.schema, dict):
        code = error.schema.get("errorCode")
        if error.validator == "additionalProperties":
            code = error.schema.get("unknownKeys", code)
        extra = error.schema.get("errorMsg")
        if extra:
            msg += f": {extra.strip()}"
    if len(msg) > 400:
        msg = msg[:397] + "..."
    return msg + (f" [tool {code}]" if code is not None else "")


def check_schema(body, kind, schemas, problems):
    """Check 1: JSON Schema (draft-07) with extension members stripped."""
    name = schemas.schema_for(kind)
    stripped = strip_extensions(body, conformance_ids(body))
    validator = schemas.validator(name)
    try:
        errors = sorted(validator.iter_errors(stripped), key=lambda e: list(map(str, e.absolute_path)))
    except RefResolutionError as exc:
        problems.add((), f"schema {name}: unresolvable $ref: {exc}")
        return
    for error in errors:
        problems.add(error.absolute_path, f"schema {name}: {_schema_message(error)}")


# --------------------------------------------------------------------------
# Check 2: rdapConformance (RFC 9083 §4.1; 2024 profile, spec §6.1)
# --------------------------------------------------------------------------

def check_conformance(body, kind, problems):
    conf = body.get("rdapConformance")
    # Only in the topmost object (RFC 9083 §4.1; tool -10505).
    for loc, _ in find_members(body, {"rdapConformance"}):
        if len(loc) > 1:
            problems.add(loc, "rdapConformance must appear only in the topmost object (RFC 9083 §4.1)")
    if conf is None:
        problems.add((), "rdapConformance is missing from the topmost object (RFC 9083 §4.1; tool -10504/-12107)")
        return
    if not isinstance(conf, list) or not all(isinstance(c, str) for c in conf):
        problems.add(("rdapConformance",), "rdapConformance must be an array of strings")
        return
    if "rdap_level_0" not in conf:
        problems.add(("rdapConformance",), "rdapConformance must contain rdap_level_0 (tool -10503)")
    for ident in sorted({c for c in conf if conf.count(c) > 1}):
        problems.add(("rdapConformance",), f"rdapConformance lists {ident!r} more than once")
    for ident in OBSOLETE_PROFILE_IDS:
        if ident in conf:
            problems.add(("rdapConformance",),
                         f"rdapConformance must not contain the obsolete {ident!r} (tool -62006/-61001)")
    if kind in PROFILE_KINDS:
        for ident in PROFILE_IDS:
            if ident not in conf:
                problems.add(("rdapConformance",),
                             f"rdapConformance must contain {ident!r} (2024 profile; tool -62000/-61000)")

    for ident, member in CONFORMANCE_MEMBERS_IFF + CONFORMANCE_MEMBERS_IMPLIES:
        locations = [loc for loc, _ in find_members(body, {member})]
        if locations and ident not in conf:
            problems.add(locations[0], f"{member} is used but rdapConformance does not list {ident!r}")
        # /help lists every supported extension (RFC 9083 §4.1), so only the
        # other responses must not announce an extension they do not use.
        if (ident, member) in CONFORMANCE_MEMBERS_IFF and ident in conf and not locations \
                and kind != "help":
            problems.add(("rdapConformance",),
                         f"rdapConformance lists {ident!r} but the response has no {member} member "
                         "(RFC 9083 §4.1: list only the extensions used)")


# --------------------------------------------------------------------------
# Check 3: RFC 9537 "redacted"
# --------------------------------------------------------------------------

def redacted_holders(body, kind):
    """Objects allowed to carry "redacted": (location, object).

    RFC 9537 §4.2: the lookup's topmost object, or each object of a search result.
    """
    if kind in SEARCH_ARRAYS:
        array_name = SEARCH_ARRAYS[kind][0]
        results = body.get(array_name)
        if isinstance(results, list):
            return [((array_name, i), r) for i, r in enumerate(results) if isinstance(r, dict)]
        return []
    return [((), body)]


def redaction_name(entry):
    """name.type of a redaction entry, or None."""
    name = entry.get("name") if isinstance(entry, dict) else None
    if isinstance(name, dict) and isinstance(name.get("type"), str):
        return name["type"]
    return None


def check_redacted(body, kind, problems):
    allowed = {holder_loc + ("redacted",) for holder_loc, _ in redacted_holders(body, kind)}
    for loc, _ in find_members(body, {"redacted"}):
        if loc not in allowed:
            where = ("each search result object" if kind in SEARCH_ARRAYS
                     else "the topmost object")
            problems.add(loc, f"redacted must be a member of {where} (RFC 9537 §4.2)")
    for holder_loc, holder in redacted_holders(body, kind):
        if "redacted" in holder:
            check_redacted_array(body, kind, holder_loc, holder["redacted"], problems)


def check_redacted_array(body, kind, holder_loc, redacted, problems):
    base = holder_loc + ("redacted",)
    if not isinstance(redacted, list):
        problems.add(base, "redacted must be an array (RFC 9537 §4.2; tool -62002)")
        return
    for i, entry in enumerate(redacted):
        loc = base + (i,)
        if not isinstance(entry, dict):
            problems.add(loc, "redacted entries must be objects (tool -62002)")
            continue
        check_redacted_entry(body, kind, holder_loc, loc, entry, problems)


def check_redacted_entry(body, kind, holder_loc, loc, entry, problems):
    # name: object with a string "type" (registered) or "description" (RFC 9537 §4.2; tool -62003)
    name = entry.get("name")
    if not isinstance(name, dict) or not (isinstance(name.get("type"), str)
                                          or isinstance(name.get("description"), str)):
        problems.add(loc + ("name",), "name must be an object with a string type or description (tool -62003)")
    else:
        for key in ("type", "description"):
            if key in name and not isinstance(name[key], str):
                problems.add(loc + ("name", key), f"name.{key} must be a string")
        desc = name.get("description")
        if "type" not in name and isinstance(desc, str) and desc in REGISTERED_REDACTED_NAMES:
            problems.add(loc + ("name",), f"registered redacted name {desc!r} must be sent as name.type, "
                                          "not name.description (tool -65800…-65816)")

    for key in ("prePath", "postPath", "replacementPath", "pathLang", "method"):
        if key in entry and not isinstance(entry[key], str):
            problems.add(loc + (key,), f"{key} must be a string (tool -62004)")
    if "prePath" in entry and "postPath" in entry:
        problems.add(loc, "prePath and postPath must not both be present (RFC 9537 §4.2)")

    method = entry.get("method", "removal")
    if isinstance(method, str) and method not in REDACTION_METHODS:
        problems.add(loc + ("method",), f"unknown redaction method {short(method)} (RFC 9537 §3)")
    if method in ("emptyValue", "partialValue") and "postPath" not in entry:
        problems.add(loc, f"method {method} requires a postPath (RFC 9537 §4.2)")
    if method == "removal" and "postPath" in entry:
        problems.add(loc + ("postPath",), "method removal must use prePath: a removed field has no "
                                          "postPath (RFC 9537 §4.2)")

    reason = entry.get("reason")
    if "reason" in entry:
        if not isinstance(reason, dict):
            problems.add(loc + ("reason",), "reason must be an object (RFC 9537 §4.2)")
        else:
            for key, value in reason.items():
                if key not in ("lang", "type", "description"):
                    problems.add(loc + ("reason", key),
                                 "reason may only contain lang, type and description (tool -62005)")
                elif not isinstance(value, str):
                    problems.add(loc + ("reason", key), f"reason.{key} must be a string")

    path_lang = entry.get("pathLang", "jsonpath")
    if path_lang != "jsonpath":
        problems.add(loc + ("pathLang",), f"pathLang {short(path_lang)} is not supported: only "
                                          "'jsonpath' is registered (RFC 9537 §6.2)")
        return
    check_redacted_paths(body, kind, holder_loc, loc, entry, method, problems)


def _parse_scoped(body, kind, holder_loc, loc, key, text, problems):
    """Parse one path member; in a search result it must start at its own result object."""
    try:
        segments = parse_jsonpath(text)
    except JsonPathError as exc:
        problems.add(loc + (key,), f"invalid or unsupported JSONPath: {exc}")
        return None
    if kind in SEARCH_ARRAYS and holder_loc:
        prefix = [("name", holder_loc[0]), ("index", holder_loc[1])]
        if [tuple(s) for s in segments[:2]] != prefix:
            problems.add(loc + (key,), f"path must start with $.{holder_loc[0]}[{holder_loc[1]}] "
                                       "in a search result (RFC 9537 §5.2)")
            return None
    return segments


def check_redacted_paths(body, kind, holder_loc, loc, entry, method, problems):
    """Evaluate the paths on the response (RFC 9537 §4.2, 2024 §2.7.x)."""
    pre = entry.get("prePath")
    if isinstance(pre, str):
        segments = _parse_scoped(body, kind, holder_loc, loc, "prePath", pre, problems)
        if segments is not None:
            nodes = evaluate_jsonpath(segments, body)
            if nodes:
                problems.add(loc + ("prePath",),
                             f"prePath {pre!r} still selects {len(nodes)} node(s) "
                             f"(first: {pointer(nodes[0][0])}); a removed or replaced field must be absent")

    post = entry.get("postPath")
    if isinstance(post, str):
        segments = _parse_scoped(body, kind, holder_loc, loc, "postPath", post, problems)
        if segments is not None:
            nodes = evaluate_jsonpath(segments, body)
            if not nodes:
                problems.add(loc + ("postPath",), f"postPath {post!r} selects nothing; it must point at "
                                                  "the redacted field in the response")
            elif method == "emptyValue":
                for node_loc, value in nodes:
                    if not is_empty_value(value):
                        problems.add(loc + ("postPath",),
                                     f"emptyValue postPath {post!r} selects the non-empty value "
                                     f"{short(value)} at {pointer(node_loc)}")

    repl = entry.get("replacementPath")
    if isinstance(repl, str):
        segments = _parse_scoped(body, kind, holder_loc, loc, "replacementPath", repl, problems)
        if segments is not None and not evaluate_jsonpath(segments, body):
            problems.add(loc + ("replacementPath",),
                         f"replacementPath {repl!r} selects nothing; it must point at the replacement")


# --------------------------------------------------------------------------
# Check 4: placeholder text (RFC 9537 §3)
# --------------------------------------------------------------------------

def is_placeholder(text):
    norm = " ".join(text.lower().split()).strip("[]()<>{}*_ -").strip()
    return norm in PLACEHOLDER_TEXTS or bool(PLACEHOLDER_RE.fullmatch(text.strip()))


def check_placeholders(body, problems):
    def visit(value, loc):
        if isinstance(value, dict):
            for key, child in value.items():
                # redaction metadata and extension identifiers are not response data
                if key not in ("redacted", "rdapConformance"):
                    visit(child, loc + (key,))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                visit(child, loc + (i,))
        elif isinstance(value, str) and is_placeholder(value):
            problems.add(loc, f"placeholder text {value!r}: redact with RFC 9537 instead "
                              "(RFC 9537 §3; 2024 profile)")
    visit(body, ())


# --------------------------------------------------------------------------
# Generic RFC 9083 rules that hold for every response
# --------------------------------------------------------------------------

def check_links(body, problems):
    """RFC 9083 §4.2: value, rel and href MUST be present (tool -10612/-10613/-10610);
    a related link MUST NOT have the same href as self."""
    for loc, links in find_members(body, {"links"}):
        if not isinstance(links, list):
            continue
        hrefs = {}
        for i, link in enumerate(links):
            if not isinstance(link, dict):
                continue
            for key in ("value", "rel", "href"):
                if not isinstance(link.get(key), str) or not link[key]:
                    problems.add(loc + (i,), f"link must have a {key} (RFC 9083 §4.2)")
            if isinstance(link.get("rel"), str):
                hrefs.setdefault(link["rel"], []).append(link.get("href"))
        for href in hrefs.get("related", []):
            if href is not None and href in hrefs.get("self", []):
                problems.add(loc, f"a related link must not have the same href as self ({href}) (RFC 9083 §4.2)")


def check_events_unique(body, problems):
    """No eventAction twice in one events array (tool -10912)."""
    for loc, events in find_members(body, {"events"}):
        if isinstance(events, list):
            seen = set()
            for i, event in enumerate(events):
                action = event.get("eventAction") if isinstance(event, dict) else None
                if isinstance(action, str):
                    if action in seen:
                        problems.add(loc + (i,), f"eventAction {action!r} appears more than once (tool -10912)")
                    seen.add(action)


def check_status_unique(body, problems):
    """No duplicate status values (tool -11003)."""
    for loc, status in find_members(body, {"status"}):
        if isinstance(status, list):
            hashable = [s for s in status if isinstance(s, str)]
            for value in sorted({s for s in hashable if hashable.count(s) > 1}):
                problems.add(loc, f"status {value!r} appears more than once (tool -11003)")


def check_notices_topmost(body, problems):
    """RFC 9083 §4.3: notices only in the topmost object (tool noticesTopMost)."""
    for loc, _ in find_members(body, {"notices"}):
        if len(loc) > 1:
            problems.add(loc, "notices must appear only in the topmost object (RFC 9083 §4.3)")


def nested_objects(body, kind):
    """(location, object, expected objectClassName) for every RDAP object instance."""
    found = []

    def visit(obj, loc, cls):
        if not isinstance(obj, dict):
            return
        found.append((loc, obj, cls))
        for member, sub_cls in (("entities", "entity"), ("nameservers", "nameserver")):
            children = obj.get(member)
            if isinstance(children, list):
                for i, child in enumerate(children):
                    visit(child, loc + (member, i), sub_cls)

    if kind in LOOKUP_KINDS:
        visit(body, (), kind)
    elif kind in SEARCH_ARRAYS:
        array_name = SEARCH_ARRAYS[kind][0]
        results = body.get(array_name)
        if isinstance(results, list):
            for i, result in enumerate(results):
                visit(result, (array_name, i), kind.split("-")[0])
    return found


def check_object_class_names(body, kind, problems):
    """RFC 9083 §4.9: every object class instance carries objectClassName."""
    for loc, obj, cls in nested_objects(body, kind):
        if "objectClassName" not in obj:
            problems.add(loc, f"objectClassName {cls!r} is missing (RFC 9083 §4.9)")


# --------------------------------------------------------------------------
# Check 5: ICANN February 2024 profile (spec/rdap.md §6.1)
# --------------------------------------------------------------------------

def vcard_properties(entity):
    """[(index, property)] of an entity's jCard (RFC 7095 / RFC 9083 §5.1)."""
    va = entity.get("vcardArray") if isinstance(entity, dict) else None
    if isinstance(va, list) and len(va) >= 2 and va[0] == "vcard" and isinstance(va[1], list):
        return [(i, p) for i, p in enumerate(va[1])
                if isinstance(p, list) and len(p) >= 4 and isinstance(p[0], str)]
    return []


def props_named(entity, name):
    return [(i, p) for i, p in vcard_properties(entity) if p[0].lower() == name]


def tel_types(prop):
    params = prop[1] if isinstance(prop[1], dict) else {}
    t = params.get("type")
    values = t if isinstance(t, list) else [t]
    return {v.lower() for v in values if isinstance(v, str)}


def self_link_value(body):
    for _, link in links_of(body):
        if link.get("rel") == "self" and isinstance(link.get("value"), str):
            return link["value"]
    return None


def find_notice(notices, title):
    return [(i, n) for i, n in notices if n.get("title") == title]


def top_notices(body):
    notices = body.get("notices")
    return [(i, n) for i, n in enumerate(notices) if isinstance(n, dict)] if isinstance(notices, list) else []


def check_tos_notice(body, problems):
    """TIG 3.3/3.4 (2024): a Terms of Service notice with a terms-of-service link (tool -61200/-61201)."""
    notices = top_notices(body)
    candidates = [(i, n) for i, n in notices
                  if any(l.get("rel") == "terms-of-service" for _, l in links_of(n))]
    if not candidates:
        problems.add(("notices",), "no notice has a link with rel 'terms-of-service' (TIG 3.3; tool -61200)")
        return
    for i, notice in candidates:
        if notice.get("title") != TOS_TITLE:
            problems.add(("notices", i, "title"), f"the terms-of-service notice must have title {TOS_TITLE!r}")
        for j, link in links_of(notice):
            if link.get("rel") == "terms-of-service" and not re.match(r"https?://", str(link.get("href", ""))):
                problems.add(("notices", i, "links", j, "href"),
                             "the terms-of-service link needs an http(s) href (tool -61201)")


def check_fixed_notice(body, spec, code, problems):
    """RP 2.6.3 (Status Codes) and RP 2.10 (RDDS Inaccuracy Complaint Form)."""
    matches = find_notice(top_notices(body), spec["title"])
    if not matches:
        problems.add(("notices",), f"missing the {spec['title']!r} notice ({code})")
        return
    for i, notice in matches:
        if notice.get("description") != spec["description"]:
            problems.add(("notices", i, "description"),
                         f"the {spec['title']!r} notice description must be exactly "
                         f"{json.dumps(spec['description'])} ({code})")
        if not any(l.get("href") == spec["href"] and l.get("rel") == spec["rel"] for _, l in links_of(notice)):
            problems.add(("notices", i, "links"),
                         f"the {spec['title']!r} notice needs a link with href {spec['href']!r} "
                         f"and rel {spec['rel']!r} ({code})")


def check_link_values(body, require_self, problems):
    """Notice links and the related link have value = the queried URL, i.e. the
    self link's value (TIG 3.3 -61202, RP 2.6.3/2.10, TIG 3.2 -23201)."""
    self_value = self_link_value(body)
    if self_value is None:
        if require_self:
            problems.add(("links",), "no top-level link with rel 'self' and a value (the queried URL)")
    values = []
    for i, notice in top_notices(body):
        for j, link in links_of(notice):
            if isinstance(link.get("value"), str):
                values.append((("notices", i, "links", j, "value"), link["value"]))
    for j, link in links_of(body):
        if link.get("rel") == "related" and isinstance(link.get("value"), str):
            values.append((("links", j, "value"), link["value"]))
    expected = self_value if self_value is not None else (values[0][1] if values else None)
    for loc, value in values:
        if value != expected:
            what = "the self link's value" if self_value is not None else "the other notice link values"
            problems.add(loc, f"link value {value!r} differs from {what} {expected!r}; "
                              "it must be the queried URL")


def check_required_events(body, actions, problems):
    events = body.get("events")
    events = events if isinstance(events, list) else []
    present = {e.get("eventAction") for e in events
               if isinstance(e, dict) and isinstance(e.get("eventAction"), str)}
    for action in actions:
        if action not in present:
            problems.add(("events",), f"missing the {action!r} event (2024 profile; "
                                      + {"registration": "tool -46300", "expiration": "tool -46400"}
                                      .get(action, "tool -43100") + ")")


def check_registrar(body, problems):
    """RP 2.4.x (2024): exactly one registrar entity with IANA ID handle, fn,
    an 'about' link and an abuse contact with tel and email."""
    entities = body.get("entities")
    entities = [(i, e) for i, e in enumerate(entities) if isinstance(e, dict)] if isinstance(entities, list) else []
    registrars = [(i, e) for i, e in entities if "registrar" in roles_of(e)]
    if len(registrars) != 1:
        problems.add(("entities",), f"there must be exactly one entity with role 'registrar', "
                                    f"found {len(registrars)} (tool -47300/-47301)")
        if not registrars:
            return
    i, reg = registrars[0]
    loc = ("entities", i)
    handle = reg.get("handle")
    if not isinstance(handle, str) or not re.fullmatch(r"[1-9][0-9]*", handle):
        problems.add(loc + ("handle",), f"registrar handle must be its IANA Registrar ID, a positive "
                                        f"integer string; got {short(handle)} (tool -47400)")
    ids = reg.get("publicIds")
    ids = [p for p in ids if isinstance(p, dict)] if isinstance(ids, list) else []
    iana = [p for p in ids if p.get("type") == "IANA Registrar ID"]
    if not any(p.get("identifier") == handle for p in iana):
        problems.add(loc + ("publicIds",), f"registrar needs a publicIds entry of type 'IANA Registrar ID' "
                                           f"with identifier equal to its handle {short(handle)} (tool -47400…)")
    for p in iana:
        if p.get("identifier") != handle:
            problems.add(loc + ("publicIds",), f"IANA Registrar ID {short(p.get('identifier'))} differs "
                                               f"from the registrar handle {short(handle)}")
    if not any(is_nonempty(p[3]) for _, p in props_named(reg, "fn")):
        problems.add(loc + ("vcardArray",), "registrar vCard needs a non-empty fn (tool -47302)")
    about = [(j, l) for j, l in links_of(reg) if l.get("rel") == "about"]
    if not about:
        problems.add(loc + ("links",), "registrar entity needs a link with rel 'about' (2024 §2.4.6; tool -47700)")
    for j, link in about:
        if not str(link.get("value", "")).startswith("https://"):
            problems.add(loc + ("links", j, "value"), "the registrar 'about' link value (its RDAP base URL) "
                                                      "must be https (tool -47702)")
        if not re.match(r"https?://", str(link.get("href", ""))):
            problems.add(loc + ("links", j, "href"), "the registrar 'about' link href must be an http(s) "
                                                     "URL (tool -47703)")
    subs = reg.get("entities")
    subs = [(k, e) for k, e in enumerate(subs) if isinstance(e, dict)] if isinstance(subs, list) else []
    abuse = [(k, e) for k, e in subs if "abuse" in roles_of(e)]
    if not abuse:
        problems.add(loc + ("entities",), "registrar entity needs a nested entity with role 'abuse' (tool -47500)")
    for k, ent in abuse:
        for prop in ("tel", "email"):
            if not any(is_nonempty(p[3]) for _, p in props_named(ent, prop)):
                problems.add(loc + ("entities", k, "vcardArray"),
                             f"the registrar abuse contact needs a {prop} (tool -47500)")


def check_jcards(body, problems):
    """2024 §1.4 (tool -62100/-62101): adr has a cc parameter and an empty
    country name; TIG 7.1/7.2 (tool -20900): tel type voice or fax."""
    for loc, node in walk(body):
        if not (isinstance(node, dict) and "vcardArray" in node):
            continue
        for i, prop in vcard_properties(node):
            ploc = loc + ("vcardArray", 1, i)
            name = prop[0].lower()
            params = prop[1] if isinstance(prop[1], dict) else {}
            if name == "adr":
                cc = params.get("cc")
                if not (isinstance(cc, str) and re.fullmatch(r"[A-Z]{2}", cc)):
                    problems.add(ploc + (1,), f"adr needs a 'cc' parameter with an ISO 3166-1 alpha-2 "
                                              f"code; got {short(cc)} (tool -62101)")
                value = prop[3]
                if not isinstance(value, list) or len(value) != 7:
                    problems.add(ploc + (3,), "adr value must be a 7-element array (RFC 6350 §6.3.1)")
                elif value[6] != "":
                    problems.add(ploc + (3, 6), f"adr country name must be the empty string (the country "
                                                f"is in 'cc'); got {short(value[6])} (2024 §1.4; tool -62100)")
            elif name == "tel":
                if not tel_types(prop) & {"voice", "fax"}:
                    problems.add(ploc + (1,), "tel needs a type parameter of 'voice' or 'fax' (TIG 7.1; tool -20900)")


def check_domain_profile(body, problems):
    check_tos_notice(body, problems)
    check_fixed_notice(body, STATUS_CODES_NOTICE, "RP 2.6.3; tool -46601…-46606", problems)
    check_fixed_notice(body, RDDS_NOTICE, "RP 2.10; tool -46701…-46706", problems)
    check_link_values(body, True, problems)
    check_required_events(body, ["registration", "expiration", "last update of RDAP database"], problems)
    check_registrar(body, problems)
    status = body.get("status")
    if not isinstance(status, list) or not status:
        problems.add(("status",), "domain status must have at least one value (tool -47100)")
    for j, link in links_of(body):
        if link.get("rel") == "related":
            if link.get("type") != "application/rdap+json":
                problems.add(("links", j, "type"), "the related (registrar RDAP) link must have type "
                                                   "'application/rdap+json'")
            if "/domain/" not in str(link.get("href", "")):
                problems.add(("links", j, "href"), "the related link href must be an RFC 9082 /domain/ "
                                                   "query (TIG 3.2; tool -23202)")


def check_lookup_profile(body, kind, problems):
    """Nameserver and entity lookups: ToS notice, last update event, ldhName."""
    check_tos_notice(body, problems)
    check_link_values(body, False, problems)
    check_required_events(body, ["last update of RDAP database"], problems)
    if kind == "nameserver" and not isinstance(body.get("ldhName"), str):
        problems.add(("ldhName",), "nameserver ldhName is required (tool -47200)")


def check_error(body, status, problems):
    """RFC 9083 §6; 2024: errorCode equals the HTTP status (tool -12108)."""
    code = body.get("errorCode")
    if not isinstance(code, int) or isinstance(code, bool):
        return  # the schema reports a missing / non-numeric errorCode
    if status is not None and code != status:
        problems.add(("errorCode",), f"errorCode {code} differs from the HTTP status {status} (tool -12108)")
    if not 400 <= code <= 599:
        problems.add(("errorCode",), f"errorCode {code} is not an HTTP error status")


# --------------------------------------------------------------------------
# Check 6: redaction consistency for registrant / technical contacts (2024 §2.7)
# --------------------------------------------------------------------------

# (field, redacted name, allowed methods, required).  A required field is
# either shown or redacted; an optional one (the registrant may simply have
# none) may also be absent without a redaction entry.  Never both.
REGISTRANT_FIELDS = [
    ("handle", "Registry Registrant ID", {"removal"}, True),
    ("fn", "Registrant Name", {"emptyValue"}, True),
    ("org", "Registrant Organization", {"removal"}, False),
    ("street", "Registrant Street", {"emptyValue"}, True),
    ("city", "Registrant City", {"emptyValue"}, True),
    ("postal code", "Registrant Postal Code", {"emptyValue"}, False),
    ("phone", "Registrant Phone", {"removal"}, True),
    ("phone ext", "Registrant Phone Ext", {"removal"}, False),
    ("fax", "Registrant Fax", {"removal"}, False),
    ("fax ext", "Registrant Fax Ext", {"removal"}, False),
    ("email", "Registrant Email", {"removal", "replacementValue"}, True),
]
TECH_FIELDS = [
    ("handle", "Registry Tech ID", {"removal"}, True),
    ("fn", "Tech Name", {"emptyValue"}, True),
    ("phone", "Tech Phone", {"removal"}, False),
    ("phone ext", "Tech Phone Ext", {"removal"}, False),
    ("email", "Tech Email", {"removal", "replacementValue"}, True),
]


def contact_fields(entity):
    """Which of the profile's contact fields carry a value."""
    def any_value(name, pick=lambda v: v):
        for _, p in props_named(entity, name):
            try:
                if is_nonempty(pick(p[3])):
                    return True
            except (IndexError, TypeError):
                continue
        return False

    def adr_part(part):
        return lambda v: v[part] if isinstance(v, list) else None

    tels = [p for _, p in props_named(entity, "tel")]
    voice = [p for p in tels if "voice" in tel_types(p)]
    fax = [p for p in tels if "fax" in tel_types(p)]
    return {
        "handle": is_nonempty(entity.get("handle")),
        "fn": any_value("fn"),
        "org": any_value("org"),
        "street": any_value("adr", lambda v: v[0:3] if isinstance(v, list) else None),
        "city": any_value("adr", adr_part(3)),
        "postal code": any_value("adr", adr_part(5)),
        "phone": any(is_nonempty(p[3]) for p in voice),
        "phone ext": any(";ext=" in str(p[3]).lower() for p in voice),
        "fax": any(is_nonempty(p[3]) for p in fax),
        "fax ext": any(";ext=" in str(p[3]).lower() for p in fax),
        "email": any_value("email"),
        "contact-uri": any_value("contact-uri"),
    }


def check_contact_redactions(body, holder_loc, holder, role, fields_spec, problems):
    redacted = holder.get("redacted")
    entries = [(i, e) for i, e in enumerate(redacted) if isinstance(e, dict)] if isinstance(redacted, list) else []
    entities = holder.get("entities")
    entities = [(i, e) for i, e in enumerate(entities) if isinstance(e, dict)] if isinstance(entities, list) else []
    for ei, entity in entities:
        if role not in roles_of(entity):
            continue
        eloc = holder_loc + ("entities", ei)
        have = contact_fields(entity)
        for field, rname, methods, required in fields_spec:
            matching = [(i, e) for i, e in entries if redaction_name(e) == rname]
            shown = have[field]
            if not matching:
                if required and not shown:
                    problems.add(eloc, f"{role} {field} is neither present nor redacted: add it or a "
                                       f"{rname!r} redaction (2024 §2.7)")
                continue
            for i, entry in matching:
                rloc = holder_loc + ("redacted", i)
                method = entry.get("method", "removal")
                if not isinstance(method, str) or method not in methods:
                    problems.add(rloc + ("method",), f"{rname!r} redaction must use method "
                                                     f"{' or '.join(sorted(methods))}, not {method!r} (2024 §2.7)")
                # a postPath must point into this entity
                post = entry.get("postPath")
                if isinstance(post, str):
                    try:
                        nodes = jsonpath_query(post, body)
                    except JsonPathError:
                        nodes = []  # reported by check 3
                    for node_loc, _ in nodes:
                        if node_loc[:len(eloc)] != eloc:
                            problems.add(rloc + ("postPath",), f"{rname!r} postPath selects "
                                                               f"{pointer(node_loc)}, outside the {role} entity")
                            break
                if field == "email" and method == "replacementValue":
                    check_email_replacement(entry, rloc, rname, have, problems)
                elif shown:
                    problems.add(eloc, f"{role} {field} is present and also redacted by {rname!r} "
                                       "(2024 §2.7: one or the other)")


def check_email_replacement(entry, rloc, rname, have, problems):
    """2024 §2.7: replacementValue email is an anonymised email (postPath) or a
    contact-uri web form (prePath + replacementPath), exactly one of them."""
    if have["email"] and have["contact-uri"]:
        problems.add(rloc, f"{rname!r} replacementValue: send an anonymised email or a contact-uri, not both")
    elif not have["email"] and not have["contact-uri"]:
        problems.add(rloc, f"{rname!r} replacementValue: neither an anonymised email nor a contact-uri is present")
    elif "postPath" in entry and not have["email"]:
        problems.add(rloc, f"{rname!r} replacementValue has a postPath but there is no email property")
    elif have["contact-uri"] and "replacementPath" not in entry:
        problems.add(rloc, f"{rname!r} replaced by a contact-uri needs a replacementPath to it (RFC 9537 §3.4)")


def check_redaction_consistency(body, kind, problems):
    subset = body.get("subsetting_metadata")
    if isinstance(subset, dict) and subset.get("currentFieldSet") not in (None, "full"):
        return  # RFC 8982: a partial field set omits data without redacting it
    for holder_loc, holder in redacted_holders(body, kind):
        check_contact_redactions(body, holder_loc, holder, "registrant", REGISTRANT_FIELDS, problems)
        check_contact_redactions(body, holder_loc, holder, "technical", TECH_FIELDS, problems)


# --------------------------------------------------------------------------
# One file
# --------------------------------------------------------------------------

def kind_from_name(path):
    base = os.path.basename(path)
    for prefix, kind in KIND_PREFIXES:
        if base.startswith(prefix):
            return kind
    return None


def load_json(path, problems):
    duplicates = []

    def hook(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh, object_pairs_hook=hook)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.add((), f"cannot read JSON: {exc}")
        return None
    for key in duplicates:
        problems.add((), f"duplicate member name {key!r} in an object (RFC 8259 §4; tool duplicateKeys)")
    return data


def check_headers(headers, problems):
    """Headers recorded in a wrapper, checked only when present."""
    if not isinstance(headers, dict):
        problems.add(("headers",), "wrapper headers must be an object")
        return
    lower = {str(k).lower(): (k, v) for k, v in headers.items()}
    if "content-type" in lower:
        key, value = lower["content-type"]
        if not str(value).split(";")[0].strip().lower() == "application/rdap+json":
            problems.add(("headers", key), f"Content-Type {value!r} is not application/rdap+json "
                                           "(RFC 7480 §4.2; tool -13000)")
    if "access-control-allow-origin" in lower:
        key, value = lower["access-control-allow-origin"]
        if value != "*":
            problems.add(("headers", key), "Access-Control-Allow-Origin must be '*' (TIG 1.13; tool -20500)")


def check_body(body, kind, status, schemas, problems):
    if not isinstance(body, dict):
        problems.add((), "an RDAP response must be a JSON object")
        return
    check_schema(body, kind, schemas, problems)                 # 1
    check_conformance(body, kind, problems)                     # 2
    check_redacted(body, kind, problems)                        # 3
    check_placeholders(body, problems)                          # 4
    check_links(body, problems)                                 # RFC 9083 §4.2
    check_events_unique(body, problems)
    check_status_unique(body, problems)
    check_notices_topmost(body, problems)
    check_object_class_names(body, kind, problems)
    if kind in PROFILE_KINDS:                                   # 5
        check_jcards(body, problems)
    if kind == "domain":
        check_domain_profile(body, problems)
    elif kind in ("nameserver", "entity"):
        check_lookup_profile(body, kind, problems)
    elif kind == "error":
        check_error(body, status, problems)
    if kind in ("domain", "domain-search"):                     # 6
        check_redaction_consistency(body, kind, problems)


def validate_file(path, schemas):
    """Returns a list of (pointer, message)."""
    problems = Problems()
    kind = kind_from_name(path)
    if kind is None:
        problems.add((), "cannot tell the response kind from the file name (expected a prefix: "
                         + ", ".join(p + "*" for p, _ in KIND_PREFIXES) + ")")
        return problems.items
    data = load_json(path, problems)
    if data is None:
        return problems.items
    status = None
    body = data
    if isinstance(data, dict) and set(data) == {"status", "headers", "body"}:
        # Wrapper: {"status": N, "headers": {...}, "body": {...}}; pointers stay
        # relative to the body.
        status = data["status"]
        body = data["body"]
        if not isinstance(status, int) or isinstance(status, bool):
            problems.add((), f"wrapper status must be an integer, got {short(status)}")
            return problems.items
        check_headers(data["headers"], problems)
        if status != 200:
            kind = "error"
            if body is None:
                problems.add((), f"HTTP {status} response has no body; the 2024 profile needs an RDAP "
                                 "error body with rdapConformance (tool -12107)")
                return problems.items
        elif kind == "error":
            problems.add((), "an error-* file must record a non-200 status")
    check_body(body, kind, status, schemas, problems)
    return problems.items


# --------------------------------------------------------------------------
# Self-test
# --------------------------------------------------------------------------

def self_test():
    doc = {
        "handle": "D1",
        "entities": [
            {"roles": ["registrant"], "handle": "H1",
             "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                      ["fn", {}, "text", ""],
                                      ["tel", {"type": "voice"}, "uri", "tel:+1.5555"],
                                      ["tel", {"type": ["fax", "work"]}, "uri", "tel:+1.6666"],
                                      ["adr", {"cc": "CA"}, "text", ["", "", "", "", "QC", "", ""]]]]},
            {"roles": ["technical", "administrative"], "handle": "H2"},
        ],
        "events": [{"eventAction": "registration"}, {"eventAction": "expiration"}],
        "odd key": {"a/b": 1},
    }
    reg = "$.entities[?(@.roles[0]=='registrant')]"

    def values(path):
        return [v for _, v in jsonpath_query(path, doc)]

    def locs(path):
        return [pointer(l) for l, _ in jsonpath_query(path, doc)]

    assert values("$") == [doc]
    assert values("$.handle") == ["D1"]
    assert values("$['handle']") == ["D1"] == values('$["handle"]')
    assert values("$.missing") == [] and values("$.handle.x") == [] and values("$.entities[5]") == []
    assert values(reg + ".handle") == ["H1"]
    assert values("$.entities[?@.roles[0]=='registrant'].handle") == ["H1"]          # RFC 9535 form
    assert values("$.entities[?(@.roles[0] == \"technical\")].handle") == ["H2"]      # blanks, "..."
    assert values("$.entities[?(@.roles[0]=='administrative')].handle") == []         # [0] only
    assert values("$.entities[?(@.roles[1]=='administrative')].handle") == ["H2"]
    assert values("$.entities[?('registrant'==@.roles[0])].handle") == ["H1"]
    assert values(reg + ".vcardArray[1][?(@[0]=='fn')][3]") == [""]
    assert locs(reg + ".vcardArray[1][?(@[0]=='fn')][3]") == ["/entities/0/vcardArray/1/1/3"]
    assert values(reg + ".vcardArray[1][?(@[1].type=='voice')][3]") == ["tel:+1.5555"]
    assert values(reg + ".vcardArray[1][?(@[1].type=='fax')]") == []                  # type is an array
    assert values(reg + ".vcardArray[1][?(@[0]=='email')]") == []
    assert values(reg + ".vcardArray[1][?(@[0]=='adr')][3][:3]") == ["", "", ""]
    assert values(reg + ".vcardArray[1][?(@[0]=='adr')][3][4]") == ["QC"]
    assert values(reg + ".vcardArray[1][?(@[0]=='adr')][3][-3]") == ["QC"]
    assert values(reg + ".vcardArray[1][?(@[0]=='adr')][3][4:]") == ["QC", "", ""]
    assert values(reg + ".vcardArray[1][?(@[0]=='adr')][3][::3]") == ["", "", ""]
    assert values(reg + ".vcardArray[1][?(@[0]=='adr')][3][1:5:0]") == []
    assert values("$.entities[*].handle") == ["H1", "H2"] == values("$.entities.*.handle")
    assert values("$.events[?(@.eventAction=='expiration')]") == [{"eventAction": "expiration"}]
    assert values("$['odd key']['a/b']") == [1]
    assert locs("$['odd key']['a/b']") == ["/odd key/a~1b"]
    assert values("$.entities[?(@.roles[0]=='it\\'s')]") == []
    for bad in ("entities", "$..handle", "$.entities[0,1]", "$.entities[?(@.handle!='x')]",
                "$.entities[?(@.a=='x' && @.b=='y')]", "$.entities[", "$.entities[?(@.x==1)]",
                "$.entities[?(@..x=='y')]", "$.entities[?(@.roles[*]=='x')]", "$[?(length(@)=='x')]",
                "$.entities['unterminated]", "$.1abc", "$.entities[?(@.roles[0]=='x')"):
        try:
            parse_jsonpath(bad)
        except JsonPathError:
            continue
        raise AssertionError(f"expected a JsonPathError for {bad!r}")

    # helpers
    assert pointer(()) == "" and pointer(("a/b", 0, "c~d")) == "/a~1b/0/c~0d"
    assert is_placeholder("REDACTED FOR PRIVACY") and is_placeholder("redacted")
    assert is_placeholder("XXXX") and is_placeholder("[REDACTED]") and is_placeholder("***")
    assert not is_placeholder("private") and not is_placeholder("object redacted due to authorization")
    assert not is_placeholder("") and not is_placeholder("Data redacted for privacy reasons per policy")
    assert is_empty_value("") and is_empty_value(None) and is_empty_value(["", ""])
    assert not is_empty_value("x") and not is_empty_value(0)
    assert is_extension_member("farv1_openidcConfiguration", ["rdap_level_0", "farv1"])
    assert is_extension_member("paging_metadata", ["rdap_level_0"])
    assert not is_extension_member("farv1_x", ["rdap_level_0"])
    assert not is_extension_member("handle", ["rdap_level_0", "farv1"])
    stripped = strip_extensions({"a": [{"redacted": 1, "b": 2}], "farv1_x": 3}, ["farv1"])
    assert stripped == {"a": [{"b": 2}]}
    assert _date_time("2024-01-02T03:04:05Z") and _date_time("2024-01-02T03:04:05.123+01:00")
    assert not _date_time("2024-01-02") and not _date_time("2024-13-02T03:04:05Z")
    assert _hostname("ns1.example.com", False) and not _hostname("com", False)
    assert not _hostname("-bad.example", False) and _hostname("bücher.example", True)
    fields = contact_fields(doc["entities"][0])
    assert fields["handle"] and fields["phone"] and fields["fax"] and not fields["fn"]
    assert not fields["street"] and not fields["city"] and not fields["email"]
    assert kind_from_name("a/domains-x.json") == "domain-search"
    assert kind_from_name("domain-x.json") == "domain" and kind_from_name("x.json") is None
    print("self-test OK")
    return 0


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Check golden RDAP JSON responses (ICANN schemas, RFC 9083/9537, 2024 gTLD profile).")
    parser.add_argument("--schemas", metavar="DIR", help="directory of the ICANN JSON schemas")
    parser.add_argument("--self-test", action="store_true", help="run the built-in unit tests and exit")
    parser.add_argument("files", nargs="*", metavar="FILE")
    args = parser.parse_args(argv)

    if args.self_test:
        return self_test()
    if not args.schemas or not args.files:
        parser.error("--schemas DIR and at least one FILE are required")
    try:
        schemas = Schemas(args.schemas)
    except (OSError, ValueError) as exc:
        parser.exit(2, f"validate_rdap.py: cannot load schemas: {exc}\n")

    total = 0
    bad_files = 0
    for path in args.files:
        try:
            items = validate_file(path, schemas)
        except Exception as exc:  # a checker bug must fail the run, not hide the file
            import traceback
            traceback.print_exc()
            items = [((), f"internal error in validate_rdap.py: {exc!r}")]
        for loc, message in items:
            print(f"{path}: {pointer(loc)}: {message}")
        total += len(items)
        bad_files += bool(items)
    print(f"validate_rdap: checked {len(args.files)} file(s): {total} problem(s) in {bad_files} file(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
