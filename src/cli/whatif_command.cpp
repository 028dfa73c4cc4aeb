// SPDX-License-Identifier: Apache-2.0
// `legacyscan whatif`: which clients would break if a server were hardened, from a saved scan (through
// the compatibility matrix) or from the clients of a capture or event export.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "legacyscan/engine/input_file.hpp"
#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/output.hpp"
#include "src/cli/saved_scan.hpp"
#include "src/cli/usage.hpp"
#include "src/passive/passive.hpp"
#ifdef LEGACYSCAN_PROBE_MATRIX
#include "src/compat/whatif.hpp"
#include "src/report/accounts_report.hpp"
#include "src/report/text_util.hpp"
#endif

namespace legacyscan::cli {

namespace {

struct WhatIfArgs {
  std::string file;
  std::string capture;
  std::vector<std::string> disable;
  std::vector<std::string> require;
  std::string wave;
  std::string format = "table";
};

// "smb1 off, smb-signing required"
std::string describe_change(const std::vector<std::string>& disable, const std::vector<std::string>& require) {
  std::string change;
  for (const auto& d : disable) change += (change.empty() ? "" : ", ") + d + " off";
  for (const auto& r : require) change += (change.empty() ? "" : ", ") + r + " required";
  return change;
}

// A capture (pcap/pcapng) or an event export, told apart by the file's first bytes.
std::optional<passive::Report> load_passive(const std::string& file, std::string& err) {
  if (auto reason = check_input_file(file); !reason.empty()) {
    err = file + ": " + reason;
    return std::nullopt;
  }
  std::ifstream f(file, std::ios::binary);
  char head[4] = {0, 0, 0, 0};
  f.read(head, 4);
  if (passive::looks_like_capture(
          ByteView(reinterpret_cast<const std::uint8_t*>(head), static_cast<std::size_t>(f.gcount())))) {
    passive::Analyzer analyzer;
    err = passive::read_capture_files({file}, analyzer);
    if (!err.empty()) return std::nullopt;
    passive::Report r = analyzer.finish();
    r.source.inputs = {file};
    return r;
  }
  passive::Report r;
  err = passive::read_events_file(file, r);
  if (!err.empty()) return std::nullopt;
  return r;
}

int run_capture_whatif(const WhatIfArgs& a) {
  std::string err;
  auto report = load_passive(a.capture, err);
  if (!report) return usage_error("whatif: " + err);
  auto rows = passive::capture_whatif(*report, a.disable, a.require, err);
  if (!rows) return usage_error("whatif: " + err);
  if (a.format == "json") {
    std::cout << json_text(passive::capture_whatif_to_json(*rows, a.disable, a.require), 2) << "\n";
    return kExitDone;
  }
  std::cout << "Clients seen in " << a.capture << " if " << describe_change(a.disable, a.require) << ": "
            << rows->size() << " affected\n";
  for (const auto& r : *rows) {
    std::string names;
    for (const auto& n : r.names) names += (names.empty() ? "" : ",") + n;
    std::cout << "  " << (r.address.empty() ? names : r.address)
              << (names.empty() || r.address.empty() ? "" : " (" + names + ")") << "  " << r.change << ": " << r.verdict
              << "\n      " << r.evidence << "\n";
  }
  return kExitDone;
}

#ifdef LEGACYSCAN_PROBE_MATRIX
// A wave over a saved account audit: one line per account, worst first, with the fix.
int run_accounts_wave(const WhatIfArgs& a, const matrix::Wave& wave, const nlohmann::json& doc) {
  std::vector<accounts::AccountsResult> storage;
  std::vector<report::AccountsAudit> audits;
  ScanSummary summary;
  if (auto err = report::accounts_from_json(doc, storage, audits, summary); !err.empty())
    return usage_error("whatif: " + a.file + ": " + err);
  std::vector<matrix::WaveAccountRow> rows;
  for (const auto& audit : audits)
    if (audit.result)
      for (const auto& acc : audit.result->accounts)
        rows.push_back(matrix::rc4_2026_account(acc, audit.address.empty() ? audit.target : audit.address));
  matrix::sort_wave_rows(rows);
  if (a.format == "json") {
    std::cout << json_text(matrix::wave_accounts_to_json(wave, rows), 2) << "\n";
    return kExitDone;
  }
  const std::size_t width = std::max<std::size_t>(text_width(""), 60);
  std::cout << "Accounts of " << a.file << " after the wave " << wave.id << ":\n";
  std::map<std::string, std::size_t> counts;
  for (const auto& r : rows) {
    ++counts[r.verdict];
    std::cout << report::fit(r.verdict, 10) << " " << report::printable(r.account) << " (" << r.kind << ")\n";
    if (r.verdict == "ok") continue;
    report::wrap(std::cout, "      why: ", report::printable(r.reason), 11, width);
    report::wrap(std::cout, "      fix: ", report::printable(r.fix), 11, width);
  }
  std::cout << "breaks " << counts["breaks"] << ", changes " << counts["changes"] << ", keeps-rc4 "
            << counts["keeps-rc4"] << ", unknown " << counts["unknown"] << ", ok " << counts["ok"] << "\n";
  return kExitDone;
}
#endif

int run_scan_whatif(const WhatIfArgs& a) {
#ifdef LEGACYSCAN_PROBE_MATRIX
  std::string err;
  auto disable = a.disable;
  if (!a.wave.empty()) {
    const auto* wave = matrix::find_wave(a.wave);
    if (!wave) return usage_error("whatif: --wave " + a.wave + ": unknown (use " + matrix::wave_list() + ")");
    std::string text_err;
    if (auto text = read_input_file(a.file, text_err)) {
      auto whole = nlohmann::json::parse(*text, nullptr, false);
      if (!whole.is_discarded() && whole.is_object() && whole.value("command", "") == "accounts")
        return run_accounts_wave(a, *wave, whole);
    }
    disable.insert(disable.end(), wave->disable.begin(), wave->disable.end());
  }
  auto w = matrix::parse_whatif(disable, a.require, err);
  if (!w) return usage_error("whatif: " + err);
  auto doc = load_scan(a.file, err);  // accepts a document or JSON lines
  if (!doc) return usage_error("whatif: " + err);
  std::vector<std::pair<HostView, std::vector<matrix::WhatIfRow>>> hosts;
  for (const auto& h : (*doc)["hosts"]) {
    auto view = read_host_view(h);
    auto rows = matrix::whatif_host(view, *w);
    hosts.emplace_back(std::move(view), std::move(rows));
  }
  if (a.format == "json") {
    std::cout << json_text(matrix::whatif_to_json(hosts, *w), 2) << "\n";
    return kExitDone;
  }
  for (const auto& [h, rows] : hosts) {
    std::cout << "Host " << h.target << " (" << h.address << ") if ";
    std::cout << describe_change(w->disable, w->require) << ":\n";
    for (const auto& r : rows) {
      std::string mark = std::string(matrix::to_string(r.verdict));
      if (!r.before.empty() && r.before != mark) mark += " (now " + r.before + ")";
      std::cout << "  " << r.name << std::string(r.name.size() < 48 ? 48 - r.name.size() : 1, ' ') << mark << "\n";
      if (r.verdict == matrix::CellVerdict::fails || r.verdict == matrix::CellVerdict::degraded)
        std::cout << "      " << r.reason << "\n";
    }
  }
  return kExitDone;
#else
  (void)a;
  return usage_error("this build has no compatibility matrix (probes/matrix left out)");
#endif
}

int run_whatif_command(const WhatIfArgs& a) {
  if (a.capture.empty() == a.file.empty())
    return usage_error("whatif: name either a saved scan or --from-capture FILE");
  if (!a.capture.empty()) return run_capture_whatif(a);
  return run_scan_whatif(a);
}

}  // namespace

Command add_whatif_command(CLI::App& app) {
  auto a = std::make_shared<WhatIfArgs>();
  auto* cmd =
      app.add_subcommand("whatif", "Which clients would break if a scanned server were hardened (from a saved scan)");
  cmd->add_option("results", a->file, "A saved scan: --format json or jsonl output");
  cmd->add_option("--from-capture", a->capture,
                  "Instead of a scan: the clients of a capture (pcap/pcapng) or event export");
  cmd->add_option("--disable", a->disable,
                  "What to switch off: smb1, smb2.0.2, smb2.1, rc4, des, ssl3, tls1.0, tls1.1, netbios, cldap")
      ->delimiter(',')
      ->allow_extra_args(false);  // repeated, one value each: the saved scan may follow
  cmd->add_option("--require", a->require, "What to require: smb-signing, ldap-signing")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--wave", a->wave,
                  "A dated change of Windows defaults: rc4-2026 (over a scan or a saved accounts audit)");
  cmd->add_option("--format", a->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  return {cmd, [a] { return run_whatif_command(*a); }};
}

}  // namespace legacyscan::cli
