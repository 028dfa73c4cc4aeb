// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "legacyscan/json_text.hpp"
#include "src/report/report.hpp"

namespace legacyscan {

using nlohmann::json;

bool is_stream_end(const json& line) { return line.is_object() && line.contains("record") && line["record"] == "end"; }

namespace {

// Where and why `text` is not valid JSON; at_end when it stopped in the middle (a truncated file).
struct JsonProblem {
  bool at_end = false;
  std::size_t line = 1, column = 1;
  std::string reason;
};

JsonProblem json_problem(std::string_view text) {
  JsonProblem p;
  try {
    const auto parsed = json::parse(text);
    if (!parsed.is_discarded()) return p;
  } catch (const json::parse_error& e) {
    const std::size_t byte = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    // The parser stopped at the last character (an open string, object or array): the text was cut.
    const auto last = text.find_last_not_of(" \t\r\n");
    p.at_end = last == std::string_view::npos || e.byte >= last + 1;
    for (std::size_t i = 0; i < byte; ++i) {
      p.column = text[i] == '\n' ? 1 : p.column + 1;
      p.line += text[i] == '\n' ? 1 : 0;
    }
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while ..."
    const std::string what = e.what();
    const auto column = what.find("column");
    const auto colon = what.find(": ", column == std::string::npos ? 0 : column);
    p.reason = colon == std::string::npos ? what : what.substr(colon + 2);
  }
  return p;
}

struct Part {
  std::vector<json> hosts;
  std::string started, finished;
  bool complete = true;
};

void widen(Part& part, const json& j) {
  const auto s = j.value("started", std::string());
  const auto f = j.value("finished", std::string());
  if (!s.empty() && (part.started.empty() || s < part.started)) part.started = s;
  if (!f.empty() && f > part.finished) part.finished = f;
}

bool read_document(const std::string& name, json& doc, Part& part, std::string& error) {
  if (doc["schema_version"] != kSchemaVersion) {
    error = name + ": schema_version " + json_text(doc["schema_version"]) + " is not " + std::to_string(kSchemaVersion);
    return false;
  }
  if (!doc.contains("hosts") || !doc["hosts"].is_array()) {
    error = name + ": no \"hosts\" array";
    return false;
  }
  for (auto& h : doc["hosts"]) part.hosts.push_back(h);
  if (doc.value("complete", true) == false) part.complete = false;
  widen(part, doc);
  return true;
}

// JSON lines: one host object per line.
bool read_lines(const std::string& name, const std::string& text, Part& part, std::string& error) {
  std::size_t line_no = 0, start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto h = json::parse(line, nullptr, false);
    if (is_stream_end(h)) {  // the end record of a --format jsonl run: was it cut?
      if (h.value("complete", true) == false) part.complete = false;
      continue;
    }
    if (h.is_discarded() || !h.is_object() || !h.contains("probes")) {
      const bool last = text.find_first_not_of(" \t\r\n", std::min(start, text.size())) == std::string::npos;
      if (h.is_discarded() && last && json_problem(line).at_end)
        error = name + ":" + std::to_string(line_no) +
                ": truncated host line (the run was interrupted; `scan --resume` finishes it)";
      else
        error = name + ":" + std::to_string(line_no) + ": neither a legacyscan JSON document nor a host line";
      return false;
    }
    widen(part, h);
    part.hosts.push_back(std::move(h));
  }
  return true;
}

// A JSON document (`--format json`, written over many lines) or JSON lines (`--format jsonl`): a text
// whose first line is not JSON on its own is a document, and where it stops being JSON is the error.
bool read_part(const std::string& name, const std::string& text, Part& part, std::string& error) {
  auto doc = json::parse(text, nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && doc.contains("schema_version"))
    return read_document(name, doc, part, error);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (doc.is_discarded() && first != std::string::npos) {
    const auto first_end = text.find('\n', first);
    const auto first_line =
        std::string_view(text).substr(first, first_end == std::string::npos ? text.npos : first_end - first);
    if (json::parse(first_line, nullptr, false).is_discarded()) {
      const auto p = json_problem(text);
      if (p.at_end)
        error = name + ": truncated: the JSON document stops at line " + std::to_string(p.line) + " before its end";
      else
        error = name + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": not valid JSON: " + p.reason;
      return false;
    }
  }
  return read_lines(name, text, part, error);
}

std::string host_key(const json& h) {
  return "host " + std::to_string(h.value("index", std::uint64_t{0})) + " (" + h.value("target", std::string()) +
         (h.value("address", std::string()).empty() ? "" : " " + h.value("address", std::string())) + ")";
}

}  // namespace

std::optional<json> merge_results(const std::vector<std::pair<std::string, std::string>>& parts, std::string& error,
                                  std::vector<std::string>* warnings) {
  std::vector<std::pair<json, const std::string*>> hosts;  // with the name of the part it came from
  Part all;
  for (const auto& [name, text] : parts) {
    Part part;
    if (!read_part(name, text, part, error)) return std::nullopt;
    for (auto& h : part.hosts) hosts.emplace_back(std::move(h), &name);
    widen(all, json{{"started", part.started}, {"finished", part.finished}});
    all.complete = all.complete && part.complete;
  }
  // Input order: shards of one target list interleave by index.
  std::stable_sort(hosts.begin(), hosts.end(), [](const auto& a, const auto& b) {
    return a.first.value("index", std::uint64_t{0}) < b.first.value("index", std::uint64_t{0});
  });
  // The same host twice (overlapping parts, a resumed run): keep the first, and say so.
  json unique = json::array();
  std::vector<const std::string*> unique_from;
  for (auto& [h, from] : hosts) {
    const auto dup = std::find_if(unique.begin(), unique.end(), [&](const json& u) {
      return u.value("index", std::uint64_t{0}) == h.value("index", std::uint64_t{0}) &&
             u.value("target", std::string()) == h.value("target", std::string()) &&
             u.value("address", std::string()) == h.value("address", std::string());
    });
    if (dup == unique.end()) {
      unique.push_back(std::move(h));
      unique_from.push_back(from);
      continue;
    }
    const auto* first = unique_from[static_cast<std::size_t>(dup - unique.begin())];
    if (warnings)
      warnings->push_back(host_key(h) + " is in " + (*first == *from ? *from + " twice" : *first + " and " + *from) +
                          ": the first is kept");
  }
  return json{{"schema_version", kSchemaVersion},
              {"tool", {{"name", "legacyscan"}, {"version", LEGACYSCAN_VERSION}}},
              {"started", all.started.empty() ? rfc3339_now() : all.started},
              {"finished", all.finished.empty() ? rfc3339_now() : all.finished},
              {"complete", all.complete},
              {"hosts", std::move(unique)}};
}

}  // namespace legacyscan
