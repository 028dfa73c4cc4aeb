// SPDX-License-Identifier: Apache-2.0
// The Kerberos probe: which etypes a KDC accepts for an AS-REQ without pre-authentication, each
// etype alone and with an AES companion, over UDP and TCP (RFC 4120 7.2.1/7.2.2), plus the Windows
// XP offer. Every AS-REQ is its own exchange (its own datagram socket or TCP connection), so one
// answer never colours another. No credentials are sent unless the user gives --user with --password
// (--password-env, --password-file) or --keytab: then the Windows XP logon (rc4-hmac) is made as well.
#include "probes/kerberos/kerberos_probe.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>

#include "legacyscan/engine/async.hpp"
#include "legacyscan/engine/net.hpp"
#include "probes/kerberos/kerberos_result.hpp"
#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/kerberos/kerberos_keytab.hpp"
#include "src/proto/ldap/ldap_codec.hpp"

namespace legacyscan::kerberos {

namespace asio = boost::asio;

namespace {

enum class Transport { udp, tcp };

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Scan {
  ProbeContext& ctx;
  std::uint16_t port;
  std::string realm;
  PrincipalName cname;
  std::uint32_t nonce_base;
  std::uint32_t next_nonce = 0;
};

Bytes as_req(Scan& s, const std::vector<std::int32_t>& etypes, const std::string& realm) {
  AsReqOptions o;
  o.realm = realm;
  o.cname = s.cname;
  o.etype = etypes;
  o.nonce = (s.nonce_base + s.next_nonce++) & 0x7fffffffu;
  o.pac_request = true;  // as Windows clients send it ([MS-KILE] 2.2.3)
  auto r = encode_as_req(o);
  return r ? std::move(*r.value) : Bytes{};
}

// One request, one reply: the raw KDC message (without the TCP record mark) or why there is none.
struct RawReply {
  Outcome outcome;
  Bytes message;
  int attempts = 0;
};

asio::awaitable<RawReply> exchange_udp(Scan& s, ByteView request) {
  RawReply r;
  UdpExchange how;
  how.port = s.port;
  // Only a KDC reply is the answer; anything else sent to our port (junk, a flood) is ignored and
  // counted until the deadline, so it cannot turn into a protocol error.
  std::string last_junk;
  how.accept = [&last_junk](ByteView d) {
    auto shape = kdc_reply_datagram(d);
    if (!shape) last_junk = shape.error;
    return shape.has_value();
  };
  auto u = co_await udp_exchange(s.ctx, request, how);
  if (u.outcome.status == Status::timeout && !last_junk.empty())
    u.outcome.reason += " (the last one: " + last_junk + ")";
  r.outcome = u.outcome;
  r.attempts = u.attempts;
  r.message = std::move(u.datagram);
  co_return r;
}

asio::awaitable<RawReply> exchange_tcp(Scan& s, ByteView request) {
  RawReply r;
  r.attempts = 1;
  std::unique_ptr<TcpConnection> conn;
  r.outcome = co_await TcpConnection::open(s.ctx, s.port, conn);
  if (!r.outcome.ok()) co_return r;
  r.outcome = co_await conn->write(frame_tcp(request));
  if (!r.outcome.ok()) co_return r;
  Bytes mark;
  r.outcome = co_await conn->read_exact(mark, 4);
  if (!r.outcome.ok()) co_return r;
  auto len = decode_record_mark(mark);
  if (!len) {
    r.outcome = Outcome::failure(Status::protocol_error, "not a Kerberos TCP reply: " + len.error);
    co_return r;
  }
  r.outcome = co_await conn->read_exact(r.message, *len);
  if (!r.outcome.ok() && r.outcome.status == Status::reset)
    r.outcome.reason += " (after the record mark announced " + std::to_string(*len) + " bytes)";
  conn->close();
  co_return r;
}

asio::awaitable<RawReply> exchange(Scan& s, Transport t, ByteView request) {
  if (t == Transport::udp) co_return co_await exchange_udp(s, request);
  co_return co_await exchange_tcp(s, request);
}

// Sends one AS-REQ and classifies the answer for `etype` (with `companion` in the second mode).
asio::awaitable<EtypeAnswer> check(Scan& s, Transport t, std::vector<std::int32_t> offer,
                                   std::optional<std::int32_t> companion, int* attempts = nullptr) {
  const auto request = as_req(s, offer, s.realm);
  auto raw = co_await exchange(s, t, request);
  if (attempts) *attempts = raw.attempts;
  EtypeAnswer a;
  if (!raw.outcome.ok()) {
    a.verdict = raw.outcome.status == Status::protocol_error ? EtypeVerdict::protocol_error : EtypeVerdict::no_answer;
    a.outcome = raw.outcome;
    a.detail = raw.outcome.reason;
    co_return a;
  }
  const auto received = now_unix();
  a = classify_message(raw.message, offer.front(), companion);
  if (a.verdict == EtypeVerdict::protocol_error && !a.error_code && !a.as_rep)
    a.outcome = Outcome::failure(Status::protocol_error, a.detail);
  if (!a.kdc_time.empty())
    if (auto kdc = kerberos_time_to_unix(a.kdc_time)) a.clock_skew_seconds = *kdc - received;
  co_return a;
}

PrincipalName parse_principal(const std::string& text) {
  PrincipalName p{KRB_NT_PRINCIPAL, {}};
  std::string part;
  for (char c : text) {
    if (c == '/') {
      p.name_string.push_back(part);
      part.clear();
    } else {
      part.push_back(c);
    }
  }
  p.name_string.push_back(part);
  return p;
}

// RFC 4120 6.1: realm from a DNS name: "dc1.legacy.test" -> "LEGACY.TEST".
std::string realm_from_dns_name(const std::string& host) {
  if (host.empty()) return {};
  const auto dots = std::count(host.begin(), host.end(), '.');
  if (dots == 0) return {};
  if (dots == 1) return upper(host);
  return upper(host.substr(host.find('.') + 1));
}

struct Identity {
  std::string realm, realm_source;
  std::string principal, principal_source;
};

Identity resolve_identity(const ProbeContext& ctx) {
  Identity id;
  std::string principal_realm;
  if (auto p = ctx.settings.option("kerberos-principal")) {
    id.principal = *p;
    id.principal_source = "option";
    if (auto at = id.principal.rfind('@'); at != std::string::npos) {
      principal_realm = id.principal.substr(at + 1);
      id.principal.resize(at);
    }
  }
  if (auto r = ctx.settings.option("realm")) {
    id.realm = upper(*r);
    id.realm_source = "option";
  } else if (!principal_realm.empty()) {
    id.realm = upper(principal_realm);
    id.realm_source = "option";
  } else if (auto d = ctx.facts.get("dns_domain"); d && !d->empty()) {
    id.realm = upper(*d);
    id.realm_source = "smb/ldap";
  }
  if (id.principal.empty()) {
    if (auto nb = ctx.facts.get("netbios_computer"); nb && !nb->empty()) {
      id.principal = upper(*nb) + "$";
      id.principal_source = "smb/ldap";
    } else if (!ctx.host_name.empty() && ctx.host_name.find('.') != std::string::npos) {
      id.principal = upper(ctx.host_name.substr(0, ctx.host_name.find('.'))) + "$";
      id.principal_source = "dns-name";
    } else {
      // krbtgt exists in every realm; a Windows KDC may answer it with CLIENT_REVOKED.
      id.principal = "krbtgt";
      id.principal_source = "fallback";
    }
  }
  return id;
}

// One LDAP ping over UDP 389 ([MS-ADTS] 6.3.3, NtVer V5EX, no DnsDomain: every DC answers with its
// own domain): the realm and the DC's NetBIOS name when nothing else told them (the ldap probe, which
// would have, was not selected). One datagram and its retries; nothing when no DC answers.
asio::awaitable<std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY>> ldap_ping(ProbeContext& ctx) {
  constexpr std::int32_t id = 1;
  ldap::LdapPing ping;
  ping.NtVer = netlogon::NETLOGON_NT_VERSION_5EX;
  const Bytes request = ldap::encode_search_request(id, ldap::make_ldap_ping(ping));
  UdpExchange how;
  how.port = 389;
  how.accept = [](ByteView d) {
    auto m = ldap::decode_ldap_messages(d);
    return m && !m->empty() && m->front().messageID == id;
  };
  auto reply = co_await udp_exchange(ctx, request, how);
  if (!reply.outcome.ok()) co_return std::nullopt;
  auto messages = ldap::decode_ldap_messages(reply.datagram);
  if (!messages) co_return std::nullopt;
  auto search = ldap::collect_search_response(*messages, id);
  if (!search) co_return std::nullopt;
  auto answer = ldap::ldap_ping_response(*search);
  if (!answer || !answer->has_value()) co_return std::nullopt;
  co_return std::move(**answer);
}

constexpr const char* kNoRealmRealm = "LEGACYSCAN.INVALID";

// Our clock as KerberosTime ("YYYYMMDDHHMMSSZ") and the microseconds, for PA-ENC-TIMESTAMP.
std::pair<std::string, std::uint32_t> kerberos_now() {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch() - secs).count();
  const std::time_t t = secs.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%SZ", &tm);
  return {buf, static_cast<std::uint32_t>(usec)};
}

// The credentialed AS exchange of a Windows XP client: its etype offer with PA-ENC-TIMESTAMP in the
// rc4-hmac key (from the password or the keytab), on UDP first and on TCP after KRB_ERR_RESPONSE_TOO_BIG,
// as XP does. The AS-REP's enc-part is decrypted only to read the session key's etype; nothing of it is kept.
asio::awaitable<XpLogon> xp_logon(Scan& base, XpLogon x, const PrincipalName& cname, const std::string& realm,
                                  Bytes key, bool udp_ok, bool tcp_ok) {
  struct Wipe {
    Bytes& b;
    ~Wipe() { std::fill(b.begin(), b.end(), 0); }
  } wipe{key};
  Scan s = base;
  s.cname = cname;
  s.realm = realm;
  std::random_device rd;
  Bytes confounder(8);
  for (auto& b : confounder) b = static_cast<std::uint8_t>(rd());
  const auto [now, usec] = kerberos_now();
  auto pa = encode_pa_enc_timestamp_rc4(key, now, usec, confounder);
  if (!pa) {
    x.outcome = Outcome::failure(Status::error, pa.error);
    co_return x;
  }
  AsReqOptions o;
  o.realm = s.realm;
  o.cname = s.cname;
  o.etype.assign(windows_xp_offer().etypes.begin(), windows_xp_offer().etypes.end());
  o.nonce = (s.nonce_base + 0x4000u) & 0x7fffffffu;
  o.pac_request = true;
  o.padata.push_back(PaData{PA_ENC_TIMESTAMP, std::move(*pa.value)});
  auto req = encode_as_req(o);
  if (!req) {
    x.outcome = Outcome::failure(Status::error, req.error);
    co_return x;
  }
  std::vector<Transport> order;
  if (udp_ok) order.push_back(Transport::udp);
  if (tcp_ok) order.push_back(Transport::tcp);
  for (auto t : order) {
    auto raw = co_await exchange(s, t, *req.value);
    if (!raw.outcome.ok()) {
      x.outcome = raw.outcome;
      continue;
    }
    auto reply = decode_kdc_reply(raw.message);
    if (!reply) {
      x.outcome = Outcome::failure(Status::protocol_error, reply.error);
      co_return x;
    }
    if (const auto* e = std::get_if<KrbError>(&*reply)) {
      if (t == Transport::udp && e->error_code == KRB_ERR_RESPONSE_TOO_BIG) {
        x.udp_response_too_big = true;
        continue;  // RFC 4120 7.2.1: retry on TCP
      }
      x.outcome = Outcome::success();
      x.error = error_name(e->error_code);
      co_return x;
    }
    const auto& rep = std::get<KdcRep>(*reply);
    x.transport = t == Transport::udp ? "udp" : "tcp";
    x.reply_etype = rep.enc_part.etype;
    x.ticket_etype = rep.ticket_enc_part.etype;
    if (rep.enc_part.etype != 23) {
      x.outcome = Outcome::failure(
          Status::error, "the AS-REP uses " + etype_name(rep.enc_part.etype) + "; only rc4-hmac replies are decrypted");
      co_return x;
    }
    auto cipher = decode_as_rep_cipher(raw.message);
    if (!cipher) {
      x.outcome = Outcome::failure(Status::protocol_error, cipher.error);
      co_return x;
    }
    auto plain = rc4_hmac_decrypt(key, 3, *cipher);
    if (!plain) {
      x.outcome = Outcome::failure(Status::protocol_error,
                                   "the AS-REP enc-part does not decrypt with the " + x.key_source + "'s rc4-hmac key");
      co_return x;
    }
    auto kt = decode_enc_kdc_rep_part_keytype(*plain);
    std::fill(plain->begin(), plain->end(), 0);
    if (!kt) {
      x.outcome = Outcome::failure(Status::protocol_error, kt.error);
      co_return x;
    }
    x.session_key_etype = *kt;
    x.outcome = Outcome::success();
    co_return x;
  }
  if (x.outcome.ok()) x.outcome = Outcome::failure(Status::error, "no transport left to try");
  co_return x;
}

// --user as name, name@REALM or DOMAIN\\name: the client principal and its realm (the scan's realm unless
// the name carries one).
std::pair<PrincipalName, std::string> user_principal(const std::string& user, const std::string& scan_realm) {
  std::string name = user, realm = scan_realm;
  if (auto at = name.rfind('@'); at != std::string::npos) {
    realm = upper(name.substr(at + 1));
    name.resize(at);
  } else if (auto bs = name.find('\\'); bs != std::string::npos) {
    name = name.substr(bs + 1);
  }
  return {parse_principal(name), realm};
}

struct PreparedLogon {
  XpLogon x;  // user and key_source filled in; outcome set when no key could be had
  PrincipalName cname;
  std::string realm;
  Bytes key;  // the rc4-hmac key; empty when x.outcome says why not
};

// The rc4-hmac key of --user: MD4 of the password, or the keytab's entry of etype 23 for the principal.
PreparedLogon prepare_logon(const Credentials& creds, const std::string& scan_realm) {
  PreparedLogon p;
  std::tie(p.cname, p.realm) = user_principal(creds.user, scan_realm);
  p.x.user = p.cname.to_string() + "@" + p.realm;
  if (!creds.password.empty()) {
    p.x.key_source = "password";
    p.key = rc4_hmac_string_to_key(creds.password);
    return p;
  }
  if (creds.keytab.empty()) {
    p.x.outcome =
        Outcome::failure(Status::skipped, "--user without --password, --password-env, --password-file or --keytab");
    return p;
  }
  p.x.key_source = "keytab";
  std::ifstream f(creds.keytab, std::ios::binary);
  if (!f) {
    p.x.outcome = Outcome::failure(Status::error, "--keytab: cannot read " + creds.keytab);
    return p;
  }
  Bytes file(kMaxKeytabFile + 1);
  f.read(reinterpret_cast<char*>(file.data()), static_cast<std::streamsize>(file.size()));
  file.resize(static_cast<std::size_t>(f.gcount()));
  if (file.size() > kMaxKeytabFile) {
    p.x.outcome = Outcome::failure(Status::error, "--keytab " + creds.keytab + ": larger than 1 MiB, not a keytab");
    return p;
  }
  auto entries = decode_keytab(file);
  std::fill(file.begin(), file.end(), 0);
  if (!entries) {
    p.x.outcome = Outcome::failure(Status::error, "--keytab " + creds.keytab + ": " + entries.error);
    return p;
  }
  const auto* e = find_keytab_key(*entries, p.cname.to_string(), p.realm, 23);
  if (!e) {
    // What it holds instead, per principal: "xpuser@OTHER.TEST (aes256-cts-hmac-sha1-96, rc4-hmac)".
    std::vector<std::pair<std::string, std::string>> held;
    for (const auto& k : *entries) {
      auto it = std::find_if(held.begin(), held.end(), [&](const auto& h) { return h.first == k.principal(); });
      if (it == held.end()) it = held.insert(held.end(), {k.principal(), ""});
      it->second += (it->second.empty() ? "" : ", ") + etype_name(k.enctype);
    }
    std::string have;
    for (const auto& [who, types] : held) have += (have.empty() ? "" : "; ") + who + " (" + types + ")";
    p.x.outcome = Outcome::failure(
        Status::error, "--keytab " + creds.keytab + " has no rc4-hmac key for " + p.x.user +
                           " (the Windows XP offer needs one); it holds: " + (have.empty() ? "nothing" : have));
  } else if (e->key.size() != 16) {
    p.x.outcome = Outcome::failure(Status::error, "--keytab " + creds.keytab + ": the rc4-hmac key of " + p.x.user +
                                                      " has " + std::to_string(e->key.size()) + " bytes, not 16");
  } else {
    p.key = e->key;
  }
  for (auto& k : *entries) std::fill(k.key.begin(), k.key.end(), 0);
  return p;
}

}  // namespace

