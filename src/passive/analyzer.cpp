// SPDX-License-Identifier: Apache-2.0
// The passive analyzer: one pass over packets, TCP reassembly per flow with bounded buffers, and the
// protocol handlers that turn client and server messages into per-client facts.
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "src/passive/codecs.hpp"
#include "src/passive/passive.hpp"
#include "legacyscan/strings.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/ldap/ldap_codec.hpp"
#include "src/proto/netbios/netbios_codec.hpp"
#include "src/proto/netlogon/netlogon_mailslot.hpp"
#include "src/proto/nbss/nbss.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"
#include "src/proto/spnego/spnego.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::passive {

// ---- Seen / Tally / Report ---------------------------------------------------------------------

void Seen::hit(std::int64_t ts, std::uint64_t n) {
  if (count == 0 || (ts != 0 && (first_us == 0 || ts < first_us))) first_us = ts;
  if (ts > last_us) last_us = ts;
  count += n;
}

void Seen::merge(const Seen& o) {
  if (o.count == 0) return;
  if (count == 0 || (o.first_us != 0 && o.first_us < first_us)) first_us = o.first_us;
  last_us = std::max(last_us, o.last_us);
  count += o.count;
}

void Tally::hit(const std::string& value, std::int64_t ts, std::uint64_t n) {
  auto it = values.find(value);
  if (it == values.end() && values.size() >= kMaxTallyKeys) it = values.try_emplace("(other)").first;
  if (it == values.end()) it = values.try_emplace(value).first;
  it->second.hit(ts, n);
}

std::uint64_t Tally::count(const std::string& value) const {
  auto it = values.find(value);
  return it == values.end() ? 0 : it->second.count;
}

Client& Report::client(const std::string& address, std::int64_t ts) {
  auto [it, fresh] = clients.try_emplace(address);
  if (fresh) it->second.address = address;
  it->second.seen.hit(ts);
  return it->second;
}

Client& Report::client_by_name(const std::string& name, std::int64_t ts) {
  Client& c = client("name:" + name, ts);
  c.address.clear();
  c.names.hit(name, ts);
  return c;
}

