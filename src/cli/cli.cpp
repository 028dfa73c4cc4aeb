// SPDX-License-Identifier: Apache-2.0
// The only place that knows CLI11. It turns the command line into a ScanPlan, runs it, and renders.
#include "src/cli/cli.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "legacyscan/engine/discovery.hpp"
#include "legacyscan/engine/engine.hpp"
#include "src/compat/policy.hpp"
#include "src/report/report.hpp"
#include "src/cli/options.hpp"
#include "src/cli/output_file.hpp"
#include "src/report/render.hpp"
#ifdef LEGACYSCAN_PROBE_MATRIX
#include "src/compat/profiles.hpp"
#include "src/compat/whatif.hpp"
#endif
#include "src/passive/passive.hpp"
#include "legacyscan/json_text.hpp"

namespace legacyscan::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
  if (g_stop.exchange(true)) std::_Exit(130);  // second Ctrl-C: leave at once
}

constexpr const char* kExamples = R"(Examples:
  legacyscan scan dc1.example.test                  all probes, default ports, table on the terminal
  legacyscan scan 10.0.0.0/29 --probes smb -o r.json --format json
  legacyscan scan dc1:4450 [fd00::5]:445 10.0.0.1-5 --timeout 2s
  legacyscan scan -iL targets.txt --format jsonl    one JSON host object per line as hosts finish
  legacyscan probes                                  list probes, ports and what they check

Exit codes: 0 done, 1 policy failed, 2 usage or bad input, 3 nothing could be scanned.)";

struct ScanArgs {
  std::vector<std::string> targets;
  std::vector<std::string> input_lists;
  std::string probes;
  std::string ports;
  std::string timeout = "3s";
  std::size_t concurrency = 32;
  std::size_t per_host = 4;
  std::size_t max_connections = 128;
  double max_rate = 0;
  std::string host_timeout;
  bool no_ping = false;
  std::string shard;
  std::string resume;
  std::vector<std::string> require;
  std::string policy_file;
  std::string junit;
  std::string sarif;
  std::string domain;
  std::string forest;
  std::string dns_server;
  int retries = 2;
  std::string format;
  std::string output;
  bool first_address = false;
  bool no_color = false;
  std::map<std::string, std::string> probe_options;
  std::string user;
  std::string password;
  std::string password_env;
  std::string password_file;
  std::string keytab;
};

