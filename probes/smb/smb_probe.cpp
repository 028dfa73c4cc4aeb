// SPDX-License-Identifier: Apache-2.0
// The SMB probe: per port, the Vista/7 multi-protocol negotiate, the SMB1 dialects, each SMB2/3
// dialect alone, the SMB 3.1.1 negotiate contexts and the NTLMSSP CHALLENGE of an anonymous session
// setup. Every offer has its own connection, so one server answer can never colour another. Lists
// the server picks from (SMB1 dialects, 3.1.1 ciphers and signing algorithms) are enumerated by
// elimination, as a client's offer would be answered: offer them all, drop the one the server chose,
// offer the rest again until it chooses none; the 3.1.1 dialect check is the first round of the
// context elimination and also carries the compression offer and the NTLMSSP session setup. So a
// server costs one connection per accepted item plus one, not one per item (Samba forks an smbd
// for each connection). Then the sessions: anonymous and guest logons, and with --user one per NTLM
// response type. This file is the order of the checks on one port and the probe; the checks are in
// smb1_checks.cpp, smb2_checks.cpp, smb_ntlm.cpp and smb_session.cpp.
#include "probes/smb/smb_probe.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "legacyscan/engine/async.hpp"
#include "probes/smb/smb1_checks.hpp"
#include "probes/smb/smb2_checks.hpp"
#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_ntlm.hpp"
#include "probes/smb/smb_offer.hpp"
#include "probes/smb/smb_result.hpp"
#include "probes/smb/smb_session.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

// The first wave of a port: 0 is the SMB1 elimination, 1..5 one SMB2 dialect each.
struct FirstWave {
  std::vector<Smb1Check> smb1;
  Smb2Check smb2;
};

// `wildcard`: the multi-protocol negotiate's connection, when it stopped at the SMB2 wildcard: the
// 3.1.1 check goes on there.
asio::awaitable<FirstWave> first_wave(PortScan& ps, std::size_t i, std::unique_ptr<SmbChannel>& wildcard) {
  FirstWave w;
  if (i == 0)
    w.smb1 = co_await smb1_dialects(ps);
  else if (kSmb2Dialects[i - 1] == SMB2_DIALECT_311)
    w.smb2 = co_await smb2_dialect(ps, kSmb2Dialects[i - 1], std::move(wildcard));
  else
    w.smb2 = co_await smb2_dialect(ps, kSmb2Dialects[i - 1]);
  co_return w;
}

// ---- one port ----------------------------------------------------------------------------------

