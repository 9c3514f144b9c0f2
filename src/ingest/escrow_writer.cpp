#include "ingest/escrow_writer.hpp"

#include <fstream>

#include "ingest/checksum.hpp"
#include "ingest/escrow_deposit.hpp"

namespace ssad::ingest {

// One CSV file being written: its definition for the XML, the stream and the running CRC32.
struct EscrowWriter::File {
  std::string object;  // "csvDomain", ...
  std::string name;    // definition name
  std::string file_name;
  std::vector<std::string> fields;  // XML field elements, e.g. "csvDomain:fName parent=\"true\""
  std::ofstream out;
  std::uint32_t crc = 0;
  std::string line;

  void field(std::string_view value) {
    if (!first_) line.push_back(',');
    first_ = false;
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
      line.append(value);
      return;
    }
    line.push_back('"');
    for (const char c : value) {
      if (c == '"') line.push_back('"');
      line.push_back(c);
    }
    line.push_back('"');
  }
  void end() {
    line.push_back('\n');
    crc = crc32_update(crc, line);
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    line.clear();
    first_ = true;
  }

 private:
  bool first_ = true;
};

namespace {

enum FileId {
  kRegistrar,
  kContact,
  kContactStatuses,
  kContactPostal,
  kContactDisclose,
  kHost,
  kHostStatuses,
  kHostAddresses,
  kDomain,
  kDomainContacts,
  kDomainStatuses,
  kDomainNameServers,
  kDnssecDs,
  kDnssecKey,
  kFileCount
};

struct Layout {
  const char* object;
  const char* name;
  const char* file;
  std::vector<std::string> fields;
};

const std::vector<Layout>& layouts() {
  static const std::vector<Layout> layouts_table = {
      {"csvRegistrar",
       "registrar",
       "registrar",
       {"csvRegistrar:fId",
        "csvRegistrar:fName",
        "csvRegistrar:fGurid",
        "csvRegistrar:fStatus",
        "csvContact:fStreet index=\"0\"",
        "csvContact:fStreet index=\"1\"",
        "csvContact:fStreet index=\"2\"",
        "csvContact:fCity",
        "csvContact:fSp",
        "csvContact:fPc",
        "csvContact:fCc",
        "csvContact:fVoice",
        "csvContact:fVoiceExt",
        "csvContact:fFax",
        "csvContact:fFaxExt",
        "csvContact:fEmail",
        "rdeCsv:fUrl",
        "csvRegistrar:fWhoisUrl",
        "rdeCsv:fCrDate",
        "rdeCsv:fUpDate",
        "rdeCsv:fCustom name=\"rdapBaseUrl\"",
        "rdeCsv:fCustom name=\"abuseEmail\"",
        "rdeCsv:fCustom name=\"abusePhone\""}},
      {"csvContact",
       "contact",
       "contact",
       {"csvContact:fId", "rdeCsv:fRoid", "csvContact:fVoice", "csvContact:fVoiceExt", "csvContact:fFax",
        "csvContact:fFaxExt", "csvContact:fEmail", "rdeCsv:fClID", "rdeCsv:fCrDate", "rdeCsv:fUpDate",
        "rdeCsv:fCustom name=\"personType\"", "rdeCsv:fCustom name=\"privacyService\""}},
      {"csvContact",
       "contactStatuses",
       "contactStatuses",
       {"csvContact:fId parent=\"true\"", "csvContact:fStatus", "rdeCsv:fStatusDescription"}},
      {"csvContact",
       "contactPostal",
       "contactPostal",
       {"csvContact:fId parent=\"true\"", "csvContact:fPostalType", "csvContact:fName", "csvContact:fOrg",
        "csvContact:fStreet index=\"0\"", "csvContact:fStreet index=\"1\"", "csvContact:fStreet index=\"2\"",
        "csvContact:fCity", "csvContact:fSp", "csvContact:fPc", "csvContact:fCc"}},
      {"csvContact",
       "contactDisclose",
       "contactDisclose",
       {"csvContact:fId parent=\"true\"", "csvContact:fDiscloseFlag", "csvContact:fDiscloseNameLoc",
        "csvContact:fDiscloseNameInt", "csvContact:fDiscloseOrgLoc", "csvContact:fDiscloseOrgInt",
        "csvContact:fDiscloseAddrLoc", "csvContact:fDiscloseAddrInt", "csvContact:fDiscloseVoice",
        "csvContact:fDiscloseFax", "csvContact:fDiscloseEmail"}},
      {"csvHost",
       "host",
       "host",
       {"csvHost:fName", "rdeCsv:fRoid", "rdeCsv:fClID", "rdeCsv:fCrDate", "rdeCsv:fUpDate",
        "rdeCsv:fTrDate"}},
      {"csvHost",
       "hostStatuses",
       "hostStatuses",
       {"rdeCsv:fRoid parent=\"true\"", "csvHost:fStatus", "rdeCsv:fStatusDescription"}},
      {"csvHost",
       "hostAddresses",
       "hostAddresses",
       {"rdeCsv:fRoid parent=\"true\"", "csvHost:fAddr isRequired=\"true\"",
        "csvHost:fAddrVersion isRequired=\"true\""}},
      {"csvDomain",
       "domain",
       "domain",
       {"csvDomain:fName", "rdeCsv:fRoid", "rdeCsv:fIdnTableId", "rdeCsv:fRegistrant", "rdeCsv:fClID",
        "rdeCsv:fCrDate", "rdeCsv:fUpDate", "rdeCsv:fExDate isRequired=\"true\"", "rdeCsv:fTrDate",
        "rdeCsv:fCustom name=\"reseller\""}},
      {"csvDomain",
       "domainContacts",
       "domainContacts",
       {"csvDomain:fName parent=\"true\"", "csvContact:fId", "csvDomain:fContactType"}},
      {"csvDomain",
       "domainStatuses",
       "domainStatuses",
       {"csvDomain:fName parent=\"true\"", "csvDomain:fStatus", "rdeCsv:fStatusDescription"}},
      {"csvDomain",
       "domainNameServers",
       "domainNameServers-name",
       {"csvDomain:fName parent=\"true\"", "csvHost:fName parent=\"true\""}},
      {"csvDomain",
       "dnssec",
       "dnssec-ds",
       {"csvDomain:fName parent=\"true\"", "csvDomain:fMaxSigLife", "csvDomain:fKeyTag", "csvDomain:fDsAlg",
        "csvDomain:fDigestType", "csvDomain:fDigest"}},
      {"csvDomain",
       "dnssec",
       "dnssec-key",
       {"csvDomain:fName parent=\"true\"", "csvDomain:fMaxSigLife", "csvDomain:fFlags", "csvDomain:fProtocol",
        "csvDomain:fKeyAlg", "csvDomain:fPubKey"}},
  };
  return layouts_table;
}

std::string time_text(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : std::string(); }
std::string number(std::optional<std::int64_t> n) { return n ? std::to_string(*n) : std::string(); }

}  // namespace

