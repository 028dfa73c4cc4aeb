// SPDX-License-Identifier: Apache-2.0
// `legacyscan accounts`: which accounts the removal of RC4 from Kerberos breaks, from the KDC's own
// answers. The DCs are chosen as for `scan` (targets, -iL, --domain); the principals come from
// --principal and --principals FILE; the audit itself is the accounts probe (src/compat/accounts_audit),
// run by the scan engine over the DCs.
#include <spdlog/spdlog.h>
#include <iostream>
#include <memory>
#include <sstream>

#include "legacyscan/json_text.hpp"
#include "src/cli/cli.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/output.hpp"
#include "src/cli/principal_list.hpp"
#include "src/cli/scan_plan.hpp"
#include "src/cli/signals.hpp"
#include "src/cli/store_sink.hpp"
#include "src/cli/usage.hpp"
#if defined(LEGACYSCAN_PROBE_KERBEROS) && defined(LEGACYSCAN_PROBE_LDAP)
#include "src/compat/accounts_audit.hpp"
#endif
#include "src/report/accounts_report.hpp"
#include "src/report/report.hpp"
#include "src/store/observed.hpp"

namespace legacyscan::cli {

namespace {

struct AccountsArgs {
  ScanArgs scan;
  std::vector<std::string> principals;  // --principal (repeatable, comma lists)
  std::vector<std::string> principal_files;
  std::string realm;
};

// Every principal of --principal and --principals, checked; the first bad one is a usage error.
std::optional<std::vector<std::string>> collect_principals(const AccountsArgs& a, int& exit_code) {
  std::vector<std::string> out;
  for (const auto& value : a.principals) {
    std::size_t start = 0;
    while (start <= value.size()) {
      auto end = value.find(',', start);
      if (end == std::string::npos) end = value.size();
      const auto name = value.substr(start, end - start);
      if (auto why = principal_problem(name); !why.empty()) {
        exit_code = usage_error("--principal '" + name + "': " + why);
        return std::nullopt;
      }
      out.push_back(name);
      start = end + 1;
    }
  }
  for (const auto& file : a.principal_files) {
    std::string err;
    auto names = read_principal_file(file, err);
    if (!names) {
      exit_code = usage_error("--principals " + err);
      return std::nullopt;
    }
    out.insert(out.end(), names->begin(), names->end());
  }
  if (out.empty() && a.scan.user.empty()) {
    exit_code = usage_error("no principals: give --principal NAME, --principals FILE or --user (the directory)");
    return std::nullopt;
  }
  return out;
}

std::string format_of(const AccountsArgs& a) {
  if (!a.scan.format.empty()) return a.scan.format;
  const auto& o = a.scan.output;
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return o.size() > e.size() && o.compare(o.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".json")) return "json";
  if (ends(".csv")) return "csv";
  if (ends(".html") || ends(".htm")) return "html";
  return "table";
}

int run_accounts(AccountsArgs& a) {
  const std::string format = format_of(a);
  if (format != "table" && format != "json" && format != "csv" && format != "html")
    return usage_error("--format " + format + ": accounts writes table, json, csv or html");
  int exit_code = kExitDone;
  auto names = collect_principals(a, exit_code);
  if (!names) return exit_code;
  a.scan.probes = {"kerberos"};  // checked like scan's, then replaced by the audit below
  a.scan.no_ping = true;         // the DCs are named: a KDC on UDP only is still audited
  if (!a.realm.empty())
    a.scan.probe_options["realm"] = a.realm;
  else if (!a.scan.domain.empty())
    a.scan.probe_options["realm"] = a.scan.domain;
  auto planned = plan_scan(a.scan);
  if (!planned.job) return planned.exit_code;
#if defined(LEGACYSCAN_PROBE_KERBEROS) && defined(LEGACYSCAN_PROBE_LDAP)
  const auto probe = accounts::make_accounts_probe(std::make_shared<const std::vector<std::string>>(std::move(*names)));
#else
  return usage_error("accounts: this build has no kerberos and ldap probes (-DLEGACYSCAN_PROBES)");
  const std::unique_ptr<Probe> probe;
#endif
  planned.job->plan.probes = {probe.get()};
  std::string err;
  StoreSink store;
  if (!a.scan.store.empty() && !store.open(a.scan.store, rfc3339_now(), "", err))
    return usage_error("accounts: " + err);

  stop_on_interrupt();
  std::vector<HostResult> hosts;
  std::vector<RuleResult> policy;
  const auto& rules = planned.job->rules;
  const auto summary = run_scan(
      planned.job->plan, *spdlog::default_logger(),
      [&](HostResult&& h) {
        if (!rules.empty()) {
          auto mine = evaluate_policy(rules, host_to_json(h));
          policy.insert(policy.end(), mine.begin(), mine.end());
        }
        hosts.push_back(std::move(h));
      },
      &stop_requested());
  sort_hosts(hosts);
  const auto audits = report::accounts_audits(hosts);
  const auto text = report::render_accounts(format, summary, audits, text_width(a.scan.output));
  if (int rc = write_output(a.scan.output, text, "-o "); rc != kExitDone) return rc;
  if (store.used()) {
    const auto doc = report::accounts_to_json(summary, audits);
    store.add_rows(store::accounts_rows(doc));
    if (!store.finish({{"command", "accounts"},
                       {"started", summary.started},
                       {"finished", summary.finished},
                       {"complete", summary.complete}}))
      return kExitNothingScanned;
  }
  if (!summary.complete) return interrupted_exit_code();
  const bool answered =
      std::any_of(audits.begin(), audits.end(), [](const auto& x) { return x.result && x.status == Status::ok; });
  if (!answered) {
    for (const auto& x : audits) spdlog::error("{}: {}", x.target, x.reason);
    spdlog::warn("nothing could be audited: no KDC answered");
    return kExitNothingScanned;
  }
  const bool audited =
      std::any_of(audits.begin(), audits.end(), [](const auto& x) { return x.result && !x.result->accounts.empty(); });
  if (!audited) {
    spdlog::warn("nothing could be audited: no principal given and no account read from the directory");
    return kExitNothingScanned;
  }
  bool failed = false;
  for (const auto& rule : policy)
    if (!rule.passed) {
      failed = true;
      std::cerr << "legacyscan: policy failed: " << rule.host << ": " << rule.rule << ": " << rule.evidence << "\n";
    }
  return failed ? kExitPolicyFailed : kExitDone;
}

}  // namespace