namespace {

std::string hex16(std::uint16_t v) {
  static const char* d = "0123456789abcdef";
  std::string s = "0x";
  for (int i = 3; i >= 0; --i) s += d[(v >> (4 * i)) & 0xf];
  return s;
}

std::string tls_version_name(std::uint16_t v) {
  return tls::version_name(v);
}

// ---- flows ---------------------------------------------------------------------------------------

struct Endpoint {
  std::array<std::uint8_t, 16> addr{};
  std::uint16_t port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct FlowKey {
  Endpoint a, b;  // a < b
  bool ipv6 = false;
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

struct FlowKeyHash {
  std::size_t operator()(const FlowKey& k) const {
    std::size_t h = 1469598103934665603ull;
    auto mix = [&h](const std::uint8_t* p, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    };
    mix(k.a.addr.data(), 16);
    mix(k.b.addr.data(), 16);
    h ^= (static_cast<std::size_t>(k.a.port) << 16) ^ k.b.port;
    return h;
  }
};

bool endpoint_less(const Endpoint& x, const Endpoint& y) {
  if (x.addr != y.addr) return x.addr < y.addr;
  return x.port < y.port;
}

enum class Proto { unknown, smb, tls, kerberos, ldap, starttls, ignore };

// Ports decoded by protocol. TLS is also recognised by content on any port.
Proto proto_for_port(std::uint16_t port) {
  switch (port) {
    case 445:
    case 139:
      return Proto::smb;
    case 88:
    case 464:
      return Proto::kerberos;
    case 389:
    case 3268:
      return Proto::ldap;
    case 25:
    case 587:
    case 110:
    case 143:
    case 21:
      return Proto::starttls;
    case 636:
    case 3269:
    case 443:
    case 465:
    case 993:
    case 995:
    case 5986:
    case 8443:
      return Proto::tls;
    default:
      return Proto::unknown;
  }
}

bool well_known(std::uint16_t port) {
  return proto_for_port(port) != Proto::unknown || port < 1024;
}

// What a handler does with buffered bytes of one direction.
struct Consume {
  std::size_t consumed = 0;  // bytes used from the front of the buffer
  std::size_t skip = 0;      // further bytes to drop without buffering (a large message's body)
  bool need_more = false;    // wait for more bytes
  bool stop = false;         // nothing more of interest in this direction
};

class Context;

class Handler {
 public:
  virtual ~Handler() = default;
  // dir 0: client -> server, 1: server -> client. `data` starts at a message boundary.
  virtual Consume consume(int dir, ByteView data, std::int64_t ts) = 0;
  // A handler that wants to hand the stream over (LDAP StartTLS -> TLS).
  virtual std::unique_ptr<Handler> replacement() { return nullptr; }
  virtual bool complete() const { return true; }  // false: the flow ended before the handler saw what it waited for
};

// Per-connection facts shared by handlers.
struct ConnInfo {
  Report* report = nullptr;
  std::string client;  // address
  std::string server;  // "addr:port"
  std::uint16_t server_port = 0;
  SourceStats* stats = nullptr;
  Client& cl(std::int64_t ts) { return report->client(client, ts); }
};

// ---- NTLM / SPNEGO tokens shared by SMB and LDAP ----

void record_ntlm(ConnInfo& ci, const ntlm::NtlmAuthenticateMessage& a, const char* via, std::int64_t ts) {
  Client& c = ci.cl(ts);
  NtlmFacts& n = c.ntlm_facts();
  n.versions.hit(a.response_version(), ts);
  if (!a.UserName.empty()) n.users.hit((a.DomainName.empty() ? "" : a.DomainName + "\\") + a.UserName, ts);
  if (!a.Workstation.empty()) {
    n.workstations.hit(a.Workstation, ts);
    c.names.hit(a.Workstation, ts);
  }
  n.via.hit(via, ts);
  n.servers.hit(ci.server, ts);
}

// "kerberos", an NTLM version, or "" from a security blob (SPNEGO init/resp or raw NTLMSSP).
std::string auth_from_blob(ConnInfo& ci, ByteView blob, const char* via, std::int64_t ts) {
  std::optional<Bytes> token;
  if (ntlm::ntlm_message_type(blob) != 0) {
    token = Bytes(blob.begin(), blob.end());
  } else if (auto init = smb::decode_spnego_init(blob)) {
    if (init->mechToken) token = init->mechToken;
    if (!init->mechTypes.empty()) {
      const auto& oid = init->mechTypes.front().oid;
      if ((oid == smb::kOidKerberos5 || oid == smb::kOidMsKerberos5) && token && !token->empty() &&
          ntlm::ntlm_message_type(*token) == 0)
        return "kerberos";
    }
  } else if (auto resp = smb::decode_spnego_resp(blob)) {
    if (resp->responseToken) token = resp->responseToken;
  } else if (!blob.empty() && blob[0] == 0x60) {
    return "kerberos";  // a bare GSS-API Kerberos token (SASL GSSAPI)
  }
  if (!token) return "";
  if (ntlm::ntlm_message_type(*token) == 3) {
    auto a = ntlm::decode_ntlm_authenticate_message(*token);
    if (!a) {
      ++ci.stats->decode_errors;
      return "";
    }
    record_ntlm(ci, *a, via, ts);
    return a->response_version();
  }
  return "";
}

// ---- SMB ----

class SmbHandler : public Handler {
 public:
  explicit SmbHandler(ConnInfo ci) : ci_(std::move(ci)), nbss_(ci_.server_port == 139) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    if (data.size() < 4) return c.need_more = true, c;
    std::size_t len = 0;
    if (nbss_) {
      len = (static_cast<std::size_t>(data[1] & 1) << 16) | (static_cast<std::size_t>(data[2]) << 8) | data[3];
    } else {
      if (data[0] != 0) return c.stop = true, c;  // not direct TCP framing
      len = (static_cast<std::size_t>(data[1]) << 16) | (static_cast<std::size_t>(data[2]) << 8) | data[3];
    }
    // Small messages are decoded whole; of a large one (READ/WRITE data) the first 4 KiB are enough.
    const std::size_t want = std::min<std::size_t>(len, 4096);
    if (data.size() < 4 + want) return c.need_more = true, c;
    message(dir, data[0], data.subspan(4, want), ts);
    c.consumed = 4 + want;
    c.skip = len - want;
    if (done_) c.stop = true;
    return c;
  }
  bool complete() const override { return negotiated_ || !saw_negotiate_; }

 private:
  void message(int dir, std::uint8_t type, ByteView m, std::int64_t ts) {
    if (nbss_ && type == 0x81 && dir == 0) {  // SESSION REQUEST: the client's NetBIOS name
      if (auto req = smb::decode_session_request(ByteView(m.data() - 4, m.size() + 4));
          req && !req->calling.name.empty())
        ci_.cl(ts).names.hit(req->calling.name, ts);
      return;
    }
    if (type != 0) return;
    switch (smb::detect_smb_protocol(m)) {
      case smb::SmbProtocol::Smb1:
        smb1(dir, m, ts);
        break;
      case smb::SmbProtocol::Smb2:
        smb2(dir, m, ts);
        break;
      case smb::SmbProtocol::Smb2Transform:
        if (after_setup_) decide_signing(true, ts);
        break;
      default:
        break;
    }
  }

  void start(std::int64_t ts) {
    if (saw_negotiate_) return;
    saw_negotiate_ = true;
    Client& c = ci_.cl(ts);
    SmbFacts& f = c.smb_facts();
    f.connections.hit(ts);
    f.ports.hit(std::to_string(ci_.server_port), ts);
    f.servers.hit(ci_.server, ts);
  }

  void decide_signing(bool is_signed, std::int64_t ts) {
    if (signing_decided_) return;
    signing_decided_ = true;
    SmbFacts& f = ci_.cl(ts).smb_facts();
    (is_signed ? f.signed_sessions : f.unsigned_sessions).hit(ts);
    if (auth_decided_) done_ = true;
  }

  void record_auth(const std::string& kind, std::int64_t ts) {
    if (kind.empty() || auth_decided_) return;
    auth_decided_ = true;
    ci_.cl(ts).smb_facts().auth.hit(kind, ts);
  }

  void smb1(int dir, ByteView m, std::int64_t ts) {
    auto h = smb::decode_smb1_header(m);
    if (!h) return;
    if (dir == 0 && h->Command == smb::SMB_COM_NEGOTIATE) {
      auto req = smb::decode_smb1_negotiate_request(m);
      if (!req) return void(++ci_.stats->decode_errors);
      start(ts);
      offered_smb1_ = req->Dialects;
      SmbFacts& f = ci_.cl(ts).smb_facts();
      for (const auto& d : req->Dialects) f.dialects_offered.hit(d, ts);
      return;
    }
    if (dir == 1 && h->Command == smb::SMB_COM_NEGOTIATE && !negotiated_) {
      auto rep = smb::decode_reply_to_smb1_negotiate(m);
      if (!rep) return void(++ci_.stats->decode_errors);
      if (rep->smb1) {
        const std::string chosen = smb::smb1_chosen_dialect(*rep->smb1, offered_smb1_);
        if (chosen.empty()) return;
        negotiated_ = true;
        smb1_ = true;
        SmbFacts& f = ci_.cl(ts).smb_facts();
        f.negotiated.hit(chosen, ts);
        f.smb1_sessions.hit(ts);
      }
      return;
    }
    if (h->Command == smb::SMB_COM_SESSION_SETUP_ANDX) {
      if (dir == 0 && m.size() > 32 && m[32] == 13) {
        if (auto s = decode_smb1_legacy_session_setup(m)) {
          record_auth(s->version(), ts);
          if (!s->account.empty() || s->version() != "anonymous") {
            ntlm::NtlmAuthenticateMessage a;  // the same facts, from the pre-NTLMSSP fields
            a.NtChallengeResponseLen = s->unicode_password_length;
            a.LmChallengeResponseLen = s->oem_password_length;
            a.UserName = s->account;
            a.DomainName = s->domain;
            if (s->version() != "plaintext") record_ntlm(ci_, a, "smb", ts);
          }
        } else {
          ++ci_.stats->decode_errors;
        }
      } else if (dir == 0) {
        if (auto s = smb::decode_smb1_session_setup_request(m))
          record_auth(auth_from_blob(ci_, s->SecurityBlob, "smb", ts), ts);
      } else if (h->Status == smb::STATUS_SUCCESS) {
        after_setup_ = true;
      }
      return;
    }
    if (after_setup_ && h->UID != 0) decide_signing((h->Flags2 & smb::SMB_FLAGS2_SMB_SECURITY_SIGNATURE) != 0, ts);
  }

  void smb2(int dir, ByteView m, std::int64_t ts) {
    auto h = smb::decode_smb2_header(m);
    if (!h) return void(++ci_.stats->decode_errors);
    const auto cmd = static_cast<smb::Smb2Command>(h->Command);
    if (cmd == smb::Smb2Command::NEGOTIATE) {
      if (dir == 0) {
        auto req = smb::decode_smb2_negotiate_request(m);
        if (!req) return void(++ci_.stats->decode_errors);
        start(ts);
        SmbFacts& f = ci_.cl(ts).smb_facts();
        for (auto d : req->Dialects) f.dialects_offered.hit(smb::smb2_dialect_name(d), ts);
      } else {
        auto rep = smb::decode_smb2_negotiate_response(m);
        if (!rep) return void(++ci_.stats->decode_errors);
        if (!rep->response) return;
        const std::uint16_t d = rep->response->DialectRevision;
        if (d == 0x02FF) return;  // the multi-protocol answer; a real NEGOTIATE follows
        start(ts);
        negotiated_ = true;
        ci_.cl(ts).smb_facts().negotiated.hit(smb::smb2_dialect_name(d), ts);
      }
      return;
    }
    if (cmd == smb::Smb2Command::SESSION_SETUP) {
      if (dir == 0) {
        if (auto s = smb::decode_smb2_session_setup_request(m))
          record_auth(auth_from_blob(ci_, s->SecurityBuffer, "smb", ts), ts);
      } else if (h->Status == smb::STATUS_SUCCESS) {
        after_setup_ = true;
        if (auto s = smb::decode_smb2_session_setup_response(m); s && s->response) {
          const auto flags = s->response->SessionFlags;
          if (flags & smb::SMB2_SESSION_FLAG_IS_NULL) record_auth("anonymous", ts);
          if (flags & smb::SMB2_SESSION_FLAG_ENCRYPT_DATA) decide_signing(true, ts);
        }
      }
      return;
    }
    if (after_setup_ && h->SessionId != 0) decide_signing((h->Flags & smb::SMB2_FLAGS_SIGNED) != 0, ts);
  }

  ConnInfo ci_;
  bool nbss_ = false;
  bool saw_negotiate_ = false;
  bool negotiated_ = false;
  bool smb1_ = false;
  bool after_setup_ = false;
  bool signing_decided_ = false;
  bool auth_decided_ = false;
  bool done_ = false;
  std::vector<std::string> offered_smb1_;
};

// ---- TLS ----

class TlsHandler : public Handler {
 public:
  explicit TlsHandler(ConnInfo ci) : ci_(std::move(ci)) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    if (done_[dir]) return c.stop = true, c;
    if (data.size() < 5) return c.need_more = true, c;
    if (dir == 0 && hs_[0].empty() && (data[0] & 0x80) && data.size() >= 3 && data[2] == 1) {
      // SSL 2.0-compatible CLIENT-HELLO.
      const std::size_t len = ((data[0] & 0x7f) << 8) | data[1];
      if (data.size() < 2 + len) return c.need_more = true, c;
      if (auto h = decode_ssl2_client_hello(data.first(2 + len)))
        client_hello(*h, ts);
      else
        ++ci_.stats->decode_errors;
      done_[0] = true;
      c.consumed = 2 + len;
      c.stop = true;
      return c;
    }
    auto rec = tls::read_record(data);
    if (!rec) {
      done_[dir] = true;
      return c.stop = true, c;
    }
    if (rec->need_more) return c.need_more = true, c;
    c.consumed = rec->consumed;
    if (rec->record->type != tls::HANDSHAKE) {
      // Anything but handshake before the hello (alerts, CCS, application data): stop here.
      if (rec->record->type == tls::ALERT && dir == 1 && !server_hello_seen_) alert_ = true;
      done_[dir] = true;
      c.stop = true;
      return c;
    }
    auto& buf = hs_[dir];
    if (buf.size() + rec->record->fragment.size() > 64 * 1024) {
      done_[dir] = true;
      return c.stop = true, c;
    }
    buf.insert(buf.end(), rec->record->fragment.begin(), rec->record->fragment.end());
    // The first handshake message is all we need (ClientHello / ServerHello).
    if (buf.size() < 4) return c;
    const std::size_t mlen = (static_cast<std::size_t>(buf[1]) << 16) | (buf[2] << 8) | buf[3];
    if (buf.size() < 4 + mlen) return c;
    ByteView body(buf.data() + 4, mlen);
    if (dir == 0 && buf[0] == tls::CLIENT_HELLO) {
      if (auto h = decode_client_hello(body))
        client_hello(*h, ts);
      else
        ++ci_.stats->decode_errors;
    } else if (dir == 1 && buf[0] == tls::SERVER_HELLO) {
      if (auto s = tls::decode_server_hello(body))
        server_hello(*s, ts);
      else
        ++ci_.stats->decode_errors;
    }
    done_[dir] = true;
    c.stop = true;
    return c;
  }
  bool complete() const override { return !hello_seen_ || server_hello_seen_ || alert_; }