class KerberosProbe final : public Probe {
 public:
  std::string_view name() const override { return "kerberos"; }
  std::string_view description() const override {
    return "KDC etypes accepted for an AS-REQ (each alone and with an AES companion), UDP and TCP, Windows XP offer, "
           "pre-auth types, AS-REP roasting, clock skew";
  }
  std::vector<std::uint16_t> default_ports() const override { return {88}; }
  std::vector<std::string_view> transports() const override { return {"udp", "tcp"}; }
  std::vector<ProbeOption> options() const override {
    return {{"--realm", "Kerberos realm (default: learned from the smb/ldap probes, the KDC or the DNS name)", ""},
            {"--kerberos-principal",
             "Client principal for the AS-REQs, name[@REALM] (default: the DC's machine account NETBIOSNAME$)", ""}};
  }
  std::vector<std::string_view> depends_on() const override { return {"smb", "ldap"}; }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<KerberosResult>();
    result->port = ctx.ports.empty() ? 88 : ctx.ports.front();
    if (ctx.ports.size() > 1)
      ctx.log.info("kerberos: scanning port {} only ({} ports selected)", result->port, ctx.ports.size());

    Identity id = resolve_identity(ctx);
    std::random_device rd;
    Scan s{ctx, result->port, id.realm, parse_principal(id.principal), static_cast<std::uint32_t>(rd()), 0};

