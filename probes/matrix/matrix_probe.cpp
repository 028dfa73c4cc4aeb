// SPDX-License-Identifier: Apache-2.0
// The compatibility matrix: for every client profile, what that client would send, sent to this host,
// and the outcome. SMB: the client's exact NEGOTIATE (its dialect list, one connection, then its SMB2
// NEGOTIATE when the server answers the multi-protocol offer with the wildcard). Kerberos: its AS-REQ
// with its etype list, over UDP first when the client starts there (TCP after RESPONSE_TOO_BIG). TLS:
// its ClientHello (version window, suites, groups) to each direct-TLS endpoint the TLS probe found.
// LDAP and NetBIOS cells use what the LDAP and NetBIOS probes measured, which is exactly the request
// those clients send (the LDAP ping, the mailslot SAM LOGON); those cells and the rows are assembled
// in src/compat/matrix_cells. RDP, PPTP and L2TP/IPsec cells read the rdp and vpn probes' results
// (src/compat/matrix_remote); IKEv2: the client's IKE_SA_INIT on the port the vpn probe found.
#include "probes/matrix/matrix_probe.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <map>

#include "legacyscan/engine/async.hpp"
#include "legacyscan/engine/net.hpp"
#include "legacyscan/strings.hpp"
#include "probes/matrix/matrix_ikev2.hpp"
#include "probes/matrix/matrix_result.hpp"
#include "probes/smb/smb_channel.hpp"
#include "src/compat/matrix_accounts.hpp"
#include "src/compat/matrix_cells.hpp"
#include "src/compat/profiles.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

#ifdef LEGACYSCAN_PROBE_KERBEROS
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_TLS
#include "probes/matrix/matrix_hello.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_codec.hpp"
#endif