asio::awaitable<PortResult> scan_port(ProbeContext& ctx, std::uint16_t port, const std::string& learned_name) {
  PortResult pr;
  pr.port = port;
  const bool nbss = port == 139;
  pr.transport = nbss ? "netbios-ssn" : "direct-tcp";
  PortScan ps{ctx, port, nbss ? Transport::NetbiosSession139 : Transport::DirectTcp445,
              ctx.settings.option("smb-called-name").value_or("*SMBSERVER")};

  // The first connection tells whether anything SMB is there at all; a dead or non-SMB port
  // costs one exchange, not twenty.
  bool smb_answer = false;
  std::unique_ptr<SmbChannel> wildcard;
  MultiProtocol m = co_await multiprotocol(ps, smb_answer, wildcard);
  if (nbss && m.outcome.status == Status::refused &&
      m.outcome.reason.find("NetBIOS session refused") != std::string::npos) {
    // RFC 1002 4.3.4: the called name is not there; retry with the server's own NetBIOS name.
    std::vector<std::string> names;
    if (!learned_name.empty()) names.push_back(learned_name);
    if (!ctx.host_name.empty()) {
      std::string label = ctx.host_name.substr(0, ctx.host_name.find('.'));
      std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return std::toupper(c); });
      if (label.size() <= 15 && std::find(names.begin(), names.end(), label) == names.end()) names.push_back(label);
    }
    for (const auto& name : names) {
      ctx.log.debug("{}:139 refused called name {}; retrying with {}", ctx.address.to_string(), ps.called_name, name);
      ps.called_name = name;
      m = co_await multiprotocol(ps, smb_answer, wildcard);
      if (m.outcome.status != Status::refused) break;
    }
  }
  if (nbss) pr.called_name = ps.called_name;
  if (!smb_answer && (m.outcome.status == Status::refused || m.outcome.status == Status::timeout ||
                      m.outcome.status == Status::unreachable || m.outcome.status == Status::protocol_error ||
                      m.outcome.status == Status::error)) {
    pr.outcome = m.outcome;
    if (m.outcome.status == Status::timeout && m.outcome.reason.starts_with("read"))
      pr.outcome.reason = "the port accepts connections but did not answer an SMB NEGOTIATE (" + m.outcome.reason +
                          "): not an SMB server, or a silent one";
    co_return pr;
  }
  pr.multiprotocol = m;

  // The SMB1 elimination and every SMB2 dialect alone, concurrently.
  auto wave =
      co_await all_of<FirstWave>(1 + kSmb2Dialects.size(), [&](std::size_t i) { return first_wave(ps, i, wildcard); });
  std::vector<Smb1Check> smb1_checks = std::move(wave[0].smb1);
  std::vector<Smb2Check> smb2_checks;
  for (std::size_t i = 1; i < wave.size(); ++i) smb2_checks.push_back(std::move(wave[i].smb2));

  Smb1Info s1;
  for (auto& c : smb1_checks) {
    smb_answer = smb_answer || c.smb_answer;
    if (c.check.answer == OfferAnswer::accepted) s1.dialects.push_back(c.check.offered);
    if (c.nt_lm && c.check.offered == "NT LM 0.12") {
      const auto& r = *c.nt_lm;
      s1.security_mode = r.SecurityMode;
      s1.signing = Signing{(r.SecurityMode & 0x04) != 0, (r.SecurityMode & 0x08) != 0};
      s1.capabilities = smb1_capability_names(r.Capabilities);
      s1.server_time = filetime_to_rfc3339(r.SystemTime);
      s1.max_buffer_size = r.MaxBufferSize;
      s1.max_mpx_count = r.MaxMpxCount;
      s1.extended_security = r.extended_security;
      s1.domain_name = r.DomainName;
      s1.server_name = r.ServerName;
    }
    s1.checks.push_back(std::move(c.check));
  }
  s1.enabled = !s1.dialects.empty();

  Smb2Info s2;
  std::optional<Smb2NegotiateResponse> highest;
  std::optional<NtlmInfo> ntlm311;
  for (auto& c : smb2_checks) {
    if (c.ntlm) ntlm311 = std::move(c.ntlm);
    smb_answer = smb_answer || c.smb_answer;
    if (c.check.answer == OfferAnswer::accepted) {
      s2.dialects.push_back(c.check.offered);
      s2.details.push_back(detail_of(*c.response));
      highest = c.response;
    } else {
      s2.rejected.push_back(c.check.offered);
    }
    s2.checks.push_back(std::move(c.check));
  }
  if (highest) s2.signing = signing_from_smb2(highest->SecurityMode);

  if (!smb_answer) {
    // Connections opened but nothing SMB came back on any of them.
    pr.outcome = Outcome::failure(Status::protocol_error,
                                  "no SMB answer to any offer (multi-protocol negotiate: " + m.answer + ")");
    pr.multiprotocol.reset();
    co_return pr;
  }

  // SMB 3.1.1 negotiate contexts by elimination; the 3.1.1 dialect check was the first round.
  if (highest && highest->DialectRevision == SMB2_DIALECT_311) co_await smb311_contexts(ps, *highest, s2);

  // Anonymous NTLMSSP on the highest accepted dialect (3.1.1: done on the dialect check's connection).
  if (highest && highest->DialectRevision == SMB2_DIALECT_311 && ntlm311)
    pr.ntlm = std::move(ntlm311);
  else if (highest)
    pr.ntlm = co_await ntlm_over_smb2(ps, highest->DialectRevision);
  else if (s1.enabled && std::find(s1.dialects.begin(), s1.dialects.end(), "NT LM 0.12") != s1.dialects.end())
    pr.ntlm = co_await ntlm_over_smb1(ps);

  // What the port grants after the negotiate, over the highest dialect (and SMB1 when it also speaks it).
  const bool smb1_ntlmssp =
      s1.extended_security && std::find(s1.dialects.begin(), s1.dialects.end(), "NT LM 0.12") != s1.dialects.end();
  SessionPlan plan;
  if (highest) plan.smb2_dialect = highest->DialectRevision;
  for (std::size_t i = 0; i < kSmb2Dialects.size(); ++i)
    if (kSmb2Dialects[i] < SMB2_DIALECT_300 &&
        std::find(s2.dialects.begin(), s2.dialects.end(), smb2_dialect_name(kSmb2Dialects[i])) != s2.dialects.end())
      plan.smb2_legacy = kSmb2Dialects[i];
  plan.smb1 = smb1_ntlmssp;
  plan.signing_required = s2.signing && s2.signing->required;
  std::string unused;
  const std::string shares = ctx.settings.option("shares").value_or(ctx.settings.option("smb-shares").value_or(""));
  plan.all_shares = shares == "all";
  if (!plan.all_shares) plan.shares = smb_share_names(shares, unused);
  pr.sessions = co_await scan_sessions(ps, plan, pr.shares, pr.share_lists);

  pr.smb1 = std::move(s1);
  pr.smb2 = std::move(s2);
  co_return pr;
}

