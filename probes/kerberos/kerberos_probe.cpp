// SPDX-License-Identifier: Apache-2.0
// The Kerberos probe: which etypes a KDC accepts for an AS-REQ without pre-authentication, each
// etype alone and with an AES companion, over UDP and TCP (RFC 4120 7.2.1/7.2.2), plus the Windows
// XP offer. Every AS-REQ is its own exchange (its own datagram socket or TCP connection), so one
// answer never colours another. No credentials are sent unless the user gives --user with --password
// (--password-env, --password-file) or --keytab: then the Windows XP logon (rc4-hmac) is made as well.
// The jobs are in kerberos_exchange, kerberos_identity, kerberos_enumerate and kerberos_logon.
#include "probes/kerberos/kerberos_probe.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "probes/kerberos/kerberos_enumerate.hpp"
#include "probes/kerberos/kerberos_exchange.hpp"
#include "probes/kerberos/kerberos_identity.hpp"
#include "probes/kerberos/kerberos_logon.hpp"
#include "probes/kerberos/kerberos_result.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::kerberos {

namespace asio = boost::asio;

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
    if (id.realm.empty() && !co_await discover_realm(ctx, id, first_error, ask_realm, dns_realm)) {
      result->status = Status::skipped;
      result->reason =
          "realm unknown: give --realm, scan a DNS name, or run the smb/ldap probes with kerberos (neither the KDC "
          "nor "
          "an LDAP ping named it)";
      result->principal = id.principal;
      co_return result;
    }
    s.cname = parse_principal(id.principal);  // an LDAP ping may have named the DC's machine account
    s.realm = id.realm;
    result->realm = id.realm;
    result->realm_source = id.realm_source;
    result->principal = id.principal + "@" + id.realm;
    result->principal_source = id.principal_source;
    co_await enumerate_etypes(s, *result);
    if (ctx.settings.credentials.has_user()) co_await credentialed_logon(s, ctx.settings.credentials, *result);
    co_return result;
  }
};

}  // namespace legacyscan::kerberos

namespace legacyscan {
std::unique_ptr<Probe> make_kerberos_probe() { return std::make_unique<kerberos::KerberosProbe>(); }
}  // namespace legacyscan