namespace legacyscan::matrix {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

// ---- SMB ---------------------------------------------------------------------------------------

std::uint16_t smb2_dialect_code(const std::string& name) {
  if (name == "2.0.2") return smb::SMB2_DIALECT_202;
  if (name == "2.1") return smb::SMB2_DIALECT_210;
  if (name == "3.0") return smb::SMB2_DIALECT_300;
  if (name == "3.0.2") return smb::SMB2_DIALECT_302;
  return smb::SMB2_DIALECT_311;
}

std::uint16_t cipher_code(const std::string& name) {
  if (name == "AES-128-CCM") return smb::SMB2_ENCRYPTION_AES128_CCM;
  if (name == "AES-128-GCM") return smb::SMB2_ENCRYPTION_AES128_GCM;
  if (name == "AES-256-CCM") return smb::SMB2_ENCRYPTION_AES256_CCM;
  return smb::SMB2_ENCRYPTION_AES256_GCM;
}

smb::Smb2NegotiateRequestOptions smb2_offer_of(const SmbOffer& client, std::uint64_t message_id) {
  smb::Smb2NegotiateRequestOptions o;
  o.Dialects.clear();  // the client's own list, in its order
  for (const auto& d : client.smb2_dialects) o.Dialects.push_back(smb2_dialect_code(d));
  o.SecurityMode =
      client.signing == "required"
          ? static_cast<std::uint16_t>(smb::SMB2_NEGOTIATE_SIGNING_ENABLED | smb::SMB2_NEGOTIATE_SIGNING_REQUIRED)
          : smb::SMB2_NEGOTIATE_SIGNING_ENABLED;
  o.Capabilities = smb::SMB2_GLOBAL_CAP_DFS | smb::SMB2_GLOBAL_CAP_LEASING | smb::SMB2_GLOBAL_CAP_LARGE_MTU;
  o.header.MessageId = message_id;
  o.header.CreditRequest = 31;
  for (std::size_t i = 0; i < 16; ++i) o.ClientGuid[i] = static_cast<std::uint8_t>(0xa0 + i);
  if (std::find(o.Dialects.begin(), o.Dialects.end(), smb::SMB2_DIALECT_311) != o.Dialects.end()) {
    Bytes salt(32);
    for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<std::uint8_t>(i * 13 + 1);
    o.preauth_integrity =
        smb::Smb2NegotiateRequestOptions::PreauthIntegrity{{smb::SMB2_PREAUTH_INTEGRITY_SHA512}, salt};
    std::vector<std::uint16_t> ciphers;
    for (const auto& c : client.encryption_ciphers) ciphers.push_back(cipher_code(c));
    if (!ciphers.empty()) o.encryption_ciphers = ciphers;
  }
  return o;
}

Cell smb2_answer(const SmbOffer& client, const Bytes& reply) {
  auto r = smb::decode_smb2_negotiate_response(reply);
  if (!r) return make_cell(CellVerdict::fails, "malformed SMB2 NEGOTIATE response: " + r.error);
  if (r->is_error())
    return make_cell(CellVerdict::fails, "server refuses the client's SMB2 dialects (" + join(client.smb2_dialects) +
                                             "): " + r->status_string());
  const auto& resp = *r->response;
  const std::string negotiated = "SMB " + smb::smb2_dialect_name(resp.DialectRevision);
  return smb_signing_cell(client, (resp.SecurityMode & smb::SMB2_NEGOTIATE_SIGNING_ENABLED) != 0,
                          (resp.SecurityMode & smb::SMB2_NEGOTIATE_SIGNING_REQUIRED) != 0, negotiated, false);
}

asio::awaitable<Cell> simulate_smb(ProbeContext& ctx, const SmbOffer& client, std::uint16_t port) {
  const auto transport = port == 139 ? smb::Transport::NetbiosSession139 : smb::Transport::DirectTcp445;
  const std::string called = ctx.facts.get("smb_called_name").value_or("*SMBSERVER");
  std::unique_ptr<smb::SmbChannel> ch;
  auto o = co_await smb::SmbChannel::open(ctx, port, transport, called, ch);
  if (!o.ok()) co_return make_cell(CellVerdict::fails, "cannot reach SMB on " + std::to_string(port) + ": " + o.reason);
  Bytes reply;
  if (client.smb1_dialects.empty()) {
    auto req = smb::encode_smb2_negotiate_request(smb2_offer_of(client, 0));
    if (!req) co_return make_cell(CellVerdict::unknown, "cannot build the client's NEGOTIATE: " + req.error);
    o = co_await ch->request(*req.value, reply);
    if (!o.ok()) co_return make_cell(CellVerdict::fails, "server dropped the client's SMB2 NEGOTIATE: " + o.reason);
    co_return smb2_answer(client, reply);
  }
  smb::Smb1NegotiateRequestOptions neg;
  neg.Dialects = client.smb1_dialects;
  auto req = smb::encode_smb1_negotiate_request(neg);
  if (!req) co_return make_cell(CellVerdict::unknown, "cannot build the client's NEGOTIATE: " + req.error);
  o = co_await ch->request(*req.value, reply);
  if (!o.ok())
    co_return make_cell(CellVerdict::fails,
                        "server " +
                            std::string(o.status == Status::timeout ? "did not answer" : "closed the connection on") +
                            " the client's SMB1 NEGOTIATE (" + o.reason + ")");
  const auto proto = smb::detect_smb_protocol(reply);
  if (proto == smb::SmbProtocol::Smb2) {
    auto r = smb::decode_smb2_negotiate_response(reply);
    if (!r) co_return make_cell(CellVerdict::fails, "malformed SMB2 answer: " + r.error);
    if (!r->is_error() && r->response->DialectRevision == smb::SMB2_DIALECT_WILDCARD) {
      // [MS-SMB2] 3.2.5.2: the client goes on with an SMB2 NEGOTIATE on the same connection.
      auto req2 = smb::encode_smb2_negotiate_request(smb2_offer_of(client, 1));
      if (!req2) co_return make_cell(CellVerdict::unknown, "cannot build the client's SMB2 NEGOTIATE: " + req2.error);
      Bytes reply2;
      o = co_await ch->request(*req2.value, reply2);
      if (!o.ok()) co_return make_cell(CellVerdict::fails, "server dropped the client's SMB2 NEGOTIATE: " + o.reason);
      co_return smb2_answer(client, reply2);
    }
    co_return smb2_answer(client, reply);
  }
  if (proto != smb::SmbProtocol::Smb1) co_return make_cell(CellVerdict::fails, "not an SMB answer");
  auto r = smb::decode_smb1_negotiate_response(reply);
  if (!r) co_return make_cell(CellVerdict::fails, "malformed SMB1 NEGOTIATE response: " + r.error);
  using Form = smb::Smb1NegotiateResponse::Form;
  if (r->form == Form::Error)
    co_return make_cell(CellVerdict::fails,
                        "server answers the SMB1 NEGOTIATE with " + smb::smb1_status_string(r->header));
  if (r->form == Form::NoDialectChosen || r->DialectIndex >= client.smb1_dialects.size())
    co_return make_cell(CellVerdict::fails, client.smb2_dialects.empty()
                                                ? "server refuses every offered dialect; client speaks only SMB1 (" +
                                                      join(client.smb1_dialects) + ")"
                                                : "server refuses every offered dialect");
  const std::string dialect = client.smb1_dialects[r->DialectIndex];
  const std::uint16_t mode = r->nt_lm ? r->nt_lm->SecurityMode : (r->lanman ? r->lanman->SecurityMode : 0);
  co_return smb_signing_cell(client, (mode & smb::NEGOTIATE_SECURITY_SIGNATURES_ENABLED) != 0,
                             (mode & smb::NEGOTIATE_SECURITY_SIGNATURES_REQUIRED) != 0, dialect, true);
}

// ---- Kerberos ----------------------------------------------------------------------------------

#ifdef LEGACYSCAN_PROBE_KERBEROS
// Negative numbers are Microsoft's unregistered pre-RFC 4757 RC4 variants (-128, -133, -135).
bool weak_etype(std::int32_t e) { return e == 1 || e == 3 || e == 23 || e == 24 || e == 16 || e < 0; }

Cell kerberos_answer(const KerberosOffer& client, ByteView reply, const std::string& principal,
                     const std::string& via) {
  namespace k = kerberos;
  auto decoded = k::decode_kdc_reply(reply);
  if (!decoded) return make_cell(CellVerdict::fails, "malformed KDC answer: " + decoded.error);
  std::string offered;
  for (auto e : client.etypes) offered += (offered.empty() ? "" : ", ") + k::etype_name(e);
  auto chosen_cell = [&](std::int32_t etype) {
    const std::string name = k::etype_name(etype);
    const bool best = !client.etypes.empty() && client.etypes.front() == etype;
    if (etype == 1 || etype == 3)
      return make_cell(CellVerdict::degraded, "KDC uses single DES (" + name + ") for the reply key" + via, name);
    if (weak_etype(etype) && !best)
      return make_cell(
          CellVerdict::degraded,
          "KDC falls back to " + name + " although the client offers " + k::etype_name(client.etypes.front()) + via,
          name);
    return make_cell(CellVerdict::works, "KDC answers with " + name + via, name);
  };
  if (std::holds_alternative<k::KdcRep>(*decoded.value))
    return chosen_cell(std::get<k::KdcRep>(*decoded.value).enc_part.etype);
  const auto& err = std::get<k::KrbError>(*decoded.value);
  if (err.error_code == k::KDC_ERR_PREAUTH_REQUIRED) {
    if (err.e_data)
      if (auto md = k::decode_method_data(*err.e_data))
        for (const auto& pa : *md.value)
          if (pa.padata_type == k::PA_ETYPE_INFO2)
            if (auto info = k::decode_etype_info2(pa.padata_value); info && !info->empty())
              return chosen_cell(info->front().etype);
    return make_cell(CellVerdict::fails, "KDC asks for pre-authentication but offers no key for the client's etypes (" +
                                             offered + ")" + via);
  }
  if (err.error_code == k::KDC_ERR_ETYPE_NOSUPP)
    return make_cell(CellVerdict::fails,
                     "KDC accepts none of the client's etypes (" + offered + "): KDC_ERR_ETYPE_NOSUPP" + via);
  if (err.error_code == k::KDC_ERR_C_PRINCIPAL_UNKNOWN)
    return make_cell(CellVerdict::unknown, "principal " + principal + " is unknown to the KDC" + via);
  return make_cell(CellVerdict::fails, "KDC error " + k::error_name(err.error_code) + via);
}

asio::awaitable<Cell> simulate_kerberos(ProbeContext& ctx, const KerberosOffer& client, const std::string& realm,
                                        const std::string& principal, std::uint16_t port) {
  namespace k = kerberos;
  k::AsReqOptions opts;
  opts.realm = realm;
  opts.cname.name_type = k::KRB_NT_PRINCIPAL;
  opts.cname.name_string = {principal.substr(0, principal.find('@'))};  // "DC1$@REALM" -> "DC1$"
  opts.etype = client.etypes;
  opts.nonce = 0x4c53;  // fixed: the exchange is reproducible
  opts.pac_request = true;
  auto req = k::encode_as_req(opts);
  if (!req) co_return make_cell(CellVerdict::unknown, "cannot build the client's AS-REQ: " + req.error);
  bool too_big = false;
  if (client.starts_on == "udp") {
    UdpExchange how;
    how.port = port;
    how.accept = [](ByteView d) { return k::kdc_reply_datagram(d).has_value(); };
    auto r = co_await udp_exchange(ctx, *req.value, how);
    if (r.outcome.ok()) {
      auto decoded = k::decode_kdc_reply(r.datagram);
      if (decoded && std::holds_alternative<k::KrbError>(*decoded.value) &&
          std::get<k::KrbError>(*decoded.value).error_code == k::KRB_ERR_RESPONSE_TOO_BIG) {
        too_big = true;
      } else {
        co_return kerberos_answer(client, r.datagram, principal, " (over UDP)");
      }
    }
    // No UDP answer: the client falls back to TCP, as Windows does after its UDP retries.
  }
  std::unique_ptr<TcpConnection> conn;
  auto o = co_await TcpConnection::open(ctx, port, conn);
  if (!o.ok()) co_return make_cell(CellVerdict::fails, "cannot reach the KDC over TCP: " + o.reason);
  o = co_await conn->write(k::frame_tcp(*req.value));
  Bytes head;
  if (o.ok()) o = co_await conn->read_exact(head, 4);
  if (!o.ok()) co_return make_cell(CellVerdict::fails, "KDC over TCP: " + o.reason);
  auto len = k::decode_record_mark(head);
  if (!len) co_return make_cell(CellVerdict::fails, "KDC over TCP: " + len.error);
  Bytes body;
  o = co_await conn->read_exact(body, *len.value);
  if (!o.ok()) co_return make_cell(CellVerdict::fails, "KDC over TCP: " + o.reason);
  co_return kerberos_answer(client, body, principal,
                            too_big                     ? " (over TCP after KRB_ERR_RESPONSE_TOO_BIG on UDP)"
                            : client.starts_on == "udp" ? " (over TCP after no UDP answer)"
                                                        : " (over TCP)");
}
#endif

// ---- TLS ---------------------------------------------------------------------------------------

#ifdef LEGACYSCAN_PROBE_TLS
asio::awaitable<Cell> simulate_tls(ProbeContext& ctx, const TlsStack& client, std::uint16_t port) {
  namespace t = tls;
  const auto w = tls_window(client);
  const std::uint16_t max_version = w.max, min_version = w.min;
  const bool speaks_ssl2 = w.ssl2;
  auto hello = client_hello_of(client);
  if (!hello) co_return make_cell(CellVerdict::unknown, "cannot build the client's ClientHello: " + hello.error);
  std::unique_ptr<TcpConnection> conn;
  auto o = co_await TcpConnection::open(ctx, port, conn);
  if (!o.ok()) co_return make_cell(CellVerdict::fails, "cannot connect: " + o.reason);
  o = co_await conn->write(*hello.value);
  if (!o.ok()) co_return make_cell(CellVerdict::fails, "server dropped the ClientHello: " + o.reason);
  const std::string window = join(client.versions, "/") + (client.sslv2_hello ? " in an SSL 2.0-format hello" : "");
  Bytes buf, handshake;
  for (int reads = 0; reads < 32; ++reads) {
    o = co_await conn->read_some(buf, 16384);
    if (!o.ok())
      co_return make_cell(CellVerdict::fails,
                          "server closed the connection on the client's hello (offers " + window + "): " + o.reason);
    const auto framing = t::classify_reply(buf);
    if (framing == t::Framing::need_more) continue;
    if (framing == t::Framing::not_tls)
      co_return make_cell(CellVerdict::fails, "not a TLS answer: " + t::printable_excerpt(buf));
    if (framing == t::Framing::ssl2) {
      auto r = t::read_ssl2_server_hello(buf);
      if (!r) co_return make_cell(CellVerdict::fails, "malformed SSL 2.0 answer: " + r.error);
      if (r->need_more) continue;
      if (r->error_code)
        co_return make_cell(CellVerdict::fails, "server answers with SSL 2.0 ERROR " + std::to_string(*r->error_code));
      std::string kind = r->hello && !r->hello->cipher_specs.empty()
                             ? t::ssl2_cipher_name(r->hello->cipher_specs.front())
                             : std::string("no cipher");
      if (!speaks_ssl2)
        co_return make_cell(CellVerdict::fails, "server answers in SSL 2.0, which the client does not speak",
                            "SSL 2.0");
      co_return make_cell(CellVerdict::degraded, "negotiates SSL 2.0 (broken: RFC 6176) with " + kind,
                          "SSL 2.0 " + kind);
    }
    for (;;) {
      auto rec = t::read_record(buf);
      if (!rec) co_return make_cell(CellVerdict::fails, "not a TLS answer: " + rec.error);
      if (rec->need_more) break;
      const auto record = *rec->record;
      if (record.type == 21) {
        auto alert = t::decode_alert(record.fragment);
        co_return make_cell(CellVerdict::fails,
                            "server refuses the client's hello (offers " + window + "): alert " +
                                (alert ? t::alert_name(alert->description) : std::string("malformed")));
      }
      if (record.type == 22) {
        handshake.insert(handshake.end(), record.fragment.begin(), record.fragment.end());
        auto split = t::split_handshake(handshake);
        if (!split) co_return make_cell(CellVerdict::fails, "malformed handshake: " + split.error);
        for (const auto& m : split->messages) {
          if (m.msg_type != 2) continue;
          auto sh = t::decode_server_hello(m.body);
          if (!sh) co_return make_cell(CellVerdict::fails, "malformed ServerHello: " + sh.error);
          const auto v = sh->version();
          const std::string suite = t::cipher_suite_name(sh->cipher_suite);
          const std::string negotiated = t::version_name(v) + " " + suite;
          if (sh->hello_retry_request)
            co_return make_cell(CellVerdict::works, "server asks for another key share (HelloRetryRequest)",
                                negotiated);
          if (v > max_version || v < min_version)
            co_return make_cell(CellVerdict::fails,
                                "server chose " + t::version_name(v) + ", outside the client's window", negotiated);
          const auto* info = t::find_cipher_suite(sh->cipher_suite);
          const std::string via = client.sslv2_hello ? " (after an SSL 2.0-format hello)" : "";
          if (v < 0x0303)
            co_return make_cell(CellVerdict::degraded,
                                "negotiates " + t::version_name(v) + " (below TLS 1.2) with " + suite + via,
                                negotiated);
          if (info && (t::is_weak(*info) || !info->pfs))
            co_return make_cell(CellVerdict::degraded,
                                "negotiates " + suite + (info->pfs ? " (weak cipher)" : " (no forward secrecy)") + via,
                                negotiated);
          co_return make_cell(CellVerdict::works, "negotiates " + negotiated + via, negotiated);
        }
      }
      buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(rec->consumed));
    }
  }
  co_return make_cell(CellVerdict::fails, "no ServerHello");
}

