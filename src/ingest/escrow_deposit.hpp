#pragma once
// The XML part of an RFC 8909 / RFC 9022 CSV-model escrow deposit: what the deposit is and how each
// of its CSV files is laid out. Parsing it never touches the CSV files.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::ingest::escrow {

inline constexpr std::string_view kRdeNs = "urn:ietf:params:xml:ns:rde-1.0";
inline constexpr std::string_view kRdeHeaderNs = "urn:ietf:params:xml:ns:rdeHeader-1.0";
inline constexpr std::string_view kRdeCsvNs = "urn:ietf:params:xml:ns:rdeCsv-1.0";
inline constexpr std::string_view kCsvDomainNs = "urn:ietf:params:xml:ns:csvDomain-1.0";
inline constexpr std::string_view kCsvHostNs = "urn:ietf:params:xml:ns:csvHost-1.0";
inline constexpr std::string_view kCsvContactNs = "urn:ietf:params:xml:ns:csvContact-1.0";
inline constexpr std::string_view kCsvRegistrarNs = "urn:ietf:params:xml:ns:csvRegistrar-1.0";
inline constexpr std::string_view kCsvIdnNs = "urn:ietf:params:xml:ns:csvIDN-1.0";
inline constexpr std::string_view kCsvNndnNs = "urn:ietf:params:xml:ns:csvNNDN-1.0";

/// One column of a CSV file: an element of <rdeCsv:fields>, e.g. <csvDomain:fName parent="true"/>.
struct Field {
  std::string ns;           // namespace URI
  std::string local;        // local name, e.g. "fName"
  std::string custom_name;  // the name attribute of <rdeCsv:fCustom name="...">
  int index = -1;           // the index (or fieldIndex) attribute of fStreet
  bool required = false;
  bool parent = false;
};

/// One file of a CSV definition.
struct FileRef {
  std::string name;                          // as written in the deposit, relative to the deposit's directory
  std::string checksum;                      // upper-case hex
  std::string checksum_algorithm = "CRC32";  // CRC32 or SHA-256
  std::string compression;                   // "" or "gzip"
};

/// One <rdeCsv:csv> element: the object it belongs to, its name, separator, columns and files.
struct CsvDefinition {
  std::string object_ns;  // namespace of the enclosing <csvX:contents> or <csvX:deletes>
  std::string name;       // "domain", "domainStatuses", ...
  char separator = ',';
  std::vector<Field> fields;
  std::vector<FileRef> files;
};

struct Deposit {
  std::string type;  // FULL, DIFF or INCR
  std::string id;
  std::string prev_id;
  Timestamp watermark;
  std::string tld;
  std::map<std::string, std::int64_t> counts;  // header counts by object namespace URI
  std::vector<CsvDefinition> deletes;
  std::vector<CsvDefinition> contents;
};

/// Parses a deposit's XML. Errors: invalid_input naming the element or attribute that is wrong
/// (not XML, not an rde:deposit, unknown type, missing id, bad watermark, bad checksum attribute...).
[[nodiscard]] Result<Deposit> parse_deposit(std::string_view xml);

}  // namespace ssad::ingest::escrow