    // First exchange per transport: is a KDC there at all, and (when no realm is known yet) what does
    // its KRB-ERROR say the realm is? A dead transport costs one exchange, not forty-eight.
    const std::string dns_realm = realm_from_dns_name(ctx.host_name);
    const std::string ask_realm = !id.realm.empty() ? id.realm : (!dns_realm.empty() ? dns_realm : kNoRealmRealm);
    const std::vector<std::int32_t> discovery_offer{kEtypeAes256CtsHmacSha196, 17, 23};
    std::optional<KrbError> first_error;
    for (auto t : {Transport::tcp, Transport::udp}) {
      auto raw = co_await exchange(s, t, as_req(s, discovery_offer, ask_realm));
      TransportInfo& info = t == Transport::udp ? result->udp : result->tcp;
      info.tested = true;
      info.max_attempts = std::max(info.max_attempts, raw.attempts);
      info.outcome = raw.outcome;
      if (!raw.outcome.ok()) continue;
      auto reply = decode_kdc_reply(raw.message);
      if (!reply) {
        info.outcome = Outcome::failure(Status::protocol_error, reply.error);
        continue;
      }
      if (auto* e = std::get_if<KrbError>(&*reply); e && !first_error) first_error = *e;
    }
    if (!result->udp.outcome.ok() && !result->tcp.outcome.ok()) {
      result->status = result->tcp.outcome.status;
      result->reason =
          "no Kerberos answer: tcp: " + result->tcp.outcome.reason + "; udp: " + result->udp.outcome.reason;
      result->realm = id.realm;
      result->realm_source = id.realm_source;
      result->principal = id.principal;
      result->principal_source = id.principal_source;
      co_return result;
    }
    if (id.realm.empty()) {
      // A KDC that names a realm other than the one asked (Windows: KDC_ERR_WRONG_REALM) tells us
      // its own; Samba echoes whatever it was asked, which tells nothing. Then the target's DNS
      // name; with a bare address, the DC's answer to one LDAP ping.
      std::string said;
      if (first_error) said = first_error->crealm.value_or(first_error->realm);
      std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY> dc;
      if ((said.empty() || upper(said) == upper(ask_realm)) && dns_realm.empty())
        if (!ctx.finished_result || !ctx.finished_result("ldap")) dc = co_await ldap_ping(ctx);
      if (!said.empty() && upper(said) != upper(ask_realm)) {
        id.realm = said;
        id.realm_source = "kdc";
      } else if (dc && !dc->DnsDomainName.empty()) {
        id.realm = upper(dc->DnsDomainName);
        id.realm_source = "cldap";
        if ((id.principal_source == "fallback" || id.principal_source == "dns-name") &&
            !dc->NetbiosComputerName.empty()) {
          id.principal = upper(dc->NetbiosComputerName) + "$";
          id.principal_source = "cldap";
          s.cname = parse_principal(id.principal);
        }
      } else if (!dns_realm.empty()) {
        id.realm = dns_realm;
        id.realm_source = "dns-name";
      } else {
        result->status = Status::skipped;
        result->reason =
            "realm unknown: give --realm, scan a DNS name, or run the smb/ldap probes with kerberos (neither the KDC "
            "nor "
            "an LDAP ping named it)";
        result->principal = id.principal;
        co_return result;
      }
    }
    s.realm = id.realm;
    result->realm = id.realm;
    result->realm_source = id.realm_source;
    result->principal = id.principal + "@" + id.realm;
    result->principal_source = id.principal_source;