Command add_accounts_command(CLI::App& app) {
  auto args = std::make_shared<AccountsArgs>();
  auto* cmd = app.add_subcommand("accounts", "Which accounts the removal of RC4 from Kerberos breaks, per account");
  auto& s = args->scan;
  cmd->add_option("targets", s.targets, "Domain controllers: IP, host name, with optional :PORT (default 88)");
  cmd->add_option("--input-list", s.input_lists, "Read DCs from FILE (one per line, # comments)");
  cmd->add_option("--domain", s.domain, "Find the domain's DCs via DNS SRV records (and use it as the realm)");
  cmd->add_option("--dns-server", s.dns_server, "Resolver for --domain: ADDRESS or ADDRESS:PORT");
  cmd->add_option("--realm", args->realm, "Kerberos realm (default: --domain, the DC's DNS name, or the KDC's answer)");
  cmd->add_option("--principal", args->principals, "Principal to audit: name, NAME$, service/host (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--principals", args->principal_files, "File of principals, one a line (# comments)")
      ->allow_extra_args(false);
  cmd->add_option("--timeout", s.timeout, "Deadline of every network operation, e.g. 3s, 500ms")->capture_default_str();
  cmd->add_option("--retries", s.retries, "UDP retransmissions after the first try")->capture_default_str();
  cmd->add_option("--max-rate", s.max_rate, "Requests per second to the KDCs, all together (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--per-host", s.per_host, "Requests in flight to one DC")->capture_default_str();
  cmd->add_option("--user", s.user, "Account for the directory (LDAPS simple bind): NAME, NAME@REALM, DOMAIN\\NAME");
  cmd->add_option("--password", s.password, "Password for --user (visible in ps: prefer --password-env/-file)");
  cmd->add_option("--password-env", s.password_env, "Read the password for --user from this environment variable");
  cmd->add_option("--password-file", s.password_file, "Read the password for --user from the first line of FILE");
  cmd->add_option("--keytab", s.keytab,
                  "Keytab with the keys of --user (AES or rc4-hmac; service tickets only, no directory)");
  cmd->add_option("--require", s.require, "Policy rule, e.g. accounts.breaks=none (repeatable; exit 1 if one fails)")
      ->allow_extra_args(false);
  cmd->add_option("--policy", s.policy_file, "File of policy rules, one per line (# comments)");
  cmd->add_option("--format", s.format, "table, json, csv or html (default: from the extension of -o, else table)");
  cmd->add_option("-o,--output", s.output, "Write the audit to FILE instead of standard output");
  cmd->add_option("--store", s.store, "Also write each account into this result store (docs/fleet.md)");
  cmd->footer(
      "Examples:\n"
      "  legacyscan accounts dc1.example.test --principals accounts.txt\n"
      "  legacyscan accounts --domain example.test --principal svc_sql --principal web01$ -o audit.json\n"
      "Without credentials: three AS-REQs without pre-authentication per principal (AES, RC4, DES); no\n"
      "password is tried. Exit codes: 0 done, 1 a --require rule failed, 2 usage error, 3 no KDC\n"
      "answered or nothing to audit.");
  return {cmd, [args] {
            try {
              return run_accounts(*args);
            } catch (const std::exception& e) {
              spdlog::critical("internal error: {}", e.what());
              return kExitNothingScanned;
            }
          }};
}

}  // namespace legacyscan::cli