int usage_error(const std::string& msg) {
  std::cerr << "legacyscan: " << msg << "\n";
  return kExitUsage;
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

void setup_logging(int verbosity, bool quiet) {
  auto logger = spdlog::stderr_color_mt("legacyscan");
  logger->set_pattern("%^[%l]%$ %v");
  if (quiet)
    logger->set_level(spdlog::level::err);
  else if (verbosity >= 2)
    logger->set_level(spdlog::level::debug);
  else if (verbosity == 1)
    logger->set_level(spdlog::level::info);
  else
    logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

int run_scan_command(ScanArgs& a, bool quiet_mode) {
  ScanPlan plan;
  std::string err;

  // Targets: all must parse before anything is scanned.
  for (const auto& t : a.targets) {
    auto parsed = parse_target(t);
    if (auto* e = std::get_if<TargetError>(&parsed)) return usage_error("bad target '" + e->entry + "': " + e->reason);
    plan.targets.push_back(std::get<TargetSpec>(std::move(parsed)));
  }
  for (const auto& file : a.input_lists) {
    auto parsed = read_target_file(file);
    if (auto* e = std::get_if<TargetError>(&parsed))
      return usage_error(e->where == "-iL" ? "-iL " + e->entry + ": " + e->reason
                                           : "bad target '" + e->entry + "' at " + e->where + ": " + e->reason);
    auto& list = std::get<std::vector<TargetSpec>>(parsed);
    plan.targets.insert(plan.targets.end(), std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
  }
  if (a.domain.empty() && (!a.forest.empty() || !a.dns_server.empty()))
    return usage_error("--forest and --dns-server go with --domain");
  if (!a.domain.empty()) {
    auto timeout = parse_duration(a.timeout, err);
    if (!timeout) return usage_error("--timeout: " + err);
    DiscoveryOptions d{a.domain, a.forest, a.dns_server, *timeout, a.retries, true};
    auto found = discover_domain_controllers(d, err);
    if (!found) return usage_error(err);
    for (const auto& w : found->warnings) spdlog::warn("DC discovery: {}", w);
    for (const auto& r : found->records)
      spdlog::info("DC discovery: {} -> {}:{} (priority {})", r.query, r.target, r.port, r.priority);
    if (found->targets.empty()) {
      spdlog::error("DC discovery found no domain controller for {}", a.domain);
      if (plan.targets.empty()) return kExitNothingScanned;
    }
    plan.targets.insert(plan.targets.end(), found->targets.begin(), found->targets.end());
  }
  if (plan.targets.empty())
    return usage_error("no targets: give TARGET..., -iL FILE or --domain DOMAIN (see 'legacyscan scan --help')");

  // Probes.
  if (a.probes.empty() || a.probes == "all") {
    for (const auto& p : all_probes()) plan.probes.push_back(p.get());
  } else {
    std::size_t start = 0;
    while (start <= a.probes.size()) {
      auto end = a.probes.find(',', start);
      if (end == std::string::npos) end = a.probes.size();
      const auto name = a.probes.substr(start, end - start);
      const auto* p = find_probe(name);
      if (!p) return usage_error("unknown probe '" + name + "' in --probes (see 'legacyscan probes')");
      if (std::find(plan.probes.begin(), plan.probes.end(), p) == plan.probes.end()) plan.probes.push_back(p);
      start = end + 1;
    }
    // Registry order keeps output stable whatever order the user typed.
    std::vector<const Probe*> ordered;
    for (const auto& p : all_probes())
      if (std::find(plan.probes.begin(), plan.probes.end(), p.get()) != plan.probes.end()) ordered.push_back(p.get());
    plan.probes = std::move(ordered);
  }

  if (!a.ports.empty()) {
    auto sel = parse_ports(a.ports, err);
    if (!sel) return usage_error(err);
    plan.ports = std::move(*sel);
  }
  auto timeout = parse_duration(a.timeout, err);
  if (!timeout) return usage_error("--timeout: " + err);
  plan.settings.timeout = *timeout;
  if (a.retries < 0 || a.retries > 10) return usage_error("--retries must be 0-10");
  plan.settings.retries = a.retries;
  if (a.concurrency == 0 || a.per_host == 0 || a.max_connections == 0)
    return usage_error("--concurrency, --per-host and --max-connections must be at least 1");
  if (a.max_rate < 0) return usage_error("--max-rate must be 0 (no limit) or more");
  plan.limits = EngineLimits{a.concurrency, a.max_connections, a.per_host, a.max_rate};
  // A file-descriptor budget from the soft limit (raised to the hard one when allowed), so a huge
  // scan waits for sockets instead of failing with EMFILE.
  {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      if (rl.rlim_cur < rl.rlim_max) {
        rlimit raised = rl;
        raised.rlim_cur = rl.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
      }
      constexpr rlim_t kReserved = 24;  // stdio, logs, output file, resolver, timers
      const std::size_t budget = rl.rlim_cur > kReserved + 1 ? static_cast<std::size_t>(rl.rlim_cur - kReserved) : 1;
      fit_fd_budget(plan.limits, budget);
      spdlog::debug("file descriptor limit {}: {} probe connections and {} reachability sockets at once",
                    rl.rlim_cur, plan.limits.max_connections, plan.limits.ping_sockets);
    }
  }
  if (!a.host_timeout.empty()) {
    auto ht = parse_duration(a.host_timeout, err);
    if (!ht) return usage_error("--host-timeout: " + err);
    plan.settings.host_timeout = *ht;
  }
  plan.ping = !a.no_ping;
  if (!a.shard.empty()) {
    auto sh = parse_shard(a.shard, err);
    if (!sh) return usage_error("--shard: " + err);
    plan.shard = *sh;
  }
  if (!a.resume.empty()) {
    auto done = read_resume_file(a.resume, plan.targets, err);
    if (!done) return usage_error("--resume: " + err);
    plan.skip = std::move(*done);
  }
  plan.first_address = a.first_address;
  for (const auto& [flag, value] : a.probe_options) plan.settings.probe_options[flag] = value;
  for (const auto* p : plan.probes)
    if (auto why = p->check_options(plan.settings); !why.empty()) return usage_error(why);
  {
    auto creds = resolve_credentials(a.user, a.password, a.password_env, a.password_file, a.keytab, err);
    if (!creds) return usage_error(err);
    plan.settings.credentials = std::move(*creds);
  }

  std::vector<PolicyRule> rules;
  for (const auto& text : a.require) {
    auto rule = parse_policy_rule(text, err);
    if (!rule) return usage_error("--require: " + err);
    rules.push_back(std::move(*rule));
  }
  if (!a.policy_file.empty()) {
    auto more = read_policy_file(a.policy_file, err);
    if (!more) return usage_error(err);
    rules.insert(rules.end(), more->begin(), more->end());
  }
  if (rules.empty() && (!a.junit.empty() || !a.sarif.empty()))
    return usage_error("--junit and --sarif report policy rules: give --require or --policy");

  std::string format = a.format;
  if (format.empty()) format = "table";

  // Streams (jsonl) are written as hosts finish, and kept; whole documents go to a temporary file
  // renamed into place at the end (OutputFile), so an interrupted or crashed scan never leaves half a file.
  OutputFile file;
  std::ostream* out = &std::cout;
  if (!a.output.empty()) {
    auto mode = OutputFile::Mode::whole;
    if (format == "jsonl")
      mode = !a.resume.empty() && a.resume == a.output ? OutputFile::Mode::append : OutputFile::Mode::stream;
    if (!file.open(a.output, mode)) return usage_error("-o " + a.output + ": cannot open for writing");
    out = &file.stream();
  }
  const bool colour = a.output.empty() && !a.no_color && std::getenv("NO_COLOR") == nullptr && stdout_is_terminal();

  plan.progress = !quiet_mode && ::isatty(STDERR_FILENO) == 1;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);

  std::vector<HostResult> hosts;
  std::vector<RuleResult> policy_results;
  auto sink = [&](HostResult&& h) {
    std::vector<RuleResult> mine;
    if (!rules.empty()) {
      mine = evaluate_policy(rules, host_to_json(h));
      policy_results.insert(policy_results.end(), mine.begin(), mine.end());
    }
    if (format == "jsonl") {
      auto j = host_to_json(h);
      if (!rules.empty()) j["policy"] = policy_to_json(mine);
      *out << json_text(j) << "\n";
      out->flush();
    } else {
      hosts.push_back(std::move(h));
    }
  };
  const auto summary = run_scan(plan, *spdlog::default_logger(), sink, &g_stop);
  sort_hosts(hosts);

  if (format == "json") {
    auto doc = scan_to_json(summary, hosts);
    if (!rules.empty()) doc["policy"] = policy_to_json(policy_results);
    *out << json_text(doc, 2) << "\n";
  } else if (format == "markdown" || format == "csv" || format == "html") {
    // The same rendering `legacyscan report` makes from the saved document.
    auto doc = scan_to_json(summary, hosts);
    if (!rules.empty()) doc["policy"] = policy_to_json(policy_results);
    auto model = report::report_from_json(doc);
    if (!model) throw std::runtime_error("report model: " + model.error);
    if (format == "markdown") report::render_markdown(*out, *model);
    else if (format == "csv") report::render_csv(*out, *model);
    else report::render_html(*out, *model);
  } else if (format == "table") {
    TableStyle style{colour};
    // Per host: the coloured client x protocol matrix and its summary, then the probes' own rows.
    auto model = report::report_from_json(scan_to_json(summary, hosts));
    if (!model) throw std::runtime_error("report model: " + model.error);
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      render_host_header(*out, hosts[i], style);
      const bool matrix = i < model->hosts.size() && !model->hosts[i].clients.empty();
      if (matrix) {
        report::render_terminal_matrix(*out, model->hosts[i], colour);
        report::render_terminal_summary(*out, model->hosts[i], colour);
        *out << "\n";
      }
      TableStyle rows = style;
      rows.header = false;
      rows.matrix_rows = !matrix;
      render_host_table(*out, hosts[i], rows);
    }
    render_summary_line(*out, summary, style);
    if (!rules.empty()) {
      std::size_t failed = 0;
      for (const auto& r : policy_results) failed += r.passed ? 0 : 1;
      *out << "Policy: " << policy_results.size() - failed << " of " << policy_results.size() << " checks passed\n";
      for (const auto& r : policy_results)
        *out << "  " << (r.passed ? "PASS " : "FAIL ") << r.host << "  " << r.rule << ": " << r.evidence << "\n";
    }
  }
  bool policy_failed = false;
  for (const auto& r : policy_results)
    if (!r.passed) {
      policy_failed = true;
      std::cerr << "legacyscan: policy failed: " << r.host << ": " << r.rule << ": " << r.evidence << "\n";
    }
  if (!a.junit.empty() && !write_output_file(a.junit, policy_to_junit(policy_results)))
    spdlog::error("cannot write --junit {}", a.junit);
  if (!a.sarif.empty() && !write_output_file(a.sarif, json_text(policy_to_sarif(policy_results), 2) + "\n"))
    spdlog::error("cannot write --sarif {}", a.sarif);
  out->flush();
  if (!*out) {
    spdlog::error("writing the results failed");
    return kExitNothingScanned;  // file's destructor removes its temporary file
  }
  if (!a.output.empty() && !file.commit()) {
    spdlog::error("cannot write {} (through {})", a.output, file.writing_to());
    return kExitNothingScanned;
  }
  if (summary.hosts_with_answer == 0) {
    spdlog::warn("nothing could be scanned: no probe got an answer from any host");
    return kExitNothingScanned;
  }
  return policy_failed ? kExitPolicyFailed : kExitDone;
}

