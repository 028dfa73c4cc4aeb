// SPDX-License-Identifier: Apache-2.0
#include "src/cli/scan_plan.hpp"

#include <algorithm>
#include <iterator>

#include <spdlog/spdlog.h>

#include "legacyscan/engine/discovery.hpp"
#include "src/cli/fd_limit.hpp"
#include "src/cli/options.hpp"
#include "src/cli/shard_auto.hpp"
#include "src/cli/usage.hpp"
#include "src/compat/matrix_accounts.hpp"
#if defined(LEGACYSCAN_PROBE_KERBEROS) && defined(LEGACYSCAN_PROBE_LDAP)
#include "src/compat/accounts_audit.hpp"
#endif

namespace legacyscan::cli {

namespace {

// Each step fills its part of the job; a value is the exit code to stop with (after a usage error).
using Stop = std::optional<int>;

// Targets: all must parse before anything is scanned; then the DCs that DNS names for --domain.
Stop add_targets(const ScanArgs& a, ScanPlan& plan) {
  std::string err;
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
  return std::nullopt;
}

// The values of a repeated option as one comma list.
std::string comma_list(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

Stop select_probes(const ScanArgs& a, ScanPlan& plan) {
  const auto probes = comma_list(a.probes);
  if (probes.empty() || probes == "all") {
    for (const auto& p : all_probes()) plan.probes.push_back(p.get());
    return std::nullopt;
  }
  std::size_t start = 0;
  while (start <= probes.size()) {
    auto end = probes.find(',', start);
    if (end == std::string::npos) end = probes.size();
    const auto name = probes.substr(start, end - start);
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
  return std::nullopt;
}

// Ports, deadlines, retries, connection limits, shard and resume.
Stop apply_limits(const ScanArgs& a, ScanPlan& plan) {
  std::string err;
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
  if (a.concurrency < 1 || a.per_host < 1 || a.max_connections < 1)
    return usage_error("--concurrency, --per-host and --max-connections must be at least 1");
  if (a.max_rate < 0) return usage_error("--max-rate must be 0 (no limit) or more");
  plan.limits = EngineLimits{static_cast<std::size_t>(a.concurrency), static_cast<std::size_t>(a.max_connections),
                             static_cast<std::size_t>(a.per_host), a.max_rate};
  fit_fd_limit(plan.limits);
  if (!a.host_timeout.empty()) {
    auto ht = parse_duration(a.host_timeout, err);
    if (!ht) return usage_error("--host-timeout: " + err);
    plan.settings.host_timeout = *ht;
  }
  plan.ping = !a.no_ping;
  if (!a.shard_count.empty() && a.shard != "auto") return usage_error("--shard-count goes with --shard auto");
  if (!a.shard.empty()) {
    auto text = a.shard == "auto" ? auto_shard(process_env, a.shard_count, err) : std::optional<std::string>(a.shard);
    if (!text) return usage_error("--shard auto: " + err);
    auto sh = parse_shard(*text, err);
    if (!sh) return usage_error("--shard" + std::string(a.shard == "auto" ? " auto" : "") + ": " + err);
    plan.shard = *sh;
  }
  if (!a.resume.empty()) {
    auto done = read_resume_file(a.resume, plan.targets, err);
    if (!done) return usage_error("--resume: " + err);
    plan.skip = std::move(*done);
  }
  plan.first_address = a.first_address;
  return std::nullopt;
}

// The probes' own options (checked by each selected probe) and the credentials.
Stop apply_probe_settings(const ScanArgs& a, ScanPlan& plan) {
  for (const auto& [flag, value] : a.probe_options) plan.settings.probe_options[flag] = value;
  for (const auto& [flag, values] : a.probe_list_options) plan.settings.probe_options[flag] = comma_list(values);
  for (const auto* p : plan.probes)
    if (auto why = p->check_options(plan.settings); !why.empty()) return usage_error(why);
  std::string err;
  auto creds = resolve_credentials(a.user, a.password, a.password_env, a.password_file, a.keytab, err);
  if (!creds) return usage_error(err);
  plan.settings.credentials = std::move(*creds);
  return std::nullopt;
}

// --audit-accounts: the accounts probe joins the plan (before the matrix, which reads its result).
Stop add_account_audit(const ScanArgs& a, ScanJob& job) {
  if (!a.audit_accounts) return std::nullopt;
#if defined(LEGACYSCAN_PROBE_KERBEROS) && defined(LEGACYSCAN_PROBE_LDAP)
  job.audit = accounts::make_scan_accounts_probe();
#else
  return usage_error("--audit-accounts: this build has no kerberos and ldap probes (-DLEGACYSCAN_PROBES)");
#endif
  auto& probes = job.plan.probes;
  const auto matrix = std::find_if(probes.begin(), probes.end(), [](const Probe* p) { return p->name() == "matrix"; });
  probes.insert(matrix, job.audit.get());
  job.plan.settings.probe_options[matrix::kAuditAccountsSetting] = "yes";
  return std::nullopt;
}

Stop read_policy(const ScanArgs& a, std::vector<PolicyRule>& rules) {
  std::string err;
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
  return std::nullopt;
}

}  // namespace

PlanOrExit plan_scan(const ScanArgs& a) {
  ScanJob job;
  for (auto step : {add_targets, select_probes, apply_limits})
    if (auto stop = step(a, job.plan)) return {std::nullopt, *stop};
  if (auto stop = add_account_audit(a, job)) return {std::nullopt, *stop};
  if (auto stop = apply_probe_settings(a, job.plan)) return {std::nullopt, *stop};
  if (auto stop = read_policy(a, job.rules)) return {std::nullopt, *stop};
  return {std::move(job), kExitDone};
}

}  // namespace legacyscan::cli
