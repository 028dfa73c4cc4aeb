// SPDX-License-Identifier: Apache-2.0
// `legacyscan scan`: options, then plan (scan_plan.cpp), open the output, run, write the results.
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>

#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/format_check.hpp"
#include "src/cli/output.hpp"
#include "src/cli/output_file.hpp"
#include "src/cli/scan_plan.hpp"
#include "src/cli/signals.hpp"
#include "src/cli/store_sink.hpp"
#include "src/cli/usage.hpp"
#include "src/report/formats.hpp"
#include "src/report/report.hpp"

namespace legacyscan::cli {

void add_scan_options(CLI::App* scan, ScanArgs& a, LogFlags& log) {
  scan->add_option("targets", a.targets, "IP, [IPv6], host name, CIDR, range a.b.c.d-e, with optional :PORT");
  scan->add_option("--input-list", a.input_lists, "Read targets from FILE (one per line, # comments); also -iL FILE");
  scan->add_option("--probes", a.probes, "Comma-separated probes to run (default: all; see 'legacyscan probes')");
  scan->add_option("--ports", a.ports, "Ports, e.g. 445,139 or smb:4450 (default: each probe's own ports)");
  scan->add_option("--timeout", a.timeout, "Deadline of every network operation, e.g. 3s, 500ms")
      ->capture_default_str();
  scan->add_option("--concurrency", a.concurrency, "Hosts scanned at once")->capture_default_str();
  scan->add_option("--per-host", a.per_host, "Connections open at once to one host")->capture_default_str();
  scan->add_option("--max-connections", a.max_connections, "Connections open at once in all")->capture_default_str();
  scan->add_option("--retries", a.retries, "UDP retransmissions after the first try")->capture_default_str();
  scan->add_option("--max-rate", a.max_rate, "New connections per second, all hosts together (0: no limit)")
      ->capture_default_str();
  scan->add_option("--host-timeout", a.host_timeout, "Give up on a host after this long, e.g. 30s (default: no limit)");
  scan->add_flag("--no-ping,-P", a.no_ping, "Skip the TCP reachability check and probe every host (like nmap -Pn)");
  scan->add_option("--require", a.require,
                   "Policy rule that must hold, e.g. smb1=off, tls.min=1.2 (repeatable; exit 1 if one fails)");
  scan->add_option("--policy", a.policy_file, "File of policy rules, one per line (# comments)");
  scan->add_option("--junit", a.junit, "Write the policy results as JUnit XML (one testcase per host and rule)");
  scan->add_option("--sarif", a.sarif, "Write the failed policy rules as SARIF 2.1.0");
  scan->add_option("--domain", a.domain, "Find the domain's DCs via DNS SRV records and scan them");
  scan->add_option("--forest", a.forest, "Forest root for the _gc._tcp lookup (default: --domain)");
  scan->add_option("--dns-server", a.dns_server, "Resolver for --domain: ADDRESS or ADDRESS:PORT (default: system)");
  scan->add_option("--shard", a.shard,
                   "Scan only shard K of N of the expanded target list, e.g. 2/4; auto: from GitLab, Kubernetes or "
                   "Slurm job variables");
  scan->add_option("--shard-count", a.shard_count, "N for --shard auto in a Kubernetes Indexed Job (its completions)");
  scan->add_option("--store", a.store,
                   "Also write the run into this result store: FILE, sqlite:FILE or postgresql://... (docs/fleet.md)");
  scan->add_option("--resume", a.resume, "Skip the hosts already in this JSON-lines file (from --format jsonl)");
  scan->add_option("--format", a.format, "Output format (default: from the extension of -o, else table)")
      ->check(format_check(report::FormatUse::scan));
  scan->add_option("-o,--output", a.output, "Write results to FILE instead of standard output");
  scan->add_option("--user", a.user,
                   "Account to authenticate as, where a probe can use one (NAME, NAME@REALM, DOMAIN\\NAME)");
  scan->add_option("--password", a.password,
                   "Password for --user (visible in ps: prefer --password-env or --password-file)");
  scan->add_option("--password-env", a.password_env, "Read the password for --user from this environment variable");
  scan->add_option("--password-file", a.password_file, "Read the password for --user from the first line of FILE");
  scan->add_option("--keytab", a.keytab, "Kerberos keytab holding the key of --user (instead of a password)");
  scan->add_flag("--audit-accounts", a.audit_accounts,
                 "Audit the accounts of --kerberos-service and --kerberos-principal (else the DC's own) as "
                 "'legacyscan accounts' does, for the matrix's Kerberos cells");
  scan->add_flag("--first-address", a.first_address, "Scan only the first address a host name resolves to");
  scan->add_flag("--no-color", a.no_color, "No colour in the table (also NO_COLOR=1 or when not a terminal)");
  scan->add_flag("--details", a.details, "Every check row and the whole client matrix in the table (also -v)");
  scan->add_flag("--show-down", a.show_down, "List the hosts without an answer in the table (default: counted)");
  scan->add_flag("-v,--verbose", log.verbosity, "More log output on stderr (-vv for debug)");
  scan->add_flag("-q,--quiet", log.quiet, "Only errors on stderr");
  for (const auto& p : all_probes())
    for (const auto& o : p->options()) {
      const std::string key = o.flag.substr(o.flag.find_first_not_of('-'));
      const auto help = o.help + " [" + std::string(p->name()) + "]";
      auto* opt = o.list ? scan->add_option(o.flag, a.probe_list_options[key], help)->allow_extra_args(false)
                         : scan->add_option(o.flag, a.probe_options[key], help);
      if (!o.default_value.empty()) opt->default_str(o.default_value);
    }
  scan->footer(kExamples);
  // One value per occurrence: what follows is a target (as with nmap), not a second value.
  for (auto* o : {"--input-list", "--probes", "--require"}) scan->get_option(o)->allow_extra_args(false);
}

namespace {

// Streams (jsonl) are written as hosts finish, and kept; whole documents go to a temporary file renamed
// into place at the end (OutputFile), so an interrupted or crashed scan never leaves half a file.
// Standard output when there is no -o.
std::ostream* open_output(const ScanArgs& a, const report::Format& format, OutputFile& file) {
  if (a.output.empty()) return &std::cout;
  auto mode = OutputFile::Mode::whole;
  if (format.streams())
    mode = !a.resume.empty() && a.resume == a.output ? OutputFile::Mode::append : OutputFile::Mode::stream;
  if (!file.open(a.output, mode)) return nullptr;
  return &file.stream();
}

struct ScanResults {
  ScanSummary summary;
  std::vector<HostResult> hosts;  // in input order; empty when the format streams them
  std::vector<RuleResult> policy;
};

// Runs the plan; a streaming format writes each host to `out` as it finishes.
ScanResults run(const ScanJob& job, const report::Format& format, std::ostream& out, StoreSink& store) {
  ScanResults r;
  auto sink = [&](HostResult&& h) {
    if (store.used()) store.add_host(host_to_json(h));
    std::vector<RuleResult> mine;
    if (!job.rules.empty()) {
      mine = evaluate_policy(job.rules, host_to_json(h));
      r.policy.insert(r.policy.end(), mine.begin(), mine.end());
    }
    if (format.streams()) {
      format.scan_host(out, h, job.rules.empty() ? nullptr : &mine);
      out.flush();
    } else {
      r.hosts.push_back(std::move(h));
    }
  };
  r.summary = run_scan(job.plan, *spdlog::default_logger(), sink, &stop_requested());
  sort_hosts(r.hosts);
  return r;
}

// --junit and --sarif are opened before the scan, like -o, so a path that cannot be written stops the
// run before anything is scanned.
struct OutputFiles {
  OutputFile output;  // -o
  OutputFile junit;
  OutputFile sarif;
};

std::optional<int> open_policy_files(const ScanArgs& a, OutputFiles& files) {
  if (!a.junit.empty() && !files.junit.open(a.junit))
    return usage_error("--junit " + a.junit + ": cannot open for writing");
  if (!a.sarif.empty() && !files.sarif.open(a.sarif))
    return usage_error("--sarif " + a.sarif + ": cannot open for writing");
  return std::nullopt;
}

bool write_policy_file(OutputFile& file, const std::string& path, const std::string& text, const char* option) {
  if (path.empty()) return true;
  file.stream() << text;
  if (file.commit()) return true;
  spdlog::error("cannot write {} {}", option, path);
  return false;
}

// Exit 3 when no probe got a protocol answer from any host, unless every policy rule was decided on
// the evidence there was (a refused or unreachable port can settle a rule): then the policy decides.
int scan_verdict(const ScanResults& r) {
  const bool policy_failed =
      std::any_of(r.policy.begin(), r.policy.end(), [](const RuleResult& rule) { return !rule.passed; });
  if (r.summary.hosts_with_answer == 0) {
    const bool policy_decided = !r.policy.empty() && std::all_of(r.policy.begin(), r.policy.end(),
                                                                 [](const RuleResult& rule) { return rule.decided; });
    if (!policy_decided) {
      spdlog::warn("nothing could be scanned: no probe got a protocol answer from any host");
      return kExitNothingScanned;
    }
  }
  return policy_failed ? kExitPolicyFailed : kExitDone;
}

// The document (unless streamed, then the end record), the failed policy rules on stderr, --junit and
// --sarif; the exit code (an interrupt's before all others but a failed write).
int write_results(const ScanArgs& a, const ScanJob& job, const report::Format& format, const ScanResults& r,
                  OutputFiles& files, std::ostream& out, bool verbose) {
  if (format.scan) {
    const report::TextOptions text{use_colour(a.output, a.no_color), a.details || verbose, a.show_down,
                                   text_width(a.output)};
    format.scan(out, report::ScanOutput{r.summary, r.hosts, job.rules.empty() ? nullptr : &r.policy, text});
  } else if (format.streams()) {
    out << json_text(stream_end_to_json(r.summary)) << "\n";
  }
  for (const auto& rule : r.policy)
    if (!rule.passed)
      std::cerr << "legacyscan: policy failed: " << rule.host << ": " << rule.rule << ": " << rule.evidence << "\n";
  bool written = write_policy_file(files.junit, a.junit, policy_to_junit(r.policy), "--junit");
  written =
      write_policy_file(files.sarif, a.sarif, json_text(policy_to_sarif(r.policy), 2) + "\n", "--sarif") && written;
  out.flush();
  if (!out) {
    spdlog::error("writing the results failed");
    return kExitNothingScanned;  // file's destructor removes its temporary file
  }
  if (!a.output.empty() && !files.output.commit()) {
    spdlog::error("cannot write {} (through {})", a.output, files.output.writing_to());
    return kExitNothingScanned;
  }
  if (!written) return kExitNothingScanned;
  if (!r.summary.complete) return interrupted_exit_code();
  return scan_verdict(r);
}

int run_scan_command(const ScanArgs& a, const LogFlags& log) {
  const bool quiet = log.quiet;
  auto planned = plan_scan(a);
  if (!planned.job) return planned.exit_code;
  ScanJob& job = *planned.job;
  std::string err;
  const auto* format = report::format_for_output(a.format, a.output, report::FormatUse::scan, "table", err);
  if (!format) return usage_error(err);
  OutputFiles files;
  std::ostream* out = open_output(a, *format, files.output);
  if (!out) return usage_error("-o " + a.output + ": cannot open for writing");
  if (auto stop = open_policy_files(a, files)) return *stop;
  StoreSink store;
  const auto& shard = job.plan.shard;
  const auto shard_text = shard.count > 1 ? std::to_string(shard.index) + "/" + std::to_string(shard.count) : "";
  if (!a.store.empty() && !store.open(a.store, rfc3339_now(), shard_text, err)) return usage_error(err);
  store.set_policy(job.rules);

  job.plan.progress = !quiet && ::isatty(STDERR_FILENO) == 1;
  stop_on_interrupt();
  const auto results = run(job, *format, *out, store);
  const bool stored = store.finish(scan_to_json(results.summary, {}));
  const int code = write_results(a, job, *format, results, files, *out, log.verbosity > 0);
  // The output is whole either way; a store that lost hosts fails the run like an unwritten -o.
  return !stored && (code == kExitDone || code == kExitPolicyFailed) ? kExitNothingScanned : code;
}

}  // namespace

Command add_scan_command(CLI::App& app, LogFlags& log) {
  auto args = std::make_shared<ScanArgs>();
  auto* scan = app.add_subcommand("scan", "Scan targets with the selected probes");
  add_scan_options(scan, *args, log);
  return {scan, [args, &log] {
            try {
              return run_scan_command(*args, log);
            } catch (const std::exception& e) {
              spdlog::critical("internal error: {}", e.what());
              return kExitNothingScanned;
            }
          }};
}

}  // namespace legacyscan::cli
