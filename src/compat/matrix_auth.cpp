// SPDX-License-Identifier: Apache-2.0
#include "src/compat/matrix_auth.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "legacyscan/strings.hpp"
#include "src/compat/host_view.hpp"
#include "src/compat/matrix_accounts.hpp"

namespace legacyscan::matrix {

namespace {

// "Kerberos RC4" from the etype the KDC chose ("rc4-hmac", "aes256-cts-hmac-sha1-96", "des-cbc-md5").
std::string kerberos_label(const std::string& etype) {
  if (etype.starts_with("aes256")) return "Kerberos AES256";
  if (etype.starts_with("aes128")) return "Kerberos AES128";
  if (etype.starts_with("rc4") || etype.starts_with("etype--")) return "Kerberos RC4";
  if (etype.starts_with("des3")) return "Kerberos 3DES";
  if (etype.starts_with("des")) return "Kerberos DES";
  return "Kerberos " + etype;
}

struct Response {
  const char* name;  // the profile's name for it
  const char* label;
  const smb::SessionAttempt* attempt;
};

std::vector<Response> responses(const smb::NtlmResponseTypes& n) {
  // A client that sends NTLMv1 uses extended session security when the server offers it (the NTLM2
  // session response, [MS-NLMP] 3.3.1): either form logging on is the NTLMv1 path working.
  return {{"ntlmv2", "NTLMv2", &n.v2},
          {"ntlmv1", "NTLMv1", &n.v1},
          {"ntlmv1", "NTLMv1 (ESS)", &n.v1_ess},
          {"lm", "LM", &n.lm}};
}

}  // namespace

AuthFacts auth_facts(const std::optional<smb::SmbResult>& smb, const std::optional<Cell>& kerberos_cell) {
  AuthFacts f;
  f.kerberos = kerberos_cell;
  const auto* port = smb ? client_smb_port(*smb) : nullptr;
  if (!smb)
    f.no_sessions = "smb probe not run";
  else if (!port)
    f.no_sessions = "no SMB port answered";
  else if (!port->sessions)
    f.no_sessions = "the smb probe tried no session on " + std::to_string(port->port);
  else
    f.sessions = &*port->sessions;
  if (port && port->ntlm && port->ntlm->outcome.ok()) {
    const auto& n = *port->ntlm;
    if (n.dns_domain.empty() && !n.netbios_domain.empty() && n.netbios_domain == n.netbios_computer)
      f.standalone = "the server is not a domain member (its NTLM CHALLENGE names its own computer, " +
                     n.netbios_computer + ", as its domain): no client has a Kerberos ticket for it";
  }
  return f;
}

PathOutcome kerberos_path(const AuthFacts& facts) {
  if (!facts.standalone.empty()) return {CellVerdict::fails, {}, "Kerberos: " + facts.standalone};
  if (!facts.kerberos) return {CellVerdict::unknown, {}, "Kerberos: no Kerberos cell"};
  const auto& k = *facts.kerberos;
  if (k.verdict != CellVerdict::works && k.verdict != CellVerdict::degraded)
    return {k.verdict, {}, "Kerberos: " + k.reason};
  if (!facts.service) {
    const std::string missing =
        facts.service_name.empty() ? "" : " (account " + facts.service_name + " not in the accounts audit)";
    return {k.verdict, kerberos_label(k.negotiated), k.reason + missing};
  }
  // The TGT is not enough: the service ticket for the service's account must be issued to the
  // client's etypes too, as the audit's TGS-REQ with the same offer was.
  const auto t = service_ticket(facts.client_etypes, *facts.service);
  if (t.verdict != CellVerdict::works && t.verdict != CellVerdict::degraded)
    return {t.verdict, {}, "Kerberos: " + t.reason};
  const CellVerdict v = severity(t.verdict) > severity(k.verdict) ? t.verdict : k.verdict;
  return {v, kerberos_label(t.etype.empty() ? k.negotiated : t.etype), k.reason + "; " + t.reason};
}

// [MS-NLMP] 3.3.1/3.3.2: one AUTHENTICATE carries every response the client's level sends (LM and
// NTLMv1 together at LmCompatibilityLevel 0-1), so the server's acceptance of any of them logs it on.
PathOutcome ntlm_path(const AuthUse& client, const AuthFacts& facts) {
  std::vector<std::string> sent;
  for (const auto& r : client.ntlm) sent.push_back(r == "ntlmv2" ? "NTLMv2" : r == "ntlmv1" ? "NTLMv1" : "LM");
  const std::string label = join(sent, "+");
  if (!facts.sessions)
    return {CellVerdict::unknown,
            {},
            label + ": which NTLM responses the server accepts is unknown (" + facts.no_sessions + ")"};
  std::vector<std::string> refused, untested;
  // The strongest response first: a server checks the NT response before the LM one ([MS-NLMP] 3.3.1).
  for (const auto& r : responses(facts.sessions->ntlm)) {
    if (std::find(client.ntlm.begin(), client.ntlm.end(), r.name) == client.ntlm.end()) continue;
    const auto& a = *r.attempt;
    if (!a.outcome.ok()) {
      untested.push_back(std::string(r.label) + " not tested (" + a.outcome.reason + ")");
    } else if (a.accepted && a.granted == "guest") {
      // `map to guest = bad user`: the logon succeeded only as guest, so the account is unknown there.
      return as_guest(client, "the server offers only guest access (it maps the user to guest)");
    } else if (a.accepted) {
      // Only NTLMv2 is an acceptable response today: NTLMv1 and LM are crackable ([MS-NLMP] 5).
      return {std::string(r.name) == "ntlmv2" ? CellVerdict::works : CellVerdict::degraded, r.label,
              std::string("the server accepts ") + r.label + " (smb sessions.ntlm)"};
    } else {
      refused.push_back(std::string(r.label) + " refused (" + a.answer + ")");
    }
  }
  // STATUS_NTLM_BLOCKED refuses NTLM itself ([MS-ERREF] 2.3.1), whatever the response: a response
  // that could not be tried is refused too.
  const bool blocked = std::any_of(refused.begin(), refused.end(),
                                   [](const std::string& r) { return r.find("NTLM_BLOCKED") != std::string::npos; });
  if (blocked) untested.clear();
  if (!untested.empty())
    return {CellVerdict::unknown,
            {},
            label + ": " + join(untested, "; ") + (refused.empty() ? "" : "; ") + join(refused, "; ")};
  return {CellVerdict::fails, {}, label + ": " + join(refused, "; ")};
}

PathOutcome as_guest(const AuthUse& client, const std::string& what) {
  if (client.insecure_guest != "refused")
    return {CellVerdict::degraded, "guest", what + ": an insecure guest logon", true};
  return {CellVerdict::fails,
          {},
          what + ", " + client.client_name + " refuses insecure guest logons" +
              (client.requires_signing ? " (and requires signing, which a guest session cannot do)" : ""),
          true};
}

PathOutcome guest_path(const AuthFacts& facts) {
  if (!facts.sessions) return {CellVerdict::unknown, {}, "guest: unknown (" + facts.no_sessions + ")"};
  const auto& g = facts.smb1 && facts.sessions->smb1 ? facts.sessions->smb1->guest : facts.sessions->guest;
  if (!g.outcome.ok()) return {CellVerdict::unknown, {}, "guest: not tested (" + g.outcome.reason + ")"};
  if (g.accepted && g.granted == "guest")
    return {CellVerdict::degraded, "guest", "the server maps an unknown user to guest: an insecure guest logon", true};
  return {CellVerdict::fails,
          {},
          "guest: the server refuses a guest logon (" + (g.accepted ? "granted " + g.granted : g.answer) + ")"};
}

Cell with_auth(Cell transport, const AuthUse& client, const AuthFacts& facts, const std::string& what) {
  if (transport.verdict != CellVerdict::works && transport.verdict != CellVerdict::degraded) return transport;
  std::vector<PathOutcome> tried;
  if (client.kerberos) tried.push_back(kerberos_path(facts));
  if (!client.ntlm.empty()) tried.push_back(ntlm_path(client, facts));
  if (client.guest) tried.push_back(guest_path(facts));
  std::vector<std::string> failed;
  bool unknown = false, guest_judged = false;
  for (const auto& t : tried) {
    guest_judged = guest_judged || t.guest;
    if (!t.path.empty()) {
      if (severity(t.verdict) > severity(transport.verdict)) transport.verdict = t.verdict;
      transport.auth = t.path;
      transport.reason += "; " + what + " with " + t.path + (t.guest ? ": " + t.why : "");
      if (!failed.empty()) transport.reason += " (" + join(failed, "; ") + ")";
      return transport;
    }
    unknown = unknown || t.verdict == CellVerdict::unknown;
    failed.push_back(t.why);
  }
  // A client whose account the server does not know is mapped to guest where the server does that (an
  // SMB session: an LDAP bind has no guest).
  if (what == "session" && !guest_judged && !client.guest && !client.insecure_guest.empty() &&
      guest_path(facts).path == "guest") {
    const auto g = as_guest(client, "the server maps unknown users to guest");
    if (!g.path.empty()) {
      transport.verdict = CellVerdict::degraded;
      transport.auth = g.path;
      transport.reason += "; " + what + " with guest for an account the server does not know: " + g.why + " (" +
                          join(failed, "; ") + ")";
      return transport;
    }
    failed.push_back(g.why);
  }
  transport.verdict = unknown ? CellVerdict::unknown : CellVerdict::fails;
  transport.reason +=
      (unknown ? "; no " + what + " path known to work: " : "; every " + what + " path fails: ") + join(failed, "; ");
  return transport;
}

}  // namespace legacyscan::matrix
