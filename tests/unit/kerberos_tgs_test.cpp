// SPDX-License-Identifier: Apache-2.0
// The pieces of the account audit's TGS exchange: the Ticket of a lab AS-REP as raw DER, the session
// key of a decrypted EncASRepPart (lab capture, key zeroed), and a TGS-REQ read back by the passive
// KDC-REQ decoder. That Samba accepts the TGS-REQ (checksum, authenticator) is the integration test's.
#include <gtest/gtest.h>

#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"
#include "src/proto/kerberos/kerberos_kdc_req.hpp"
#include "tests/unit/kerberos_test_support.hpp"

namespace legacyscan::kerberos {
namespace {

using testing::golden;
using testing::unframed;

TEST(KerberosTgs, TicketOfAnAsRepIsItsWholeDer) {
  const Bytes rep = unframed("legacy_as_rep_admin_rc4_tcp_framed");
  auto ticket = decode_kdc_rep_ticket(rep);
  ASSERT_TRUE(ticket) << ticket.error;
  ASSERT_FALSE(ticket->empty());
  EXPECT_EQ((*ticket)[0], 0x61);  // [APPLICATION 1]
  auto decoded = decode_kdc_rep(rep);
  ASSERT_TRUE(decoded);
  // The ticket's realm and sname are inside the view.
  const std::string text(ticket->begin(), ticket->end());
  EXPECT_NE(text.find(decoded->ticket_realm), std::string::npos);
  EXPECT_FALSE(decode_kdc_rep_ticket(golden("legacy_enc_as_rep_part_rc4_key_zeroed")));
}

TEST(KerberosTgs, SessionKeyOfTheEncPart) {
  auto key = decode_enc_kdc_rep_part_key(golden("legacy_enc_as_rep_part_rc4_key_zeroed"));
  ASSERT_TRUE(key) << key.error;
  EXPECT_EQ(key->keytype, 23);
  EXPECT_EQ(key->value, Bytes(16, 0));
  EXPECT_EQ(*decode_enc_kdc_rep_part_keytype(golden("legacy_enc_as_rep_part_rc4_key_zeroed")), 23);
}

// A TGS-REQ for HTTP/web.legacy.test with the ticket of a lab AS-REP (which must outlive it).
TgsReq request(const Bytes& rep, ByteView key, ByteView confounder) {
  TgsReq o;
  o.realm = "LEGACY.TEST";
  o.sname = PrincipalName{KRB_NT_SRV_INST, {"HTTP", "web.legacy.test"}};
  o.etype = {18, 17, 23};
  o.nonce = 12345;
  o.ticket = *decode_kdc_rep_ticket(rep);
  o.session_key = key;
  o.crealm = "LEGACY.TEST";
  o.cname = PrincipalName{KRB_NT_PRINCIPAL, {"Administrator"}};
  o.ctime = "20261207120000Z";
  o.confounder = confounder;
  return o;
}

TEST(KerberosTgs, TgsReqReadsBack) {
  const Bytes rep = unframed("legacy_as_rep_admin_rc4_tcp_framed");
  const Bytes key(16, 0x11), confounder(8, 0x22);
  TgsReq o = request(rep, key, confounder);
  auto req = encode_tgs_req(o);
  ASSERT_TRUE(req) << req.error;
  auto back = decode_kdc_req(*req);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(back->msg_type, KRB_TGS_REQ);
  EXPECT_EQ(back->padata_types, (std::vector<std::int32_t>{1}));
  EXPECT_EQ(back->realm, "LEGACY.TEST");
  EXPECT_EQ(back->sname, "HTTP/web.legacy.test");
  EXPECT_EQ(back->etypes, (std::vector<std::int32_t>{18, 17, 23}));
  o.session_key = ByteView(key).first(8);
  EXPECT_FALSE(encode_tgs_req(o));
}

TEST(KerberosTgs, AesTgsReqReadsBackAndChecksKeyLengths) {
  const Bytes rep = unframed("legacy_as_rep_admin_rc4_tcp_framed");
  const Bytes key(32, 0x11), confounder(16, 0x22);
  TgsReq o = request(rep, key, confounder);
  o.etype = {18, 17};
  o.session_etype = 18;
  auto req = encode_tgs_req(o);
  ASSERT_TRUE(req) << req.error;
  auto back = decode_kdc_req(*req);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(back->etypes, (std::vector<std::int32_t>{18, 17}));
  o.session_etype = 17;  // a 32-byte key is not an aes128 key
  EXPECT_FALSE(encode_tgs_req(o));
  o.session_key = ByteView(key).first(16);
  EXPECT_TRUE(encode_tgs_req(o));
  o.confounder = ByteView(confounder).first(8);  // AES needs 16
  EXPECT_FALSE(encode_tgs_req(o));
  o.session_etype = 3;
  EXPECT_FALSE(encode_tgs_req(o));
}

}  // namespace
}  // namespace legacyscan::kerberos
