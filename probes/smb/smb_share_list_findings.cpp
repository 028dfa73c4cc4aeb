// SPDX-License-Identifier: Apache-2.0
// The findings of the share lists: the anonymous session that lists the shares is a warning (the null
// session enumeration that restrict anonymous / RestrictAnonymous turns off); the lists of guest and
// user sessions are facts.
#include "probes/smb/smb_result.hpp"

namespace legacyscan::smb {

void share_list_findings(const std::string& port, const PortResult& p, std::vector<Finding>& out) {
  for (const auto& l : p.share_lists) {
    const std::string check = "smb.share_list." + l.session;
    const std::string label = "Share list (" + l.session + ")";
    if (!l.outcome.ok()) {
      out.push_back({port, check, label, std::string(to_string(l.outcome.status)) + ": " + l.outcome.reason,
                     Verdict::failure, l.via});
      continue;
    }
    if (l.answer != "WERR_OK") {
      out.push_back({port, check, label, "refused (" + l.answer + ")", Verdict::good, l.via});
      continue;
    }
    std::string names;
    for (const auto& s : l.shares) {
      if (names.size() > 60) {
        names += ", ...";
        break;
      }
      names += (names.empty() ? "" : ", ") + s.name;
    }
    const Verdict v = l.session == "anonymous" ? Verdict::warn : Verdict::info;
    out.push_back({port, check, label, std::to_string(l.shares.size()) + " listed", v,
                   names + (l.note.empty() ? "" : "; " + l.note)});
  }
}

}  // namespace legacyscan::smb
