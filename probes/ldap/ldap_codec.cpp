// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_codec.hpp"

#include <algorithm>
#include <cstdio>

#include "legacyscan/ber.hpp"

namespace legacyscan::ldap {

namespace {

using ber::application_tag;
using ber::context_tag;

std::string text(ByteView v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size()); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto low = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return low(x) == low(y);
         });
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

Bytes le32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v & 0xff), static_cast<std::uint8_t>((v >> 8) & 0xff),
          static_cast<std::uint8_t>((v >> 16) & 0xff), static_cast<std::uint8_t>((v >> 24) & 0xff)};
}

// LDAPMessage ::= SEQUENCE { messageID, protocolOp, controls [0] OPTIONAL } (RFC 4511 4.1.1).
template <class F>
Bytes message(std::int32_t messageID, F&& op) {
  ber::Writer w;
  w.sequence([&](ber::Writer& m) {
    m.integer(messageID);
    op(m);
  });
  return w.take();
}

}  // namespace

std::string result_code_name(std::int64_t code) {
  switch (code) {
    case 0: return "success";
    case 1: return "operationsError";
    case 2: return "protocolError";
    case 3: return "timeLimitExceeded";
    case 4: return "sizeLimitExceeded";
    case 5: return "compareFalse";
    case 6: return "compareTrue";
    case 7: return "authMethodNotSupported";
    case 8: return "strongerAuthRequired";
    case 10: return "referral";
    case 11: return "adminLimitExceeded";
    case 12: return "unavailableCriticalExtension";
    case 13: return "confidentialityRequired";
    case 14: return "saslBindInProgress";
    case 16: return "noSuchAttribute";
    case 17: return "undefinedAttributeType";
    case 18: return "inappropriateMatching";
    case 19: return "constraintViolation";
    case 20: return "attributeOrValueExists";
    case 21: return "invalidAttributeSyntax";
    case 32: return "noSuchObject";
    case 33: return "aliasProblem";
    case 34: return "invalidDNSyntax";
    case 36: return "aliasDereferencingProblem";
    case 48: return "inappropriateAuthentication";
    case 49: return "invalidCredentials";
    case 50: return "insufficientAccessRights";
    case 51: return "busy";
    case 52: return "unavailable";
    case 53: return "unwillingToPerform";
    case 54: return "loopDetect";
    case 64: return "namingViolation";
    case 65: return "objectClassViolation";
    case 66: return "notAllowedOnNonLeaf";
    case 67: return "notAllowedOnRDN";
    case 68: return "entryAlreadyExists";
    case 69: return "objectClassModsProhibited";
    case 71: return "affectsMultipleDSAs";
    case 80: return "other";
    default: return "resultCode " + std::to_string(code);
  }
}

// ---- requests ---------------------------------------------------------------------------------

Bytes encode_search_request(std::int32_t messageID, const SearchRequest& req) {
  return message(messageID, [&](ber::Writer& m) {
    m.application(3, [&](ber::Writer& s) {
      s.octet_string(as_bytes(req.baseObject));
      s.enumerated(req.scope);
      s.enumerated(req.derefAliases);
      s.integer(req.sizeLimit);
      s.integer(req.timeLimit);
      s.boolean(req.typesOnly);
      if (req.and_equality.empty()) {
        s.octet_string(as_bytes(req.present), context_tag(7, false));  // present [7]
      } else {
        s.context(0, [&](ber::Writer& f) {  // and [0] SET OF Filter
          for (const auto& ava : req.and_equality) {
            f.context(3, [&](ber::Writer& e) {  // equalityMatch [3] AttributeValueAssertion
              e.octet_string(as_bytes(ava.attributeDesc));
              e.octet_string(ava.assertionValue);
            });
          }
        });
      }
      s.sequence([&](ber::Writer& a) {
        for (const auto& attr : req.attributes) a.octet_string(as_bytes(attr));
      });
    });
  });
}

