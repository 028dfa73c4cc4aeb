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
#include "src/cli/whatif_join.hpp"
#include "src/compat/whatif.hpp"
#include "src/report/text_util.hpp"
#endif

namespace legacyscan::cli {

namespace {

struct WhatIfArgs {
  std::string file;
  std::string scan;  // --scan: the same as the positional saved scan
  std::vector<std::string> accounts;
  std::vector<std::string> events;
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
using HostRows = std::vector<std::pair<HostView, std::vector<matrix::WhatIfRow>>>;

std::string scan_hosts(const std::string& file, const matrix::WhatIf& w, HostRows& hosts) {
  std::string err;
  auto doc = load_scan(file, err);  // accepts a document or JSON lines
  if (!doc) return err;
  for (const auto& h : (*doc)["hosts"]) {
    auto view = read_host_view(h);
    auto rows = matrix::whatif_host(view, w);
    hosts.emplace_back(std::move(view), std::move(rows));
  }
  return "";
}

void print_hosts(const HostRows& hosts, const matrix::WhatIf& w, std::size_t width) {
  for (const auto& [h, rows] : hosts) {
    std::cout << "Host " << h.target << " (" << h.address << ") if ";
    std::cout << describe_change(w.disable, w.require) << ":\n";
    for (const auto& r : rows) {
      std::string mark = std::string(matrix::to_string(r.verdict));
      if (!r.before.empty() && r.before != mark) mark += " (now " + r.before + ")";
      std::cout << "  " << r.name << std::string(r.name.size() < 48 ? 48 - r.name.size() : 1, ' ') << mark << "\n";
      // The reason when no cell change says it.
      if ((r.verdict == matrix::CellVerdict::fails || r.verdict == matrix::CellVerdict::degraded) && r.cells.empty())
        report::wrap(std::cout, "      ", report::printable(r.reason), 6, width);
      // Each cell the change alters: before -> after, with the path and why.
      for (const auto& c : r.cells) {
        auto side = [](const matrix::Cell& cell) {
          return std::string(matrix::to_string(cell.verdict)) + (cell.auth.empty() ? "" : " (" + cell.auth + ")");
        };
        report::wrap(std::cout, "      " + c.protocol + ": ",
                     side(c.before) + " -> " + side(c.after) + ": " + report::printable(c.after.reason), 8, width);
      }
    }
  }
}

// A wave over saved audits, event exports and scans: who breaks, then (with a scan) each host's matrix.
int run_wave_join(const WhatIfArgs& a, const matrix::Wave& wave, const std::vector<std::string>& accounts,
                  const std::string& scan) {
  std::vector<matrix::WaveAccountRow> audited;
  for (const auto& f : accounts)
    if (auto err = wave_rows_of_audit(f, audited); !err.empty()) return usage_error("whatif: " + err);
  std::vector<matrix::EventAccount> events;
  for (const auto& f : a.events)
    if (auto err = event_accounts_of(f, events); !err.empty()) return usage_error("whatif: " + err);
  HostRows hosts;
  std::optional<matrix::WhatIf> w;
  if (!scan.empty()) {
    std::string err;
    auto disable = a.disable;
    disable.insert(disable.end(), wave.disable.begin(), wave.disable.end());
    w = matrix::parse_whatif(disable, a.require, err);
    if (!w) return usage_error("whatif: " + err);
    if (err = scan_hosts(scan, *w, hosts); !err.empty()) return usage_error("whatif: " + err);
  }
  std::vector<matrix::HostAddress> addresses;
  for (const auto& [h, rows] : hosts) addresses.push_back({h.target, h.address});
  const auto rows = matrix::who_breaks(audited, events, addresses);
  const auto clients = matrix::broken_clients(rows);
  if (a.format == "json") {
    auto out = matrix::who_breaks_to_json(wave, rows, clients);
    out["command"] = "whatif";
    if (w) {
      auto scanned = matrix::whatif_to_json(hosts, *w);
      out["disable"] = scanned["disable"];
      out["require"] = scanned["require"];
      out["hosts"] = scanned["hosts"];
    }
    std::cout << json_text(out, 2) << "\n";
    return kExitDone;
  }
  const std::size_t width = std::max<std::size_t>(text_width(""), 60);
  if (!accounts.empty() || !a.events.empty()) print_who_breaks(std::cout, wave, rows, clients, width);
  if (w) {
    if (!accounts.empty() || !a.events.empty()) std::cout << "\n";
    print_hosts(hosts, *w, width);
  }
  return kExitDone;
}
#endif

int run_scan_whatif(const WhatIfArgs& a) {
#ifdef LEGACYSCAN_PROBE_MATRIX
  std::string err;
  const std::string scan = a.scan.empty() ? a.file : a.scan;
  if (!a.wave.empty()) {
    const auto* wave = matrix::find_wave(a.wave);
    if (!wave) return usage_error("whatif: --wave " + a.wave + ": unknown (use " + matrix::wave_list() + ")");
    // A saved accounts audit in the place of the scan is an audit.
    std::string text_err;
    if (!a.file.empty())
      if (auto text = read_input_file(a.file, text_err)) {
        auto whole = nlohmann::json::parse(*text, nullptr, false);
        if (!whole.is_discarded() && whole.is_object() && whole.value("command", "") == "accounts") {
          auto accounts = a.accounts;
          accounts.insert(accounts.begin(), a.file);
          return run_wave_join(a, *wave, accounts, a.scan);
        }
      }
    return run_wave_join(a, *wave, a.accounts, scan);
  }
  if (!a.accounts.empty() || !a.events.empty())
    return usage_error("whatif: --accounts and --events are read for a wave: give --wave " + matrix::wave_list());
  auto w = matrix::parse_whatif(a.disable, a.require, err);
  if (!w) return usage_error("whatif: " + err);
  HostRows hosts;
  if (err = scan_hosts(scan, *w, hosts); !err.empty()) return usage_error("whatif: " + err);
  if (a.format == "json") {
    auto out = matrix::whatif_to_json(hosts, *w);
    out["command"] = "whatif";
    std::cout << json_text(out, 2) << "\n";
    return kExitDone;
  }
  print_hosts(hosts, *w, std::max<std::size_t>(text_width(""), 60));
  return kExitDone;
#else
  (void)a;
  return usage_error("this build has no compatibility matrix (probes/matrix left out)");
#endif
}

int run_whatif_command(const WhatIfArgs& a) {
  if (!a.file.empty() && !a.scan.empty()) return usage_error("whatif: name the saved scan once (or --scan FILE)");
  const bool saved = !a.file.empty() || !a.scan.empty() || !a.accounts.empty() || !a.events.empty();
  if (a.capture.empty() == !saved)
    return usage_error("whatif: name either a saved scan (--scan, --accounts, --events) or --from-capture FILE");
  if (!a.capture.empty()) return run_capture_whatif(a);
  return run_scan_whatif(a);
}

}  // namespace

Command add_whatif_command(CLI::App& app) {
  auto a = std::make_shared<WhatIfArgs>();
  auto* cmd =
      app.add_subcommand("whatif", "Which clients would break if a scanned server were hardened (from a saved scan)");
  cmd->add_option("results", a->file, "A saved scan: --format json or jsonl output");
  cmd->add_option("--scan", a->scan, "A saved scan (the same as naming it first)");
  cmd->add_option("--accounts", a->accounts, "With --wave: a saved `legacyscan accounts --format json` (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--events", a->events,
                  "With --wave: `legacyscan events --format json` output or an event export: who uses each account "
                  "(repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--from-capture", a->capture,
                  "Instead of a scan: the clients of a capture (pcap/pcapng) or event export");
  cmd->add_option("--disable", a->disable,
                  "What to switch off: smb1, smb2.0.2, smb2.1, rc4, des, ssl3, tls1.0, tls1.1, netbios, cldap, ntlmv1, "
                  "ntlm, guest")
      ->delimiter(',')
      ->allow_extra_args(false);  // repeated, one value each: the saved scan may follow
  cmd->add_option("--require", a->require, "What to require: smb-signing, ldap-signing")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--wave", a->wave,
                  "A dated change of Windows defaults: rc4-2026 (over scans, account audits and events)");
  cmd->add_option("--format", a->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  return {cmd, [a] { return run_whatif_command(*a); }};
}

}  // namespace legacyscan::cli
