#include "ingest/escrow_import.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <span>

#include <zlib.h>

#include "core/domain_name.hpp"
#include "core/text_check.hpp"
#include "ingest/checksum.hpp"
#include "ingest/csv.hpp"
#include "ingest/escrow_deposit.hpp"
#include "tlog/hash.hpp"

namespace ssad::ingest {
namespace {

std::string lower(std::string hex) {
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
}

using namespace escrow;

// A column the importer understands: an RFC 9022 field element, or an fCustom column by name.
struct Column {
  std::string_view ns;
  std::string_view local;
  std::string_view custom = {};
  int index = -1;
};

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::invalid_input, "missing file '" + path.filename().string() + "'");
  std::string data;
  in.seekg(0, std::ios::end);
  data.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (!in) return fail(ErrorCode::unavailable, "cannot read '" + path.string() + "'");
  return data;
}

Result<std::string> gunzip(std::string_view compressed, const std::string& name) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return fail(ErrorCode::internal, "zlib init failed");
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    out.resize(out.size() + (1U << 20));
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + out.size() - (1U << 20));
    zs.avail_out = 1U << 20;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(out.size() - zs.avail_out);
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return fail(ErrorCode::invalid_input, "file '" + name + "' is not valid gzip data");
  return out;
}

// A parsed record, with the values of the importer's columns by slot (empty when the deposit lacks it).
class Row {
 public:
  std::string_view operator[](std::size_t slot) const {
    const int pos = positions_[slot];
    return pos < 0 ? std::string_view() : (*fields_)[static_cast<std::size_t>(pos)];
  }
  std::vector<int> positions_;
  const std::vector<std::string_view>* fields_ = nullptr;
};

Error row_error(std::string_view file, std::size_t line, std::string_view message) {
  return Error{ErrorCode::invalid_input,
               std::string(file) + " line " + std::to_string(line) + ": " + std::string(message)};
}

std::optional<Timestamp> optional_time(std::string_view text, std::optional<Error>& error) {
  if (text.empty()) return std::nullopt;
  auto t = parse_rfc3339(text);
  if (!t) {
    error = t.error();
    return std::nullopt;
  }
  return *t;
}

template <class Int>
Result<Int> parse_int(std::string_view text, std::string_view what) {
  Int value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) {
    return fail(ErrorCode::invalid_input,
                std::string(what) + " must be a number, not '" + std::string(text) + "'");
  }
  return value;
}

Result<std::optional<std::int64_t>> optional_int(std::string_view text, std::string_view what) {
  if (text.empty()) return std::optional<std::int64_t>();
  auto v = parse_int<std::int64_t>(text, what);
  if (!v) return std::unexpected(v.error());
  return std::optional<std::int64_t>(*v);
}

Result<std::string> country_code(std::string_view text) {
  auto code = model::canonical_country_code(text);
  if (!code) {
    return fail(ErrorCode::invalid_input,
                "country code must be ISO 3166 alpha-2, not '" + std::string(text) + "'");
  }
  return std::move(*code);
}

Result<model::Status> status(std::string_view value, std::string_view description) {
  if (!model::is_known_epp_status(value)) {
    return fail(ErrorCode::invalid_input, "unknown EPP status '" + std::string(value) + "'");
  }
  return model::Status{std::string(value), std::string(description)};
}

using Handler = std::function<Result<void>(const Row&, store::RegistrationWriter&)>;

// What the importer does with one kind of CSV definition.
struct Kind {
  std::string_view object_ns;
  std::string_view name;
  int order;                          // registrars, contacts, hosts, then domains; parents before children
  std::vector<Column> columns;        // slot order
  std::vector<std::size_t> required;  // slots that must be present and non-empty
  Handler handler;
};

class Importer {
 public:
  Importer(const Deposit& deposit, std::filesystem::path dir, ImportReport& report)
      : deposit_(deposit), dir_(std::move(dir)), report_(report) {}