Result<std::unique_ptr<EscrowWriter>> EscrowWriter::create(const std::filesystem::path& directory,
                                                           std::string deposit_id, std::string tld,
                                                           Timestamp watermark) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return fail(ErrorCode::unavailable, "cannot create '" + directory.string() + "': " + ec.message());
  std::unique_ptr<EscrowWriter> writer(new EscrowWriter());
  writer->directory_ = directory;
  writer->id_ = std::move(deposit_id);
  writer->tld_ = std::move(tld);
  writer->watermark_ = watermark;
  for (const auto& layout : layouts()) {
    auto file = std::make_unique<File>();
    file->object = layout.object;
    file->name = layout.name;
    file->file_name = std::string(layout.file) + "-" + writer->id_ + ".csv";
    file->fields = layout.fields;
    file->out.open(directory / file->file_name, std::ios::binary | std::ios::trunc);
    if (!file->out)
      return fail(ErrorCode::unavailable, "cannot write '" + (directory / file->file_name).string() + "'");
    writer->files_.push_back(std::move(file));
  }
  return writer;
}

EscrowWriter::~EscrowWriter() = default;

void EscrowWriter::add(const model::Registrar& r) {
  File& f = *files_[kRegistrar];
  const std::string iana_id = number(r.iana_id);  // must outlive the views below
  for (const std::string_view v :
       {std::string_view(r.handle), std::string_view(r.name), std::string_view(iana_id),
        std::string_view(r.status), std::string_view(r.address.street[0]),
        std::string_view(r.address.street[1]), std::string_view(r.address.street[2]),
        std::string_view(r.address.city), std::string_view(r.address.state_province),
        std::string_view(r.address.postal_code), std::string_view(r.address.country_code),
        std::string_view(r.voice), std::string_view(r.voice_ext), std::string_view(r.fax),
        std::string_view(r.fax_ext), std::string_view(r.email), std::string_view(r.url),
        std::string_view(r.whois_server)}) {
    f.field(v);
  }
  f.field(time_text(r.created));
  f.field(time_text(r.updated));
  f.field(r.rdap_base_url);
  f.field(r.abuse_email);
  f.field(r.abuse_phone);
  f.end();
  ++registrars_;
}