Bytes encode_bind_request(std::int32_t messageID, const BindRequest& req) {
  return message(messageID, [&](ber::Writer& m) {
    m.application(0, [&](ber::Writer& b) {
      b.integer(req.version);
      b.octet_string(as_bytes(req.name));
      if (req.sasl_mechanism.empty()) {
        b.octet_string(as_bytes(req.simple), context_tag(0, false));  // simple [0]
      } else {
        b.context(3, [&](ber::Writer& s) {  // sasl [3] SaslCredentials
          s.octet_string(as_bytes(req.sasl_mechanism));
          if (req.sasl_credentials) s.octet_string(*req.sasl_credentials);
        });
      }
    });
  });
}

Bytes encode_unbind_request(std::int32_t messageID) {
  return message(messageID, [](ber::Writer& m) { m.null(application_tag(2, false)); });
}

Bytes encode_extended_request(std::int32_t messageID, std::string_view requestName,
                              std::optional<ByteView> requestValue) {
  return message(messageID, [&](ber::Writer& m) {
    m.application(23, [&](ber::Writer& e) {
      e.octet_string(as_bytes(requestName), context_tag(0, false));
      if (requestValue) e.octet_string(*requestValue, context_tag(1, false));
    });
  });
}

std::vector<std::string> nt_version_names(std::uint32_t ntver) {
  static const std::pair<std::uint32_t, const char*> kBits[] = {
      {NETLOGON_NT_VERSION_1, "V1"},
      {NETLOGON_NT_VERSION_5, "V5"},
      {NETLOGON_NT_VERSION_5EX, "V5EX"},
      {NETLOGON_NT_VERSION_5EX_WITH_IP, "V5EP"},
      {NETLOGON_NT_VERSION_WITH_CLOSEST_SITE, "VCS"},
      {NETLOGON_NT_VERSION_AVOID_NT4EMUL, "VNT4"},
      {NETLOGON_NT_VERSION_PDC, "VPDC"},
      {NETLOGON_NT_VERSION_IP, "VIP"},
      {NETLOGON_NT_VERSION_LOCAL, "VL"},
      {NETLOGON_NT_VERSION_GC, "VGC"},
  };
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& [bit, name] : kBits) {
    known |= bit;
    if (ntver & bit) out.emplace_back(name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1)
    if ((ntver & bit) && !(known & bit)) out.push_back(hex32(bit));
  return out;
}

SearchRequest make_ldap_ping(const LdapPing& ping) {
  SearchRequest r;
  r.baseObject = "";
  r.scope = 0;
  // NtVer first, as Windows' DsGetDcName does; the DC does not care about the order.
  r.and_equality.push_back({"NtVer", le32(ping.NtVer)});
  if (!ping.DnsDomain.empty()) r.and_equality.push_back({"DnsDomain", Bytes(ping.DnsDomain.begin(), ping.DnsDomain.end())});
  if (!ping.User.empty()) r.and_equality.push_back({"User", Bytes(ping.User.begin(), ping.User.end())});
  if (ping.AAC) r.and_equality.push_back({"AAC", le32(*ping.AAC)});
  r.attributes = {"Netlogon"};
  return r;
}

// ---- responses --------------------------------------------------------------------------------

const PartialAttribute* SearchResultEntry::find(std::string_view name) const {
  for (const auto& a : attributes)
    if (iequals(a.type, name)) return &a;
  return nullptr;
}

std::string SearchResultEntry::first(std::string_view name) const {
  const auto* a = find(name);
  if (!a || a->vals.empty()) return {};
  return text(a->vals.front());
}

std::vector<std::string> SearchResultEntry::all(std::string_view name) const {
  std::vector<std::string> out;
  if (const auto* a = find(name))
    for (const auto& v : a->vals) out.push_back(text(v));
  return out;
}