  Result<void> run(store::RegistrationWriter& w) {
    // Deletes first (domains before the objects they use), then contents in dependency order.
    std::vector<std::pair<const CsvDefinition*, const Kind*>> deletes, contents;
    for (const auto& def : deposit_.deletes) {
      auto kind = find_kind(delete_kinds(), def);
      if (!kind) return std::unexpected(kind.error());
      if (*kind != nullptr) deletes.emplace_back(&def, *kind);
    }
    for (const auto& def : deposit_.contents) {
      auto kind = find_kind(content_kinds(), def);
      if (!kind) return std::unexpected(kind.error());
      if (*kind != nullptr) contents.emplace_back(&def, *kind);
    }
    // Kind order first; definitions of one kind keep their order in the deposit (they sit in one vector).
    auto by_order = [](const auto& a, const auto& b) {
      return a.second->order != b.second->order ? a.second->order < b.second->order : a.first < b.first;
    };
    std::sort(deletes.begin(), deletes.end(), by_order);
    std::sort(contents.begin(), contents.end(), by_order);

    for (const auto& [def, kind] : deletes) {
      if (auto ok = apply(*def, *kind, w); !ok) return ok;
    }
    if (deposit_.type == "FULL") {
      auto deleted = w.delete_domains_of_tld(deposit_.tld);
      if (!deleted) return std::unexpected(deleted.error());
      report_.deleted += *deleted;
    }
    for (const auto& [def, kind] : contents) {
      if (auto ok = apply(*def, *kind, w); !ok) return ok;
    }
    if (deposit_.type == "FULL") return w.delete_unreferenced_contacts_and_hosts();
    return {};
  }

 private:
  Result<const Kind*> find_kind(const std::vector<Kind>& kinds, const CsvDefinition& def) {
    for (const auto& kind : kinds) {
      if (kind.object_ns == def.object_ns && kind.name == def.name) return &kind;
    }
    if (def.name == "idnLanguage" || def.name == "NNDN" || def.name == "contactTransfer") {
      report_.notes.push_back("csv '" + def.name + "' is not stored by OpenSSAD; its files were not read");
      return nullptr;
    }
    return fail(ErrorCode::invalid_input,
                "unsupported CSV definition '" + def.name + "' in " + def.object_ns);
  }

  Result<void> apply(const CsvDefinition& def, const Kind& kind, store::RegistrationWriter& w) {
    // Map the deposit's columns onto the importer's slots.
    Row row;
    row.positions_.assign(kind.columns.size(), -1);
    std::vector<std::size_t> required_positions;
    for (std::size_t pos = 0; pos < def.fields.size(); ++pos) {
      const Field& f = def.fields[pos];
      bool known = false;
      for (std::size_t slot = 0; slot < kind.columns.size(); ++slot) {
        const Column& c = kind.columns[slot];
        if (c.ns == f.ns && c.local == f.local && c.custom == f.custom_name &&
            (c.index < 0 || c.index == f.index)) {
          row.positions_[slot] = static_cast<int>(pos);
          known = true;
        }
      }
      if (f.required) required_positions.push_back(pos);
      if (!known) {
        report_.notes.push_back("csv '" + def.name + "': column " + f.local +
                                (f.custom_name.empty() ? "" : " '" + f.custom_name + "'") + " (" + f.ns +
                                ") is not stored");
      }
    }
    for (const std::size_t slot : kind.required) {
      if (row.positions_[slot] < 0) {
        return fail(ErrorCode::invalid_input, "csv '" + def.name + "' lacks the required field " +
                                                  std::string(kind.columns[slot].local));
      }
      required_positions.push_back(static_cast<std::size_t>(row.positions_[slot]));
    }
    for (const auto& file : def.files) {
      auto ok = apply_file(def, file, kind, row, required_positions, w);
      if (!ok) return ok;
    }
    return {};
  }

  // `row` is a copy: it points at this call's fields, which must not outlive it.
  Result<void> apply_file(const CsvDefinition& def, const FileRef& file, const Kind& kind, Row row,
                          const std::vector<std::size_t>& required_positions, store::RegistrationWriter& w) {
    auto data = read_file(dir_ / file.name);
    if (!data) return std::unexpected(with_context(data.error(), "csv '" + def.name + "'"));
    const std::string sha256 = sha256_hex(*data);
    const std::string actual = file.checksum_algorithm == "CRC32" ? crc32_hex(*data) : sha256;
    report_.files.emplace_back(file.name, lower(sha256));
    if (actual != file.checksum) {
      return fail(ErrorCode::invalid_input, file.name + ": " + file.checksum_algorithm + " checksum is " +
                                                actual + ", the deposit says " + file.checksum);
    }
    if (!file.compression.empty()) {
      if (file.compression != "gzip") {
        return fail(ErrorCode::invalid_input,
                    file.name + ": unsupported compression '" + file.compression + "'");
      }
      auto plain = gunzip(*data, file.name);
      if (!plain) return std::unexpected(plain.error());
      *data = std::move(*plain);
    }
    CsvReader reader(*data, def.separator);
    std::vector<std::string_view> fields;
    row.fields_ = &fields;
    std::int64_t& count = report_.rows[def.name];
    for (;;) {
      auto more = reader.next(fields);
      if (!more) return std::unexpected(row_error(file.name, reader.line(), more.error().message));
      if (!*more) break;
      if (fields.size() != def.fields.size()) {
        return std::unexpected(row_error(file.name, reader.line(),
                                         "expected " + std::to_string(def.fields.size()) + " fields, found " +
                                             std::to_string(fields.size())));
      }
      for (const std::size_t pos : required_positions) {
        if (fields[pos].empty()) {
          return std::unexpected(
              row_error(file.name, reader.line(), "required field " + def.fields[pos].local + " is empty"));
        }
      }
      for (std::size_t pos = 0; pos < fields.size(); ++pos) {
        if (auto ok = check_text_value(fields[pos]); !ok) {
          const Field& f = def.fields[pos];
          return std::unexpected(row_error(file.name, reader.line(),
                                           "field " + f.local +
                                               (f.custom_name.empty() ? "" : " '" + f.custom_name + "'") +
                                               " " + ok.error().message));
        }
      }
      if (auto ok = kind.handler(row, w); !ok) {
        return std::unexpected(row_error(file.name, reader.line(), ok.error().message));
      }
      ++count;
    }
    return {};
  }