#endif

// ---- distinct offers -----------------------------------------------------------------------------

// What identifies an offer on the wire (its source note aside).
std::string smb_key(const SmbOffer& o) {
  return "smb|" + join(o.smb1_dialects, ";") + "|" + join(o.smb2_dialects, ";") + "|" + o.signing + "|" +
         (o.multiprotocol_negotiate ? "mp" : "") + "|" + join(o.encryption_ciphers, ";");
}

std::string kerberos_key(const KerberosOffer& o) {
  std::string k = "krb|" + o.starts_on + "|";
  for (auto e : o.etypes) k += std::to_string(e) + ";";
  return k;
}

std::string tls_key(const TlsStack& s, std::uint16_t port) {
  std::string k = "tls|" + std::to_string(port) + "|" + join(s.versions, ";") + "|" + join(s.groups, ";") + "|" +
                  (s.sslv2_hello ? "v2" : "") + "|";
  for (auto c : s.cipher_suites) k += std::to_string(c) + ";";
  k += "|";
  for (auto c : s.ssl2_cipher_kinds) k += std::to_string(c) + ";";
  return k;
}

std::string ikev2_key(const VpnUse& v) {
  std::string k = "ikev2|";
  for (const auto& p : v.ikev2) {
    for (const auto& t : p.transforms)
      k += std::to_string(t.type) + "." + std::to_string(t.id) + "." + std::to_string(t.key_length) + ";";
    for (auto g : p.groups) k += "g" + std::to_string(g) + ";";
    k += "|";
  }
  return k;
}