namespace {

// COMPONENTS OF LDAPResult (RFC 4511 4.1.9); leaves `r` after the referral.
bool read_ldap_result(ber::Reader& r, LDAPResult& out, std::string& error) {
  ByteView dn, diag;
  if (!r.read_enumerated(out.resultCode)) {
    error = "LDAPResult.resultCode: " + r.error();
    return false;
  }
  if (!r.read_octet_string(dn)) {
    error = "LDAPResult.matchedDN: " + r.error();
    return false;
  }
  if (!r.read_octet_string(diag)) {
    error = "LDAPResult.diagnosticMessage: " + r.error();
    return false;
  }
  out.matchedDN = text(dn);
  out.diagnosticMessage = text(diag);
  if (r.next_is(ber::Class::Context, 3)) {
    ber::Reader refs;
    if (!r.enter(context_tag(3), refs)) {
      error = "LDAPResult.referral: " + r.error();
      return false;
    }
    while (!refs.empty()) {
      ByteView uri;
      if (!refs.read_octet_string(uri)) {
        error = "LDAPResult.referral URI: " + refs.error();
        return false;
      }
      if (out.referral.size() >= kMaxAttributes) {
        error = "LDAPResult.referral: more than " + std::to_string(kMaxAttributes) + " URIs";
        return false;
      }
      out.referral.push_back(text(uri));
    }
  }
  return true;
}

// Elements after the known ones are extensions (RFC 4511 4.1.1 "..."): skipped, but they must be BER.
bool skip_extensions(ber::Reader& r, std::string_view where, std::string& error) {
  while (!r.empty()) {
    if (!r.skip()) {
      error = std::string(where) + ": " + r.error();
      return false;
    }
  }
  return true;
}

bool read_entry(ber::Reader& r, SearchResultEntry& out, std::string& error) {
  ByteView name;
  if (!r.read_octet_string(name)) {
    error = "SearchResultEntry.objectName: " + r.error();
    return false;
  }
  out.objectName = text(name);
  ber::Reader list;
  if (!r.enter_sequence(list)) {
    error = "SearchResultEntry.attributes: " + r.error();
    return false;
  }
  while (!list.empty()) {
    if (out.attributes.size() >= kMaxAttributes) {
      error = "SearchResultEntry: more than " + std::to_string(kMaxAttributes) + " attributes";
      return false;
    }
    ber::Reader pa, vals;
    ByteView type;
    if (!list.enter_sequence(pa)) {
      error = "PartialAttribute: " + list.error();
      return false;
    }
    if (!pa.read_octet_string(type)) {
      error = "PartialAttribute.type: " + pa.error();
      return false;
    }
    if (!pa.enter(ber::universal_tag(ber::universal::Set, true), vals)) {
      error = "PartialAttribute.vals of " + text(type) + ": " + pa.error();
      return false;
    }
    PartialAttribute attr;
    attr.type = text(type);
    while (!vals.empty()) {
      ByteView v;
      if (!vals.read_octet_string(v)) {
        error = "PartialAttribute value of " + attr.type + ": " + vals.error();
        return false;
      }
      if (attr.vals.size() >= kMaxValuesPerAttribute) {
        error = "PartialAttribute " + attr.type + ": more than " + std::to_string(kMaxValuesPerAttribute) + " values";
        return false;
      }
      attr.vals.emplace_back(v.begin(), v.end());
    }
    if (!pa.empty()) {
      error = "PartialAttribute " + attr.type + ": trailing data";
      return false;
    }
    out.attributes.push_back(std::move(attr));
  }
  return skip_extensions(r, "SearchResultEntry", error);
}

}  // namespace