 private:
  void client_hello(const ClientHello& h, std::int64_t ts) {
    hello_seen_ = true;
    Client& c = ci_.cl(ts);
    TlsFacts& f = c.tls_facts();
    TlsPortFacts& p = f.ports[ci_.server_port];
    f.handshakes.hit(ts);
    p.handshakes.hit(ts);
    f.servers.hit(ci_.server, ts);
    std::uint16_t max = 0;
    for (auto v : h.offered_versions()) {
      f.versions_offered.hit(tls_version_name(v), ts);
      p.versions_offered.hit(tls_version_name(v), ts);
      max = std::max(max, v);
    }
    f.max_version_offered.hit(tls_version_name(max), ts);
    p.max_version_offered.hit(tls_version_name(max), ts);
    if (h.server_name) {
      f.sni.hit(*h.server_name, ts);
      p.sni.hit(*h.server_name, ts);
    }
  }
  void server_hello(const tls::ServerHello& s, std::int64_t ts) {
    server_hello_seen_ = true;
    if (s.hello_retry_request) return;
    Client& c = ci_.cl(ts);
    TlsFacts& f = c.tls_facts();
    TlsPortFacts& p = f.ports[ci_.server_port];
    const std::string v = tls_version_name(s.version());
    std::string suite = tls::cipher_suite_name(s.cipher_suite);
    if (suite.empty()) suite = hex16(s.cipher_suite);
    f.negotiated.hit(v, ts);
    p.negotiated.hit(v, ts);
    f.cipher_suites.hit(suite, ts);
    p.cipher_suites.hit(suite, ts);
  }

