// SPDX-License-Identifier: Apache-2.0
#include "src/compat/profiles.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "src/proto/ike/ike_codec.hpp"
#include "src/proto/rdp/rdp_codec.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::matrix {

using nlohmann::json;

namespace {

const std::vector<std::string> kSmb2Dialects{"2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"};
const std::vector<std::string> kTlsVersions{"ssl2", "ssl3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"};
const std::vector<std::string> kTlsServices{"any",  "https", "ldaps", "rdp",        "smtp",
                                            "imap", "pop3",  "ftp",   "postgresql", "sql-server"};
const std::vector<std::string> kCiphers{"AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"};

struct Bad {
  std::string what;
};

const json& field(const json& obj, const char* key, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key)) throw Bad{where + ": missing \"" + key + "\""};
  return obj.at(key);
}

std::string str(const json& obj, const char* key, const std::string& where) {
  const auto& v = field(obj, key, where);
  if (!v.is_string() || v.get<std::string>().empty()) throw Bad{where + "." + key + ": must be a non-empty string"};
  return v.get<std::string>();
}

std::vector<std::string> strings(const json& obj, const char* key, const std::string& where,
                                 const std::vector<std::string>* allowed = nullptr) {
  const auto& v = field(obj, key, where);
  if (!v.is_array()) throw Bad{where + "." + key + ": must be an array"};
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) throw Bad{where + "." + key + ": entries must be strings"};
    auto s = e.get<std::string>();
    if (allowed && std::find(allowed->begin(), allowed->end(), s) == allowed->end())
      throw Bad{where + "." + key + ": unknown value \"" + s + "\""};
    out.push_back(std::move(s));
  }
  return out;
}

bool boolean(const json& obj, const char* key, const std::string& where, bool fallback) {
  if (!obj.contains(key)) return fallback;
  if (!obj.at(key).is_boolean()) throw Bad{where + "." + key + ": must be true or false"};
  return obj.at(key).get<bool>();
}

bool known_group(const std::string& name) {
  const auto& all = tls::all_groups();
  return std::any_of(all.begin(), all.end(), [&](std::uint16_t g) { return tls::group_name(g) == name; });
}

// SMB and Kerberos say where their offer comes from: a public capture the unit tests compare it with,
// or documentation only.
Verification verification_of(const json& e, const std::string& where, const std::string& proto) {
  static const std::map<std::string, std::vector<std::string>> kAspects{
      {"smb", {"smb1_dialects", "smb2_dialects", "signing", "encryption_ciphers"}}, {"kerberos", {"etypes", "padata"}}};
  Verification v{str(e, "client", where), str(e, "source", where), {}, {}};
  const auto aspects = kAspects.find(proto);
  if (aspects == kAspects.end()) {
    if (e.contains("offer") || e.contains("offer_differs")) throw Bad{where + ": only SMB and Kerberos name an offer"};
    return v;
  }
  v.offer = str(e, "offer", where);
  if (v.offer != kNoPublicCapture && !v.offer.starts_with(kPublicCapture))
    throw Bad{where + ".offer: \"" + std::string(kNoPublicCapture) + "\" or \"" + kPublicCapture + " ...\""};
  if (!e.contains("offer_differs")) return v;
  if (v.offer == kNoPublicCapture) throw Bad{where + ".offer_differs: there is no capture to differ from"};
  const auto& d = e.at("offer_differs");
  if (!d.is_object()) throw Bad{where + ".offer_differs: an object of aspect: why"};
  for (const auto& [aspect, why] : d.items()) {
    if (std::find(aspects->second.begin(), aspects->second.end(), aspect) == aspects->second.end())
      throw Bad{where + ".offer_differs: unknown aspect \"" + aspect + "\""};
    if (!why.is_string() || why.get<std::string>().empty())
      throw Bad{where + ".offer_differs." + aspect + ": must say why"};
    v.offer_differs[aspect] = why.get<std::string>();
  }
  return v;
}