  Result<DomainName> domain_name(std::string_view text) {
    auto name = normalize_domain_name(text);
    if (!name) return std::unexpected(name.error());
    if (top_level_label(name->ldh) != deposit_.tld) {
      return fail(ErrorCode::invalid_input,
                  "domain '" + name->ldh + "' is not under the deposit's TLD '" + deposit_.tld + "'");
    }
    return name;
  }

  // The normalised name as children of a domain refer to it (they must use the same spelling rules).
  // Names already in lower-case LDH form are used as they are: normalising would return them unchanged,
  // and an invalid one cannot match a stored domain, so the lookup reports it as unknown.
  static Result<std::string> ldh(std::string_view text) {
    if (!text.empty() &&
        text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string_view::npos &&
        text.back() != '.') {
      return std::string(text);
    }
    auto name = normalize_domain_name(text);
    if (!name) return std::unexpected(name.error());
    return std::move(name->ldh);
  }

  const std::vector<Kind>& delete_kinds() {
    if (delete_kinds_.empty()) {
      delete_kinds_ = {
          {kCsvDomainNs,
           "domain",
           0,
           {{kCsvDomainNs, "fName"}},
           {0},
           [this](const Row& r, store::RegistrationWriter& w) -> Result<void> {
             auto name = ldh(r[0]);
             if (!name) return std::unexpected(name.error());
             ++report_.deleted;
             return w.delete_domain(*name);
           }},
          {kCsvHostNs,
           "host",
           1,
           {{kRdeCsvNs, "fRoid"}},
           {0},
           [this](const Row& r, store::RegistrationWriter& w) {
             ++report_.deleted;
             return w.delete_host_by_roid(r[0]);
           }},
          {kCsvContactNs,
           "contact",
           2,
           {{kCsvContactNs, "fId"}},
           {0},
           [this](const Row& r, store::RegistrationWriter& w) {
             ++report_.deleted;
             return w.delete_contact(r[0]);
           }},
          {kCsvRegistrarNs,
           "registrar",
           3,
           {{kCsvRegistrarNs, "fId"}},
           {0},
           [this](const Row& r, store::RegistrationWriter& w) {
             ++report_.deleted;
             return w.delete_registrar(r[0]);
           }},
      };
    }
    return delete_kinds_;
  }

  const std::vector<Kind>& content_kinds();

  const Deposit& deposit_;
  std::filesystem::path dir_;
  ImportReport& report_;
  std::vector<Kind> delete_kinds_, content_kinds_;
};