    // Every enumerated etype x {alone, with AES} x {udp, tcp}, concurrently.
    const auto etypes = enumerated_etypes();
    std::vector<Transport> transports;
    if (result->udp.outcome.ok()) transports.push_back(Transport::udp);
    if (result->tcp.outcome.ok()) transports.push_back(Transport::tcp);
    const std::size_t per_etype = 2 * transports.size();
    std::vector<int> attempts(etypes.size() * per_etype, 0);
    auto answers = co_await all_of<EtypeAnswer>(etypes.size() * per_etype, [&](std::size_t i) {
      const auto& e = etypes[i / per_etype];
      const std::size_t k = i % per_etype;
      const bool with_aes = k % 2 == 1;
      const Transport t = transports[k / 2];
      std::vector<std::int32_t> offer{e.number};
      std::optional<std::int32_t> companion;
      if (with_aes && e.number != kEtypeAes256CtsHmacSha196) {
        offer.push_back(kEtypeAes256CtsHmacSha196);
        companion = kEtypeAes256CtsHmacSha196;
      }
      return check(s, t, offer, companion, &attempts[i]);
    });
    auto xp = co_await all_of<EtypeAnswer>(transports.size(), [&](std::size_t i) {
      const auto& offer = windows_xp_offer();
      return check(s, transports[i], std::vector<std::int32_t>(offer.etypes.begin(), offer.etypes.end()), std::nullopt);
    });

