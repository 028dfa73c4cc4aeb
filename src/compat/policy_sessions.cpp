// SPDX-License-Identifier: Apache-2.0
#include "src/compat/policy_sessions.hpp"

namespace legacyscan {

using nlohmann::json;

namespace {

// The attempt's "accepted" when it was answered, else nothing (not tried, or no answer).
std::optional<bool> accepted(const json& attempt) {
  if (!attempt.is_object() || attempt.value("status", "") != "ok") return std::nullopt;
  return attempt.value("accepted", false);
}

const json& at(const json& j, const char* key) {
  static const json none;
  return j.is_object() && j.contains(key) ? j.at(key) : none;
}

// Any of the attempts accepted (`what` names it in `bad`); false when none was answered.
bool none_accepted(const std::vector<std::pair<const json*, std::string>>& attempts, const std::string& port,
                   std::vector<std::string>& bad) {
  bool tested = false;
  for (const auto& [a, what] : attempts) {
    const auto ok = accepted(*a);
    if (!ok) continue;
    tested = true;
    if (*ok) bad.push_back(port + ": " + what + " accepted");
  }
  return tested;
}

}  // namespace

bool is_session_rule(const std::string& key) {
  return key == "smb.guest" || key == "smb.anonymous" || key == "smb.encryption" || key == "ntlm.v1" ||
         key == "ntlm.lm";
}

bool check_session_rule(const std::string& key, const std::string& port, const json& p, std::vector<std::string>& bad) {
  const json& s = at(p, "sessions");
  if (s.is_null()) return false;
  const json& smb1 = at(s, "smb1");
  if (key == "smb.guest")
    return none_accepted(
        {{&at(s, "guest"), "a guest logon (made-up user)"}, {&at(smb1, "guest"), "an SMB1 guest logon (made-up user)"}},
        port, bad);
  if (key == "ntlm.v1")
    return none_accepted(
        {{&at(at(s, "ntlm"), "v1"), "an NTLMv1 logon"}, {&at(at(s, "ntlm"), "v1_ess"), "an NTLMv1-ESS logon"}}, port,
        bad);
  if (key == "ntlm.lm") return none_accepted({{&at(at(s, "ntlm"), "lm"), "an LM logon"}}, port, bad);
  if (key == "smb.anonymous") {
    // The null session that matters is one that reaches IPC$ (pipes, enumeration).
    const auto granted = accepted(at(s, "anonymous"));
    if (!granted) return false;
    if (!*granted) return true;
    for (const auto& t : p.value("shares", json::array()))
      if (t.value("session", "") == "anonymous" && t.value("name", "") == "IPC$" && t.value("connected", false))
        bad.push_back(port + ": an anonymous session connected IPC$");
    return true;
  }
  // smb.encryption=required
  const json& e = at(s, "encryption_required");
  if (e.value("status", "") != "ok") return false;
  if (!e.value("required", false)) bad.push_back(port + ": encryption not required (" + e.value("evidence", "") + ")");
  return true;
}

}  // namespace legacyscan