void EscrowWriter::add(const model::Contact& c) {
  File& f = *files_[kContact];
  for (const std::string_view v :
       {std::string_view(c.handle), std::string_view(c.roid), std::string_view(c.voice),
        std::string_view(c.voice_ext), std::string_view(c.fax), std::string_view(c.fax_ext),
        std::string_view(c.email), std::string_view(c.registrar)}) {
    f.field(v);
  }
  f.field(time_text(c.created));
  f.field(time_text(c.updated));
  f.field(c.person_type == model::PersonType::unknown ? std::string_view() : model::to_string(c.person_type));
  f.field(c.privacy_service);
  f.end();
  for (const auto& s : c.statuses) {
    File& st = *files_[kContactStatuses];
    st.field(c.handle);
    st.field(s.value);
    st.field(s.description);
    st.end();
  }
  for (const auto& p : c.postal) {
    File& pf = *files_[kContactPostal];
    for (const std::string_view v :
         {std::string_view(c.handle), std::string_view(p.type), std::string_view(p.name),
          std::string_view(p.organization), std::string_view(p.address.street[0]),
          std::string_view(p.address.street[1]), std::string_view(p.address.street[2]),
          std::string_view(p.address.city), std::string_view(p.address.state_province),
          std::string_view(p.address.postal_code), std::string_view(p.address.country_code)}) {
      pf.field(v);
    }
    pf.end();
  }
  if (c.consent != 0) {
    File& d = *files_[kContactDisclose];
    auto bit = [&](unsigned b) { return (c.consent & b) != 0 ? "1" : "0"; };
    d.field(c.handle);
    for (const char* v :
         {"1", bit(model::kConsentName), bit(model::kConsentName), bit(model::kConsentOrganization),
          bit(model::kConsentOrganization), bit(model::kConsentAddress), bit(model::kConsentAddress),
          bit(model::kConsentVoice), bit(model::kConsentFax), bit(model::kConsentEmail)}) {
      d.field(v);
    }
    d.end();
  }
  ++contacts_;
}

void EscrowWriter::add(const model::Host& h) {
  File& f = *files_[kHost];
  f.field(h.name.ldh);
  f.field(h.roid);
  f.field(h.registrar);
  f.field(time_text(h.created));
  f.field(time_text(h.updated));
  f.field(time_text(h.transferred));
  f.end();
  for (const auto& s : h.statuses) {
    File& st = *files_[kHostStatuses];
    st.field(h.roid);
    st.field(s.value);
    st.field(s.description);
    st.end();
  }
  for (const auto* list : {&h.ipv4, &h.ipv6}) {
    for (const auto& a : *list) {
      File& af = *files_[kHostAddresses];
      af.field(h.roid);
      af.field(a);
      af.field(list == &h.ipv4 ? "v4" : "v6");
      af.end();
    }
  }
  ++hosts_;
}

void EscrowWriter::add(const model::Domain& d) {
  File& f = *files_[kDomain];
  std::string registrant;
  for (const auto& c : d.contacts) {
    if (c.role == model::ContactRole::registrant) registrant = c.handle;
  }
  f.field(d.name.ldh);
  f.field(d.roid);
  f.field(d.idn_table);
  f.field(registrant);
  f.field(d.registrar);
  f.field(time_text(d.created));
  f.field(time_text(d.updated));
  f.field(time_text(d.expires));
  f.field(time_text(d.transferred));
  f.field(d.reseller);
  f.end();
  for (const auto& c : d.contacts) {
    if (c.role == model::ContactRole::registrant) continue;
    File& cf = *files_[kDomainContacts];
    cf.field(d.name.ldh);
    cf.field(c.handle);
    cf.field(model::to_string(c.role));
    cf.end();
  }
  for (const auto& s : d.statuses) {
    File& sf = *files_[kDomainStatuses];
    sf.field(d.name.ldh);
    sf.field(s.value);
    sf.field(s.description);
    sf.end();
  }
  for (const auto& ns : d.nameservers) {
    File& nf = *files_[kDomainNameServers];
    nf.field(d.name.ldh);
    nf.field(ns);
    nf.end();
  }
  for (const auto& ds : d.ds) {
    File& df = *files_[kDnssecDs];
    df.field(d.name.ldh);
    df.field(number(d.max_sig_life));
    df.field(std::to_string(ds.key_tag));
    df.field(std::to_string(ds.algorithm));
    df.field(std::to_string(ds.digest_type));
    df.field(ds.digest);
    df.end();
  }
  for (const auto& key : d.keys) {
    File& kf = *files_[kDnssecKey];
    kf.field(d.name.ldh);
    kf.field(number(d.max_sig_life));
    kf.field(std::to_string(key.flags));
    kf.field(std::to_string(key.protocol));
    kf.field(std::to_string(key.algorithm));
    kf.field(key.public_key);
    kf.end();
  }
  ++domains_;
}