    auto skipped = [](const TransportInfo& t) {
      EtypeAnswer a;
      a.verdict = EtypeVerdict::no_answer;
      a.outcome = t.outcome;
      a.detail = "transport did not answer: " + t.outcome.reason;
      return a;
    };
    for (std::size_t ei = 0; ei < etypes.size(); ++ei) {
      EtypeRow row;
      row.etype = etypes[ei].number;
      row.name = std::string(etypes[ei].name);
      row.udp_alone = row.udp_with_aes = skipped(result->udp);
      row.tcp_alone = row.tcp_with_aes = skipped(result->tcp);
      for (std::size_t k = 0; k < per_etype; ++k) {
        const std::size_t i = ei * per_etype + k;
        const bool with_aes = k % 2 == 1;
        const Transport t = transports[k / 2];
        EtypeAnswer& slot = t == Transport::udp ? (with_aes ? row.udp_with_aes : row.udp_alone)
                                                : (with_aes ? row.tcp_with_aes : row.tcp_alone);
        slot = std::move(answers[i]);
        if (t == Transport::udp) result->udp.max_attempts = std::max(result->udp.max_attempts, attempts[i]);
      }
      result->etypes.push_back(std::move(row));
    }
    OfferResult xo;
    xo.name = std::string(windows_xp_offer().name);
    xo.source = std::string(windows_xp_offer().source);
    xo.offered.assign(windows_xp_offer().etypes.begin(), windows_xp_offer().etypes.end());
    xo.udp = skipped(result->udp);
    xo.tcp = skipped(result->tcp);
    for (std::size_t i = 0; i < transports.size(); ++i) (transports[i] == Transport::udp ? xo.udp : xo.tcp) = xp[i];
    result->xp_offer = std::move(xo);

