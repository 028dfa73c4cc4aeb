// SPDX-License-Identifier: Apache-2.0
// Typed results as JSON (document, JSON lines), merged, compared and sorted.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "legacyscan/engine/engine.hpp"

namespace legacyscan {

inline constexpr int kSchemaVersion = 1;

nlohmann::json host_to_json(const HostResult& host);

// The findings of a host's probes in table order, each with its probe's name. The compatibility
// matrix's rows are findings only with_matrix: JSON has them typed in hosts[].matrix.
std::vector<Finding> host_findings(const HostResult& host, bool with_matrix);
nlohmann::json scan_to_json(const ScanSummary& summary, const std::vector<HostResult>& hosts);
// The last line of a JSON-lines scan ({"record": "end", "complete": ...}): a file without it was cut
// short (a crash, a kill), one with "complete": false was interrupted.
nlohmann::json stream_end_to_json(const ScanSummary& summary);
// Whether a JSON line is that end record rather than a host.
bool is_stream_end(const nlohmann::json& line);

// Joins the results of several runs (shards): each part is a JSON document or JSON lines, given as
// (name for errors, text). Hosts are put back into input order by "index"; duplicates are dropped, each
// named in `warnings`. A part that is not one of the two is an error naming the part and the line: a
// truncated document or last line, invalid JSON (line:column), a line that is not a host.
std::optional<nlohmann::json> merge_results(const std::vector<std::pair<std::string, std::string>>& parts,
                                            std::string& error, std::vector<std::string>* warnings = nullptr);

// What changed between two scans (documents with "hosts"), per host (target and address): every compared
// fact that differs, and the clients whose matrix verdict newly fails or newly works.
nlohmann::json diff_results(const nlohmann::json& before, const nlohmann::json& after);

// Sorts hosts into input order (targets as given, then the addresses of a name).
void sort_hosts(std::vector<HostResult>& hosts);

}  // namespace legacyscan
