// SPDX-License-Identifier: Apache-2.0
// `legacyscan rules`: the policy rules and the whatif hardening terms, from the tables their parsers use.
#include <iostream>
#include <memory>

#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/output.hpp"
#include "src/cli/usage.hpp"
#include "src/compat/rules_catalog.hpp"

namespace legacyscan::cli {

Command add_rules_command(CLI::App& app) {
  auto format = std::make_shared<std::string>("table");
  auto* cmd =
      app.add_subcommand("rules", "List the policy rules (--require) and the whatif terms (--disable/--require)");
  cmd->add_option("--format", *format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  return {cmd, [format] {
            if (*format == "json")
              std::cout << json_text(compat::rules_catalog_json(), 2) << "\n";
            else
              std::cout << compat::rules_catalog_table(text_width(""));
            return kExitDone;
          }};
}

}  // namespace legacyscan::cli