// One simulation to run: exactly one of smb, kerberos, tls, ikev2 is set.
struct Job {
  const SmbOffer* smb = nullptr;
  const KerberosOffer* kerberos = nullptr;
  const TlsStack* tls = nullptr;
  std::uint16_t port = 0;
  const VpnUse* ikev2 = nullptr;
};

struct OfferJobs {
  std::vector<Job> list;
  std::map<std::string, std::size_t> by_key;
  void add(const std::string& key, Job j) {
    if (by_key.emplace(key, list.size()).second) list.push_back(j);
  }
  [[nodiscard]] std::size_t index(const std::string& key) const { return by_key.at(key); }
};

class MatrixProbe final : public Probe {
 public:
  std::string_view name() const override { return "matrix"; }
  std::string_view description() const override {
    return "Compatibility matrix: replays each client profile's real offers (SMB, Kerberos, TLS, IKEv2) and "
           "reads LDAP/NetBIOS/RDP/PPTP/IKEv1";
  }
  // The ports of the services whose cells it assembles: with --ports, the matrix runs when one of them
  // is selected (it reads the other probes' results; its own exchanges go where they found servers).
  std::vector<std::uint16_t> default_ports() const override { return {445, 139, 88, 389, 636, 3389, 500}; }
  std::vector<std::string_view> transports() const override { return {}; }
  std::vector<ProbeOption> options() const override {
    return {
        {"--profiles", "Comma-separated client profile ids for the matrix (default: all; see 'legacyscan profiles')",
         "", true},
        {"--accounts", "A saved 'legacyscan accounts' JSON: the Kerberos path uses the audited service account", ""},
        {"--kerberos-service",
         "With --accounts or --audit-accounts: the account (or SPN) of the service the clients reach "
         "(default: the kerberos probe's principal, the DC's machine account)",
         ""}};
  }
  std::string check_options(const ScanSettings& settings) const override {
    const auto file = settings.option("accounts");
    if (!file) {
      if (settings.option("kerberos-service") && !settings.option(kAuditAccountsSetting))
        return "--kerberos-service needs --accounts FILE or --audit-accounts";
      return {};
    }
    AccountAudit audit;
    if (auto err = load_account_audit(*file, audit); !err.empty()) return "--accounts " + err;
    return {};
  }
  std::vector<std::string_view> depends_on() const override {
    return {"smb", "kerberos", "tls", "ldap", "netbios", "rdp", "vpn", "accounts"};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<MatrixResult>();
    std::vector<const ClientProfile*> profiles;
    if (auto wanted = ctx.settings.option("profiles")) {
      std::size_t start = 0;
      while (start <= wanted->size()) {
        auto end = wanted->find(',', start);
        if (end == std::string::npos) end = wanted->size();
        const auto id = wanted->substr(start, end - start);
        if (const auto* p = find_profile(id)) profiles.push_back(p);
        start = end + 1;
      }
    } else {
      for (const auto& p : all_profiles()) profiles.push_back(&p);
    }
    const auto finished = [&](const char* probe) {
      return ctx.finished_result ? ctx.finished_result(probe) : std::nullopt;
    };
    ScanInputs in =
        read_scan_inputs(finished("smb"), finished("kerberos"), finished("tls"), finished("ldap"), finished("netbios"));
    read_remote_inputs(in, finished("rdp"), finished("vpn"));
    const auto* ikev2_server = ikev2_responder(in.vpn);
    // A saved audit (--accounts FILE) wins over the one this scan ran (--audit-accounts).
    AccountAudit audit;
    const auto file = ctx.settings.option("accounts");
    const auto audited = file ? std::nullopt : finished("accounts");
    if (file) {
      if (auto err = load_account_audit(*file, audit); !err.empty()) ctx.log.error("matrix: --accounts {}", err);
    } else if (audited) {
      if (auto err = audit_from_result(*audited, audit); !err.empty()) ctx.log.error("matrix: {}", err);
    }
    if (file || audited) {
      in.service_name = ctx.settings.option("kerberos-service").value_or(in.principal);
      in.service_account = find_account(audit, in.service_name, in.realm);
    }

    // Every distinct offer once, all of them concurrently (under the connection caps): profiles that
    // send the same bytes (Windows 10 and 11, XP and Server 2003...) share one exchange.
    const bool smb_ready = in.smb && in.smb_port;
    const bool krb_ready = in.kerberos_ready;
#ifdef LEGACYSCAN_PROBE_TLS
    const bool tls_ready = in.tls && !in.tls_ports.empty();
#else
    const bool tls_ready = false;
#endif
    OfferJobs jobs;
    for (const auto* p : profiles) {
      if (p->smb && smb_ready) jobs.add(smb_key(*p->smb), Job{&*p->smb, nullptr, nullptr, 0});
      if (p->kerberos && krb_ready) jobs.add(kerberos_key(*p->kerberos), Job{nullptr, &*p->kerberos, nullptr, 0});
      if (tls_ready)
        for (auto port : in.tls_ports)
          for (const auto* stack : stacks_for_service(*p, tls_service(port, "")))
            jobs.add(tls_key(*stack, port), Job{nullptr, nullptr, stack, port});
      if (ikev2_server && p->vpn && !p->vpn->ikev2.empty())
        jobs.add(ikev2_key(*p->vpn), Job{nullptr, nullptr, nullptr, ikev2_server->port, &*p->vpn});
    }
    const auto& list = jobs.list;
    auto cells = co_await all_of<Cell>(list.size(), [&](std::size_t i) -> asio::awaitable<Cell> {
      const auto& j = list[i];
      if (j.smb) return simulate_smb(ctx, *j.smb, *in.smb_port);
      if (j.ikev2)
        return [](ProbeContext& c, const VpnUse& v, std::uint16_t port,
                  const vpn::IkeV2Info* server) -> asio::awaitable<Cell> {
          auto answer = co_await replay_ikev2(c, v, port);
          co_return ikev2_cell(v, answer, server);
        }(ctx, *j.ikev2, j.port, ikev2_server);
#ifdef LEGACYSCAN_PROBE_KERBEROS
      if (j.kerberos) return simulate_kerberos(ctx, *j.kerberos, in.realm, in.principal, in.kerberos_port);
#endif
#ifdef LEGACYSCAN_PROBE_TLS
      if (j.tls) return simulate_tls(ctx, *j.tls, j.port);
#endif
      return [](Cell c) -> asio::awaitable<Cell> { co_return c; }(make_cell(CellVerdict::unknown, "probe not built"));
    });

    Replayed replayed;
    replayed.smb = [&](const SmbOffer& o) { return cells[jobs.index(smb_key(o))]; };
    replayed.kerberos = [&](const KerberosOffer& o) { return cells[jobs.index(kerberos_key(o))]; };
    replayed.tls = [&](const TlsStack& s, std::uint16_t port) { return cells[jobs.index(tls_key(s, port))]; };
    replayed.ikev2 = [&](const VpnUse& v) { return cells[jobs.index(ikev2_key(v))]; };
    for (const auto* p : profiles) result->rows.push_back(assemble_row(*p, in, replayed));
    co_return result;
  }
};

}  // namespace
}  // namespace legacyscan::matrix

namespace legacyscan {
std::unique_ptr<Probe> make_matrix_probe() { return std::make_unique<matrix::MatrixProbe>(); }
}  // namespace legacyscan
