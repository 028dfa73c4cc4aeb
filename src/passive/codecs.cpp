// SPDX-License-Identifier: Apache-2.0
// Request-side decoders for passive mode (see src/passive/codecs.hpp).
#include "src/passive/codecs.hpp"

#include <algorithm>
#include <cstdio>

#include "src/proto/ber/ber.hpp"

namespace legacyscan::passive {

namespace {

using ber::Class;

// ---- link layer helpers ----

bool is_grease(std::uint16_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

Decoded<Packet> decode_ip(ByteView data) {
  using R = Decoded<Packet>;
  Reader r(data);
  std::uint8_t first = 0;
  if (data.empty()) return R::fail("empty IP packet");
  first = data[0];
  Packet p;
  std::uint8_t proto = 0;
  ByteView l4;
  if ((first >> 4) == 4) {
    std::uint8_t vihl = 0, tos = 0, ttl = 0;
    std::uint16_t total = 0, id = 0, frag = 0, csum = 0;
    ByteView src, dst;
    if (!r.u8(vihl) || !r.u8(tos) || !r.u16be(total) || !r.u16be(id) || !r.u16be(frag) || !r.u8(ttl) || !r.u8(proto) ||
        !r.u16be(csum) || !r.bytes(4, src) || !r.bytes(4, dst))
      return R::fail("IPv4 header truncated");
    const std::size_t ihl = static_cast<std::size_t>(vihl & 0x0f) * 4;
    if (ihl < 20) return R::fail("IPv4 header length below 20");
    if (total < ihl) return R::fail("IPv4 total length below header length");
    // Captures may hold less than total (snaplen) or more (Ethernet padding).
    const std::size_t end = std::min<std::size_t>(total, data.size());
    if (end < ihl) return R::fail("IPv4 options truncated");
    l4 = data.subspan(ihl, end - ihl);
    std::copy(src.begin(), src.end(), p.src.begin());
    std::copy(dst.begin(), dst.end(), p.dst.begin());
    p.fragment = (frag & 0x3fff) != 0;  // MF set or a non-zero offset
  } else if ((first >> 4) == 6) {
    std::uint32_t vtcfl = 0;
    std::uint16_t plen = 0;
    std::uint8_t hop = 0;
    ByteView src, dst;
    if (!r.u32be(vtcfl) || !r.u16be(plen) || !r.u8(proto) || !r.u8(hop) || !r.bytes(16, src) || !r.bytes(16, dst))
      return R::fail("IPv6 header truncated");
    p.ipv6 = true;
    std::copy(src.begin(), src.end(), p.src.begin());
    std::copy(dst.begin(), dst.end(), p.dst.begin());
    ByteView rest = r.rest();
    if (plen < rest.size()) rest = rest.first(plen);
    // Extension headers: hop-by-hop 0, routing 43, destination options 60, fragment 44.
    for (int i = 0; i < 8; ++i) {
      if (proto != 0 && proto != 43 && proto != 60 && proto != 44) break;
      Reader e(rest);
      std::uint8_t next = 0, len = 0;
      if (!e.u8(next) || !e.u8(len)) return R::fail("IPv6 extension header truncated");
      std::size_t size = proto == 44 ? 8 : (static_cast<std::size_t>(len) + 1) * 8;
      if (size > rest.size()) return R::fail("IPv6 extension header truncated");
      if (proto == 44) {
        std::uint16_t off = static_cast<std::uint16_t>((rest[2] << 8) | rest[3]);
        if ((off & 0xfff9) != 0) p.fragment = true;
      }
      proto = next;
      rest = rest.subspan(size);
    }
    l4 = rest;
  } else {
    return R::fail("not IPv4 or IPv6 (version " + std::to_string(first >> 4) + ")");
  }
  if (proto == 6) {
    p.transport = Transport::tcp;
    if (p.fragment) return R::ok(p);
    Reader t(l4);
    std::uint8_t off = 0, flags = 0;
    if (!t.u16be(p.src_port) || !t.u16be(p.dst_port) || !t.u32be(p.seq) || !t.u32be(p.ack) || !t.u8(off) ||
        !t.u8(flags))
      return R::fail("TCP header truncated");
    const std::size_t hl = static_cast<std::size_t>(off >> 4) * 4;
    if (hl < 20 || hl > l4.size()) return R::fail("TCP header length " + std::to_string(hl) + " invalid");
    p.tcp_flags = flags;
    p.payload = l4.subspan(hl);
    return R::ok(p);
  }
  if (proto == 17) {
    p.transport = Transport::udp;
    if (p.fragment) return R::ok(p);
    Reader u(l4);
    std::uint16_t len = 0, csum = 0;
    if (!u.u16be(p.src_port) || !u.u16be(p.dst_port) || !u.u16be(len) || !u.u16be(csum))
      return R::fail("UDP header truncated");
    ByteView body = u.rest();
    if (len >= 8 && static_cast<std::size_t>(len - 8) < body.size()) body = body.first(len - 8);
    p.payload = body;
    return R::ok(p);
  }
  return R::fail("IP protocol " + std::to_string(proto) + " is neither TCP nor UDP");
}

Decoded<Packet> decode_ethertype(std::uint16_t type, ByteView rest) {
  if (type == 0x0800 || type == 0x86DD) return decode_ip(rest);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", type);
  return Decoded<Packet>::fail(std::string("EtherType 0x") + buf + " is not IP");
}

}  // namespace

Decoded<Packet> decode_packet(int link_type, ByteView frame) {
  using R = Decoded<Packet>;
  Reader r(frame);
  switch (link_type) {
    case kLinkEthernet: {
      if (!r.skip(12)) return R::fail("Ethernet header truncated");
      std::uint16_t type = 0;
      if (!r.u16be(type)) return R::fail("Ethernet header truncated");
      for (int tags = 0; (type == 0x8100 || type == 0x88A8) && tags < 4; ++tags) {
        if (!r.skip(2) || !r.u16be(type)) return R::fail("802.1Q tag truncated");
      }
      return decode_ethertype(type, r.rest());
    }
    case kLinkLinuxSll: {
      std::uint16_t type = 0;
      if (!r.skip(14) || !r.u16be(type)) return R::fail("Linux cooked header truncated");
      return decode_ethertype(type, r.rest());
    }
    case kLinkLinuxSll2: {
      std::uint16_t type = 0;
      if (!r.u16be(type) || !r.skip(18)) return R::fail("Linux cooked v2 header truncated");
      return decode_ethertype(type, r.rest());
    }
    case kLinkNull:
    case kLinkLoop:
      if (!r.skip(4)) return R::fail("loopback header truncated");
      return decode_ip(r.rest());
    case kLinkRaw:
    case 12:  // DLT_RAW on some BSDs
    case 14:
    case kLinkIpv4:
    case kLinkIpv6:
      return decode_ip(frame);
    default:
      return R::fail("link type " + std::to_string(link_type) + " is not supported");
  }
}

std::string address_string(const std::array<std::uint8_t, 16>& a, bool ipv6) {
  if (!ipv6)
    return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
  // RFC 5952: lower case, longest run of two or more zero groups as "::".
  std::array<std::uint16_t, 8> g{};
  for (int i = 0; i < 8; ++i) g[i] = static_cast<std::uint16_t>((a[2 * i] << 8) | a[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
    i = j;
  }
  std::string out;
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    out += buf;
  }
  return out;
}

// ---- TLS ---------------------------------------------------------------------------------------

std::vector<std::uint16_t> ClientHello::offered_versions() const {
  if (supported_versions && !supported_versions->empty()) return *supported_versions;
  return {legacy_version};
}

Decoded<ClientHello> decode_client_hello(ByteView body) {
  using R = Decoded<ClientHello>;
  Reader r(body);
  ClientHello h;
  Reader session, suites, comp;
  if (!r.u16be(h.legacy_version) || !r.skip(32)) return R::fail("ClientHello: version/random truncated");
  if (!r.u8_prefixed(session) || session.remaining() > 32) return R::fail("ClientHello: bad session_id");
  if (!r.u16be_prefixed(suites) || suites.remaining() % 2 != 0) return R::fail("ClientHello: bad cipher_suites");
  while (!suites.empty()) {
    std::uint16_t s = 0;
    if (!suites.u16be(s)) return R::fail("ClientHello: bad cipher_suites");
    if (!is_grease(s)) h.cipher_suites.push_back(s);
  }
  if (!r.u8_prefixed(comp)) return R::fail("ClientHello: bad compression_methods");
  if (r.empty()) return R::ok(std::move(h));  // no extensions (SSL 3.0 style)
  Reader exts;
  if (!r.u16be_prefixed(exts)) return R::fail("ClientHello: bad extensions length");
  while (!exts.empty()) {
    std::uint16_t type = 0;
    Reader data;
    if (!exts.u16be(type) || !exts.u16be_prefixed(data)) return R::fail("ClientHello: extension truncated");
    if (h.extensions.size() < 128) h.extensions.push_back(type);
    if (type == 0) {  // server_name
      Reader list;
      if (!data.u16be_prefixed(list)) return R::fail("ClientHello: bad server_name");
      while (!list.empty()) {
        std::uint8_t name_type = 0;
        Reader name;
        if (!list.u8(name_type) || !list.u16be_prefixed(name)) return R::fail("ClientHello: bad server_name entry");
        if (name_type == 0 && !h.server_name) {
          const ByteView v = name.rest();
          h.server_name = std::string(reinterpret_cast<const char*>(v.data()), v.size());
        }
      }
    } else if (type == 43) {  // supported_versions
      Reader list;
      if (!data.u8_prefixed(list) || list.remaining() % 2 != 0) return R::fail("ClientHello: bad supported_versions");
      std::vector<std::uint16_t> vs;
      while (!list.empty()) {
        std::uint16_t v = 0;
        if (!list.u16be(v)) return R::fail("ClientHello: bad supported_versions");
        if (!is_grease(v)) vs.push_back(v);
      }
      h.supported_versions = std::move(vs);
    }
  }
  return R::ok(std::move(h));
}

Decoded<ClientHello> decode_ssl2_client_hello(ByteView record) {
  using R = Decoded<ClientHello>;
  Reader r(record);
  std::uint16_t header = 0, spec_len = 0, sid_len = 0, chal_len = 0;
  std::uint8_t type = 0;
  ClientHello h;
  h.ssl2_format = true;
  if (!r.u16be(header) || (header & 0x8000) == 0) return R::fail("SSLv2 CLIENT-HELLO: no 2-byte record header");
  const std::size_t len = header & 0x7fff;
  Reader body;
  if (!r.sub(len, body)) return R::fail("SSLv2 CLIENT-HELLO: record truncated");
  if (!body.u8(type) || type != 1) return R::fail("SSLv2 CLIENT-HELLO: msg_type is not 1");
  if (!body.u16be(h.legacy_version) || !body.u16be(spec_len) || !body.u16be(sid_len) || !body.u16be(chal_len))
    return R::fail("SSLv2 CLIENT-HELLO: header truncated");
  if (spec_len % 3 != 0) return R::fail("SSLv2 CLIENT-HELLO: cipher spec length not a multiple of 3");
  Reader specs;
  if (!body.sub(spec_len, specs) || !body.skip(sid_len) || !body.skip(chal_len))
    return R::fail("SSLv2 CLIENT-HELLO: lengths exceed the record");
  while (!specs.empty()) {
    std::uint8_t hi = 0;
    std::uint16_t lo = 0;
    if (!specs.u8(hi) || !specs.u16be(lo)) break;
    if (hi == 0) h.cipher_suites.push_back(lo);
  }
  return R::ok(std::move(h));
}

// ---- Kerberos ------------------------------------------------------------------------------------

namespace {

bool read_principal(ber::Reader& parent, std::uint32_t n, std::string& out, std::string& err) {
  ber::Reader c, seq, names;
  if (!parent.enter_context(n, c) || !c.enter_sequence(seq)) return err = "PrincipalName: " + parent.error(), false;
  ber::Reader t;
  std::int64_t name_type = 0;
  if (!seq.enter_context(0, t) || !t.read_integer(name_type)) return err = "PrincipalName.name-type", false;
  if (!seq.enter_context(1, t) || !t.enter_sequence(names)) return err = "PrincipalName.name-string", false;
  out.clear();
  for (int i = 0; !names.empty() && i < 16; ++i) {
    std::string part;
    if (!names.read_general_string(part)) return err = "PrincipalName component: " + names.error(), false;
    out += (i ? "/" : "") + part;
  }
  return true;
}

bool read_realm(ber::Reader& parent, std::uint32_t n, std::string& out, std::string& err) {
  ber::Reader c;
  if (!parent.enter_context(n, c) || !c.read_general_string(out)) return err = "Realm: " + parent.error(), false;
  return true;
}

// Skips elements up to (not including) context tag n; false when it is not there.
bool seek(ber::Reader& r, std::uint32_t n) {
  while (!r.empty()) {
    if (r.next_is(Class::Context, n)) return true;
    ber::Tlv t;
    if (!r.peek(t)) return false;
    if (t.tag.cls == Class::Context && t.tag.number > n) return false;
    if (!r.skip()) return false;
  }
  return false;
}

bool read_enc_etype(ber::Reader& parent, std::uint32_t n, std::int32_t& etype, std::string& err) {
  ber::Reader c, seq, e;
  std::int64_t v = 0;
  if (!parent.enter_context(n, c) || !c.enter_sequence(seq) || !seq.enter_context(0, e) || !e.read_integer(v))
    return err = "EncryptedData.etype", false;
  etype = static_cast<std::int32_t>(v);
  return true;
}

}  // namespace

Decoded<KdcReq> decode_kdc_req(ByteView msg) {
  using R = Decoded<KdcReq>;
  ber::Reader top(msg), app, seq, c;
  ber::Tlv t;
  if (!top.peek(t) || t.tag.cls != Class::Application || (t.tag.number != 10 && t.tag.number != 12))
    return R::fail("KDC-REQ: not [APPLICATION 10] or [APPLICATION 12]");
  if (!top.enter(ber::application_tag(t.tag.number), app) || !app.enter_sequence(seq))
    return R::fail("KDC-REQ: " + (top.error().empty() ? app.error() : top.error()));
  KdcReq q;
  std::int64_t pvno = 0;
  if (!seq.enter_context(1, c) || !c.read_integer(pvno) || pvno != 5) return R::fail("KDC-REQ: pvno is not 5");
  if (!seq.enter_context(2, c) || !c.read_integer(q.msg_type)) return R::fail("KDC-REQ: msg-type missing");
  if (q.msg_type != static_cast<std::int64_t>(t.tag.number)) return R::fail("KDC-REQ: msg-type does not match the tag");
  if (seq.next_is(Class::Context, 3)) {
    ber::Reader list;
    if (!seq.enter_context(3, c) || !c.enter_sequence(list)) return R::fail("KDC-REQ: bad padata");
    while (!list.empty() && q.padata_types.size() < 64) {
      ber::Reader pa, f;
      std::int64_t type = 0;
      if (!list.enter_sequence(pa) || !pa.enter_context(1, f) || !f.read_integer(type))
        return R::fail("KDC-REQ: bad PA-DATA");
      q.padata_types.push_back(static_cast<std::int32_t>(type));
    }
  }
  ber::Reader body;
  if (!seq.enter_context(4, c) || !c.enter_sequence(body)) return R::fail("KDC-REQ: req-body missing");
  std::string err;
  (void)seek(body, 1);  // past kdc-options; cname [1] is absent in a TGS-REQ
  if (body.next_is(Class::Context, 1) && !read_principal(body, 1, q.cname, err))
    return R::fail("KDC-REQ cname: " + err);
  if (!seek(body, 2) || !read_realm(body, 2, q.realm, err)) return R::fail("KDC-REQ: realm missing");
  if (body.next_is(Class::Context, 3) && !read_principal(body, 3, q.sname, err))
    return R::fail("KDC-REQ sname: " + err);
  if (!seek(body, 8)) return R::fail("KDC-REQ: etype missing");
  ber::Reader elist;
  if (!body.enter_context(8, c) || !c.enter_sequence(elist)) return R::fail("KDC-REQ: bad etype list");
  while (!elist.empty()) {
    std::int64_t e = 0;
    if (!elist.read_integer(e)) return R::fail("KDC-REQ: bad etype");
    if (q.etypes.size() < 64) q.etypes.push_back(static_cast<std::int32_t>(e));
  }
  if (seek(body, 9)) {
    ber::Reader alist;
    if (body.enter_context(9, c) && c.enter_sequence(alist)) {
      while (!alist.empty() && q.netbios_addresses.size() < 16) {
        ber::Reader ha, f;
        std::int64_t type = 0;
        ByteView addr;
        if (!alist.enter_sequence(ha) || !ha.enter_context(0, f) || !f.read_integer(type)) break;
        if (!ha.enter_context(1, f) || !f.read_octet_string(addr)) break;
        if (type == 20) {
          std::string name(reinterpret_cast<const char*>(addr.data()), addr.size());
          while (!name.empty() && (name.back() == ' ' || name.back() == '\0')) name.pop_back();
          q.netbios_addresses.push_back(name);
        }
      }
    }
  }
  return R::ok(std::move(q));
}

Decoded<KdcRep> decode_kdc_rep(ByteView msg) {
  using R = Decoded<KdcRep>;
  ber::Reader top(msg), app, seq, c;
  ber::Tlv t;
  if (!top.peek(t) || t.tag.cls != Class::Application || (t.tag.number != 11 && t.tag.number != 13))
    return R::fail("KDC-REP: not [APPLICATION 11] or [APPLICATION 13]");
  if (!top.enter(ber::application_tag(t.tag.number), app) || !app.enter_sequence(seq))
    return R::fail("KDC-REP: " + (top.error().empty() ? app.error() : top.error()));
  KdcRep p;
  std::int64_t pvno = 0;
  if (!seq.enter_context(0, c) || !c.read_integer(pvno) || pvno != 5) return R::fail("KDC-REP: pvno is not 5");
  if (!seq.enter_context(1, c) || !c.read_integer(p.msg_type)) return R::fail("KDC-REP: msg-type missing");
  if (p.msg_type != static_cast<std::int64_t>(t.tag.number)) return R::fail("KDC-REP: msg-type does not match the tag");
  std::string err;
  if (!seek(seq, 3) || !read_realm(seq, 3, p.crealm, err)) return R::fail("KDC-REP: crealm missing");
  if (!read_principal(seq, 4, p.cname, err)) return R::fail("KDC-REP cname: " + err);
  ber::Reader tapp, tseq;
  if (!seq.enter_context(5, c) || !c.enter(ber::application_tag(1), tapp) || !tapp.enter_sequence(tseq))
    return R::fail("KDC-REP: ticket missing");
  std::string ticket_realm;
  if (!seek(tseq, 1) || !read_realm(tseq, 1, ticket_realm, err)) return R::fail("KDC-REP ticket: realm missing");
  if (!read_principal(tseq, 2, p.sname, err)) return R::fail("KDC-REP ticket sname: " + err);
  if (!read_enc_etype(tseq, 3, p.ticket_etype, err)) return R::fail("KDC-REP ticket: " + err);
  if (!read_enc_etype(seq, 6, p.enc_part_etype, err)) return R::fail("KDC-REP: " + err);
  return R::ok(std::move(p));
}

// ---- LDAP ----------------------------------------------------------------------------------------

namespace {

std::string as_string(ByteView v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

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
      } else {
        return R::fail("BindRequest: authentication choice [" + std::to_string(auth.tag.number) + "]");
      }
      break;
    }
    case 2:
      q.op = LdapRequest::Op::unbind;
      break;
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
    default:
      q.op = LdapRequest::Op::other;
  }
  return R::ok(std::move(q));
}