TlsCapture capture_of(const json& c, const std::string& where) {
  static const std::vector<std::string> kAspects{"versions", "cipher_suites", "groups", "ssl2_cipher_kinds"};
  TlsCapture out;
  out.client = str(c, "client", where);
  out.source = str(c, "source", where);
  if (c.contains("differs")) {
    const auto& d = c.at("differs");
    if (!d.is_object()) throw Bad{where + ".differs: an object of aspect: why"};
    for (const auto& [aspect, why] : d.items()) {
      if (std::find(kAspects.begin(), kAspects.end(), aspect) == kAspects.end())
        throw Bad{where + ".differs: unknown aspect \"" + aspect + "\""};
      if (!why.is_string() || why.get<std::string>().empty())
        throw Bad{where + ".differs." + aspect + ": must say why"};
      out.differs[aspect] = why.get<std::string>();
    }
  }
  return out;
}

AuthUse auth_of(const json& a, const std::string& where, bool has_kerberos) {
  static const std::vector<std::string> kNtlm{"ntlmv2", "ntlmv1", "lm"};
  AuthUse out;
  out.kerberos = boolean(a, "kerberos", where, false);
  if (out.kerberos && !has_kerberos) throw Bad{where + ".kerberos: the profile has no \"kerberos\" section"};
  if (a.contains("ntlm")) out.ntlm = strings(a, "ntlm", where, &kNtlm);
  out.guest = boolean(a, "guest", where, false);
  if (a.contains("lm_compatibility_level")) {
    const auto& l = a.at("lm_compatibility_level");
    if (!l.is_number_integer() || l.get<int>() < 0 || l.get<int>() > 5)
      throw Bad{where + ".lm_compatibility_level: 0 to 5"};
    out.lm_compatibility_level = l.get<int>();
  }
  if (!out.kerberos && out.ntlm.empty() && !out.guest) throw Bad{where + ": names no authentication path"};
  out.source = str(a, "source", where);
  if (a.contains("insecure_guest")) {
    out.insecure_guest = str(a, "insecure_guest", where);
    if (out.insecure_guest != "allowed" && out.insecure_guest != "refused")
      throw Bad{where + ".insecure_guest: allowed or refused"};
    out.insecure_guest_source = str(a, "insecure_guest_source", where);
  }
  if (out.guest && out.insecure_guest == "refused")
    throw Bad{where + ": a client that signs in as guest cannot refuse guest logons"};
  return out;
}

// "3DES-CBC/SHA1/modp1024": an IKEv1 transform by the names the vpn probe reports.
IkeV1Offer v1_offer_of(const std::string& text, const std::string& where) {
  static const std::pair<std::uint16_t, std::uint16_t> kEncs[] = {{ike::v1::kEncDes, 0},
                                                                  {ike::v1::kEnc3Des, 0},
                                                                  {ike::v1::kEncAes, 128},
                                                                  {ike::v1::kEncAes, 192},
                                                                  {ike::v1::kEncAes, 256}};
  static const std::uint16_t kHashes[] = {ike::v1::kHashMd5, ike::v1::kHashSha1, ike::v1::kHashSha256,
                                          ike::v1::kHashSha384, ike::v1::kHashSha512};
  static const std::uint16_t kGroups[] = {1, 2, 5, 14, 15, 16, 19, 20, 21};
  for (auto [enc, bits] : kEncs)
    for (auto h : kHashes)
      for (auto g : kGroups)
        if (text == ike::v1_enc_name(enc, bits) + "/" + ike::v1_hash_name(h) + "/" + ike::group_name(g))
          return {enc, bits, h, g};
  throw Bad{where + ": \"" + text + "\" is not ENC/HASH/GROUP as the vpn probe names them (3DES-CBC/SHA1/modp1024)"};
}

std::uint16_t group_code(const std::string& name, const std::string& where) {
  for (std::uint16_t g = 1; g <= 32; ++g)
    if (ike::group_name(g) == name) return g;
  throw Bad{where + ": unknown group \"" + name + "\""};
}

