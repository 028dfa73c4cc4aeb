// SPDX-License-Identifier: Apache-2.0
// `history --format html`: one self-contained page, inline CSS and SVG, no script, a Content-Security-
// Policy that forbids every fetch. One small chart per hardening term: hosts failing it per run/week.
#include <algorithm>

#include "legacyscan/strings.hpp"
#include "src/store/history.hpp"

namespace legacyscan::store {

namespace {

constexpr int kChartWidth = 320, kChartHeight = 110, kMargin = 24;

// A polyline of the failing counts, scaled to the largest number of hosts judged for any bucket.
void chart(std::ostream& out, const History& h, const TermHistory& t) {
  const std::size_t top = std::max<std::size_t>(1, *std::max_element(t.judged.begin(), t.judged.end()));
  const std::size_t n = t.failing.size();
  const double step = n > 1 ? double(kChartWidth - 2 * kMargin) / double(n - 1) : 0.0;
  auto x = [&](std::size_t i) { return kMargin + step * double(i); };
  auto y = [&](std::size_t v) {
    return double(kChartHeight - kMargin) - double(kChartHeight - 2 * kMargin) * double(v) / double(top);
  };
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kChartWidth << "\" height=\"" << kChartHeight
      << "\" role=\"img\" aria-label=\"" << markup_escape(t.term) << "\">\n"
      << "<line x1=\"" << kMargin << "\" y1=\"" << kChartHeight - kMargin << "\" x2=\"" << kChartWidth - kMargin
      << "\" y2=\"" << kChartHeight - kMargin << "\" class=\"axis\"/>\n<polyline class=\"fail\" points=\"";
  for (std::size_t i = 0; i < n; ++i) out << (i ? " " : "") << x(i) << "," << y(t.failing[i]);
  out << "\"/>\n";
  for (std::size_t i = 0; i < n; ++i)
    out << "<circle cx=\"" << x(i) << "\" cy=\"" << y(t.failing[i]) << "\" r=\"3\"><title>"
        << markup_escape(h.buckets[i].label) << ": " << t.failing[i] << " of " << t.judged[i]
        << " failing</title></circle>\n";
  out << "<text x=\"" << kMargin << "\" y=\"14\">" << markup_escape(t.term) << ": " << t.failing.back() << " of "
      << t.judged.back() << " failing now</text>\n"
      << "<text x=\"" << kMargin << "\" y=\"" << kChartHeight - 6 << "\" class=\"small\">"
      << markup_escape(h.buckets.front().label) << "</text>\n"
      << "<text x=\"" << kChartWidth - kMargin << "\" y=\"" << kChartHeight - 6 << "\" class=\"small end\">"
      << markup_escape(h.buckets.back().label) << "</text>\n</svg>\n";
}

}  // namespace

void render_history_html(std::ostream& out, const History& h) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
         "<title>legacyscan history</title>\n<style>\n"
         "body{font-family:sans-serif;margin:1.5em}svg{border:1px solid #ccc;margin:4px}"
         ".axis{stroke:#888}.fail{fill:none;stroke:#c0392b;stroke-width:2}circle{fill:#c0392b}"
         "text{font-size:12px}.small{font-size:10px;fill:#555}.end{text-anchor:end}"
         ".regressed{color:#c0392b;font-weight:bold}td,th{padding:2px 8px;text-align:left}\n"
         "</style>\n</head>\n<body>\n<h1>Hardening progress</h1>\n";
  if (h.buckets.empty()) {
    out << "<p>No stored run matches.</p>\n</body>\n</html>\n";
    return;
  }
  out << "<p>Hosts failing each hardening term, per " << (h.buckets.front().label.starts_with("run ") ? "run" : "week")
      << ", " << markup_escape(h.buckets.front().label) << " to " << markup_escape(h.buckets.back().label) << ".</p>\n";
  for (const auto& t : h.terms) chart(out, h, t);
  out << "<h2>Hosts failing terms in their latest run</h2>\n";
  if (h.hosts.empty()) {
    out << "<p>None.</p>\n</body>\n</html>\n";
    return;
  }
  out << "<table>\n<tr><th>host</th><th>failing</th><th>regressed</th></tr>\n";
  for (const auto& x : h.hosts) {
    std::string failing, regressed;
    for (const auto& t : x.terms) failing += (failing.empty() ? "" : ", ") + t;
    for (const auto& t : x.regressed) regressed += (regressed.empty() ? "" : ", ") + t;
    out << "<tr" << (regressed.empty() ? "" : " class=\"regressed\"") << "><td>" << markup_escape(x.host) << "</td><td>"
        << markup_escape(failing) << "</td><td>"
        << (regressed.empty() ? "" : markup_escape(regressed + " (since " + x.before + ")")) << "</td></tr>\n";
  }
  out << "</table>\n</body>\n</html>\n";
}

}  // namespace legacyscan::store
