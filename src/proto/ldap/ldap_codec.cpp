// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ldap/ldap_codec.hpp"

#include <algorithm>
#include <cstdio>

#include "src/proto/ber/ber.hpp"

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
    if (!req.paged) return;
    m.context(0, [&](ber::Writer& controls) {  // controls [0] Controls (RFC 4511 4.1.11)
      controls.sequence([&](ber::Writer& c) {
        c.octet_string(as_bytes(std::string_view(kPagedResultsOid)));
        c.boolean(true);
        ber::Writer value;  // realSearchControlValue (RFC 2696 2)
        value.sequence([&](ber::Writer& v) {
          v.integer(req.paged->size);
          v.octet_string(req.paged->cookie);
        });
        c.octet_string(value.take());
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

SearchRequest make_ldap_ping(const LdapPing& ping) {
  SearchRequest r;
  r.baseObject = "";
  r.scope = 0;
  // NtVer first, as Windows' DsGetDcName does; the DC does not care about the order.
  r.and_equality.push_back({"NtVer", le32(ping.NtVer)});
  if (!ping.DnsDomain.empty())
    r.and_equality.push_back({"DnsDomain", Bytes(ping.DnsDomain.begin(), ping.DnsDomain.end())});
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

// Controls ::= SEQUENCE OF Control { controlType LDAPOID, criticality BOOLEAN DEFAULT FALSE,
// controlValue OCTET STRING OPTIONAL } (RFC 4511 4.1.11); of them only the paged results control.
bool read_controls(ber::Reader& m, LDAPMessage& out, std::string& error) {
  ber::Reader controls;
  if (!m.enter(context_tag(0, true), controls)) return error = "LDAPMessage.controls: " + m.error(), false;
  for (std::size_t n = 0; !controls.empty(); ++n) {
    if (n >= kMaxAttributes) return error = "LDAPMessage.controls: too many controls", false;
    ber::Reader c;
    ByteView type;
    if (!controls.enter_sequence(c) || !c.read_octet_string(type))
      return error = "LDAPMessage.controls: " + (controls.error().empty() ? c.error() : controls.error()), false;
    if (c.next_is(ber::Class::Universal, 1)) {
      bool critical = false;
      if (!c.read_boolean(critical)) return error = "Control.criticality: " + c.error(), false;
    }
    ByteView value;
    const bool has_value = !c.empty();
    if (has_value && !c.read_octet_string(value)) return error = "Control.controlValue: " + c.error(), false;
    if (text(type) != kPagedResultsOid || !has_value) continue;
    ber::Reader top(value), v;
    std::int64_t size = 0;
    ByteView cookie;
    if (!top.enter_sequence(v) || !v.read_integer(size) || !v.read_octet_string(cookie))
      return error = "paged results control: " + (top.error().empty() ? v.error() : top.error()), false;
    if (cookie.size() > kMaxPagedCookie) return error = "paged results control: cookie too long", false;
    out.paged = PagedResults{static_cast<std::int32_t>(std::clamp<std::int64_t>(size, 0, 0x7fffffff)),
                             Bytes(cookie.begin(), cookie.end())};
  }
  return true;
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
  // controls [0] OPTIONAL: the paged results control is read, any other must be well-formed.
  if (m.next_is(ber::Class::Context, 0) && !read_controls(m, out, error)) return D::fail(error);
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
      f.error =
          n == 0 ? "LDAPMessage with an indefinite length" : "LDAPMessage length of " + std::to_string(n) + " octets";
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
      return D::fail("messageID " + std::to_string(m.messageID) + " where " + std::to_string(messageID) +
                     " was expected");
    if (m.searchResEntry)
      out.entries.push_back(*m.searchResEntry);
    else if (m.searchResDone)
      out.done = *m.searchResDone;
    else if (m.protocolOp == static_cast<std::uint32_t>(ProtocolOp::searchResRef))
      out.references.insert(out.references.end(), m.searchResRef.begin(), m.searchResRef.end());
    else
      return D::fail("[APPLICATION " + std::to_string(m.protocolOp) + "] in answer to a SearchRequest");
  }
  return D::ok(std::move(out));
}

Decoded<std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY>> ldap_ping_response(const SearchResponse& s) {
  using Answer = std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY>;
  if (s.done && s.done->resultCode != LDAP_SUCCESS)
    return Decoded<Answer>::fail("LDAP ping answered " + result_code_name(s.done->resultCode) + ": " +
                                 s.done->diagnosticMessage);
  if (s.entries.empty()) return Decoded<Answer>::ok(std::nullopt);
  const auto* attr = s.entries.front().find("Netlogon");
  if (!attr || attr->vals.empty()) return Decoded<Answer>::fail("LDAP ping entry without a Netlogon value");
  auto nl = netlogon::decode_netlogon_response(attr->vals.front());
  if (!nl) return Decoded<Answer>::fail("malformed NETLOGON response: " + nl.error);
  return Decoded<Answer>::ok(std::move(*nl));
}

}  // namespace legacyscan::ldap