Decoded<LDAPMessage> decode_ldap_message(ByteView message) {
  using D = Decoded<LDAPMessage>;
  ber::Reader top(message);
  ber::Reader m;
  if (!top.enter_sequence(m)) return D::fail("LDAPMessage: " + top.error());
  if (!top.empty()) return D::fail("LDAPMessage: " + std::to_string(top.remaining()) + " bytes after the message");
  LDAPMessage out;
  if (!m.read_integer(out.messageID)) return D::fail("LDAPMessage.messageID: " + m.error());
  if (out.messageID < 0 || out.messageID > 0x7fffffff)
    return D::fail("LDAPMessage.messageID " + std::to_string(out.messageID) + " out of range 0..maxInt");
  ber::Tlv op;
  if (!m.peek(op)) {
    ber::Tlv unused;
    (void)m.read(unused);
    return D::fail("LDAPMessage.protocolOp: " + (m.error().empty() ? std::string("missing") : m.error()));
  }
  if (op.tag.cls != ber::Class::Application)
    return D::fail("LDAPMessage.protocolOp: expected [APPLICATION n], found " + ber::describe(op.tag));
  out.protocolOp = op.tag.number;
  std::string error;
  ber::Reader body;
  switch (op.tag.number) {
    case static_cast<std::uint32_t>(ProtocolOp::bindResponse): {
      if (!m.enter(application_tag(1), body)) return D::fail("BindResponse: " + m.error());
      BindResponse br;
      if (!read_ldap_result(body, br.result, error)) return D::fail("BindResponse: " + error);
      if (body.next_is(ber::Class::Context, 7)) {
        ByteView creds;
        if (!body.read_octet_string(creds, context_tag(7, false)))
          return D::fail("BindResponse.serverSaslCreds: " + body.error());
        br.serverSaslCreds = Bytes(creds.begin(), creds.end());
      }
      if (!skip_extensions(body, "BindResponse", error)) return D::fail(error);
      out.bindResponse = std::move(br);
      break;
    }
    case static_cast<std::uint32_t>(ProtocolOp::searchResEntry): {
      if (!m.enter(application_tag(4), body)) return D::fail("SearchResultEntry: " + m.error());
      SearchResultEntry e;
      if (!read_entry(body, e, error)) return D::fail(error);
      out.searchResEntry = std::move(e);
      break;
    }
    case static_cast<std::uint32_t>(ProtocolOp::searchResDone): {
      if (!m.enter(application_tag(5), body)) return D::fail("SearchResultDone: " + m.error());
      LDAPResult r;
      if (!read_ldap_result(body, r, error)) return D::fail("SearchResultDone: " + error);
      if (!skip_extensions(body, "SearchResultDone", error)) return D::fail(error);
      out.searchResDone = std::move(r);
      break;
    }
    case static_cast<std::uint32_t>(ProtocolOp::searchResRef): {
      if (!m.enter(application_tag(19), body)) return D::fail("SearchResultReference: " + m.error());
      while (!body.empty()) {
        ByteView uri;
        if (!body.read_octet_string(uri)) return D::fail("SearchResultReference URI: " + body.error());
        if (out.searchResRef.size() >= kMaxAttributes) return D::fail("SearchResultReference: too many URIs");
        out.searchResRef.push_back(text(uri));
      }
      break;
    }
    case static_cast<std::uint32_t>(ProtocolOp::extendedResp): {
      if (!m.enter(application_tag(24), body)) return D::fail("ExtendedResponse: " + m.error());
      ExtendedResponse x;
      if (!read_ldap_result(body, x.result, error)) return D::fail("ExtendedResponse: " + error);
      if (body.next_is(ber::Class::Context, 10)) {
        ByteView name;
        if (!body.read_octet_string(name, context_tag(10, false)))
          return D::fail("ExtendedResponse.responseName: " + body.error());
        x.responseName = text(name);
      }
      if (body.next_is(ber::Class::Context, 11)) {
        ByteView value;
        if (!body.read_octet_string(value, context_tag(11, false)))
          return D::fail("ExtendedResponse.responseValue: " + body.error());
        x.responseValue = Bytes(value.begin(), value.end());
      }
      if (!skip_extensions(body, "ExtendedResponse", error)) return D::fail(error);
      out.extendedResp = std::move(x);
      break;
    }
    default:
      return D::fail("LDAPMessage.protocolOp [APPLICATION " + std::to_string(op.tag.number) +
                     "] is not a response this client expects");
  }
  // controls [0] OPTIONAL: not used by this probe, but must be well-formed.
  if (!skip_extensions(m, "LDAPMessage", error)) return D::fail(error);
  return D::ok(std::move(out));
}

Frame frame_ldap_message(ByteView buffered, std::size_t max_size) {
  Frame f;
  Reader r(buffered);
  std::uint8_t id = 0, len0 = 0;
  if (!r.u8(id)) return f;
  if (id != 0x30) {
    f.state = Frame::State::invalid;
    char buf[64];
    std::snprintf(buf, sizeof buf, "not an LDAPMessage: first octet 0x%02x (want 0x30 SEQUENCE)", id);
    f.error = buf;
    return f;
  }
  if (!r.u8(len0)) return f;
  std::size_t header = 2;
  std::uint64_t length = len0;
  if (len0 & 0x80) {
    const unsigned n = len0 & 0x7f;
    if (n == 0 || n > 4) {
      f.state = Frame::State::invalid;
      f.error = n == 0 ? "LDAPMessage with an indefinite length" : "LDAPMessage length of " + std::to_string(n) + " octets";
      return f;
    }
    length = 0;
    for (unsigned i = 0; i < n; ++i) {
      std::uint8_t b = 0;
      if (!r.u8(b)) return f;
      length = (length << 8) | b;
    }
    header += n;
  }
  const std::uint64_t total = header + length;
  if (total > max_size) {
    f.state = Frame::State::invalid;
    f.error = "LDAPMessage of " + std::to_string(total) + " bytes exceeds the cap of " + std::to_string(max_size);
    return f;
  }
  f.size = static_cast<std::size_t>(total);
  f.state = buffered.size() >= total ? Frame::State::complete : Frame::State::need_more;
  return f;
}