// One IKEv2 proposal: {"encryption": [...], "integrity": [...], "prf": [...], "groups": [...]}.
IkeV2Offer v2_offer_of(const json& j, const std::string& where) {
  struct Kind {
    const char* key;
    std::uint8_t type;
    std::vector<std::pair<std::uint16_t, std::uint16_t>> ids;  // id, key length
  };
  static const Kind kKinds[] = {
      {"encryption",
       ike::v2::kEncr,
       {{3, 0},
        {12, 128},
        {12, 192},
        {12, 256},
        {13, 128},
        {13, 192},
        {13, 256},
        {18, 128},
        {18, 192},
        {18, 256},
        {19, 128},
        {19, 192},
        {19, 256},
        {20, 128},
        {20, 192},
        {20, 256},
        {28, 0}}},
      {"integrity", ike::v2::kInteg, {{1, 0}, {2, 0}, {5, 0}, {8, 0}, {12, 0}, {13, 0}, {14, 0}}},
      {"prf", ike::v2::kPrf, {{1, 0}, {2, 0}, {4, 0}, {5, 0}, {6, 0}, {7, 0}, {8, 0}}}};
  IkeV2Offer out;
  for (const auto& k : kKinds) {
    if (!j.contains(k.key) && k.type == ike::v2::kInteg) continue;  // AEAD ciphers have none
    for (const auto& name : strings(j, k.key, where)) {
      bool found = false;
      for (auto [id, bits] : k.ids)
        if (ike::v2_transform_name({k.type, id, bits}) == name) {
          out.transforms.push_back({k.type, id, bits});
          found = true;
        }
      if (!found) throw Bad{where + "." + k.key + ": unknown transform \"" + name + "\""};
    }
  }
  for (const auto& g : strings(j, "groups", where)) out.groups.push_back(group_code(g, where + ".groups"));
  if (out.groups.empty()) throw Bad{where + ".groups: empty"};
  return out;
}

RdpUse rdp_of(const json& r, const std::string& where) {
  static const std::vector<std::string> kFlags{"PROTOCOL_SSL", "PROTOCOL_HYBRID", "PROTOCOL_RDSTLS",
                                               "PROTOCOL_HYBRID_EX"};
  RdpUse out;
  out.requested_protocols = strings(r, "requested_protocols", where, &kFlags);
  for (const auto& f : out.requested_protocols)
    for (std::uint32_t bit : {rdp::kProtocolSsl, rdp::kProtocolHybrid, rdp::kProtocolRdstls, rdp::kProtocolHybridEx})
      if (rdp::protocol_name(bit) == f) out.requested |= bit;
  out.standard_security = boolean(r, "standard_security", where, false);
  if (out.requested == 0 && !out.standard_security) throw Bad{where + ": requests no security protocol"};
  out.source = str(r, "source", where);
  return out;
}

VpnUse vpn_of(const json& v, const std::string& where) {
  VpnUse out;
  if (v.contains("pptp")) {
    out.pptp = true;
    out.pptp_source = str(v.at("pptp"), "source", where + ".pptp");
  }
  if (v.contains("l2tp_ipsec") && v.at("l2tp_ipsec").contains("no_source")) {
    out.ikev1_no_source = str(v.at("l2tp_ipsec"), "no_source", where + ".l2tp_ipsec");
  } else if (v.contains("l2tp_ipsec")) {
    const auto& l = v.at("l2tp_ipsec");
    const std::string w = where + ".l2tp_ipsec";
    for (const auto& t : strings(l, "transforms", w)) out.ikev1.push_back(v1_offer_of(t, w + ".transforms"));
    if (out.ikev1.empty()) throw Bad{w + ".transforms: empty"};
    static const std::vector<std::string> kAuth{"RSA-sig", "PSK"};
    out.ikev1_auth = strings(l, "auth", w, &kAuth);
    if (out.ikev1_auth.empty()) throw Bad{w + ".auth: empty"};
    if (l.contains("nat_t_behind_nat")) out.ikev1_nat_t_behind_nat = boolean(l, "nat_t_behind_nat", w, true);
    out.ikev1_source = str(l, "source", w);
  }
  if (v.contains("ikev2") && v.at("ikev2").contains("no_source")) {
    out.ikev2_no_source = str(v.at("ikev2"), "no_source", where + ".ikev2");
  } else if (v.contains("ikev2")) {
    const auto& k = v.at("ikev2");
    const std::string w = where + ".ikev2";
    const auto& proposals = field(k, "proposals", w);
    if (!proposals.is_array() || proposals.empty()) throw Bad{w + ".proposals: a non-empty array"};
    for (const auto& p : proposals) out.ikev2.push_back(v2_offer_of(p, w + ".proposals"));
    out.ikev2_source = str(k, "source", w);
  }
  for (const auto* why : {&out.ikev1_no_source, &out.ikev2_no_source})
    if (!why->empty() && !why->starts_with("no source: "))
      throw Bad{where + ": a no_source entry starts with \"no source: \" and says why"};
  if (!out.pptp && out.ikev1.empty() && out.ikev2.empty() && out.ikev1_no_source.empty() && out.ikev2_no_source.empty())
    throw Bad{where + ": names no VPN protocol"};
  out.complete = boolean(v, "complete", where, false);
  return out;
}

}  // namespace

