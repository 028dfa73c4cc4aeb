// SPDX-License-Identifier: Apache-2.0
// `legacyscan probes`: the probes, their default ports and what they check.
#include <iostream>
#include <memory>

#include "legacyscan/engine/probe.hpp"
#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/usage.hpp"

namespace legacyscan::cli {

namespace {

int run_probes_command(const std::string& format) {
  if (format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : all_probes()) {
      nlohmann::json opts = nlohmann::json::array();
      for (const auto& o : p->options())
        opts.push_back({{"flag", o.flag}, {"help", o.help}, {"default", o.default_value}});
      const auto views = p->transports();  // one vector: begin() and end() of two temporaries would mix
      std::vector<std::string> transports(views.begin(), views.end());
      list.push_back({{"name", p->name()},
                      {"description", p->description()},
                      {"default_ports", p->default_ports()},
                      {"transports", transports},
                      {"options", opts}});
    }
    std::cout << json_text(list, 2) << "\n";
    return kExitDone;
  }
  for (const auto& p : all_probes()) {
    std::string ports;
    for (auto port : p->default_ports()) ports += (ports.empty() ? "" : ",") + std::to_string(port);
    std::string transports;
    for (auto t : p->transports()) transports += (transports.empty() ? "" : "/") + std::string(t);
    std::cout << p->name() << std::string(p->name().size() < 10 ? 10 - p->name().size() : 1, ' ') << ports << "/"
              << transports << "  " << p->description() << "\n";
  }
  return kExitDone;
}

}  // namespace

Command add_probes_command(CLI::App& app) {
  auto format = std::make_shared<std::string>("table");
  auto* cmd = app.add_subcommand("probes", "List the probes, their default ports and what they check");
  cmd->add_option("--format", *format, "Output format")->check(CLI::IsMember({"table", "json"}));
  return {cmd, [format] { return run_probes_command(*format); }};
}

}  // namespace legacyscan::cli