int run_probes_command(const std::string& format) {
  if (format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : all_probes()) {
      nlohmann::json opts = nlohmann::json::array();
      for (const auto& o : p->options()) opts.push_back({{"flag", o.flag}, {"help", o.help}, {"default", o.default_value}});
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
  for (const auto& p : list) {
    std::string protocols;
    for (const auto& x : p.protocols) protocols += (protocols.empty() ? "" : ",") + x;
    std::cout << p.id << std::string(p.id.size() < 20 ? 20 - p.id.size() : 1, ' ') << p.name << "  [" << protocols
              << "]\n";
  }
  return kExitDone;
#else
  (void)format;
  (void)show;
  return usage_error("this build has no compatibility matrix (probes/matrix left out)");
#endif
}

// Writes a passive report in the chosen format to stdout or -o FILE.
int write_passive(const passive::Report& report, const std::string& format, const std::string& output) {
  std::string text;
  if (format == "json") text = json_text(passive::to_json(report), 2) + "\n";
  else if (format == "csv") text = passive::to_csv(report);
  else text = passive::to_table(report);
  if (output.empty()) {
    std::cout << text;
    return kExitDone;
  }
  if (!write_output_file(output, text)) return usage_error("cannot write " + output);
  return kExitDone;
}

// A capture (pcap/pcapng) or an event export, told apart by the file's first bytes.
std::optional<passive::Report> load_passive(const std::string& file, std::string& err) {
  std::ifstream f(file, std::ios::binary);
  if (!f) {
    err = "cannot open " + file;
    return std::nullopt;
  }
  char head[4] = {0, 0, 0, 0};
  f.read(head, 4);
  if (passive::looks_like_capture(ByteView(reinterpret_cast<const std::uint8_t*>(head), static_cast<std::size_t>(f.gcount())))) {
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

int run_pcap_command(const std::vector<std::string>& files, const std::string& interface, const std::string& filter,
                     std::uint64_t count, const std::string& format, const std::string& output) {
  if (files.empty() && interface.empty()) return usage_error("pcap: name capture files (or - for standard input), or --interface IF");
  if (!files.empty() && !interface.empty()) return usage_error("pcap: capture files and --interface exclude each other");
  if (!filter.empty() && interface.empty()) return usage_error("pcap: --filter applies to --interface only");
  for (const auto& f : files)
    if (f != "-" && ::access(f.c_str(), R_OK) != 0) return usage_error("pcap: cannot read " + f);
  passive::Analyzer analyzer;
  std::string err;
  if (!interface.empty()) {
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    err = passive::read_live(interface, filter, count, analyzer, [] { return g_stop.load(); });
  } else {
    err = passive::read_capture_files(files, analyzer, [] { return g_stop.load(); });
  }
  if (!err.empty()) return usage_error("pcap: " + err);
  passive::Report report = analyzer.finish();
  report.source.inputs = interface.empty() ? files : std::vector<std::string>{"interface:" + interface};
  for (const auto& w : report.source.warnings) std::cerr << "legacyscan: warning: " << w << "\n";
  return write_passive(report, format, output);
}

int run_events_command(const std::vector<std::string>& files, const std::string& format, const std::string& output) {
  passive::Report report;
  for (const auto& f : files) {
    const std::string err = passive::read_events_file(f, report);
    if (!err.empty()) return usage_error("events: " + err);
  }
  return write_passive(report, format, output);
}

int run_capture_whatif(const std::string& file, const std::vector<std::string>& disable,
                       const std::vector<std::string>& require, const std::string& format) {
  std::string err;
  auto report = load_passive(file, err);
  if (!report) return usage_error("whatif: " + err);
  auto rows = passive::capture_whatif(*report, disable, require, err);
  if (!rows) return usage_error("whatif: " + err);
  if (format == "json") {
    std::cout << json_text(passive::capture_whatif_to_json(*rows, disable, require), 2) << "\n";
    return kExitDone;
  }
  std::string change;
  for (const auto& d : disable) change += (change.empty() ? "" : ", ") + d + " off";
  for (const auto& r : require) change += (change.empty() ? "" : ", ") + r + " required";
  std::cout << "Clients seen in " << file << " if " << change << ": " << rows->size() << " affected\n";
  for (const auto& r : *rows) {
    std::string names;
    for (const auto& n : r.names) names += (names.empty() ? "" : ",") + n;
    std::cout << "  " << (r.address.empty() ? names : r.address) << (names.empty() || r.address.empty() ? "" : " (" + names + ")")
              << "  " << r.change << ": " << r.verdict << "\n      " << r.evidence << "\n";
  }
  return kExitDone;
}

int run_whatif_command(const std::string& file, const std::vector<std::string>& disable,
                       const std::vector<std::string>& require, const std::string& format) {
#ifdef LEGACYSCAN_PROBE_MATRIX
  std::string err;
  auto w = matrix::parse_whatif(disable, require, err);
  if (!w) return usage_error("whatif: " + err);
  std::ifstream f(file);
  if (!f) return usage_error("whatif: cannot open " + file);
  std::stringstream ss;
  ss << f.rdbuf();
  auto doc = merge_results({{file, ss.str()}}, err);  // accepts a document or JSON lines
  if (!doc) return usage_error("whatif: " + err);
  std::vector<std::pair<nlohmann::json, std::vector<matrix::WhatIfRow>>> hosts;
  for (const auto& h : (*doc)["hosts"]) hosts.emplace_back(h, matrix::whatif_host(h, *w));
  if (format == "json") {
    std::cout << json_text(matrix::whatif_to_json(hosts, *w), 2) << "\n";
    return kExitDone;
  }
  for (const auto& [h, rows] : hosts) {
    std::cout << "Host " << h.value("target", "") << " (" << h.value("address", "") << ") if ";
    std::string change;
    for (const auto& d : w->disable) change += (change.empty() ? "" : ", ") + d + " off";
    for (const auto& r : w->require) change += (change.empty() ? "" : ", ") + r + " required";
    std::cout << change << ":\n";
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
  (void)file, (void)disable, (void)require, (void)format;
  return usage_error("this build has no compatibility matrix (probes/matrix left out)");
#endif
}

int run_report_command(const std::string& file, const std::string& format, const std::string& output, bool no_color);

// A saved scan as one document, whether it was written as JSON or JSON lines.
std::optional<nlohmann::json> load_scan(const std::string& path, std::string& err) {
  std::ifstream f(path);
  if (!f) {
    err = "cannot open " + path;
    return std::nullopt;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return merge_results({{path, ss.str()}}, err);
}

int run_diff_command(const std::string& before_path, const std::string& after_path, const std::string& format) {
  std::string err;
  auto before = load_scan(before_path, err);
  if (!before) return usage_error("diff: " + err);
  auto after = load_scan(after_path, err);
  if (!after) return usage_error("diff: " + err);
  const auto d = diff_results(*before, *after);
  if (format == "json") {
    std::cout << json_text(d, 2) << "\n";
    return kExitDone;
  }
  for (const auto& h : d["hosts"]) {
    std::cout << "Host " << h.value("target", "") << " (" << h.value("address", "") << "): " << h.value("change", "")
              << "\n";
    for (const auto& c : h.value("changes", nlohmann::json::array()))
      std::cout << "  " << c.value("what", "") << ": " << c.value("before", "") << " -> " << c.value("after", "") << "\n";
    for (const auto& c : h.value("clients_newly_broken", nlohmann::json::array()))
      std::cout << "  NEWLY BROKEN: " << c.value("profile", "") << "\n";
    for (const auto& c : h.value("clients_newly_working", nlohmann::json::array()))
      std::cout << "  newly working: " << c.value("profile", "") << "\n";
  }
  return kExitDone;
}

int run_report_command(const std::string& file, const std::string& format, const std::string& output, bool no_color) {
  std::string err;
  std::ifstream in(file);
  if (!in) return usage_error("report: cannot open " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  // A whole document is read as it is (its policy results included); JSON lines go through merge.
  auto whole = nlohmann::json::parse(ss.str(), nullptr, false);
  std::optional<nlohmann::json> doc;
  if (!whole.is_discarded() && whole.is_object() && whole.contains("hosts")) doc = std::move(whole);
  else doc = merge_results({{file, ss.str()}}, err);
  if (!doc) return usage_error("report: " + err);
  auto model = report::report_from_json(*doc);
  if (!model) return usage_error("report: " + file + ": " + model.error);
  std::ostringstream text;
  const bool colour = output.empty() && !no_color && std::getenv("NO_COLOR") == nullptr && stdout_is_terminal();
  if (format == "html") report::render_html(text, *model);
  else if (format == "markdown") report::render_markdown(text, *model);
  else if (format == "csv") report::render_csv(text, *model);
  else report::render_terminal_report(text, *model, colour);
  if (output.empty()) {
    std::cout << text.str();
    std::cout.flush();
    return std::cout ? kExitDone : kExitNothingScanned;
  }
  if (!write_output_file(output, text.str())) return usage_error("report: cannot write " + output);
  return kExitDone;
}

int run_merge_command(const std::vector<std::string>& inputs, const std::string& output) {
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto& path : inputs) {
    std::ifstream f(path);
    if (!f) return usage_error("merge: cannot open " + path);
    std::stringstream ss;
    ss << f.rdbuf();
    parts.emplace_back(path, ss.str());
  }
  std::string err;
  auto merged = merge_results(parts, err);
  if (!merged) return usage_error("merge: " + err);
  if (output.empty()) {
    std::cout << json_text(*merged, 2) << "\n";
    return kExitDone;
  }
  if (!write_output_file(output, json_text(*merged, 2) + "\n")) return usage_error("merge: cannot write " + output);
  return kExitDone;
}

}  // namespace

int main(int argc, char** argv) {
  // nmap spells the target-list option "-iL"; CLI11 short options are one letter, so map it.
  std::vector<std::string> args(argv, argv + argc);
  for (auto& s : args)
    if (s == "-iL") s = "--input-list";
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());

  CLI::App app{"legacyscan: which legacy protocols (SMB1, old SMB2 dialects, weak signing, ...) a Windows/AD server "
               "still accepts"};
  app.set_version_flag("--version", std::string("legacyscan ") + LEGACYSCAN_VERSION);
  app.footer(kExamples);
  app.require_subcommand(0, 1);

  ScanArgs a;
  int verbosity = 0;
  bool quiet = false;
  auto* scan = app.add_subcommand("scan", "Scan targets with the selected probes");
  scan->add_option("targets", a.targets, "IP, [IPv6], host name, CIDR, range a.b.c.d-e, with optional :PORT");
  scan->add_option("--input-list", a.input_lists, "Read targets from FILE (one per line, # comments); also -iL FILE");
  scan->add_option("--probes", a.probes, "Comma-separated probes to run (default: all; see 'legacyscan probes')");
  scan->add_option("--ports", a.ports, "Ports, e.g. 445,139 or smb:4450 (default: each probe's own ports)");
  scan->add_option("--timeout", a.timeout, "Deadline of every network operation, e.g. 3s, 500ms")->capture_default_str();
  scan->add_option("--concurrency", a.concurrency, "Hosts scanned at once")->capture_default_str();
  scan->add_option("--per-host", a.per_host, "Connections open at once to one host")->capture_default_str();
  scan->add_option("--max-connections", a.max_connections, "Connections open at once in all")->capture_default_str();
  scan->add_option("--retries", a.retries, "UDP retransmissions after the first try")->capture_default_str();
  scan->add_option("--max-rate", a.max_rate, "New connections per second, all hosts together (0: no limit)")
      ->capture_default_str();
  scan->add_option("--host-timeout", a.host_timeout, "Give up on a host after this long, e.g. 30s (default: no limit)");
  scan->add_flag("--no-ping,-P", a.no_ping, "Skip the TCP reachability check and probe every host (like nmap -Pn)");
  scan->add_option("--require", a.require, "Policy rule that must hold, e.g. smb1=off, tls.min=1.2 (repeatable; exit 1 if one fails)");
  scan->add_option("--policy", a.policy_file, "File of policy rules, one per line (# comments)");
  scan->add_option("--junit", a.junit, "Write the policy results as JUnit XML (one testcase per host and rule)");
  scan->add_option("--sarif", a.sarif, "Write the failed policy rules as SARIF 2.1.0");
  scan->add_option("--domain", a.domain, "Find the domain's DCs via DNS SRV records and scan them");
  scan->add_option("--forest", a.forest, "Forest root for the _gc._tcp lookup (default: --domain)");
  scan->add_option("--dns-server", a.dns_server, "Resolver for --domain: ADDRESS or ADDRESS:PORT (default: system)");
  scan->add_option("--shard", a.shard, "Scan only shard K of N of the expanded target list, e.g. 2/4");
  scan->add_option("--resume", a.resume, "Skip the hosts already in this JSON-lines file (from --format jsonl)");
  scan->add_option("--format", a.format, "Output format")->check(CLI::IsMember({"table", "json", "jsonl", "markdown", "csv", "html"}));
  scan->add_option("-o,--output", a.output, "Write results to FILE instead of standard output");
  scan->add_option("--user", a.user, "Account to authenticate as, where a probe can use one (NAME, NAME@REALM, DOMAIN\\NAME)");
  scan->add_option("--password", a.password, "Password for --user (visible in ps: prefer --password-env or --password-file)");
  scan->add_option("--password-env", a.password_env, "Read the password for --user from this environment variable");
  scan->add_option("--password-file", a.password_file, "Read the password for --user from the first line of FILE");
  scan->add_option("--keytab", a.keytab, "Kerberos keytab holding the key of --user (instead of a password)");
  scan->add_flag("--first-address", a.first_address, "Scan only the first address a host name resolves to");
  scan->add_flag("--no-color", a.no_color, "No colour in the table (also NO_COLOR=1 or when not a terminal)");
  scan->add_flag("-v,--verbose", verbosity, "More log output on stderr (-vv for debug)");
  scan->add_flag("-q,--quiet", quiet, "Only errors on stderr");
  for (const auto& p : all_probes())
    for (const auto& o : p->options()) {
      const std::string key = o.flag.substr(o.flag.find_first_not_of('-'));
      auto* opt = scan->add_option(o.flag, a.probe_options[key], o.help + " [" + std::string(p->name()) + "]");
      if (!o.default_value.empty()) opt->default_str(o.default_value);
    }
  scan->footer(kExamples);

  std::vector<std::string> merge_inputs;
  std::string merge_output;
  auto* merge = app.add_subcommand("merge", "Join JSON or JSON-lines results of several runs (e.g. --shard parts)");
  merge->add_option("files", merge_inputs, "Result files (JSON documents or JSON lines)")->required();
  merge->add_option("-o,--output", merge_output, "Write the merged document to FILE");

  std::string profiles_format = "table";
  std::string profile_id;
  auto* profiles = app.add_subcommand("profiles", "List the client profiles of the compatibility matrix");
  profiles->add_option("--format", profiles_format, "Output format")->check(CLI::IsMember({"table", "json"}));
  auto* profiles_show = profiles->add_subcommand("show", "Print one profile (JSON, with its sources)");
  profiles_show->add_option("id", profile_id, "Profile id (see 'legacyscan profiles')")->required();

  std::string whatif_file, whatif_format = "table";
  std::vector<std::string> whatif_disable, whatif_require;
  auto* whatif = app.add_subcommand("whatif", "Which clients would break if a scanned server were hardened (from a saved scan)");
  std::string whatif_capture;
  whatif->add_option("results", whatif_file, "A saved scan: --format json or jsonl output");
  whatif->add_option("--from-capture", whatif_capture, "Instead of a scan: the clients of a capture (pcap/pcapng) or event export");
  whatif->add_option("--disable", whatif_disable, "What to switch off: smb1, smb2.0.2, smb2.1, rc4, des, ssl3, tls1.0, tls1.1, netbios, cldap")
      ->delimiter(',');
  whatif->add_option("--require", whatif_require, "What to require: smb-signing, ldap-signing")->delimiter(',');
  whatif->add_option("--format", whatif_format, "Output format")->check(CLI::IsMember({"table", "json"}));

  std::vector<std::string> pcap_files;
  std::string pcap_interface, pcap_filter, pcap_format = "table", pcap_output;
  std::uint64_t pcap_count = 0;
  auto* pcap = app.add_subcommand("pcap", "Passive audit: the legacy protocols each client used in packet captures");
  pcap->add_option("files", pcap_files, "pcap or pcapng files, - for standard input");
  pcap->add_option("--interface,-i", pcap_interface, "Capture live on this interface (needs CAP_NET_RAW) until Ctrl-C");
  pcap->add_option("--filter", pcap_filter, "BPF filter for --interface (default: the ports passive mode decodes)");
  pcap->add_option("--count", pcap_count, "With --interface: stop after this many packets");
  pcap->add_option("--format", pcap_format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}));
  pcap->add_option("-o,--output", pcap_output, "Write the report to FILE");

  std::vector<std::string> events_files;
  std::string events_format = "table", events_output;
  auto* events = app.add_subcommand("events", "Passive audit from exported Windows events (Get-WinEvent JSON or CSV)");
  events->add_option("files", events_files, "Get-WinEvent ... | ConvertTo-Json or | Export-Csv files")->required();
  events->add_option("--format", events_format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}));
  events->add_option("-o,--output", events_output, "Write the report to FILE");

  std::string diff_before, diff_after, diff_format = "table";
  auto* diff = app.add_subcommand("diff", "What changed between two saved scans, and which clients newly break or work");
  diff->add_option("before", diff_before, "The earlier scan (JSON or JSON lines)")->required();
  diff->add_option("after", diff_after, "The later scan (JSON or JSON lines)")->required();
  diff->add_option("--format", diff_format, "Output format")->check(CLI::IsMember({"table", "json"}));

  std::string report_file, report_format = "table", report_output;
  bool report_no_color = false;
  auto* report_cmd = app.add_subcommand("report", "Render a saved scan (JSON or JSON lines) as html, markdown, csv or table");
  report_cmd->add_option("results", report_file, "A saved scan: --format json or jsonl output")->required();
  report_cmd->add_option("--format", report_format, "Output format")
      ->check(CLI::IsMember({"table", "html", "markdown", "csv"}))
      ->capture_default_str();
  report_cmd->add_option("-o,--output", report_output, "Write to FILE instead of standard output");
  report_cmd->add_flag("--no-color", report_no_color, "No colour in the table (also NO_COLOR=1 or when not a terminal)");

  std::string probes_format = "table";
  auto* probes = app.add_subcommand("probes", "List the probes, their default ports and what they check");
  probes->add_option("--format", probes_format, "Output format")->check(CLI::IsMember({"table", "json"}));

  try {
    app.parse(static_cast<int>(argp.size()), argp.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "legacyscan: " << e.what() << "\nRun with --help for usage.\n";
    return kExitUsage;
  }

  setup_logging(verbosity, quiet);
  if (scan->parsed()) {
    try {
      return run_scan_command(a, quiet);
    } catch (const std::exception& e) {
      spdlog::critical("internal error: {}", e.what());
      return kExitNothingScanned;
    }
  }
  if (probes->parsed()) return run_probes_command(probes_format);
  if (merge->parsed()) return run_merge_command(merge_inputs, merge_output);
  if (report_cmd->parsed()) return run_report_command(report_file, report_format, report_output, report_no_color);
  if (diff->parsed()) return run_diff_command(diff_before, diff_after, diff_format);
  if (pcap->parsed()) return run_pcap_command(pcap_files, pcap_interface, pcap_filter, pcap_count, pcap_format, pcap_output);
  if (events->parsed()) return run_events_command(events_files, events_format, events_output);
  if (whatif->parsed()) {
    if (whatif_capture.empty() == whatif_file.empty())
      return usage_error("whatif: name either a saved scan or --from-capture FILE");
    if (!whatif_capture.empty()) return run_capture_whatif(whatif_capture, whatif_disable, whatif_require, whatif_format);
    return run_whatif_command(whatif_file, whatif_disable, whatif_require, whatif_format);
  }
  if (profiles->parsed()) return run_profiles_command(profiles_format, profiles_show->parsed() ? profile_id : "");
  std::cout << app.help();
  return kExitUsage;
}

}  // namespace legacyscan::cli