  ConnInfo ci_;
  Bytes hs_[2];
  bool done_[2] = {false, false};
  bool hello_seen_ = false;
  bool server_hello_seen_ = false;
  bool alert_ = false;
};

// ---- Kerberos ----

void kerberos_message(ConnInfo& ci, int dir, ByteView msg, bool tcp, std::int64_t ts) {
  if (msg.empty()) return;
  const std::uint8_t tag = msg[0];
  if (dir == 0 && (tag == 0x6a || tag == 0x6c)) {  // [APPLICATION 10] / [APPLICATION 12]
    auto q = decode_kdc_req(msg);
    if (!q) return void(++ci.stats->decode_errors);
    Client& c = ci.cl(ts);
    KerberosFacts& k = c.kerberos_facts();
    k.requests.hit(q->msg_type == kKrbAsReq ? "AS-REQ" : "TGS-REQ", ts);
    k.transports.hit(tcp ? "tcp" : "udp", ts);
    k.servers.hit(ci.server, ts);
    std::vector<std::string> names;
    for (auto e : q->etypes) {
      names.push_back(kerberos::etype_name(e));
      k.etypes_offered.hit(names.back(), ts);
    }
    k.offers.hit(join(names, ","), ts);
    if (q->msg_type == kKrbAsReq && !q->cname.empty()) k.principals.hit(q->cname + "@" + q->realm, ts);
    if (q->msg_type == kKrbTgsReq && !q->sname.empty()) k.services.hit(q->sname, ts);
    for (const auto& n : q->netbios_addresses)
      if (!n.empty()) c.names.hit(n, ts);
    return;
  }
  if (dir == 1 && (tag == 0x6b || tag == 0x6d)) {
    auto p = decode_kdc_rep(msg);
    if (!p) return void(++ci.stats->decode_errors);
    KerberosFacts& k = ci.cl(ts).kerberos_facts();
    k.ticket_etypes.hit(kerberos::etype_name(p->ticket_etype), ts);
    (p->msg_type == kKrbAsRep ? k.reply_key_etypes : k.session_key_etypes)
        .hit(kerberos::etype_name(p->enc_part_etype), ts);
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

// ---- LDAP ----

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

void ldap_ping(ConnInfo& ci, const LdapRequest& q, bool udp, std::int64_t ts) {
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
    return std::make_unique<TlsHandler>(ci_);
  }

 private:
  void message(int dir, ByteView m, std::int64_t ts) {
    if (dir == 0) {
      auto q = decode_ldap_request(m);
      if (!q) return void(++ci_.stats->decode_errors);
      if (sasl_done_ && !layer_decided_ && !sasl_mech_.empty()) {
        layer_decided_ = true;
        ci_.cl(ts).ldap_facts().sasl_unsigned.hit(sasl_mech_, ts);
      }
      if (q->op == LdapRequest::Op::bind)
        bind(*q, ts);
      else if (q->op == LdapRequest::Op::search && q->ntver)
        ldap_ping(ci_, *q, false, ts);
      else if (q->op == LdapRequest::Op::extended && q->request_name == "1.3.6.1.4.1.1466.20037") {
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

  void bind(const LdapRequest& q, std::int64_t ts) {
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
    if (sasl_mech_ != q.sasl_mechanism || !pending_sasl_) {
      // The first message of a SASL exchange (later ones carry the same mechanism).
      if (!pending_sasl_) {
        l.binds.hit(ts);
        l.sasl_binds.hit(q.sasl_mechanism, ts);
      }
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
  bool wrapped_[2] = {false, false};
  std::string sasl_mech_;
};

// ---- STARTTLS in text protocols (SMTP RFC 3207, POP3 STLS RFC 2595, IMAP RFC 3501, FTP AUTH TLS
// RFC 4217): follow the command lines until the server accepts the upgrade, then hand the stream to
// the TLS handler. ----

class StartTlsTextHandler : public Handler {
 public:
  explicit StartTlsTextHandler(ConnInfo ci) : ci_(std::move(ci)) {}

  Consume consume(int dir, ByteView data, std::int64_t) override {
    Consume c;
    std::size_t eol = 0;
    while (eol < data.size() && data[eol] != '\n') ++eol;
    if (eol == data.size()) {
      if (data.size() > 4096)
        c.stop = true;  // not a line protocol
      else
        c.need_more = true;
      return c;
    }
    std::string line(reinterpret_cast<const char*>(data.data()), eol);
    for (auto& ch : line) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    c.consumed = eol + 1;
    if (dir == 0) {
      pending_ = line.find("STARTTLS") != std::string::npos || line.rfind("STLS", 0) == 0 ||
                 line.rfind("AUTH TLS", 0) == 0 || line.rfind("AUTH SSL", 0) == 0;
    } else if (pending_) {
      // SMTP 220, FTP 234, POP3 +OK, IMAP "<tag> OK".
      if (line.rfind("220", 0) == 0 || line.rfind("234", 0) == 0 || line.rfind("+OK", 0) == 0 ||
          (line.find(" OK") != std::string::npos && line[0] != '*'))
        handover_ = true;
      else if (line.size() >= 4 && line[3] != '-')
        pending_ = false;  // refused (a final reply line that is not the go-ahead)
    }
    if (++lines_ > 200) c.stop = true;
    return c;
  }
  std::unique_ptr<Handler> replacement() override {
    if (!handover_) return nullptr;
    handover_ = false;
    return std::make_unique<TlsHandler>(ci_);
  }

 private:
  ConnInfo ci_;
  bool pending_ = false;
  bool handover_ = false;
  int lines_ = 0;
};

// ---- TCP stream of one direction ----

struct Direction {
  bool have_seq = false;
  std::uint32_t next_seq = 0;
  Bytes buf;
  std::map<std::uint32_t, Bytes> ooo;  // keyed by offset from next_seq at insertion (absolute seq)
  std::size_t ooo_bytes = 0;
  std::size_t skip = 0;
  bool stopped = false;
  bool gap = false;
  bool fin = false;
};

struct Flow {
  Endpoint client, server;
  bool ipv6 = false;
  bool decided = false;
  Proto proto = Proto::unknown;
  std::unique_ptr<Handler> handler;
  Direction dir[2];
  std::int64_t last_ts = 0;
  bool partial = false;
  bool rst = false;
};

std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b);
}

}  // namespace

// ---- Analyzer ------------------------------------------------------------------------------------

struct Analyzer::Impl {
  Limits limits;
  Report report;
  std::unordered_map<FlowKey, Flow, FlowKeyHash> flows;
  std::uint64_t since_sweep = 0;

  explicit Impl(Limits l) : limits(l) {}

  ConnInfo conn(const Flow& f) {
    ConnInfo ci;
    ci.report = &report;
    ci.stats = &report.source;
    ci.client = address_string(f.client.addr, f.ipv6);
    const std::string s = address_string(f.server.addr, f.ipv6);
    ci.server = (f.ipv6 ? "[" + s + "]" : s) + ":" + std::to_string(f.server.port);
    ci.server_port = f.server.port;
    return ci;
  }

  void packet(int link, std::int64_t ts, ByteView frame, std::size_t wire) {
    SourceStats& st = report.source;
    ++st.packets;
    st.bytes += wire;
    if (st.first_us == 0 || ts < st.first_us) st.first_us = ts;
    st.last_us = std::max(st.last_us, ts);
    auto p = decode_packet(link, frame);
    if (!p) {
      ++st.undecodable_packets;
      return;
    }
    if (p->fragment) {
      ++st.ip_fragments;
      return;
    }
    if (p->transport == Transport::udp)
      udp(*p, ts);
    else
      tcp(*p, ts);
    if (++since_sweep >= 4096) {
      since_sweep = 0;
      sweep(ts, false);
    }
  }

  // ---- UDP ----

  void udp(const Packet& p, std::int64_t ts) {
    const bool to_server = well_known(p.dst_port) && !(well_known(p.src_port) && p.src_port < p.dst_port);
    Flow f;
    f.ipv6 = p.ipv6;
    f.client = {to_server ? p.src : p.dst, to_server ? p.src_port : p.dst_port};
    f.server = {to_server ? p.dst : p.src, to_server ? p.dst_port : p.src_port};
    const int dir = to_server ? 0 : 1;
    const std::uint16_t port = f.server.port;
    if (port == 88 || port == 464) {
      ConnInfo ci = conn(f);
      kerberos_message(ci, dir, p.payload, false, ts);
    } else if (port == 389 && dir == 0) {
      ConnInfo ci = conn(f);
      if (auto q = decode_ldap_request(p.payload); q && q->op == LdapRequest::Op::search && q->ntver)
        ldap_ping(ci, *q, true, ts);
      else if (!q)
        ++report.source.decode_errors;
    } else if (port == 137 && dir == 0) {
      ConnInfo ci = conn(f);
      name_service(ci, p.payload, ts);
    } else if (port == 138 && p.dst_port == 138) {
      // Datagrams go from port 138 to port 138: the sender is the client.
      Flow g;
      g.ipv6 = p.ipv6;
      g.client = {p.src, p.src_port};
      g.server = {p.dst, p.dst_port};
      ConnInfo ci = conn(g);
      datagram(ci, p.payload, ts);
    }
  }

  void name_service(ConnInfo& ci, ByteView payload, std::int64_t ts) {
    auto q = netbios::decode_name_service_request(payload);
    if (!q) return void(++report.source.decode_errors);
    Client& c = ci.cl(ts);
    NetbiosFacts& n = c.netbios_facts();
    n.servers.hit(ci.server, ts);
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "<%02x>", q->QUESTION_NAME.suffix);
    const std::string name = q->QUESTION_NAME.name + suffix;
    if (q->header.OPCODE == 0) {
      if (q->QUESTION_TYPE == netbios::RR_TYPE_NBSTAT)
        n.node_status_queries.hit(ts);
      else
        n.name_queries.hit(name, ts);
    } else if (q->header.OPCODE == 5 || q->header.OPCODE == 8 || q->header.OPCODE == 9) {
      n.registrations.hit(name, ts);
      if (!q->QUESTION_NAME.name.empty() && q->QUESTION_NAME.name[0] != '*') c.names.hit(q->QUESTION_NAME.name, ts);
    }
  }

  void datagram(ConnInfo& ci, ByteView payload, std::int64_t ts) {
    auto d = netbios::decode_datagram(payload);
    if (!d) return void(++report.source.decode_errors);
    if (!d->direct) return;
    auto m = netbios::decode_mailslot_write(d->direct->USER_DATA);
    if (!m) return;
    std::string slot = m->mailslot_name;
    std::transform(slot.begin(), slot.end(), slot.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (slot != netbios::kNetlogonMailslot) return;
    auto r = netlogon::decode_netlogon_request(m->data);
    if (!r) return void(++report.source.decode_errors);
    Client& c = ci.cl(ts);
    NetbiosFacts& n = c.netbios_facts();
    n.servers.hit(ci.server, ts);
    if (r->Opcode == 0x12)
      n.sam_logon_requests.hit(ts);
    else if (r->Opcode == 0x07)
      n.primary_queries.hit(ts);
    else
      return;
    n.mailslot_ntver.hit(join(netlogon::nt_version_names(r->NtVersion), "|"), ts);
    if (!d->direct->SOURCE_NAME.name.empty()) c.names.hit(d->direct->SOURCE_NAME.name, ts);
    if (!r->ComputerName.empty()) c.names.hit(r->ComputerName, ts);
  }

  // ---- TCP ----

  void tcp(const Packet& p, std::int64_t ts) {
    Endpoint s{p.src, p.src_port}, d{p.dst, p.dst_port};
    FlowKey key;
    key.ipv6 = p.ipv6;
    const bool s_first = endpoint_less(s, d);
    key.a = s_first ? s : d;
    key.b = s_first ? d : s;
    auto it = flows.find(key);
    if (it == flows.end()) {
      if (p.payload.empty() && !(p.tcp_flags & kTcpSyn)) return;  // a bare ACK/FIN of a flow we do not track
      if (flows.size() >= limits.max_flows) {
        sweep(ts, true);
        if (flows.size() >= limits.max_flows) evict_one();
      }
      Flow f;
      f.ipv6 = p.ipv6;
      // The client: the SYN sender; otherwise the side not on a well-known port.
      bool src_is_client;
      if ((p.tcp_flags & kTcpSyn) && !(p.tcp_flags & kTcpAck))
        src_is_client = true;
      else if ((p.tcp_flags & kTcpSyn) && (p.tcp_flags & kTcpAck))
        src_is_client = false;
      else if (well_known(p.dst_port) != well_known(p.src_port))
        src_is_client = well_known(p.dst_port);
      else
        src_is_client = p.dst_port < p.src_port;
      f.client = src_is_client ? s : d;
      f.server = src_is_client ? d : s;
      it = flows.emplace(key, std::move(f)).first;
      ++report.source.tcp_flows;
      report.source.peak_flows = std::max<std::uint64_t>(report.source.peak_flows, flows.size());
    }
    Flow& f = it->second;
    f.last_ts = ts;
    const int dir = (f.client == s) ? 0 : 1;
    Direction& D = f.dir[dir];
    if (p.tcp_flags & kTcpSyn) {
      D.have_seq = true;
      D.next_seq = p.seq + 1;
      return;
    }
    if (p.tcp_flags & kTcpRst) {
      f.rst = true;
      close(key, f);
      flows.erase(key);
      return;
    }
    if (!p.payload.empty()) segment(f, dir, p.seq, p.payload, ts);
    if (p.tcp_flags & kTcpFin) {
      D.fin = true;
      if (f.dir[0].fin && f.dir[1].fin) {
        close(key, f);
        flows.erase(key);
      }
    }
  }

  void ensure_handler(Flow& f, ByteView first_client_bytes) {
    if (f.decided) return;
    f.decided = true;
    ConnInfo ci = conn(f);
    Proto proto = proto_for_port(f.server.port);
    if (proto == Proto::unknown && first_client_bytes.size() >= 3 && first_client_bytes[0] == 0x16 &&
        first_client_bytes[1] == 0x03)
      proto = Proto::tls;
    f.proto = proto;
    switch (proto) {
      case Proto::smb:
        f.handler = std::make_unique<SmbHandler>(ci);
        break;
      case Proto::tls:
        f.handler = std::make_unique<TlsHandler>(ci);
        break;
      case Proto::kerberos:
        f.handler = std::make_unique<KerberosTcpHandler>(ci);
        break;
      case Proto::ldap:
        f.handler = std::make_unique<LdapHandler>(ci, false);
        break;
      case Proto::starttls:
        f.handler = std::make_unique<StartTlsTextHandler>(ci);
        break;
      default:
        f.proto = Proto::ignore;
        break;
    }
  }

  void segment(Flow& f, int dir, std::uint32_t seq, ByteView payload, std::int64_t ts) {
    Direction& D = f.dir[dir];
    if (!f.decided) {
      if (dir == 1 && proto_for_port(f.server.port) == Proto::unknown) {
        // Server speaks first on an unknown port: nothing we decode.
        f.decided = true;
        f.proto = Proto::ignore;
      } else if (dir == 0 || proto_for_port(f.server.port) != Proto::unknown) {
        ensure_handler(f, dir == 0 ? payload : ByteView{});
      }
    }
    if (f.proto == Proto::ignore || D.stopped) {
      if (D.have_seq) D.next_seq = seq + static_cast<std::uint32_t>(payload.size());
      return;
    }
    if (!D.have_seq) {
      D.have_seq = true;
      D.next_seq = seq;
      f.partial = true;  // the flow began before the capture (no SYN)
    }
    std::int32_t d = seq_diff(seq, D.next_seq);
    if (d < 0) {  // retransmission or overlap: keep only the new tail
      if (static_cast<std::size_t>(-static_cast<std::int64_t>(d)) >= payload.size()) return;
      payload = payload.subspan(static_cast<std::size_t>(-static_cast<std::int64_t>(d)));
      seq = D.next_seq;
      d = 0;
    }
    if (d > 0) {
      // Ahead of a gap: hold it (bounded), or give up on the missing bytes.
      if (D.ooo_bytes + payload.size() <= limits.max_out_of_order && D.ooo.size() < 1024) {
        auto [it, fresh] = D.ooo.try_emplace(seq, payload.begin(), payload.end());
        if (fresh) D.ooo_bytes += payload.size();
        return;
      }
      jump_gap(f, dir, ts);
      // After the jump next_seq is at the first held segment; retry this one.
      d = seq_diff(seq, D.next_seq);
      if (d != 0) {
        if (d > 0 && D.ooo_bytes + payload.size() <= limits.max_out_of_order) {
          auto [it, fresh] = D.ooo.try_emplace(seq, payload.begin(), payload.end());
          if (fresh) D.ooo_bytes += payload.size();
        }
        return;
      }
    }
    deliver(f, dir, payload, ts);
    // Drain what the gap held back.
    while (!D.ooo.empty() && !D.stopped) {
      auto it = D.ooo.begin();
      const std::int32_t od = seq_diff(it->first, D.next_seq);
      if (od > 0) break;
      Bytes seg = std::move(it->second);
      D.ooo_bytes -= seg.size();
      D.ooo.erase(it);
      if (static_cast<std::size_t>(-static_cast<std::int64_t>(od)) >= seg.size()) continue;
      deliver(f, dir, ByteView(seg).subspan(static_cast<std::size_t>(-static_cast<std::int64_t>(od))), ts);
    }
  }

  // Missing bytes that will not come: the flow is partial; the stream restarts at the next held
  // segment, where the decoder must find a message boundary again (or stop).
  void jump_gap(Flow& f, int dir, std::int64_t ts) {
    Direction& D = f.dir[dir];
    f.partial = true;
    D.gap = true;
    D.buf.clear();
    D.skip = 0;
    if (D.ooo.empty()) return;
    D.next_seq = D.ooo.begin()->first;
    Bytes seg = std::move(D.ooo.begin()->second);
    D.ooo_bytes -= seg.size();
    D.ooo.erase(D.ooo.begin());
    deliver(f, dir, seg, ts);
  }

  void deliver(Flow& f, int dir, ByteView data, std::int64_t ts) {
    Direction& D = f.dir[dir];
    D.next_seq += static_cast<std::uint32_t>(data.size());
    if (D.stopped || !f.handler) return;
    if (D.skip) {
      const std::size_t n = std::min(D.skip, data.size());
      D.skip -= n;
      data = data.subspan(n);
      if (data.empty()) return;
    }
    ByteView view = data;
    if (!D.buf.empty()) {
      if (D.buf.size() + data.size() > limits.max_stream_buffer) {
        f.partial = true;
        D.stopped = true;
        D.buf.clear();
        return;
      }
      D.buf.insert(D.buf.end(), data.begin(), data.end());
      view = D.buf;
    }
    std::size_t used = 0;
    for (int guard = 0; guard < 100000; ++guard) {
      if (used >= view.size()) break;
      Consume c = f.handler->consume(dir, view.subspan(used), ts);
      if (auto next = f.handler->replacement()) {
        f.handler = std::move(next);
        f.proto = Proto::tls;
        if (c.need_more && c.consumed == 0) continue;  // re-offer the same bytes to the new handler
      }
      used += c.consumed;
      if (c.skip) {
        const std::size_t left = view.size() - used;
        const std::size_t n = std::min(c.skip, left);
        used += n;
        D.skip = c.skip - n;
      }
      if (c.stop) {
        D.stopped = true;
        break;
      }
      if (c.need_more || (c.consumed == 0 && c.skip == 0)) break;
    }
    if (D.stopped) {
      D.buf.clear();
      return;
    }
    if (used >= view.size()) {
      D.buf.clear();
    } else if (D.buf.empty()) {
      if (view.size() - used > limits.max_stream_buffer) {
        f.partial = true;
        D.stopped = true;
        return;
      }
      D.buf.assign(view.begin() + static_cast<std::ptrdiff_t>(used), view.end());
    } else {
      D.buf.erase(D.buf.begin(), D.buf.begin() + static_cast<std::ptrdiff_t>(used));
    }
  }

  void close(const FlowKey&, Flow& f) {
    bool partial = f.partial;
    for (auto& D : f.dir) {
      if (!D.ooo.empty() || (!D.buf.empty() && !D.stopped)) partial = true;
    }
    if (f.handler && !f.handler->complete()) partial = true;
    if (partial && f.proto != Proto::ignore && f.proto != Proto::unknown) ++report.source.partial_flows;
  }

  void sweep(std::int64_t now, bool aggressive) {
    const std::int64_t idle = aggressive ? limits.idle_timeout_us / 10 : limits.idle_timeout_us;
    for (auto it = flows.begin(); it != flows.end();) {
      if (now - it->second.last_ts > idle) {
        close(it->first, it->second);
        it = flows.erase(it);
      } else {
        ++it;
      }
    }
  }

  void evict_one() {
    auto victim = flows.begin();
    for (auto it = flows.begin(); it != flows.end(); ++it)
      if (it->second.last_ts < victim->second.last_ts) victim = it;
    if (victim == flows.end()) return;
    victim->second.partial = true;
    close(victim->first, victim->second);
    flows.erase(victim);
    ++report.source.evicted_flows;
  }

  Report finish() {
    for (auto& [k, f] : flows) close(k, f);
    flows.clear();
    return std::move(report);
  }
};

Analyzer::Analyzer(Limits limits) : impl_(std::make_unique<Impl>(limits)) {
  impl_->report.source.kind = "pcap";
}
Analyzer::~Analyzer() = default;
void Analyzer::packet(int link, std::int64_t ts, ByteView frame, std::size_t wire) {
  impl_->packet(link, ts, frame, wire);
}
void Analyzer::warn(const std::string& message) {
  if (impl_->report.source.warnings.size() < 100) impl_->report.source.warnings.push_back(message);
}
Report Analyzer::finish() {
  return impl_->finish();
}
std::size_t Analyzer::open_flows() const {
  return impl_->flows.size();
}

}  // namespace legacyscan::passive