// ---- SMB1 SESSION_SETUP_ANDX, WordCount 13 -------------------------------------------------------

std::string Smb1LegacySessionSetup::version() const {
  if (unicode_password_length == 0 && oem_password_length <= 1) return "anonymous";
  if (unicode_password_length > 24) return "NTLMv2";
  if (unicode_password_length == 24) return "NTLMv1";
  if (unicode_password_length == 0 && oem_password_length == 24) return "LM";
  return "plaintext";
}

Decoded<Smb1LegacySessionSetup> decode_smb1_legacy_session_setup(ByteView message) {
  using R = Decoded<Smb1LegacySessionSetup>;
  Reader r(message);
  ByteView proto;
  std::uint8_t command = 0, flags = 0, wc = 0;
  std::uint16_t flags2 = 0;
  static constexpr std::uint8_t kProto[4] = {0xFF, 'S', 'M', 'B'};
  if (!r.bytes(4, proto) || !std::equal(proto.begin(), proto.end(), kProto))
    return R::fail("SMB1: no 0xFF 'SMB' header");
  if (!r.u8(command) || command != 0x73) return R::fail("SMB1: not SESSION_SETUP_ANDX");
  if (!r.skip(4) || !r.u8(flags) || !r.u16le(flags2) || !r.skip(20)) return R::fail("SMB1: header truncated");
  if (!r.u8(wc) || wc != 13) return R::fail("SESSION_SETUP_ANDX: WordCount is not 13");
  Smb1LegacySessionSetup s;
  // AndX (4), MaxBufferSize, MaxMpxCount, VcNumber (6), SessionKey (4), the two lengths, Reserved, Capabilities.
  if (!r.skip(14) || !r.u16le(s.oem_password_length) || !r.u16le(s.unicode_password_length) || !r.skip(8))
    return R::fail("SESSION_SETUP_ANDX: words truncated");
  std::uint16_t byte_count = 0;
  Reader bytes;
  if (!r.u16le(byte_count) || !r.sub(byte_count, bytes)) return R::fail("SESSION_SETUP_ANDX: ByteCount past the end");
  if (!bytes.skip(s.oem_password_length) || !bytes.skip(s.unicode_password_length))
    return R::fail("SESSION_SETUP_ANDX: password lengths past ByteCount");
  const bool unicode = (flags2 & 0x8000) != 0;
  // Unicode strings are aligned to 2 bytes from the start of the SMB header.
  auto read_str = [&](std::string& out) -> bool {
    if (unicode) {
      const std::size_t offset = static_cast<std::size_t>(bytes.rest().data() - message.data());
      if (offset % 2 != 0 && !bytes.skip(1)) return false;
      ByteView v = bytes.rest();
      std::size_t n = 0;
      while (n + 1 < v.size() && (v[n] != 0 || v[n + 1] != 0)) n += 2;
      if (n + 1 >= v.size()) {
        out = utf16le_to_utf8(v.first(n));
        return bytes.skip(v.size());
      }
      out = utf16le_to_utf8(v.first(n));
      return bytes.skip(n + 2);
    }
    if (!bytes.cstring(out, 1024)) {
      out = as_string(bytes.rest());
      return bytes.skip(bytes.remaining());
    }
    return true;
  };
  if (!read_str(s.account) || !read_str(s.domain) || !read_str(s.native_os))
    return R::ok(std::move(s));  // the strings are informative; the lengths are what matters
  return R::ok(std::move(s));
}

}  // namespace legacyscan::passive