    // Facts gathered from every answer.
    auto gather = [&](const EtypeAnswer& a, bool udp_answer) {
      if (a.as_rep) result->asrep_roastable = true;
      if (udp_answer && a.error_code == KRB_ERR_RESPONSE_TOO_BIG) result->udp.too_big_seen = true;
      if (result->preauth_types.empty() && a.error_code == KDC_ERR_PREAUTH_REQUIRED)
        for (auto t : a.padata_types) result->preauth_types.push_back(padata_name(t));
      for (const auto& e : a.etype_info2) {
        const std::string n = etype_name(e.etype);
        if (e.salt &&
            std::none_of(result->salts.begin(), result->salts.end(), [&](const auto& p) { return p.first == n; }))
          result->salts.emplace_back(n, *e.salt);
      }
      if (!result->clock_skew_seconds && a.clock_skew_seconds) {
        result->clock_skew_seconds = a.clock_skew_seconds;
        result->kdc_time = a.kdc_time;
      }
    };
    for (const auto& row : result->etypes) {
      gather(row.tcp_alone, false);
      gather(row.tcp_with_aes, false);
      gather(row.udp_alone, true);
      gather(row.udp_with_aes, true);
    }
    gather(result->xp_offer->tcp, false);
    gather(result->xp_offer->udp, true);
    const auto& creds = ctx.settings.credentials;
    if (creds.has_user()) {
      auto logon = prepare_logon(creds, s.realm);
      if (logon.key.empty()) {
        result->xp_logon = std::move(logon.x);
      } else {
        result->xp_logon = co_await xp_logon(s, std::move(logon.x), logon.cname, logon.realm, std::move(logon.key),
                                             result->udp.outcome.ok(), result->tcp.outcome.ok());
        if (result->xp_logon->udp_response_too_big) result->udp.too_big_seen = true;
      }
    }
    co_return result;
  }
};

}  // namespace legacyscan::kerberos

namespace legacyscan {
std::unique_ptr<Probe> make_kerberos_probe() { return std::make_unique<kerberos::KerberosProbe>(); }
}  // namespace legacyscan
