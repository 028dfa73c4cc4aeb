// SPDX-License-Identifier: Apache-2.0
// `legacyscan profiles` and `profiles show ID`: the client profiles of the compatibility matrix.
#include <iostream>
#include <memory>

#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/output.hpp"
#include "src/cli/usage.hpp"
#include "src/report/text_util.hpp"
#ifdef LEGACYSCAN_PROBE_MATRIX
#include "src/compat/profiles.hpp"
#endif

namespace legacyscan::cli {

namespace {

struct ProfilesArgs {
  std::string format = "table";
  std::string id;
};

int run_profiles_command(const std::string& format, const std::string& show) {
#ifdef LEGACYSCAN_PROBE_MATRIX
  const auto& list = matrix::all_profiles();
  if (!show.empty()) {
    const auto* p = matrix::find_profile(show);
    if (!p) return usage_error("no profile '" + show + "' (see 'legacyscan profiles')");
    std::cout << json_text(p->raw, 2) << "\n";
    return kExitDone;
  }
  if (format == "json") {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& p : list) a.push_back(p.raw);
    std::cout << json_text(a, 2) << "\n";
    return kExitDone;
  }
  // One row per profile, the name and protocols wrapped under the name column at the terminal's width.
  const std::size_t width = text_width("");
  for (const auto& p : list) {
    std::string protocols;
    for (const auto& x : p.protocols) protocols += (protocols.empty() ? "" : ",") + x;
    const std::string id = p.id + std::string(p.id.size() < 20 ? 20 - p.id.size() : 1, ' ');
    report::wrap(std::cout, id, p.name + "  [" + protocols + "]", 20, width);
  }
  return kExitDone;
#else
  (void)format;
  (void)show;
  return usage_error("this build has no compatibility matrix (probes/matrix left out)");
#endif
}

}  // namespace

Command add_profiles_command(CLI::App& app) {
  auto a = std::make_shared<ProfilesArgs>();
  auto* cmd = app.add_subcommand("profiles", "List the client profiles of the compatibility matrix");
  cmd->add_option("--format", a->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  auto* show = cmd->add_subcommand("show", "Print one profile (JSON, with its sources)");
  show->add_option("id", a->id, "Profile id (see 'legacyscan profiles')")->required();
  return {cmd, [a, show] { return run_profiles_command(a->format, show->parsed() ? a->id : ""); }};
}

}  // namespace legacyscan::cli