std::uint16_t tls_group_code(const std::string& name) {
  for (auto g : tls::all_groups())
    if (tls::group_name(g) == name) return g;
  return 0;
}

Decoded<ClientProfile> parse_profile(const json& doc) {
  ClientProfile p;
  try {
    p.id = str(doc, "id", "profile");
    const std::string at = "profile " + p.id;
    for (char c : p.id)
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
            c == '.'))
        throw Bad{at + ": id must be lower-case letters, digits, '-' and '.'"};
    p.name = str(doc, "name", at);
    p.family = str(doc, "family", at);
    static const std::vector<std::string> kProtocols{"smb", "kerberos", "tls", "ldap", "netbios", "rdp", "vpn"};
    p.protocols = strings(doc, "protocols", at, &kProtocols);
    if (p.protocols.empty()) throw Bad{at + ": names no protocol"};
    for (const auto& proto : p.protocols)
      if (!doc.contains(proto)) throw Bad{at + ": lists protocol " + proto + " but has no \"" + proto + "\" section"};
    for (const auto& proto : kProtocols)
      if (doc.contains(proto) && std::find(p.protocols.begin(), p.protocols.end(), proto) == p.protocols.end())
        throw Bad{at + ": has a \"" + proto + "\" section but does not list it in protocols"};
    if (doc.contains("smb")) {
      const auto& s = doc.at("smb");
      SmbOffer o;
      o.smb1_dialects = strings(s, "smb1_dialects", at + ".smb");
      o.smb2_dialects = strings(s, "smb2_dialects", at + ".smb", &kSmb2Dialects);
      o.signing = str(s, "signing", at + ".smb");
      if (o.signing != "disabled" && o.signing != "enabled" && o.signing != "required")
        throw Bad{at + ".smb.signing: disabled, enabled or required"};
      o.multiprotocol_negotiate = boolean(s, "multiprotocol_negotiate", at + ".smb", false);
      if (s.contains("encryption_ciphers"))
        o.encryption_ciphers = strings(s, "encryption_ciphers", at + ".smb", &kCiphers);
      field(s, "encryption", at + ".smb");  // required: every SMB client says whether it can encrypt
      o.encryption = boolean(s, "encryption", at + ".smb", false);
      o.encryption_source = str(s, "encryption_source", at + ".smb");
      o.source = str(s, "source", at + ".smb");
      if (o.encryption && std::none_of(o.smb2_dialects.begin(), o.smb2_dialects.end(),
                                       [](const std::string& d) { return d.starts_with("3."); }))
        throw Bad{at + ".smb.encryption: SMB encryption needs an SMB 3.x dialect"};
      if (o.smb1_dialects.empty() && o.smb2_dialects.empty()) throw Bad{at + ".smb: offers no dialect"};
      if (!o.smb2_dialects.empty() && !o.smb1_dialects.empty() && !o.multiprotocol_negotiate)
        throw Bad{at + ".smb: SMB1 and SMB2 dialects need multiprotocol_negotiate"};
      p.smb = std::move(o);
    }
    if (doc.contains("kerberos")) {
      const auto& k = doc.at("kerberos");
      KerberosOffer o;
      const auto& e = field(k, "etypes", at + ".kerberos");
      if (!e.is_array() || e.empty()) throw Bad{at + ".kerberos.etypes: a non-empty array of numbers"};
      for (const auto& n : e) {
        if (!n.is_number_integer()) throw Bad{at + ".kerberos.etypes: numbers only"};
        o.etypes.push_back(n.get<std::int32_t>());
      }
      o.starts_on = str(k, "starts_on", at + ".kerberos");
      if (o.starts_on != "udp" && o.starts_on != "tcp") throw Bad{at + ".kerberos.starts_on: udp or tcp"};
      o.source = str(k, "source", at + ".kerberos");
      p.kerberos = std::move(o);
    }
    if (doc.contains("tls")) {
      const auto& t = doc.at("tls");
      if (!t.is_array() || t.empty()) throw Bad{at + ".tls: a non-empty array of TLS stacks"};
      for (const auto& st : t) {
        TlsStack s;
        s.stack = str(st, "stack", at + ".tls");
        const std::string w = at + ".tls[" + s.stack + "]";
        s.services = strings(st, "services", w, &kTlsServices);
        if (s.services.empty()) throw Bad{w + ".services: empty"};
        s.services_source = str(st, "services_source", w);
        s.versions = strings(st, "versions", w, &kTlsVersions);
        if (s.versions.empty()) throw Bad{w + ".versions: empty"};
        for (const auto& hex : strings(st, "cipher_suites", w)) {
          unsigned v = 0;
          auto [ptr, ec] =
              std::from_chars(hex.data() + (hex.starts_with("0x") ? 2 : 0), hex.data() + hex.size(), v, 16);
          if (!hex.starts_with("0x") || ec != std::errc() || ptr != hex.data() + hex.size() || v > 0xffff)
            throw Bad{w + ".cipher_suites: \"" + hex + "\" is not 0xHHHH"};
          s.cipher_suites.push_back(static_cast<std::uint16_t>(v));
        }
        if (s.cipher_suites.empty()) throw Bad{w + ".cipher_suites: empty"};
        if (st.contains("groups")) s.groups = strings(st, "groups", w);
        for (const auto& g : s.groups)
          if (!known_group(g)) throw Bad{w + ".groups: unknown group \"" + g + "\""};
        s.sslv2_hello = boolean(st, "sslv2_hello", w, false);
        if (st.contains("ssl2_cipher_kinds")) {
          for (const auto& hex : strings(st, "ssl2_cipher_kinds", w)) {
            unsigned v = 0;
            auto [ptr, ec] =
                std::from_chars(hex.data() + (hex.starts_with("0x") ? 2 : 0), hex.data() + hex.size(), v, 16);
            if (!hex.starts_with("0x") || hex.size() != 8 || ec != std::errc() || ptr != hex.data() + hex.size())
              throw Bad{w + ".ssl2_cipher_kinds: \"" + hex + "\" is not 0xHHHHHH"};
            s.ssl2_cipher_kinds.push_back(v);
          }
        }
        const bool ssl2 = std::find(s.versions.begin(), s.versions.end(), "ssl2") != s.versions.end();
        if (ssl2 && !s.sslv2_hello)
          throw Bad{w + ": a client that speaks SSL 2.0 sends an SSL 2.0-format hello (sslv2_hello)"};
        if (ssl2 && s.ssl2_cipher_kinds.empty()) throw Bad{w + ": version ssl2 needs ssl2_cipher_kinds"};
        if (!s.sslv2_hello && !s.ssl2_cipher_kinds.empty())
          throw Bad{w + ": ssl2_cipher_kinds are sent only in an SSL 2.0-format hello (sslv2_hello)"};
        if (st.contains("capture")) s.capture = capture_of(st.at("capture"), w + ".capture");
        s.source = str(st, "source", w);
        p.tls.push_back(std::move(s));
      }
    }
    if (doc.contains("ldap")) {
      const auto& l = doc.at("ldap");
      p.ldap = LdapUse{boolean(l, "ldap_ping", at + ".ldap", false), boolean(l, "cleartext_bind", at + ".ldap", false),
                       str(l, "source", at + ".ldap")};
    }
    if (doc.contains("netbios")) {
      const auto& n = doc.at("netbios");
      p.netbios = NetbiosUse{boolean(n, "sam_logon", at + ".netbios", false), str(n, "source", at + ".netbios")};
    }
    if (doc.contains("rdp")) p.rdp = rdp_of(doc.at("rdp"), at + ".rdp");
    if (doc.contains("vpn")) p.vpn = vpn_of(doc.at("vpn"), at + ".vpn");
    if (doc.contains("auth")) p.auth = auth_of(doc.at("auth"), at + ".auth", p.kerberos.has_value());
    if (p.auth) {
      p.auth->client_name = p.name;
      p.auth->requires_signing = p.smb && p.smb->signing == "required";
      if (p.smb && p.auth->insecure_guest.empty())
        throw Bad{at + ".auth.insecure_guest: an SMB client says whether it allows insecure guest logons"};
    }
    if ((p.smb || p.ldap) && !p.auth) throw Bad{at + ": speaks SMB or LDAP but has no \"auth\" section"};
    const auto& v = field(doc, "verified_by", at);
    if (!v.is_object()) throw Bad{at + ".verified_by: an object keyed by protocol"};
    for (const auto& [proto, entry] : v.items()) {
      if (std::find(p.protocols.begin(), p.protocols.end(), proto) == p.protocols.end())
        throw Bad{at + ".verified_by: " + proto + " is not one of the profile's protocols"};
      p.verified_by[proto] = verification_of(entry, at + ".verified_by." + proto, proto);
    }
    for (const auto& proto : p.protocols)
      if (!p.verified_by.contains(proto)) throw Bad{at + ".verified_by: says nothing about " + proto};
  } catch (const Bad& b) {
    return Decoded<ClientProfile>::fail(b.what);
  } catch (const json::exception& e) {
    return Decoded<ClientProfile>::fail(std::string("profile: ") + e.what());
  }
  p.raw = doc;
  return Decoded<ClientProfile>::ok(std::move(p));
}