Decoded<std::vector<LDAPMessage>> decode_ldap_messages(ByteView data) {
  using D = Decoded<std::vector<LDAPMessage>>;
  std::vector<LDAPMessage> out;
  if (data.empty()) return D::fail("empty datagram");
  while (!data.empty()) {
    const Frame f = frame_ldap_message(data, data.size());
    if (f.state == Frame::State::invalid) return D::fail(f.error);
    if (f.state == Frame::State::need_more)
      return D::fail("LDAPMessage truncated: " + std::to_string(data.size()) + " bytes left" +
                     (f.size ? ", message needs " + std::to_string(f.size) : std::string()));
    auto m = decode_ldap_message(data.first(f.size));
    if (!m) return D::fail("message " + std::to_string(out.size() + 1) + ": " + m.error);
    out.push_back(std::move(*m));
    if (out.size() > kMaxAttributes) return D::fail("more than " + std::to_string(kMaxAttributes) + " messages");
    data = data.subspan(f.size);
  }
  return D::ok(std::move(out));
}

Decoded<SearchResponse> collect_search_response(const std::vector<LDAPMessage>& messages, std::int64_t messageID) {
  using D = Decoded<SearchResponse>;
  SearchResponse out;
  for (const auto& m : messages) {
    if (out.done) return D::fail("message after SearchResultDone");
    if (m.messageID == 0 && m.extendedResp)  // RFC 4511 4.4.1 Notice of Disconnection
      return D::fail("notice of disconnection: " + result_code_name(m.extendedResp->result.resultCode) + " " +
                     m.extendedResp->result.diagnosticMessage);
    if (m.messageID != messageID)
      return D::fail("messageID " + std::to_string(m.messageID) + " where " + std::to_string(messageID) + " was expected");
    if (m.searchResEntry) out.entries.push_back(*m.searchResEntry);
    else if (m.searchResDone) out.done = *m.searchResDone;
    else if (m.protocolOp == static_cast<std::uint32_t>(ProtocolOp::searchResRef))
      out.references.insert(out.references.end(), m.searchResRef.begin(), m.searchResRef.end());
    else
      return D::fail("[APPLICATION " + std::to_string(m.protocolOp) + "] in answer to a SearchRequest");
  }
  return D::ok(std::move(out));
}

// ---- NETLOGON ---------------------------------------------------------------------------------

std::string netlogon_opcode_name(std::uint16_t opcode) {
  switch (opcode) {
    case 0x07: return "LOGON_PRIMARY_QUERY";
    case 0x0C: return "LOGON_PRIMARY_RESPONSE";
    case 0x12: return "LOGON_SAM_LOGON_REQUEST";
    case 0x13: return "LOGON_SAM_LOGON_RESPONSE";
    case 0x14: return "LOGON_SAM_PAUSE_RESPONSE";
    case 0x15: return "LOGON_SAM_USER_UNKNOWN";
    case 0x17: return "LOGON_SAM_LOGON_RESPONSE_EX";
    case 0x18: return "LOGON_SAM_PAUSE_RESPONSE_EX";
    case 0x19: return "LOGON_SAM_USER_UNKNOWN_EX";
    default: return hex16(opcode);
  }
}

