// SPDX-License-Identifier: Apache-2.0
#include "src/report/os_finding.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "probes/ldap/ldap_result.hpp"
#include "probes/smb/smb_result.hpp"
#include "src/proto/netlogon/netlogon_sam_logon.hpp"

namespace legacyscan {

namespace {

// What one source claims, as a range of DC functional levels ([MS-ADTS] 6.1.4.2: 0 = 2000, 2 = 2003,
// 3 = 2008, 4 = 2008 R2, 5 = 2012, 6 = 2012 R2, 7 = 2016 to 2022, 10 = 2025).
struct Claim {
  std::string source;  // "NTLM 6.1.0"
  std::string says;    // "2008 R2"
  netlogon::DcLevelRange levels;
};

std::string level_name(int level) {
  switch (level) {
    case 0: return "2000";
    case 1:
    case 2: return "2003";
    case 3: return "2008";
    case 4: return "2008 R2";
    case 5: return "2012";
    case 6: return "2012 R2";
    case 10: return "2025";
    default: return level > 10 ? "after 2025" : "2016 to 2022";
  }
}

// The NTLM Version field ([MS-NLMP] 2.2.2.10): major.minor.build; the server releases that share a
// major.minor are told apart by the build (10.0: 14393 = 2016, 17763 = 2019, 20348 = 2022, 26100 = 2025).
std::optional<Claim> ntlm_claim(const std::string& version) {
  unsigned major = 0, minor = 0, build = 0;
  if (std::sscanf(version.c_str(), "%u.%u.%u", &major, &minor, &build) < 2) return std::nullopt;
  Claim c{"NTLM " + version, "", {}};
  const unsigned mm = major * 100 + minor;
  int level = -1;
  if (mm == 500) level = 0;
  if (mm == 502) level = 2;
  if (mm >= 600 && mm <= 603) level = static_cast<int>(mm - 600) + 3;
  if (mm == 1000) level = build >= 26100 ? 10 : 7;
  if (level < 0) return std::nullopt;  // a client version (5.1 XP) or one not known here
  c.levels = {level, level};
  c.says = level_name(level);
  if (level == 7 && build == 14393) c.says = "2016";
  if (level == 7 && build == 17763) c.says = "2019";
  if (level == 7 && build == 20348) c.says = "2022";
  return c;
}

// A probe's typed result in the host's runs (every result vocabulary is built, so this holds in
// one-probe builds too: a probe that is not built never runs).
template <class T>
const T* result_of(const HostResult& host, const std::string& probe) {
  for (const auto& run : host.probes)
    if (run.probe == probe && run.result) return dynamic_cast<const T*>(run.result.get());
  return nullptr;
}

// The DS_FLAG bits of the first LDAP ping that was not answered NT4-style.
std::optional<std::uint32_t> ping_flags(const ldap::LdapResult& ldap) {
  for (const auto* ping : {&ldap.cldap, &ldap.cldap_tcp, &ldap.gc_cldap_tcp})
    if (*ping && (*ping)->outcome.ok() && (*ping)->response &&
        (*ping)->response->variant != netlogon::NetlogonVariant::NT40)
      return (*ping)->response->Flags;
  return std::nullopt;
}

bool overlap(const netlogon::DcLevelRange& a, const netlogon::DcLevelRange& b) {
  return a.lowest <= b.highest && b.lowest <= a.highest;
}

}  // namespace

std::optional<Finding> reconciled_os(const HostResult& host) {
  std::vector<Claim> claims;  // in order of trust: rootDSE, NTLM, LDAP ping flags
  std::optional<int> domain_level;
  const auto* ldap = result_of<ldap::LdapResult>(host, "ldap");
  if (ldap && ldap->rootdse && ldap->rootdse->outcome.ok() && ldap->rootdse->dc_functionality) {
    const int level = *ldap->rootdse->dc_functionality;
    claims.push_back({"rootDSE DC level " + std::to_string(level), level_name(level), {level, level}});
    domain_level = ldap->rootdse->domain_functionality;
  }
  if (const auto* smb = result_of<smb::SmbResult>(host, "smb"))
    for (const auto& p : smb->ports) {
      if (!p.ntlm || !p.ntlm->outcome.ok() || p.ntlm->os_version.empty()) continue;
      if (auto c = ntlm_claim(p.ntlm->os_version)) claims.push_back(*c);
      break;
    }
  if (ldap)
    if (auto flags = ping_flags(*ldap))
      claims.push_back({"LDAP ping flags", netlogon::os_generation(*flags), netlogon::os_generation_levels(*flags)});
  if (claims.empty()) return std::nullopt;

  // The most trusted source decides; a later one names the release when it is more precise (an NTLM
  // build inside the rootDSE's "2016 to 2022").
  const Claim& lead = claims.front();
  std::string name = lead.says;
  for (const auto& c : claims)
    if (c.levels.lowest == c.levels.highest && c.levels.lowest == lead.levels.lowest && c.says.size() < name.size() &&
        c.says.find(' ') == std::string::npos)
      name = c.says;
  std::string sources, why;
  bool agree = true;
  for (const auto& c : claims) {
    sources += (sources.empty() ? "" : "; ") + c.source + ": " + c.says;
    if (overlap(c.levels, lead.levels)) continue;
    agree = false;
    if (c.source == "LDAP ping flags")
      why += std::string(why.empty() ? "" : " ") +
             "The LDAP ping flags disagree: Samba sets FULL_SECRET_DOMAIN_6 and DS_n from the domain functional level" +
             (domain_level ? " (here " + level_name(*domain_level) + ")" : std::string()) +
             ", not from the DC's own version, so they understate it.";
    else if (c.source.rfind("NTLM", 0) == 0)
      why += std::string(why.empty() ? "" : " ") +
             "The NTLM version disagrees: it is whatever the server announces (Samba announces 6.1.0 on any system).";
  }
  // Without a DC source the NTLM version alone cannot tell a server from the client of the same
  // generation (6.1 is Windows 7 as well as Server 2008 R2).
  const bool dc = claims.size() > 1 || lead.source.rfind("NTLM", 0) != 0;
  Finding f{"",
            "host.os",
            "OS",
            (dc ? "Windows Server " + name : "Windows of the Server " + name + " generation, client or server") + " (" +
                sources + (agree || claims.size() < 2 ? ")" : "; they disagree)"),
            Verdict::info,
            why};
  f.probe = "host";
  return f;
}

}  // namespace legacyscan
