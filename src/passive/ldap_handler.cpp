// SPDX-License-Identifier: Apache-2.0
// LDAP over TCP (389, 3268) and CLDAP: how clients bind (simple binds in clear text, SASL mechanisms
// and whether they sign), StartTLS, and the LDAP pings of DC discovery.
#include <algorithm>
#include <cstdint>

#include "legacyscan/strings.hpp"
#include "src/passive/handler.hpp"
#include "src/proto/ldap/ldap_codec.hpp"
#include "src/proto/ldap/ldap_request.hpp"
#include "src/proto/netlogon/netlogon_sam_logon.hpp"

namespace legacyscan::passive {

namespace {

// The size of the BER element at the front (SEQUENCE of an LDAPMessage), 0 when more bytes are
// needed, SIZE_MAX when it cannot be an LDAPMessage.
std::size_t ber_element_size(ByteView d) {
  if (d.size() < 2) return 0;
  if (d[0] != 0x30) return SIZE_MAX;
  if (d[1] < 0x80) return 2 + d[1];
  const std::size_t n = d[1] & 0x7f;
  if (n == 0 || n > 4) return SIZE_MAX;
  if (d.size() < 2 + n) return 0;
  std::size_t len = 0;
  for (std::size_t i = 0; i < n; ++i) len = (len << 8) | d[2 + i];
  return 2 + n + len;
}

void ldap_ping(ConnInfo& ci, const ldap::LdapRequest& q, bool udp, std::int64_t ts) {
  Client& c = ci.cl(ts);
  LdapFacts& l = c.ldap_facts();
  (udp ? l.cldap_pings : l.tcp_pings).hit(ts);
  l.ntver.hit(join(netlogon::nt_version_names(*q.ntver), "|"), ts);
  l.servers.hit(ci.server, ts);
  if (!q.host.empty()) c.names.hit(q.host, ts);
}

class LdapHandler : public Handler {
 public:
  LdapHandler(ConnInfo ci, bool tls_port) : ci_(std::move(ci)), tls_port_(tls_port) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    if (dir == 0 && data.size() >= 3 && data[0] == 0x16 && data[1] == 0x03) {
      handover_ = true;  // TLS without StartTLS (a client speaking LDAPS on 389, or after StartTLS)
      return c.stop = false, c.need_more = true, c;
    }
    if (wrapped_[dir]) return c.stop = true, c;
    if (data.empty()) return c.need_more = true, c;
    if (data[0] != 0x30) {
      // After a SASL bind with a security layer every message is a 4-byte length + wrapped token.
      if (sasl_done_ && !sasl_mech_.empty()) {
        if (dir == 0 && !layer_decided_) {
          layer_decided_ = true;
          ci_.cl(ts).ldap_facts().sasl_signed.hit(sasl_mech_, ts);
        }
        wrapped_[dir] = true;
      }
      return c.stop = true, c;
    }
    const std::size_t size = ber_element_size(data);
    if (size == SIZE_MAX) return c.stop = true, c;
    if (size == 0) return c.need_more = true, c;
    if (size > 256 * 1024) {  // a large search result: skip it
      c.consumed = std::min(size, data.size());
      c.skip = size - c.consumed;
      return c;
    }
    if (data.size() < size) return c.need_more = true, c;
    c.consumed = size;
    message(dir, data.first(size), ts);
    if (starttls_ok_) {
      handover_ = true;
      c.need_more = false;
    }
    return c;
  }
  std::unique_ptr<Handler> replacement() override {
    if (!handover_) return nullptr;
    handover_ = false;
    return make_tls_handler(ci_);
  }

 private:
  void message(int dir, ByteView m, std::int64_t ts) {
    if (dir == 0) {
      auto q = ldap::decode_ldap_request(m);
      if (!q) return void(++ci_.stats->decode_errors);
      if (sasl_done_ && !layer_decided_ && !sasl_mech_.empty()) {
        layer_decided_ = true;
        ci_.cl(ts).ldap_facts().sasl_unsigned.hit(sasl_mech_, ts);
      }
      if (q->op == ldap::LdapRequest::Op::bind)
        bind(*q, ts);
      else if (q->op == ldap::LdapRequest::Op::search && q->ntver)
        ldap_ping(ci_, *q, false, ts);
      else if (q->op == ldap::LdapRequest::Op::extended && q->request_name == "1.3.6.1.4.1.1466.20037") {
        starttls_id_ = q->messageID;
        ci_.cl(ts).ldap_facts().starttls.hit(ts);
      }
      return;
    }
    auto r = ldap::decode_ldap_message(m);
    if (!r) return;  // search entries of unusual shape are no concern here
    if (r->bindResponse) {
      const auto code = r->bindResponse->result.resultCode;
      if (code != ldap::LDAP_SASL_BIND_IN_PROGRESS) {
        ci_.cl(ts).ldap_facts().bind_results.hit(code == 0 ? "success" : ldap::result_code_name(code), ts);
        if (code == 0 && pending_sasl_) sasl_done_ = true;
        pending_sasl_ = false;
      }
    } else if (r->extendedResp && starttls_id_ && r->messageID == *starttls_id_) {
      if (r->extendedResp->result.resultCode == 0) starttls_ok_ = true;
    }
  }

  void bind(const ldap::LdapRequest& q, std::int64_t ts) {
    Client& c = ci_.cl(ts);
    LdapFacts& l = c.ldap_facts();
    l.servers.hit(ci_.server, ts);
    if (q.simple) {
      l.binds.hit(ts);
      if (q.simple_password_empty)
        l.anonymous_binds.hit(ts);
      else if (!tls_port_)
        l.simple_binds_cleartext.hit(q.bind_dn.empty() ? "(empty DN)" : q.bind_dn, ts);
      sasl_mech_.clear();
      return;
    }
    // A Sicily package discovery only asks which packages the server has; the NEGOTIATE that
    // follows starts the bind, and its answer comes back as a success before the AUTHENTICATE.
    if (q.sicily == 9) return;
    const bool sicily_continues = q.sicily == 11 && sicily_negotiated_;
    sicily_negotiated_ = q.sicily == 10;
    if (!pending_sasl_ && !sicily_continues) {
      // The first message of a SASL exchange (later ones carry the same mechanism).
      l.binds.hit(ts);
      l.sasl_binds.hit(q.sasl_mechanism, ts);
    }
    pending_sasl_ = true;
    sasl_done_ = false;
    layer_decided_ = false;
    sasl_mech_ = q.sasl_mechanism;
    if (q.sasl_credentials) (void)auth_from_blob(ci_, *q.sasl_credentials, "ldap", ts);
  }

  ConnInfo ci_;
  bool tls_port_ = false;
  bool handover_ = false;
  bool starttls_ok_ = false;
  std::optional<std::int64_t> starttls_id_;
  bool pending_sasl_ = false;
  bool sasl_done_ = false;
  bool layer_decided_ = false;
  bool sicily_negotiated_ = false;
  bool wrapped_[2] = {false, false};
  std::string sasl_mech_;
};

}  // namespace

std::unique_ptr<Handler> make_ldap_handler(ConnInfo ci, bool tls_port) {
  return std::make_unique<LdapHandler>(std::move(ci), tls_port);
}

void cldap_request(ConnInfo& ci, ByteView datagram, std::int64_t ts) {
  if (auto q = ldap::decode_ldap_request(datagram); q && q->op == ldap::LdapRequest::Op::search && q->ntver)
    ldap_ping(ci, *q, true, ts);
  else if (!q)
    ++ci.stats->decode_errors;
}

}  // namespace legacyscan::passive