namespace {
struct FlagName {
  std::uint32_t bit;
  const char* name;
};
// [MS-ADTS] 6.3.1.2 DS_FLAG.
constexpr FlagName kDsFlags[] = {
    {0x00000001, "PDC"},           {0x00000004, "GC"},
    {0x00000008, "LDAP"},          {0x00000010, "DS"},
    {0x00000020, "KDC"},           {0x00000040, "TIMESERV"},
    {0x00000080, "CLOSEST"},       {0x00000100, "WRITABLE"},
    {0x00000200, "GOOD_TIMESERV"}, {0x00000400, "NDNC"},
    {0x00000800, "SELECT_SECRET_DOMAIN_6"}, {0x00001000, "FULL_SECRET_DOMAIN_6"},
    {0x00002000, "WS"},            {0x00004000, "DS_8"},
    {0x00008000, "DS_9"},          {0x00010000, "DS_10"},
    {0x00020000, "KEY_LIST"},      {0x00040000, "DS_13"},
    {0x20000000, "DNS_CONTROLLER"}, {0x40000000, "DNS_DOMAIN"},
    {0x80000000, "DNS_FOREST"},
};
}  // namespace

std::vector<std::string> ds_flag_names(std::uint32_t flags) {
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& f : kDsFlags) {
    known |= f.bit;
    if (flags & f.bit) out.emplace_back(f.name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1)
    if ((flags & bit) && !(known & bit)) out.push_back(hex32(bit));
  return out;
}

std::string os_generation(std::uint32_t flags) {
  if (flags & 0x00040000) return "2025";
  if (flags & 0x00010000) return "2016+";
  if (flags & 0x00008000) return "2012 R2";
  if (flags & 0x00004000) return "2012";
  if (flags & (0x00000800 | 0x00001000 | 0x00002000)) return "2008+";
  return "2003 or earlier";
}

std::string_view to_string(NetlogonVariant v) {
  switch (v) {
    case NetlogonVariant::NT40: return "NETLOGON_SAM_LOGON_RESPONSE_NT40";
    case NetlogonVariant::V5: return "NETLOGON_SAM_LOGON_RESPONSE";
    case NetlogonVariant::V5EX: return "NETLOGON_SAM_LOGON_RESPONSE_EX";
  }
  return "?";
}

std::string guid_to_string(const std::array<std::uint8_t, 16>& g) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1],
                g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
  return buf;
}

namespace {
constexpr std::size_t kMaxNameLength = 255;  // RFC 1035 2.3.4
constexpr int kMaxPointers = 32;
constexpr std::size_t kMaxUnicodeChars = 256;
}  // namespace

bool read_compressed_name(ByteView blob, std::size_t& offset, std::string& out, std::string& error) {
  std::string name;
  std::size_t pos = offset;
  std::optional<std::size_t> end;  // just past the name in place (set at the end or the first pointer)
  int pointers = 0;
  for (;;) {
    Reader r(blob);
    std::uint8_t len = 0;
    if (!r.skip(pos) || !r.u8(len)) {
      error = "name truncated at offset " + std::to_string(pos);
      return false;
    }
    if (len == 0) {
      if (!end) end = pos + 1;
      break;
    }
    if ((len & 0xC0) == 0xC0) {
      std::uint8_t low = 0;
      if (!r.u8(low)) {
        error = "compression pointer truncated at offset " + std::to_string(pos);
        return false;
      }
      const std::size_t target = (static_cast<std::size_t>(len & 0x3F) << 8) | low;
      if (!end) end = pos + 2;
      if (++pointers > kMaxPointers) {
        error = "more than " + std::to_string(kMaxPointers) + " compression pointers (a loop?) at offset " +
                std::to_string(pos);
        return false;
      }
      if (target >= blob.size()) {
        error = "compression pointer to offset " + std::to_string(target) + " past the end of the " +
                std::to_string(blob.size()) + "-byte response";
        return false;
      }
      pos = target;
      continue;
    }
    if (len & 0xC0) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "label length octet 0x%02x at offset %zu uses reserved bits", len, pos);
      error = buf;
      return false;
    }
    ByteView label;
    if (!r.bytes(len, label)) {
      error = "label of " + std::to_string(len) + " bytes at offset " + std::to_string(pos) + " runs past the end";
      return false;
    }
    if (!name.empty()) name += '.';
    name += text(label);
    if (name.size() > kMaxNameLength) {
      error = "name longer than " + std::to_string(kMaxNameLength) + " characters";
      return false;
    }
    pos += 1 + len;
  }
  offset = *end;
  out = std::move(name);
  return true;
}

