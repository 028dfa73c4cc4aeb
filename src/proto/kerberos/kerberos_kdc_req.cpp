// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_kdc_req.hpp"

#include "src/proto/ber/ber.hpp"

namespace legacyscan::kerberos {

namespace {

using ber::Class;

// Lenient readers: a request is read as far as its fields can be found, for the facts it carries.
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

namespace {

// EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }:
// the etype only.
bool read_encrypted_data_etype(ber::Reader& parent, std::uint32_t n, std::int32_t& etype) {
  ber::Reader c, seq, f;
  std::int64_t e = 0;
  if (!parent.enter_context(n, c) || !c.enter_sequence(seq) || !seq.enter_context(0, f) || !f.read_integer(e))
    return false;
  etype = static_cast<std::int32_t>(e);
  return true;
}

}  // namespace

Decoded<ApReq> decode_ap_req(ByteView msg) {
  using R = Decoded<ApReq>;
  ber::Reader top(msg), app, seq, c, tkt_app, tkt;
  if (!top.enter(ber::application_tag(14), app) || !app.enter_sequence(seq))
    return R::fail("AP-REQ: not [APPLICATION 14]");
  std::int64_t pvno = 0, type = 0;
  if (!seq.enter_context(0, c) || !c.read_integer(pvno) || pvno != 5) return R::fail("AP-REQ: pvno is not 5");
  if (!seq.enter_context(1, c) || !c.read_integer(type) || type != 14) return R::fail("AP-REQ: msg-type is not 14");
  if (!seek(seq, 3) || !seq.enter_context(3, c) || !c.enter(ber::application_tag(1), tkt_app) ||
      !tkt_app.enter_sequence(tkt))
    return R::fail("AP-REQ: ticket missing");
  ApReq a;
  std::string err;
  if (!seek(tkt, 1) || !read_realm(tkt, 1, a.realm, err)) return R::fail("AP-REQ ticket realm: " + err);
  if (!read_principal(tkt, 2, a.sname, err)) return R::fail("AP-REQ ticket sname: " + err);
  if (!read_encrypted_data_etype(tkt, 3, a.ticket_etype)) return R::fail("AP-REQ: ticket enc-part missing");
  if (!read_encrypted_data_etype(seq, 4, a.authenticator_etype)) return R::fail("AP-REQ: authenticator missing");
  return R::ok(std::move(a));
}

Decoded<ApReq> decode_gss_krb5_ap_req(ByteView token) {
  using R = Decoded<ApReq>;
  ber::Reader top(token), inner;
  if (!top.enter(ber::application_tag(0), inner)) return R::fail("GSS-API token: not [APPLICATION 0]");
  std::string oid;
  if (!inner.read_oid(oid)) return R::fail("GSS-API token: mechanism OID missing");
  if (oid != "1.2.840.113554.1.2.2" && oid != "1.2.840.48018.1.2.2")
    return R::fail("GSS-API token: mechanism " + oid + " is not Kerberos");
  const ByteView rest = inner.rest();
  if (rest.size() < 2 || rest[0] != 0x01 || rest[1] != 0x00) return R::fail("GSS-API token: TOK_ID is not AP-REQ");
  return decode_ap_req(rest.subspan(2));
}

}  // namespace legacyscan::kerberos
