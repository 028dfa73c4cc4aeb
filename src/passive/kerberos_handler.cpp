// SPDX-License-Identifier: Apache-2.0
// Kerberos over UDP and TCP (88, 464): the etypes a client offers and the KDC picks for tickets and
// keys, the principals asked for, and the KDC's errors.
#include "legacyscan/strings.hpp"
#include "src/passive/handler.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/kerberos/kerberos_kdc_req.hpp"

namespace legacyscan::passive {

void kerberos_message(ConnInfo& ci, int dir, ByteView msg, bool tcp, std::int64_t ts) {
  if (msg.empty()) return;
  const std::uint8_t tag = msg[0];
  if (dir == 0 && (tag == 0x6a || tag == 0x6c)) {  // [APPLICATION 10] / [APPLICATION 12]
    auto q = kerberos::decode_kdc_req(msg);
    if (!q) return void(++ci.stats->decode_errors);
    Client& c = ci.cl(ts);
    KerberosFacts& k = c.kerberos_facts();
    k.requests.hit(q->msg_type == kerberos::KRB_AS_REQ ? "AS-REQ" : "TGS-REQ", ts);
    k.transports.hit(tcp ? "tcp" : "udp", ts);
    k.servers.hit(ci.server, ts);
    std::vector<std::string> names;
    for (auto e : q->etypes) {
      names.push_back(kerberos::etype_name(e));
      k.etypes_offered.hit(names.back(), ts);
    }
    k.offers.hit(join(names, ","), ts);
    if (q->msg_type == kerberos::KRB_AS_REQ && !q->cname.empty()) k.principals.hit(q->cname + "@" + q->realm, ts);
    if (q->msg_type == kerberos::KRB_TGS_REQ && !q->sname.empty()) k.services.hit(q->sname, ts);
    for (const auto& n : q->netbios_addresses)
      if (!n.empty()) c.names.hit(n, ts);
    return;
  }
  if (dir == 1 && (tag == 0x6b || tag == 0x6d)) {
    auto p = kerberos::decode_kdc_rep(msg);
    if (!p) return void(++ci.stats->decode_errors);
    KerberosFacts& k = ci.cl(ts).kerberos_facts();
    k.ticket_etypes.hit(kerberos::etype_name(p->ticket_enc_part.etype), ts);
    (p->msg_type == kerberos::KRB_AS_REP ? k.reply_key_etypes : k.session_key_etypes)
        .hit(kerberos::etype_name(p->enc_part.etype), ts);
    return;
  }
  if (dir == 1 && tag == 0x7e) {
    auto e = kerberos::decode_krb_error(msg);
    if (!e) return void(++ci.stats->decode_errors);
    KerberosFacts& k = ci.cl(ts).kerberos_facts();
    k.errors.hit(kerberos::error_name(e->error_code), ts);
    if (e->error_code == kerberos::KRB_ERR_RESPONSE_TOO_BIG) k.response_too_big.hit(ts);
  }
}

namespace {

class KerberosTcpHandler : public Handler {
 public:
  explicit KerberosTcpHandler(ConnInfo ci) : ci_(std::move(ci)) {}
  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    if (data.size() < 4) return c.need_more = true, c;
    const std::uint32_t len = (static_cast<std::uint32_t>(data[0]) << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
    if (len & 0x80000000u) return c.stop = true, c;
    if (len > kerberos::kMaxKdcMessage) {
      c.consumed = 4;
      c.skip = len;
      return c;
    }
    if (data.size() < 4 + len) return c.need_more = true, c;
    kerberos_message(ci_, dir, data.subspan(4, len), true, ts);
    c.consumed = 4 + len;
    return c;
  }

 private:
  ConnInfo ci_;
};

}  // namespace

std::unique_ptr<Handler> make_kerberos_tcp_handler(ConnInfo ci) {
  return std::make_unique<KerberosTcpHandler>(std::move(ci));
}

}  // namespace legacyscan::passive