namespace {

// Walks a NETLOGON structure, tracking the offset (names are compressed relative to its start).
class NetlogonReader {
 public:
  explicit NetlogonReader(ByteView blob) : blob_(blob), in_(blob) {}
  [[nodiscard]] std::size_t offset() const { return blob_.size() - in_.remaining(); }
  [[nodiscard]] std::size_t remaining() const { return in_.remaining(); }

  bool u8(std::uint8_t& v, const char* field) { return check(in_.u8(v), field, 1); }
  bool u16(std::uint16_t& v, const char* field) { return check(in_.u16le(v), field, 2); }
  bool u32(std::uint32_t& v, const char* field) { return check(in_.u32le(v), field, 4); }
  bool guid(std::array<std::uint8_t, 16>& g, const char* field) {
    ByteView v;
    if (!check(in_.bytes(16, v), field, 16)) return false;
    std::copy(v.begin(), v.end(), g.begin());
    return true;
  }
  bool sub(std::size_t n, Reader& r, const char* field) { return check(in_.sub(n, r), field, n); }
  // NUL-terminated UTF-16LE ([MS-ADTS] 6.3.1.7/6.3.1.8 Unicode* fields).
  bool unicode(std::string& out, const char* field) {
    const std::size_t start = offset();
    Reader copy = in_;
    for (std::size_t i = 0; i <= kMaxUnicodeChars; ++i) {
      std::uint16_t c = 0;
      if (!copy.u16le(c)) {
        error_ = std::string(field) + " at offset " + std::to_string(start) + ": no UTF-16 NUL before the end";
        return false;
      }
      if (c == 0) {
        ByteView chars;
        (void)in_.bytes(2 * i, chars);
        (void)in_.skip(2);
        out = utf16le_to_utf8(chars);
        return true;
      }
    }
    error_ = std::string(field) + " at offset " + std::to_string(start) + ": longer than " +
             std::to_string(kMaxUnicodeChars) + " characters";
    return false;
  }
  bool name(std::string& out, const char* field) {
    std::size_t pos = offset();
    std::string why;
    if (!read_compressed_name(blob_, pos, out, why)) {
      error_ = std::string(field) + ": " + why;
      return false;
    }
    return in_.skip(pos - offset());
  }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  bool check(bool ok, const char* field, std::size_t want) {
    if (!ok)
      error_ = std::string(field) + " (" + std::to_string(want) + " bytes) at offset " + std::to_string(offset()) +
               ": only " + std::to_string(in_.remaining()) + " bytes left";
    return ok;
  }
  ByteView blob_;
  Reader in_;
  std::string error_;
};

std::string dotted(std::uint32_t host_order) {
  return std::to_string(host_order >> 24) + "." + std::to_string((host_order >> 16) & 0xff) + "." +
         std::to_string((host_order >> 8) & 0xff) + "." + std::to_string(host_order & 0xff);
}

std::string strip_backslashes(std::string s) {
  if (s.rfind("\\\\", 0) == 0) s.erase(0, 2);
  return s;
}

}  // namespace

