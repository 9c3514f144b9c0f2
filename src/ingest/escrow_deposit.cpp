#include "ingest/escrow_deposit.hpp"

#include <algorithm>
#include <charconv>
#include <memory>

#include <libxml/parser.h>
#include <libxml/tree.h>

namespace ssad::ingest::escrow {
namespace {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

std::string_view ns_of(const xmlNode* node) {
  return node->ns != nullptr && node->ns->href != nullptr ? reinterpret_cast<const char*>(node->ns->href)
                                                          : "";
}

std::string_view name_of(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

bool is(const xmlNode* node, std::string_view ns, std::string_view name) {
  return node->type == XML_ELEMENT_NODE && ns_of(node) == ns && name_of(node) == name;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string text_of(const xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  std::string text = content != nullptr ? trim(reinterpret_cast<const char*>(content)) : std::string();
  xmlFree(content);
  return text;
}

std::optional<std::string> attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return std::nullopt;
  std::string text = reinterpret_cast<const char*>(value);
  xmlFree(value);
  return text;
}

Result<bool> bool_attribute(const xmlNode* node, const char* name, bool fallback) {
  auto value = attribute(node, name);
  if (!value) return fallback;
  const std::string v = trim(*value);
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return fail(ErrorCode::invalid_input, "attribute " + std::string(name) + " of <" +
                                            std::string(name_of(node)) + "> must be true or false, not '" +
                                            v + "'");
}

template <class F>
void for_children(const xmlNode* parent, F&& f) {
  for (const xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) f(child);
  }
}

Result<CsvDefinition> parse_csv(const xmlNode* node, std::string_view object_ns) {
  CsvDefinition def;
  def.object_ns = object_ns;
  auto name = attribute(node, "name");
  if (!name || trim(*name).empty())
    return fail(ErrorCode::invalid_input, "<rdeCsv:csv> without a name attribute");
  def.name = trim(*name);
  if (auto sep = attribute(node, "sep")) {
    if (sep->size() != 1) {
      return fail(ErrorCode::invalid_input,
                  "csv '" + def.name + "': sep must be one character, not '" + *sep + "'");
    }
    def.separator = (*sep)[0];
  }
  std::optional<Error> error;
  for_children(node, [&](const xmlNode* child) {
    if (error) return;
    if (is(child, kRdeCsvNs, "sep")) {  // the 2013 drafts' element form of the separator
      const std::string sep = text_of(child);
      if (sep.size() == 1) def.separator = sep[0];
    } else if (is(child, kRdeCsvNs, "fields")) {
      for_children(child, [&](const xmlNode* f) {
        if (error) return;
        Field field;
        field.ns = ns_of(f);
        field.local = name_of(f);
        if (field.local == "fCustom") field.custom_name = trim(attribute(f, "name").value_or(""));
        auto index = attribute(f, "index");
        if (!index) index = attribute(f, "fieldIndex");
        if (index) {
          const std::string idx = trim(*index);
          if (std::from_chars(idx.data(), idx.data() + idx.size(), field.index).ec != std::errc{} ||
              field.index < 0 || field.index > 2) {
            error = Error{ErrorCode::invalid_input, "csv '" + def.name + "': bad street index '" + idx + "'"};
            return;
          }
        }
        auto required = bool_attribute(f, "isRequired", false);
        auto parent = bool_attribute(f, "parent", false);
        if (!required || !parent) {
          error = with_context(!required ? required.error() : parent.error(), "csv '" + def.name + "'");
          return;
        }
        field.required = *required;
        field.parent = *parent;
        def.fields.push_back(std::move(field));
      });
    } else if (is(child, kRdeCsvNs, "files")) {
      for_children(child, [&](const xmlNode* f) {
        if (error || !is(f, kRdeCsvNs, "file")) return;
        FileRef file;
        file.name = text_of(f);
        file.compression = trim(attribute(f, "compression").value_or(""));
        auto checksum = attribute(f, "cksum");
        if (!checksum || trim(*checksum).empty()) {
          error = Error{ErrorCode::invalid_input, "file '" + file.name + "' has no cksum attribute"};
          return;
        }
        file.checksum = trim(*checksum);
        std::transform(file.checksum.begin(), file.checksum.end(), file.checksum.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        std::string alg = trim(attribute(f, "cksumAlg").value_or("CRC32"));
        std::transform(alg.begin(), alg.end(), alg.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (alg == "SHA256") alg = "SHA-256";
        if (alg != "CRC32" && alg != "SHA-256") {
          error =
              Error{ErrorCode::invalid_input, "file '" + file.name + "': unsupported cksumAlg '" + alg + "'"};
          return;
        }
        file.checksum_algorithm = alg;
        if (file.name.empty() || file.name.find("..") != std::string::npos || file.name.front() == '/') {
          error =
              Error{ErrorCode::invalid_input, "bad file name '" + file.name + "' in csv '" + def.name + "'"};
          return;
        }
        def.files.push_back(std::move(file));
      });
    }
  });
  if (error) return std::unexpected(*error);
  if (def.fields.empty()) return fail(ErrorCode::invalid_input, "csv '" + def.name + "' defines no fields");
  return def;
}

// Collects the <rdeCsv:csv> definitions under each <csvX:contents> or <csvX:deletes> child of `parent`.
Result<void> collect(const xmlNode* parent, std::string_view wrapper, std::vector<CsvDefinition>& out) {
  std::optional<Error> error;
  for_children(parent, [&](const xmlNode* object) {
    if (error || name_of(object) != wrapper) return;
    for_children(object, [&](const xmlNode* csv) {
      if (error || !is(csv, kRdeCsvNs, "csv")) return;
      auto def = parse_csv(csv, ns_of(object));
      if (!def) {
        error = def.error();
        return;
      }
      out.push_back(std::move(*def));
    });
  });
  if (error) return std::unexpected(*error);
  return {};
}

}  // namespace

Result<Deposit> parse_deposit(std::string_view xml) {
  // XML_PARSE_NONET: never fetch anything; no entity expansion beyond the predefined ones.
  const std::unique_ptr<xmlDoc, DocDeleter> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "deposit.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* last = xmlGetLastError();
    return fail(ErrorCode::invalid_input,
                std::string("deposit is not well-formed XML") +
                    (last != nullptr && last->message != nullptr
                         ? ": " + trim(last->message) + " on line " + std::to_string(last->line)
                         : std::string()));
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || !is(root, kRdeNs, "deposit")) {
    return fail(ErrorCode::invalid_input,
                "the document is not an <rde:deposit> (urn:ietf:params:xml:ns:rde-1.0)");
  }
  Deposit deposit;
  deposit.type = trim(attribute(root, "type").value_or(""));
  if (deposit.type != "FULL" && deposit.type != "DIFF" && deposit.type != "INCR") {
    return fail(ErrorCode::invalid_input,
                "deposit type must be FULL, DIFF or INCR, not '" + deposit.type + "'");
  }
  deposit.id = trim(attribute(root, "id").value_or(""));
  if (deposit.id.empty()) return fail(ErrorCode::invalid_input, "deposit has no id");
  deposit.prev_id = trim(attribute(root, "prevId").value_or(""));
  if (deposit.type != "FULL" && deposit.prev_id.empty()) {
    return fail(ErrorCode::invalid_input, deposit.type + " deposit '" + deposit.id + "' has no prevId");
  }
  bool has_watermark = false;
  const xmlNode* contents = nullptr;
  const xmlNode* deletes = nullptr;
  for_children(root, [&](const xmlNode* child) {
    if (is(child, kRdeNs, "watermark")) {
      has_watermark = true;
      auto watermark = parse_rfc3339(text_of(child));
      if (watermark)
        deposit.watermark = *watermark;
      else
        has_watermark = false;
    } else if (is(child, kRdeNs, "contents")) {
      contents = child;
    } else if (is(child, kRdeNs, "deletes")) {
      deletes = child;
    }
  });
  if (!has_watermark) return fail(ErrorCode::invalid_input, "deposit has no valid <rde:watermark>");
  if (contents == nullptr) return fail(ErrorCode::invalid_input, "deposit has no <rde:contents>");
  for_children(contents, [&](const xmlNode* child) {
    if (!is(child, kRdeHeaderNs, "header")) return;
    for_children(child, [&](const xmlNode* h) {
      if (is(h, kRdeHeaderNs, "tld")) deposit.tld = text_of(h);
      if (is(h, kRdeHeaderNs, "count")) {
        const std::string value = text_of(h);
        std::int64_t n = 0;
        if (std::from_chars(value.data(), value.data() + value.size(), n).ec == std::errc{}) {
          deposit.counts[trim(attribute(h, "uri").value_or(""))] = n;
        }
      }
    });
  });
  if (deposit.tld.empty()) return fail(ErrorCode::invalid_input, "deposit header has no <rdeHeader:tld>");
  std::transform(deposit.tld.begin(), deposit.tld.end(), deposit.tld.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (auto ok = collect(contents, "contents", deposit.contents); !ok) return std::unexpected(ok.error());
  if (deletes != nullptr) {
    if (auto ok = collect(deletes, "deletes", deposit.deletes); !ok) return std::unexpected(ok.error());
  }
  return deposit;
}

}  // namespace ssad::ingest::escrow