const std::vector<Kind>& Importer::content_kinds() {
  if (!content_kinds_.empty()) return content_kinds_;
  using W = store::RegistrationWriter;

  // registrar
  enum {
    rId,
    rName,
    rGurid,
    rStatus,
    rStreet0,
    rStreet1,
    rStreet2,
    rCity,
    rSp,
    rPc,
    rCc,
    rVoice,
    rVoiceExt,
    rFax,
    rFaxExt,
    rEmail,
    rUrl,
    rWhois,
    rCrDate,
    rUpDate,
    rRdap,
    rAbuseEmail,
    rAbusePhone
  };
  content_kinds_.push_back({kCsvRegistrarNs,
                            "registrar",
                            0,
                            {{kCsvRegistrarNs, "fId"},
                             {kCsvRegistrarNs, "fName"},
                             {kCsvRegistrarNs, "fGurid"},
                             {kCsvRegistrarNs, "fStatus"},
                             {kCsvContactNs, "fStreet", {}, 0},
                             {kCsvContactNs, "fStreet", {}, 1},
                             {kCsvContactNs, "fStreet", {}, 2},
                             {kCsvContactNs, "fCity"},
                             {kCsvContactNs, "fSp"},
                             {kCsvContactNs, "fPc"},
                             {kCsvContactNs, "fCc"},
                             {kCsvContactNs, "fVoice"},
                             {kCsvContactNs, "fVoiceExt"},
                             {kCsvContactNs, "fFax"},
                             {kCsvContactNs, "fFaxExt"},
                             {kCsvContactNs, "fEmail"},
                             {kRdeCsvNs, "fUrl"},
                             {kCsvRegistrarNs, "fWhoisUrl"},
                             {kRdeCsvNs, "fCrDate"},
                             {kRdeCsvNs, "fUpDate"},
                             {kRdeCsvNs, "fCustom", "rdapBaseUrl"},
                             {kRdeCsvNs, "fCustom", "abuseEmail"},
                             {kRdeCsvNs, "fCustom", "abusePhone"}},
                            {rId, rName},
                            [](const Row& r, W& w) -> Result<void> {
                              model::Registrar reg;
                              reg.handle = r[rId];
                              reg.name = r[rName];
                              SSAD_TRY(gurid, optional_int(r[rGurid], "fGurid"));
                              reg.iana_id = gurid;
                              reg.status = r[rStatus];
                              for (int i = 0; i < 3; ++i)
                                reg.address.street[i] =
                                    r[static_cast<std::size_t>(rStreet0) + static_cast<std::size_t>(i)];
                              reg.address.city = r[rCity];
                              reg.address.state_province = r[rSp];
                              reg.address.postal_code = r[rPc];
                              SSAD_TRY(cc, country_code(r[rCc]));
                              reg.address.country_code = cc;
                              reg.voice = r[rVoice];
                              reg.voice_ext = r[rVoiceExt];
                              reg.fax = r[rFax];
                              reg.fax_ext = r[rFaxExt];
                              reg.email = r[rEmail];
                              reg.url = r[rUrl];
                              reg.whois_server = r[rWhois];
                              reg.rdap_base_url = r[rRdap];
                              reg.abuse_email = r[rAbuseEmail];
                              reg.abuse_phone = r[rAbusePhone];
                              std::optional<Error> error;
                              reg.created = optional_time(r[rCrDate], error);
                              reg.updated = optional_time(r[rUpDate], error);
                              if (error) return std::unexpected(*error);
                              return w.put_registrar(reg);
                            }});

  // contact and its children
  enum { cId, cRoid, cVoice, cVoiceExt, cFax, cFaxExt, cEmail, cClID, cCrDate, cUpDate, cPerson, cPrivacy };
  content_kinds_.push_back({kCsvContactNs,
                            "contact",
                            10,
                            {{kCsvContactNs, "fId"},
                             {kRdeCsvNs, "fRoid"},
                             {kCsvContactNs, "fVoice"},
                             {kCsvContactNs, "fVoiceExt"},
                             {kCsvContactNs, "fFax"},
                             {kCsvContactNs, "fFaxExt"},
                             {kCsvContactNs, "fEmail"},
                             {kRdeCsvNs, "fClID"},
                             {kRdeCsvNs, "fCrDate"},
                             {kRdeCsvNs, "fUpDate"},
                             {kRdeCsvNs, "fCustom", "personType"},
                             {kRdeCsvNs, "fCustom", "privacyService"}},
                            {cId, cRoid},
                            [](const Row& r, W& w) -> Result<void> {
                              model::Contact c;
                              c.handle = r[cId];
                              c.roid = r[cRoid];
                              c.voice = r[cVoice];
                              c.voice_ext = r[cVoiceExt];
                              c.fax = r[cFax];
                              c.fax_ext = r[cFaxExt];
                              c.email = r[cEmail];
                              c.registrar = r[cClID];
                              SSAD_TRY(person, model::parse_person_type(r[cPerson]));
                              c.person_type = person;
                              c.privacy_service = r[cPrivacy];
                              std::optional<Error> error;
                              c.created = optional_time(r[cCrDate], error);
                              c.updated = optional_time(r[cUpDate], error);
                              if (error) return std::unexpected(*error);
                              return w.put_contact(c);
                            }});
  content_kinds_.push_back(
      {kCsvContactNs,
       "contactStatuses",
       11,
       {{kCsvContactNs, "fId"}, {kCsvContactNs, "fStatus"}, {kRdeCsvNs, "fStatusDescription"}},
       {0, 1},
       [](const Row& r, W& w) -> Result<void> {
         SSAD_TRY(s, status(r[1], r[2]));
         return w.add_contact_status(r[0], s);
       }});
  enum { pId, pType, pName, pOrg, pStreet0, pStreet1, pStreet2, pCity, pSp, pPc, pCc };
  content_kinds_.push_back({kCsvContactNs,
                            "contactPostal",
                            12,
                            {{kCsvContactNs, "fId"},
                             {kCsvContactNs, "fPostalType"},
                             {kCsvContactNs, "fName"},
                             {kCsvContactNs, "fOrg"},
                             {kCsvContactNs, "fStreet", {}, 0},
                             {kCsvContactNs, "fStreet", {}, 1},
                             {kCsvContactNs, "fStreet", {}, 2},
                             {kCsvContactNs, "fCity"},
                             {kCsvContactNs, "fSp"},
                             {kCsvContactNs, "fPc"},
                             {kCsvContactNs, "fCc"}},
                            {pId, pType},
                            [](const Row& r, W& w) -> Result<void> {
                              model::PostalInfo p;
                              p.type = r[pType];
                              p.name = r[pName];
                              p.organization = r[pOrg];
                              for (int i = 0; i < 3; ++i)
                                p.address.street[i] =
                                    r[static_cast<std::size_t>(pStreet0) + static_cast<std::size_t>(i)];
                              p.address.city = r[pCity];
                              p.address.state_province = r[pSp];
                              p.address.postal_code = r[pPc];
                              SSAD_TRY(cc, country_code(r[pCc]));
                              p.address.country_code = cc;
                              return w.add_contact_postal(r[pId], p);
                            }});
  content_kinds_.push_back({kCsvContactNs,
                            "contactDisclose",
                            13,
                            {{kCsvContactNs, "fId"},
                             {kCsvContactNs, "fDiscloseFlag"},
                             {kCsvContactNs, "fDiscloseNameLoc"},
                             {kCsvContactNs, "fDiscloseNameInt"},
                             {kCsvContactNs, "fDiscloseOrgLoc"},
                             {kCsvContactNs, "fDiscloseOrgInt"},
                             {kCsvContactNs, "fDiscloseAddrLoc"},
                             {kCsvContactNs, "fDiscloseAddrInt"},
                             {kCsvContactNs, "fDiscloseVoice"},
                             {kCsvContactNs, "fDiscloseFax"},
                             {kCsvContactNs, "fDiscloseEmail"}},
                            {0, 1},
                            [](const Row& r, W& w) -> Result<void> {
                              auto yes = [&](std::size_t slot) {
                                return r[slot] == "1" || r[slot] == "true";
                              };
                              // EPP disclose flag="1" lists what the contact agreed to publish; flag="0"
                              // lists what it withholds, which grants no consent.
                              unsigned consent = 0;
                              if (yes(1)) {
                                if (yes(2) || yes(3)) consent |= model::kConsentName;
                                if (yes(4) || yes(5)) consent |= model::kConsentOrganization;
                                if (yes(6) || yes(7)) consent |= model::kConsentAddress;
                                if (yes(8)) consent |= model::kConsentVoice;
                                if (yes(9)) consent |= model::kConsentFax;
                                if (yes(10)) consent |= model::kConsentEmail;
                              }
                              return w.set_contact_consent(r[0], consent);
                            }});

  // host and its children
  enum { hName, hRoid, hClID, hCrDate, hUpDate, hTrDate };
  content_kinds_.push_back({kCsvHostNs,
                            "host",
                            20,
                            {{kCsvHostNs, "fName"},
                             {kRdeCsvNs, "fRoid"},
                             {kRdeCsvNs, "fClID"},
                             {kRdeCsvNs, "fCrDate"},
                             {kRdeCsvNs, "fUpDate"},
                             {kRdeCsvNs, "fTrDate"}},
                            {hName, hRoid},
                            [](const Row& r, W& w) -> Result<void> {
                              model::Host h;
                              SSAD_TRY(name, normalize_domain_name(r[hName]));
                              h.name = name;
                              h.roid = r[hRoid];
                              h.registrar = r[hClID];
                              std::optional<Error> error;
                              h.created = optional_time(r[hCrDate], error);
                              h.updated = optional_time(r[hUpDate], error);
                              h.transferred = optional_time(r[hTrDate], error);
                              if (error) return std::unexpected(*error);
                              return w.put_host(h);
                            }});
  content_kinds_.push_back(
      {kCsvHostNs,
       "hostStatuses",
       21,
       {{kRdeCsvNs, "fRoid"}, {kCsvHostNs, "fStatus"}, {kRdeCsvNs, "fStatusDescription"}},
       {0, 1},
       [](const Row& r, W& w) -> Result<void> {
         SSAD_TRY(s, status(r[1], r[2]));
         return w.add_host_status(r[0], s);
       }});
  content_kinds_.push_back({kCsvHostNs,
                            "hostAddresses",
                            22,
                            {{kRdeCsvNs, "fRoid"}, {kCsvHostNs, "fAddr"}, {kCsvHostNs, "fAddrVersion"}},
                            {0, 1},
                            [](const Row& r, W& w) -> Result<void> {
                              SSAD_TRY(ip, model::canonical_ip_address(r[1]));
                              const std::string_view version = r[2];
                              if (!version.empty() && version != (ip.second == 4 ? "v4" : "v6")) {
                                return fail(ErrorCode::invalid_input, "address " + std::string(r[1]) +
                                                                          " is not " + std::string(version));
                              }
                              return w.add_host_address(r[0], ip.first);
                            }});

  // domain and its children
  enum { dName, dRoid, dIdnTable, dRegistrant, dClID, dCrDate, dUpDate, dExDate, dTrDate, dReseller };
  content_kinds_.push_back({kCsvDomainNs,
                            "domain",
                            30,
                            {{kCsvDomainNs, "fName"},
                             {kRdeCsvNs, "fRoid"},
                             {kRdeCsvNs, "fIdnTableId"},
                             {kRdeCsvNs, "fRegistrant"},
                             {kRdeCsvNs, "fClID"},
                             {kRdeCsvNs, "fCrDate"},
                             {kRdeCsvNs, "fUpDate"},
                             {kRdeCsvNs, "fExDate"},
                             {kRdeCsvNs, "fTrDate"},
                             {kRdeCsvNs, "fCustom", "reseller"}},
                            {dName, dRoid, dClID},
                            [this](const Row& r, W& w) -> Result<void> {
                              model::Domain d;
                              SSAD_TRY(name, domain_name(r[dName]));
                              d.name = std::move(name);
                              d.roid = r[dRoid];
                              d.idn_table = r[dIdnTable];
                              d.registrar = r[dClID];
                              d.reseller = r[dReseller];
                              std::optional<Error> error;
                              d.created = optional_time(r[dCrDate], error);
                              d.updated = optional_time(r[dUpDate], error);
                              d.expires = optional_time(r[dExDate], error);
                              d.transferred = optional_time(r[dTrDate], error);
                              if (error) return std::unexpected(*error);
                              if (!r[dRegistrant].empty()) {
                                d.contacts.push_back(
                                    {model::ContactRole::registrant, std::string(r[dRegistrant])});
                              }
                              return w.put_domain(d);
                            }});
  content_kinds_.push_back({kCsvDomainNs,
                            "domainContacts",
                            31,
                            {{kCsvDomainNs, "fName"}, {kCsvContactNs, "fId"}, {kCsvDomainNs, "fContactType"}},
                            {0, 1, 2},
                            [](const Row& r, W& w) -> Result<void> {
                              SSAD_TRY(name, ldh(r[0]));
                              SSAD_TRY(role, model::parse_contact_role(r[2]));
                              if (role == model::ContactRole::registrant) {
                                return fail(ErrorCode::invalid_input,
                                            "the registrant belongs in the domain file's fRegistrant");
                              }
                              return w.add_domain_contact(name, {role, std::string(r[1])});
                            }});
  content_kinds_.push_back({kCsvDomainNs,
                            "domainStatuses",
                            32,
                            {{kCsvDomainNs, "fName"},
                             {kCsvDomainNs, "fStatus"},
                             {kRdeCsvNs, "fStatusDescription"},
                             {kCsvDomainNs, "fRgpStatus"}},
                            {0, 1},
                            [](const Row& r, W& w) -> Result<void> {
                              SSAD_TRY(name, ldh(r[0]));
                              SSAD_TRY(s, status(r[1], r[2]));
                              if (auto ok = w.add_domain_status(name, s); !ok) return ok;
                              if (r[3].empty()) return {};
                              SSAD_TRY(rgp, status(r[3], ""));
                              return w.add_domain_status(name, rgp);
                            }});
  content_kinds_.push_back({kCsvDomainNs,
                            "domainNameServers",
                            33,
                            {{kCsvDomainNs, "fName"}, {kCsvHostNs, "fName"}, {kRdeCsvNs, "fRoid"}},
                            {0},
                            [](const Row& r, W& w) -> Result<void> {
                              SSAD_TRY(name, ldh(r[0]));
                              if (!r[1].empty()) {
                                SSAD_TRY(host, ldh(r[1]));
                                return w.add_domain_nameserver(name, host, false);
                              }
                              if (r[2].empty()) return fail(ErrorCode::invalid_input, "no host name or ROID");
                              return w.add_domain_nameserver(name, r[2], true);
                            }});
  enum { sName, sMaxSig, sKeyTag, sDsAlg, sDigestType, sDigest, sFlags, sProtocol, sKeyAlg, sPubKey };
  content_kinds_.push_back({kCsvDomainNs,
                            "dnssec",
                            34,
                            {{kCsvDomainNs, "fName"},
                             {kCsvDomainNs, "fMaxSigLife"},
                             {kCsvDomainNs, "fKeyTag"},
                             {kCsvDomainNs, "fDsAlg"},
                             {kCsvDomainNs, "fDigestType"},
                             {kCsvDomainNs, "fDigest"},
                             {kCsvDomainNs, "fFlags"},
                             {kCsvDomainNs, "fProtocol"},
                             {kCsvDomainNs, "fKeyAlg"},
                             {kCsvDomainNs, "fPubKey"}},
                            {0},
                            [](const Row& r, W& w) -> Result<void> {
                              SSAD_TRY(name, ldh(r[sName]));
                              SSAD_TRY(max_sig, optional_int(r[sMaxSig], "fMaxSigLife"));
                              if (!r[sDigest].empty()) {
                                model::DsData ds;
                                SSAD_TRY(tag, parse_int<std::uint32_t>(r[sKeyTag], "fKeyTag"));
                                SSAD_TRY(alg, parse_int<std::uint32_t>(r[sDsAlg], "fDsAlg"));
                                SSAD_TRY(type, parse_int<std::uint32_t>(r[sDigestType], "fDigestType"));
                                ds.key_tag = tag;
                                ds.algorithm = alg;
                                ds.digest_type = type;
                                auto digest = model::canonical_hex(r[sDigest]);
                                if (!digest)
                                  return fail(ErrorCode::invalid_input, "fDigest is not hexadecimal");
                                ds.digest = std::move(*digest);
                                return w.add_domain_ds(name, ds, max_sig);
                              }
                              if (!r[sPubKey].empty()) {
                                model::KeyData key;
                                SSAD_TRY(flags, parse_int<std::uint32_t>(r[sFlags], "fFlags"));
                                SSAD_TRY(protocol, parse_int<std::uint32_t>(r[sProtocol], "fProtocol"));
                                SSAD_TRY(alg, parse_int<std::uint32_t>(r[sKeyAlg], "fKeyAlg"));
                                key.flags = flags;
                                key.protocol = protocol;
                                key.algorithm = alg;
                                key.public_key = r[sPubKey];
                                return w.add_domain_key(name, key, max_sig);
                              }
                              return fail(ErrorCode::invalid_input,
                                          "neither a DS record (fDigest) nor a key (fPubKey)");
                            }});
  content_kinds_.push_back({kCsvDomainNs,
                            "domainTransfer",
                            35,
                            {{kCsvDomainNs, "fName"}, {kRdeCsvNs, "fTrStatus"}, {kRdeCsvNs, "fAcDate"}},
                            {0, 1},
                            [](const Row& r, W& w) -> Result<void> {
                              SSAD_TRY(name, ldh(r[0]));
                              // Only completed transfers are registration data RDAP shows (the "transfer"
                              // event).
                              if (r[1] != "clientApproved" && r[1] != "serverApproved") return {};
                              if (r[2].empty()) return {};
                              SSAD_TRY(when, parse_rfc3339(r[2]));
                              return w.set_domain_transferred(name, when);
                            }});
  return content_kinds_;
}

