// SPDX-License-Identifier: Apache-2.0
// The findings of the share lists: the anonymous session that lists the shares is a warning (the null
// session enumeration that restrict anonymous / RestrictAnonymous turns off); the lists of guest and
// user sessions are facts. A list that RAP produced (srvsvc refused) says so.
#include "probes/smb/smb_result.hpp"

namespace legacyscan::smb {

void share_list_findings(const std::string& port, const PortResult& p, std::vector<Finding>& out) {
  for (const auto& l : p.share_lists) {
    const std::string check = (l.via.starts_with("smb1") ? "smb1.share_list." : "smb.share_list.") + l.session;
    const bool rap = l.method == "rap";
    const std::string label = "Share list (" + l.session + (rap ? ", RAP" : "") + ")";
    // RAP is what srvsvc's refusal led to: the evidence says what srvsvc answered.
    const std::string srvsvc = rap && !l.srvsvc_answer.empty() ? "srvsvc: " + l.srvsvc_answer + "; " : "";
    if (!l.outcome.ok()) {
      out.push_back({port, check, label, std::string(to_string(l.outcome.status)) + ": " + l.outcome.reason,
                     Verdict::failure, srvsvc + l.via});
      continue;
    }
    // RAP's ERROR_MORE_DATA comes with the shares that fit: a list, not a refusal.
    const bool refused = rap ? l.answer != "NERR_Success" && l.shares.empty() : l.answer != "WERR_OK";
    if (refused) {
      out.push_back({port, check, label, "refused (" + l.answer + ")", Verdict::good, srvsvc + l.via});
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
                   srvsvc + names + (l.note.empty() ? "" : "; " + l.note)});
  }
}

}  // namespace legacyscan::smb
