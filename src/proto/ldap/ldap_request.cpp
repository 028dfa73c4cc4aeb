// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ldap/ldap_request.hpp"

#include <algorithm>
#include <cctype>

#include "src/proto/ber/ber.hpp"

namespace legacyscan::ldap {

namespace {

using ber::Class;

std::string as_string(ByteView v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size()); }

// Walks a Filter (RFC 4511 4.5.1.7) for the equality items of an LDAP ping: and [0] SET OF Filter,
// equalityMatch [3] AttributeValueAssertion. Other filter kinds are skipped.
void walk_filter(const ber::Tlv& f, LdapRequest& q, unsigned depth) {
  if (depth > 8 || f.tag.cls != Class::Context) return;
  if (f.tag.number == 0 || f.tag.number == 1) {  // and / or
    ber::Reader items(f.content);
    for (int i = 0; !items.empty() && i < 32; ++i) {
      ber::Tlv item;
      if (!items.read(item)) return;
      walk_filter(item, q, depth + 1);
    }
  } else if (f.tag.number == 3) {
    ber::Reader ava(f.content);
    ByteView desc, value;
    if (!ava.read_octet_string(desc) || !ava.read_octet_string(value)) return;
    std::string name = as_string(desc);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (name == "ntver" && value.size() == 4) {
      q.ntver = static_cast<std::uint32_t>(value[0] | (value[1] << 8) | (value[2] << 16)) |
                (static_cast<std::uint32_t>(value[3]) << 24);
    } else if (name == "dnsdomain") {
      q.dns_domain = as_string(value);
    } else if (name == "host") {
      q.host = as_string(value);
    }
  }
}

}  // namespace

Decoded<LdapRequest> decode_ldap_request(ByteView message) {
  using R = Decoded<LdapRequest>;
  ber::Reader top(message), seq;
  if (!top.enter_sequence(seq)) return R::fail("LDAPMessage: " + top.error());
  if (!top.empty()) return R::fail("LDAPMessage: bytes after the message");
  LdapRequest q;
  if (!seq.read_integer(q.messageID)) return R::fail("LDAPMessage: messageID: " + seq.error());
  ber::Tlv op;
  if (!seq.read(op)) return R::fail("LDAPMessage: protocolOp: " + seq.error());
  if (op.tag.cls != Class::Application) return R::fail("LDAPMessage: protocolOp is not an [APPLICATION n]");
  q.protocolOp = op.tag.number;
  ber::Reader body(op.content);
  switch (op.tag.number) {
    case 0: {  // BindRequest
      q.op = LdapRequest::Op::bind;
      ByteView name;
      if (!body.read_integer(q.version) || !body.read_octet_string(name))
        return R::fail("BindRequest: " + body.error());
      q.bind_dn = as_string(name);
      ber::Tlv auth;
      if (!body.read(auth) || auth.tag.cls != Class::Context) return R::fail("BindRequest: authentication missing");
      if (auth.tag.number == 0) {
        q.simple = true;
        q.simple_password_empty = auth.content.empty();
      } else if (auth.tag.number == 3) {
        ber::Reader sasl(auth.content);
        ByteView mech, creds;
        if (!sasl.read_octet_string(mech)) return R::fail("BindRequest: SaslCredentials.mechanism: " + sasl.error());
        q.sasl_mechanism = as_string(mech);
        if (!sasl.empty()) {
          if (!sasl.read_octet_string(creds))
            return R::fail("BindRequest: SaslCredentials.credentials: " + sasl.error());
          q.sasl_credentials = Bytes(creds.begin(), creds.end());
        }
      } else if (auth.tag.number >= 9 && auth.tag.number <= 11) {
        // [MS-ADTS] 5.1.1.1.3 "Sicily" NTLM binds (ADSI, ldp): sicilyPackageDiscovery [9] (empty),
        // sicilyNegotiate [10] and sicilyResponse [11], each an OCTET STRING holding an NTLM message.
        q.sicily = static_cast<std::uint8_t>(auth.tag.number);
        q.sasl_mechanism = "SICILY";
        if (auth.tag.number != 9) q.sasl_credentials = Bytes(auth.content.begin(), auth.content.end());
      } else {
        return R::fail("BindRequest: authentication choice [" + std::to_string(auth.tag.number) + "]");
      }
      break;
    }
    case 2: q.op = LdapRequest::Op::unbind; break;
    case 3: {  // SearchRequest
      q.op = LdapRequest::Op::search;
      ByteView base;
      std::int64_t scope = 0, deref = 0, size = 0, time = 0;
      bool types_only = false;
      if (!body.read_octet_string(base) || !body.read_enumerated(scope) || !body.read_enumerated(deref) ||
          !body.read_integer(size) || !body.read_integer(time) || !body.read_boolean(types_only))
        return R::fail("SearchRequest: " + body.error());
      q.base = as_string(base);
      ber::Tlv filter;
      if (!body.read(filter)) return R::fail("SearchRequest: filter: " + body.error());
      walk_filter(filter, q, 0);
      ber::Reader attrs;
      if (body.enter_sequence(attrs)) {
        while (!attrs.empty() && q.attributes.size() < 64) {
          ByteView a;
          if (!attrs.read_octet_string(a)) break;
          q.attributes.push_back(as_string(a));
        }
      }
      break;
    }
    case 23: {  // ExtendedRequest
      q.op = LdapRequest::Op::extended;
      ByteView name;
      if (!body.expect(ber::context_tag(0, false), name))
        return R::fail("ExtendedRequest: requestName: " + body.error());
      q.request_name = as_string(name);
      break;
    }
    default: q.op = LdapRequest::Op::other;
  }
  return R::ok(std::move(q));
}

}  // namespace legacyscan::ldap
