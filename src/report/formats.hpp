// SPDX-License-Identifier: Apache-2.0
// The output formats: one entry per format (its name, the file extensions it is written to, and the
// renderers of what it can render). Every place that takes a format name (`scan --format`,
// `report --format`, `pcap/events --format`, the lists of valid names in --help and in errors) looks it
// up here, so a new format is one entry in formats.cpp plus its renderer.
//
// Passive audits (`pcap`, `events`) use the same entries: their documents differ from a scan's, but so do
// a scan's and a saved report's, and a format name means the same kind of file for all of them (json is
// JSON, csv is RFC 4180). One registry keeps one name list and one extension list per format.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/engine/engine.hpp"
#include "src/compat/policy.hpp"
#include "src/report/render.hpp"

namespace legacyscan::passive {
struct Report;
}

namespace legacyscan::report {

// A finished scan, as the scan renderers see it.
struct ScanOutput {
  const ScanSummary& summary;
  const std::vector<HostResult>& hosts;   // in input order
  const std::vector<RuleResult>* policy;  // null when no policy rule was given
  TextOptions text = {};                  // the table's layout

  // The scan document (`scan --format json`), with "policy" when rules were given.
  [[nodiscard]] nlohmann::json document() const;
  // The report model of document(); throws std::runtime_error when the document does not fit it.
  [[nodiscard]] Report model() const;
};

// What a format can render. A scan is rendered either as a stream (one piece per host as hosts finish,
// nothing at the end) or as a whole document at the end.
enum class FormatUse {
  scan,     // `scan --format`
  saved,    // `report --format`: a saved scan, through the report model
  passive,  // `pcap/events --format`: a passive audit
};

struct Format {
  using HostRenderer = void (*)(std::ostream&, const HostResult&, const std::vector<RuleResult>* policy);
  using ScanRenderer = void (*)(std::ostream&, const ScanOutput&);
  using SavedRenderer = void (*)(std::ostream&, const Report&, const TextOptions&);
  using PassiveRenderer = void (*)(std::ostream&, const passive::Report&);

  std::string_view name;
  std::vector<std::string_view> extensions;  // of the files it is meant for, with the dot: ".html"
  HostRenderer scan_host = nullptr;          // a scan as a stream: each host as it finishes
  ScanRenderer scan = nullptr;               // a scan as a document, at its end
  SavedRenderer saved = nullptr;
  PassiveRenderer passive = nullptr;
  // Place in the `report --format` list, which has its own order (html first: what `report` is mostly for).
  int saved_rank = 0;

  [[nodiscard]] bool renders(FormatUse use) const;
  [[nodiscard]] bool streams() const { return scan_host != nullptr; }
};

// Every format, in the order of the `scan --format` list.
const std::vector<Format>& all_formats();

// The names valid for `use`, in the order they are listed (help text, errors).
std::vector<std::string> format_names(FormatUse use);
// The same as "{table,json,csv}".
std::string format_set(FormatUse use);

// The format called `name` that can render `use`; null with `error` set otherwise. The error is the one
// the command line prints after "--format: ", e.g. "md not in {table,json,csv}".
const Format* find_format(std::string_view name, FormatUse use, std::string& error);

// The format of a file name's extension (".html", ".md"; case-insensitive); null when none claims it.
const Format* format_for_path(std::string_view path);

// The format a command writes: `explicit_name` (--format) when given; else the one the extension of
// `output` (-o) names; else `fallback`. An extension naming a format that cannot render `use` (`report
// -o r.json`) is an error rather than a file whose contents contradict its name: null with `error` set
// ("-o r.json: json is not in {html,table,markdown,csv} (give --format)").
const Format* format_for_output(std::string_view explicit_name, std::string_view output, FormatUse use,
                                std::string_view fallback, std::string& error);

}  // namespace legacyscan::report