Result<std::filesystem::path> EscrowWriter::finish() {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<rde:deposit type=\"FULL\" id=\"" +
      id_ +
      "\"\n"
      "  xmlns:rde=\"urn:ietf:params:xml:ns:rde-1.0\"\n"
      "  xmlns:rdeHeader=\"urn:ietf:params:xml:ns:rdeHeader-1.0\"\n"
      "  xmlns:rdeCsv=\"urn:ietf:params:xml:ns:rdeCsv-1.0\"\n"
      "  xmlns:csvDomain=\"urn:ietf:params:xml:ns:csvDomain-1.0\"\n"
      "  xmlns:csvHost=\"urn:ietf:params:xml:ns:csvHost-1.0\"\n"
      "  xmlns:csvContact=\"urn:ietf:params:xml:ns:csvContact-1.0\"\n"
      "  xmlns:csvRegistrar=\"urn:ietf:params:xml:ns:csvRegistrar-1.0\">\n"
      "  <rde:watermark>" +
      format_rfc3339(watermark_) +
      "</rde:watermark>\n"
      "  <rde:rdeMenu>\n    <rde:version>1.0</rde:version>\n"
      "    <rde:objURI>urn:ietf:params:xml:ns:csvDomain-1.0</rde:objURI>\n"
      "    <rde:objURI>urn:ietf:params:xml:ns:csvHost-1.0</rde:objURI>\n"
      "    <rde:objURI>urn:ietf:params:xml:ns:csvContact-1.0</rde:objURI>\n"
      "    <rde:objURI>urn:ietf:params:xml:ns:csvRegistrar-1.0</rde:objURI>\n"
      "  </rde:rdeMenu>\n  <rde:contents>\n    <rdeHeader:header>\n"
      "      <rdeHeader:tld>" +
      tld_ + "</rdeHeader:tld>\n";
  const std::pair<const char*, std::int64_t> counts[] = {
      {"csvDomain", domains_}, {"csvHost", hosts_}, {"csvContact", contacts_}, {"csvRegistrar", registrars_}};
  for (const auto& [object, count] : counts) {
    xml += "      <rdeHeader:count uri=\"urn:ietf:params:xml:ns:" + std::string(object) + "-1.0\">" +
           std::to_string(count) + "</rdeHeader:count>\n";
  }
  xml += "    </rdeHeader:header>\n";
  for (const char* object : {"csvRegistrar", "csvContact", "csvHost", "csvDomain"}) {
    xml += "    <" + std::string(object) + ":contents>\n";
    for (const auto& file : files_) {
      if (file->object != object) continue;
      file->out.close();
      if (!file->out) return fail(ErrorCode::unavailable, "cannot write '" + file->file_name + "'");
      xml += "      <rdeCsv:csv name=\"" + file->name + "\" sep=\",\">\n        <rdeCsv:fields>\n";
      for (const auto& field : file->fields) xml += "          <" + field + "/>\n";
      xml += "        </rdeCsv:fields>\n        <rdeCsv:files>\n          <rdeCsv:file cksum=\"" +
             crc32_format(file->crc) + "\">" + file->file_name +
             "</rdeCsv:file>\n        </rdeCsv:files>\n"
             "      </rdeCsv:csv>\n";
    }
    xml += "    </" + std::string(object) + ":contents>\n";
  }
  xml += "  </rde:contents>\n</rde:deposit>\n";
  auto path = directory_ / ("deposit-" + id_ + ".xml");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << xml;
  out.close();
  if (!out) return fail(ErrorCode::unavailable, "cannot write '" + path.string() + "'");
  return path;
}

}  // namespace ssad::ingest
