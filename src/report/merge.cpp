// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "legacyscan/json_text.hpp"
#include "src/report/report.hpp"

namespace legacyscan {

using nlohmann::json;

bool is_stream_end(const json& line) { return line.is_object() && line.contains("record") && line["record"] == "end"; }

std::optional<json> merge_results(const std::vector<std::pair<std::string, std::string>>& parts, std::string& error) {
  json hosts = json::array();
  std::string started, finished;
  bool complete = true;
  for (const auto& [name, text] : parts) {
    auto doc = json::parse(text, nullptr, false);
    std::vector<json> part_hosts;
    if (!doc.is_discarded() && doc.is_object() && doc.contains("schema_version")) {
      if (doc["schema_version"] != kSchemaVersion) {
        error =
            name + ": schema_version " + json_text(doc["schema_version"]) + " is not " + std::to_string(kSchemaVersion);
        return std::nullopt;
      }
      if (!doc.contains("hosts") || !doc["hosts"].is_array()) {
        error = name + ": no \"hosts\" array";
        return std::nullopt;
      }
      for (auto& h : doc["hosts"]) part_hosts.push_back(h);
      if (doc.value("complete", true) == false) complete = false;
      const auto s = doc.value("started", std::string());
      const auto f = doc.value("finished", std::string());
      if (!s.empty() && (started.empty() || s < started)) started = s;
      if (!f.empty() && f > finished) finished = f;
    } else {
      // JSON lines: one host object per line.
      std::size_t line_no = 0, start = 0;
      while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const auto line = text.substr(start, end - start);
        start = end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto h = json::parse(line, nullptr, false);
        if (is_stream_end(h)) {
          if (h.value("complete", true) == false) complete = false;
          continue;
        }
        if (h.is_discarded() || !h.is_object() || !h.contains("probes")) {
          error = name + ":" + std::to_string(line_no) + ": neither a legacyscan JSON document nor a host line";
          return std::nullopt;
        }
        const auto s = h.value("started", std::string());
        const auto f = h.value("finished", std::string());
        if (!s.empty() && (started.empty() || s < started)) started = s;
        if (!f.empty() && f > finished) finished = f;
        part_hosts.push_back(std::move(h));
      }
    }
    for (auto& h : part_hosts) hosts.push_back(std::move(h));
  }
  // Input order: shards of one target list interleave by index.
  std::stable_sort(hosts.begin(), hosts.end(), [](const json& a, const json& b) {
    return a.value("index", std::uint64_t{0}) < b.value("index", std::uint64_t{0});
  });
  // The same host twice (overlapping parts, a resumed run): keep the first.
  json unique = json::array();
  for (auto& h : hosts) {
    const bool dup = std::any_of(unique.begin(), unique.end(), [&](const json& u) {
      return u.value("index", std::uint64_t{0}) == h.value("index", std::uint64_t{0}) &&
             u.value("target", std::string()) == h.value("target", std::string()) &&
             u.value("address", std::string()) == h.value("address", std::string());
    });
    if (!dup) unique.push_back(std::move(h));
  }
  return json{{"schema_version", kSchemaVersion},
              {"tool", {{"name", "legacyscan"}, {"version", LEGACYSCAN_VERSION}}},
              {"started", started.empty() ? rfc3339_now() : started},
              {"finished", finished.empty() ? rfc3339_now() : finished},
              {"complete", complete},
              {"hosts", std::move(unique)}};
}

}  // namespace legacyscan