class SmbProbe final : public Probe {
 public:
  std::string_view name() const override { return "smb"; }
  std::string_view description() const override {
    return "SMB1 and SMB2/3 dialects, signing, 3.1.1 contexts, NTLM target info, anonymous/guest sessions, "
           "NTLM response types with --user (445 direct, 139 NBSS)";
  }
  std::vector<std::uint16_t> default_ports() const override { return {445, 139}; }
  std::vector<std::string_view> transports() const override { return {"tcp"}; }
  std::vector<ProbeOption> options() const override {
    return {
        {"--smb-called-name", "NetBIOS called name for port 139 (retried with the server's own name)", "*SMBSERVER"},
        {"--shares", "shares to tree-connect in each session that connects trees: all (those listed) or NAME,...", "",
         true},
        {"--smb-shares", "the older name of --shares NAME,...", "", true}};
  }
  std::string check_options(const ScanSettings& settings) const override {
    std::string error;
    if (auto v = settings.option("shares"); v && !v->empty() && *v != "all") (void)smb_share_names(*v, error);
    if (auto v = settings.option("smb-shares"); v && !v->empty() && error.empty()) (void)smb_share_names(*v, error);
    return error;
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<SmbResult>();
    // Every port concurrently. Port 139 first tries the generic called name; when the server refuses
    // it (RFC 1002 4.3.4), it is scanned again with the NetBIOS name learned over another port.
    const auto ports = ctx.ports;
    auto results =
        co_await all_of<PortResult>(ports.size(), [&](std::size_t i) { return scan_port(ctx, ports[i], ""); });
    std::string learned;
    for (auto& pr : results)
      if (pr.ntlm && pr.ntlm->outcome.ok() && learned.empty()) {
        learned = pr.ntlm->netbios_computer;
        ctx.facts.set("netbios_computer", pr.ntlm->netbios_computer);
        ctx.facts.set("netbios_domain", pr.ntlm->netbios_domain);
        ctx.facts.set("dns_computer", pr.ntlm->dns_computer);
        ctx.facts.set("dns_domain", pr.ntlm->dns_domain);
        ctx.facts.set("dns_tree", pr.ntlm->dns_tree);
      }
    for (auto& pr : results)
      if (pr.port == 139 && !learned.empty() && pr.outcome.status == Status::refused &&
          pr.outcome.reason.find("NetBIOS session refused") != std::string::npos)
        pr = co_await scan_port(ctx, 139, learned);
    result->ports = std::move(results);
    const bool any_ok =
        std::any_of(result->ports.begin(), result->ports.end(), [](const PortResult& p) { return p.outcome.ok(); });
    if (!any_ok && !result->ports.empty()) {
      result->status = result->ports.front().outcome.status;
      result->reason = "no port answered SMB:";
      for (const auto& p : result->ports)
        result->reason += " " + std::to_string(p.port) + ": " + p.outcome.reason + ";";
      result->reason.pop_back();
    }
    co_return result;
  }
};

}  // namespace
}  // namespace legacyscan::smb

namespace legacyscan {
std::unique_ptr<Probe> make_smb_probe() { return std::make_unique<smb::SmbProbe>(); }
}  // namespace legacyscan