Result<void> check_counts(const Deposit& deposit, const ImportReport& report) {
  // A FULL deposit's header counts are the number of objects it holds.
  const std::pair<std::string_view, const char*> checks[] = {{kCsvDomainNs, "domain"},
                                                             {kCsvHostNs, "host"},
                                                             {kCsvContactNs, "contact"},
                                                             {kCsvRegistrarNs, "registrar"}};
  for (const auto& [ns, name] : checks) {
    auto it = deposit.counts.find(std::string(ns));
    if (it == deposit.counts.end()) continue;
    auto rows = report.rows.find(name);
    const std::int64_t actual = rows == report.rows.end() ? 0 : rows->second;
    if (actual != it->second) {
      return fail(ErrorCode::invalid_input, "deposit header counts " + std::to_string(it->second) + " " +
                                                name + " objects but its files hold " +
                                                std::to_string(actual));
    }
  }
  return {};
}

}  // namespace

Result<ImportReport> import_escrow(store::Store& store, const std::string& xml_path, const Clock& clock,
                                   const EscrowImportOptions& options) {
  const std::filesystem::path path(xml_path);
  auto xml = read_file(path);
  if (!xml) return std::unexpected(with_context(xml.error(), "deposit"));
  auto parsed = escrow::parse_deposit(*xml);
  if (!parsed) return std::unexpected(with_context(parsed.error(), path.filename().string()));
  const Deposit& deposit = *parsed;
  ImportReport report;
  report.deposit_id = deposit.id;
  report.type = deposit.type;
  const std::string digest = sha256_hex(*xml);
  report.files.emplace_back(path.filename().string(), lower(digest));

  store::RegistrationReader& registrations = store.registrations();
  // The checks read through the unit of work: under its write lock, on the database it writes to, so
  // that an import on another node (or a replica's lag) cannot slip between the checks and the writes.
  auto work = store.begin();
  if (!work) return std::unexpected(work.error());
  store::RegistrationWriter& checked = (*work)->registrations();
  auto previous = checked.find_deposit(deposit.id);
  if (!previous) return std::unexpected(previous.error());
  if (const std::optional<store::DepositRecord>& prior = *previous; prior.has_value()) {
    if (prior->sha256 != digest) {
      return fail(ErrorCode::conflict,
                  "deposit '" + deposit.id + "' was already imported with different content");
    }
    report.already_imported = true;
    work->reset();  // nothing to write: the lock goes before the counts are read
    auto counts = registrations.counts();
    if (!counts) return std::unexpected(counts.error());
    report.counts = *counts;
    return report;
  }
  if (deposit.type != "FULL" && !options.ignore_sequence) {
    auto last_result = checked.last_deposit();
    if (!last_result) return std::unexpected(last_result.error());
    const std::optional<store::DepositRecord>& last = *last_result;
    auto anchor =
        deposit.type == "DIFF" ? last : checked.find_deposit(deposit.prev_id).value_or(std::nullopt);
    if (!anchor || anchor->id != deposit.prev_id || (deposit.type == "INCR" && anchor->type != "FULL")) {
      return fail(ErrorCode::conflict, deposit.type + " deposit '" + deposit.id + "' follows '" +
                                           deposit.prev_id + "', but the store's last deposit is " +
                                           (last.has_value() ? "'" + last->id + "'" : std::string("none")) +
                                           " (use --ignore-sequence to apply it anyway)");
    }
  }

  store::RegistrationWriter& writer = (*work)->registrations();
  Importer importer(deposit, path.parent_path(), report);
  if (auto ok = importer.run(writer); !ok) return std::unexpected(ok.error());
  if (deposit.type == "FULL") {
    if (auto ok = check_counts(deposit, report); !ok) return std::unexpected(ok.error());
  }
  const Timestamp now = clock.now();
  if (auto ok = writer.record_deposit(
          {deposit.id, deposit.type, deposit.prev_id, deposit.tld, deposit.watermark, digest, now});
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = record_import(**work, report, "import.escrow", options.actor, now); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = (*work)->commit(now); !ok) return std::unexpected(ok.error());
  report.audit_entry = (*work)->audit_log().first_appended();
  auto counts = registrations.counts();
  if (!counts) return std::unexpected(counts.error());
  report.counts = *counts;
  return report;
}

Result<void> record_import(store::UnitOfWork& work, const ImportReport& report, std::string_view action,
                           const audit::Actor& actor, Timestamp now) {
  audit::Entry entry;
  entry.time = now;
  entry.actor = actor;
  entry.action = std::string(action);
  entry.object = {"deposit", report.deposit_id};
  std::string rows;
  for (const auto& [kind, count] : report.rows) {
    rows += (rows.empty() ? "" : " ") + kind + "=" + std::to_string(count);
  }
  // The files as "name=sha256" separated by spaces, and the SHA-256 of that text (which still fits when
  // a deposit has so many files that the list does not).
  std::string files;
  for (const auto& [name, sha256] : report.files) {
    if (!files.empty()) files += ' ';
    files.append(name).append("=").append(sha256);
  }
  entry.detail = {{"type", report.type},
                  {"rows", rows},
                  {"deleted", std::to_string(report.deleted)},
                  {"files_sha256", tlog::hex(tlog::sha256(files))}};
  if (files.size() <= audit::kMaxDetailValueBytes) entry.detail.emplace_back("files", files);
  return audit::record(work, std::move(entry));
}

}  // namespace ssad::ingest