const std::vector<ClientProfile>& all_profiles() {
  static const std::vector<ClientProfile> profiles = [] {
    std::vector<ClientProfile> v;
    for (const auto& [file, text] : embedded_profile_files()) {
      auto parsed = parse_profile(json::parse(text));
      if (!parsed) throw std::runtime_error("embedded profile " + file + ": " + parsed.error);
      v.push_back(std::move(*parsed.value));
    }
    return v;
  }();
  return profiles;
}

bool TlsStack::serves(std::string_view service) const {
  if (service.empty()) return true;
  return std::any_of(services.begin(), services.end(),
                     [&](const std::string& s) { return s == "any" || s == service; });
}

std::string tls_service(std::uint16_t port, std::string_view starttls) {
  // STARTTLS names its protocol (the tls probe's --starttls vocabulary); implicit TLS goes by the
  // IANA port assignment.
  if (starttls == "ldap") return "ldaps";
  if (starttls == "smtp" || starttls == "imap" || starttls == "pop3" || starttls == "ftp" || starttls == "rdp")
    return std::string(starttls);
  if (starttls == "postgres") return "postgresql";
  if (starttls == "tds") return "sql-server";
  switch (port) {
    case 636:
    case 3269: return "ldaps";
    case 443:
    case 8443: return "https";
    case 3389: return "rdp";
    case 25:
    case 465:
    case 587: return "smtp";
    case 143:
    case 993: return "imap";
    case 110:
    case 995: return "pop3";
    case 21:
    case 990: return "ftp";
    case 5432: return "postgresql";
    case 1433: return "sql-server";
    default: return "";
  }
}

std::vector<const TlsStack*> stacks_for_service(const ClientProfile& profile, std::string_view service) {
  std::vector<const TlsStack*> out;
  for (const auto& s : profile.tls)
    if (s.serves(service)) out.push_back(&s);
  return out;
}

const ClientProfile* find_profile(std::string_view id) {
  for (const auto& p : all_profiles())
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace legacyscan::matrix
