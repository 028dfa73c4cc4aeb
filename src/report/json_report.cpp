// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "legacyscan/engine/port_state.hpp"
#include "src/report/os_finding.hpp"
#include "src/report/report.hpp"

namespace legacyscan {

using nlohmann::json;

std::vector<Finding> host_findings(const HostResult& host, bool with_matrix) {
  std::vector<Finding> all;
  if (auto os = reconciled_os(host)) all.push_back(std::move(*os));
  for (const auto& run : host.probes) {
    if (!with_matrix && run.probe == "matrix") continue;
    const std::size_t first = all.size();
    if (run.result) run.result->findings(all);
    for (std::size_t i = first; i < all.size(); ++i) all[i].probe = run.probe;
  }
  collapse_closed_host(all);
  return all;
}

json host_to_json(const HostResult& host) {
  json probes = json::object();
  std::optional<json> matrix;
  std::optional<json> matrix_status;
  for (const auto& run : host.probes) {
    json p = run.result ? run.result->to_json() : json{{"status", "error"}, {"reason", "no result"}};
    // The compatibility matrix runs through the probe contract but is a host-level result:
    // hosts[].matrix holds its rows; hosts[].matrix_status says why when it could not run.
    if (run.probe == "matrix") {
      matrix = p.contains("rows") ? p["rows"] : json::array();
      if (p.value("status", "ok") != "ok")
        matrix_status = json{{"status", p["status"]}, {"reason", p.value("reason", "")}};
      continue;
    }
    p["elapsed_ms"] = run.elapsed.count();
    p["ports_scanned"] = run.ports;
    probes[run.probe] = std::move(p);
  }
  json h{{"index", host.order},     {"target", host.target},     {"address", host.address},
         {"started", host.started}, {"finished", host.finished}, {"probes", std::move(probes)}};
  json findings = json::array();
  for (const auto& f : host_findings(host, false)) findings.push_back(finding_to_json(f));
  h["findings"] = std::move(findings);
  if (!host.host_name.empty()) h["host_name"] = host.host_name;
  if (matrix) h["matrix"] = std::move(*matrix);
  if (matrix_status) h["matrix_status"] = std::move(*matrix_status);
  return h;
}

namespace {

json interrupted_to_json(const ScanSummary& summary) {
  json list = json::array();
  for (const auto& h : summary.interrupted) list.push_back({{"index", h.index}, {"target", h.target}});
  return list;
}

}  // namespace

json scan_to_json(const ScanSummary& summary, const std::vector<HostResult>& hosts) {
  json list = json::array();
  for (const auto& h : hosts) list.push_back(host_to_json(h));
  json doc{{"schema_version", kSchemaVersion}, {"tool", {{"name", "legacyscan"}, {"version", LEGACYSCAN_VERSION}}},
           {"started", summary.started},       {"finished", summary.finished},
           {"complete", summary.complete},     {"hosts", std::move(list)}};
  if (!summary.complete) {
    doc["hosts_interrupted"] = interrupted_to_json(summary);
    doc["hosts_not_started"] = summary.hosts_not_started;
  }
  return doc;
}

json stream_end_to_json(const ScanSummary& summary) {
  return json{{"record", "end"},
              {"schema_version", kSchemaVersion},
              {"started", summary.started},
              {"finished", summary.finished},
              {"complete", summary.complete},
              {"hosts_done", summary.hosts},
              {"hosts_interrupted", interrupted_to_json(summary)},
              {"hosts_not_started", summary.hosts_not_started},
              {"hosts_skipped_resume", summary.skipped_resume}};
}

void sort_hosts(std::vector<HostResult>& hosts) {
  std::stable_sort(hosts.begin(), hosts.end(), [](const HostResult& a, const HostResult& b) {
    return std::tie(a.order, a.sub_order) < std::tie(b.order, b.sub_order);
  });
}

}  // namespace legacyscan
