// SPDX-License-Identifier: Apache-2.0
#include "src/report/formats.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "legacyscan/json_text.hpp"
#include "src/passive/passive.hpp"
#include "src/report/report.hpp"

namespace legacyscan::report {

namespace {

using nlohmann::json;

Report model_or_throw(const json& doc) {
  auto model = report_from_json(doc);
  if (!model) throw std::runtime_error("report model: " + model.error);
  return std::move(*model);
}

// The table of a scan is the table `legacyscan report` makes of the saved document.
void scan_table(std::ostream& out, const ScanOutput& s) { render_terminal_report(out, s.model(), s.text); }

// The formats of the report model render a scan the way `legacyscan report` renders the saved document.
template <void (*render)(std::ostream&, const Report&)>
void scan_through_model(std::ostream& out, const ScanOutput& s) {
  render(out, s.model());
}

template <void (*render)(std::ostream&, const Report&)>
void saved_without_colour(std::ostream& out, const Report& r, const TextOptions&) {
  render(out, r);
}

const std::vector<Format> kFormats{
    {.name = "table",
     .extensions = {".txt"},
     .scan = scan_table,
     .saved = render_terminal_report,
     .passive = [](std::ostream& out, const passive::Report& r) { out << passive::to_table(r); },
     .saved_rank = 0},
    {.name = "json",
     .extensions = {".json"},
     .scan = [](std::ostream& out, const ScanOutput& s) { out << json_text(s.document(), 2) << "\n"; },
     .passive = [](std::ostream& out, const passive::Report& r) { out << json_text(passive::to_json(r), 2) << "\n"; }},
    {.name = "jsonl",
     .extensions = {".jsonl", ".ndjson"},
     .scan_host =
         [](std::ostream& out, const HostResult& h, const std::vector<RuleResult>* policy) {
           auto j = host_to_json(h);
           if (policy) j["policy"] = policy_to_json(*policy);
           out << json_text(j) << "\n";
         }},
    {.name = "markdown",
     .extensions = {".md", ".markdown"},
     .scan = scan_through_model<render_markdown>,
     .saved = saved_without_colour<render_markdown>,
     .saved_rank = 2},
    {.name = "csv",
     .extensions = {".csv"},
     .scan = scan_through_model<render_csv>,
     .saved = saved_without_colour<render_csv>,
     .passive = [](std::ostream& out, const passive::Report& r) { out << passive::to_csv(r); },
     .saved_rank = 3},
    // The findings of csv: a file of its own, so that readers of the matrix rows keep their columns.
    {.name = "csv-findings",
     .extensions = {},  // .csv is the matrix
     .scan = scan_through_model<render_csv_findings>,
     .saved = saved_without_colour<render_csv_findings>,
     .saved_rank = 4},
    {.name = "html",
     .extensions = {".html", ".htm"},
     .scan = [](std::ostream& out, const ScanOutput& s) { render_html(out, s.model(), s.text); },
     .saved = render_html,
     .saved_rank = 1},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

json ScanOutput::document() const {
  auto doc = scan_to_json(summary, hosts);
  if (policy) doc["policy"] = policy_to_json(*policy);
  return doc;
}

Report ScanOutput::model() const { return model_or_throw(document()); }

bool Format::renders(FormatUse use) const {
  switch (use) {
    case FormatUse::scan: return scan_host != nullptr || scan != nullptr;
    case FormatUse::saved: return saved != nullptr;
    case FormatUse::passive: return passive != nullptr;
  }
  return false;
}

const std::vector<Format>& all_formats() { return kFormats; }

std::vector<std::string> format_names(FormatUse use) {
  std::vector<const Format*> listed;
  for (const auto& f : kFormats)
    if (f.renders(use)) listed.push_back(&f);
  if (use == FormatUse::saved)
    std::stable_sort(listed.begin(), listed.end(),
                     [](const Format* a, const Format* b) { return a->saved_rank < b->saved_rank; });
  std::vector<std::string> names;
  for (const auto* f : listed) names.emplace_back(f->name);
  return names;
}

std::string format_set(FormatUse use) {
  std::string set;
  for (const auto& n : format_names(use)) set += (set.empty() ? "" : ",") + n;
  return "{" + set + "}";
}

const Format* find_format(std::string_view name, FormatUse use, std::string& error) {
  for (const auto& f : kFormats)
    if (f.name == name && f.renders(use)) return &f;
  error = std::string(name) + " not in " + format_set(use);
  return nullptr;
}

const Format* format_for_path(std::string_view path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return nullptr;
  const auto extension = lower(path.substr(dot));
  for (const auto& f : kFormats)
    if (std::find(f.extensions.begin(), f.extensions.end(), extension) != f.extensions.end()) return &f;
  return nullptr;
}

const Format* format_for_output(std::string_view explicit_name, std::string_view output, FormatUse use,
                                std::string_view fallback, std::string& error) {
  if (!explicit_name.empty()) {
    const auto* f = find_format(explicit_name, use, error);
    if (!f) error = "--format: " + error;
    return f;
  }
  if (const auto* by_extension = output.empty() ? nullptr : format_for_path(output)) {
    if (by_extension->renders(use)) return by_extension;
    error = "-o " + std::string(output) + ": " + std::string(by_extension->name) + " is not in " + format_set(use) +
            " (give --format)";
    return nullptr;
  }
  return find_format(fallback, use, error);
}

}  // namespace legacyscan::report