Decoded<NETLOGON_SAM_LOGON_RESPONSE_ANY> decode_netlogon_response(ByteView blob) {
  using D = Decoded<NETLOGON_SAM_LOGON_RESPONSE_ANY>;
  if (blob.size() < 10)
    return D::fail("NETLOGON response of " + std::to_string(blob.size()) + " bytes is shorter than its fixed fields");
  NETLOGON_SAM_LOGON_RESPONSE_ANY out;
  {
    Reader tail(blob.subspan(blob.size() - 8));
    (void)tail.u32le(out.NtVersion);
    (void)tail.u16le(out.LmNtToken);
    (void)tail.u16le(out.Lm20Token);
  }
  if (out.LmNtToken != 0xFFFF || out.Lm20Token != 0xFFFF)
    return D::fail("NETLOGON response: LmNtToken " + hex16(out.LmNtToken) + " / Lm20Token " + hex16(out.Lm20Token) +
                   " (both must be 0xffff): not a NETLOGON_SAM_LOGON_RESPONSE");
  if (out.NtVersion & NETLOGON_NT_VERSION_5EX) out.variant = NetlogonVariant::V5EX;
  else if (out.NtVersion & NETLOGON_NT_VERSION_5) out.variant = NetlogonVariant::V5;
  else if (out.NtVersion & NETLOGON_NT_VERSION_1) out.variant = NetlogonVariant::NT40;
  else return D::fail("NETLOGON response: NtVersion " + hex32(out.NtVersion) + " names no known structure");

  // Everything before the 8 trailing bytes.
  NetlogonReader r(blob.first(blob.size() - 8));
  const std::string where = std::string(to_string(out.variant)) + ".";
  auto fail = [&](const NetlogonReader& nr) { return D::fail(where + nr.error()); };
  if (!r.u16(out.Opcode, "Opcode")) return fail(r);

  if (out.variant == NetlogonVariant::V5EX) {
    // [MS-ADTS] 6.3.1.9
    std::uint16_t Sbz = 0;
    std::array<std::uint8_t, 16> guid{};
    if (!r.u16(Sbz, "Sbz") || !r.u32(out.Flags, "Flags") || !r.guid(guid, "DomainGuid")) return fail(r);
    out.DomainGuid = guid;
    if (!r.name(out.DnsForestName, "DnsForestName") || !r.name(out.DnsDomainName, "DnsDomainName") ||
        !r.name(out.DnsHostName, "DnsHostName") || !r.name(out.NetbiosDomainName, "NetbiosDomainName") ||
        !r.name(out.NetbiosComputerName, "NetbiosComputerName") || !r.name(out.UserName, "UserName") ||
        !r.name(out.DcSiteName, "DcSiteName") || !r.name(out.ClientSiteName, "ClientSiteName"))
      return fail(r);
    if (out.NtVersion & NETLOGON_NT_VERSION_5EX_WITH_IP) {
      std::uint8_t DcSockAddrSize = 0;
      Reader sa;
      if (!r.u8(DcSockAddrSize, "DcSockAddrSize") || !r.sub(DcSockAddrSize, sa, "DcSockAddr")) return fail(r);
      // SOCKADDR_IN: sin_family (LE), sin_port, sin_addr (network order), sin_zero.
      std::uint16_t family = 0, port = 0;
      std::uint32_t addr = 0;
      if (!sa.u16le(family) || !sa.u16be(port) || !sa.u32be(addr))
        return D::fail(where + "DcSockAddr of " + std::to_string(DcSockAddrSize) + " bytes is too short for SOCKADDR_IN");
      if (family != 2)
        return D::fail(where + "DcSockAddr.sin_family " + std::to_string(family) + " is not AF_INET (2)");
      out.DcIpAddress = dotted(addr);
    }
    if (out.NtVersion & NETLOGON_NT_VERSION_WITH_CLOSEST_SITE) {
      if (!r.name(out.NextClosestSiteName, "NextClosestSiteName")) return fail(r);
    }
  } else {
    // [MS-ADTS] 6.3.1.7 (NT40) and 6.3.1.8 (V5) start alike.
    std::string server;
    if (!r.unicode(server, "UnicodeLogonServer") || !r.unicode(out.UserName, "UnicodeUserName") ||
        !r.unicode(out.NetbiosDomainName, "UnicodeDomainName"))
      return fail(r);
    out.NetbiosComputerName = strip_backslashes(server);
    if (out.variant == NetlogonVariant::V5) {
      std::array<std::uint8_t, 16> guid{}, null_guid{};
      std::uint32_t ip = 0;
      if (!r.guid(guid, "DomainGuid") || !r.guid(null_guid, "NullGuid")) return fail(r);
      out.DomainGuid = guid;
      if (!r.name(out.DnsForestName, "DnsForestName") || !r.name(out.DnsDomainName, "DnsDomainName") ||
          !r.name(out.DnsHostName, "DnsHostName"))
        return fail(r);
      // DcIpAddress: Windows and Samba put the address as a little-endian 32-bit integer.
      if (!r.u32(ip, "DcIpAddress") || !r.u32(out.Flags, "Flags")) return fail(r);
      out.DcIpAddress = dotted(ip);
    }
  }
  if (r.remaining() != 0)
    return D::fail(where + std::to_string(r.remaining()) + " unexpected bytes before NtVersion at offset " +
                   std::to_string(r.offset()));
  return D::ok(std::move(out));
}

}  // namespace legacyscan::ldap
