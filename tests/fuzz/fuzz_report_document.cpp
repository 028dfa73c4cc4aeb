// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: a saved scan document (`legacyscan report FILE`) -> the report model -> every
// rendering. Whatever the document holds, nothing crashes, and no string in it becomes HTML markup.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "src/report/render.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::report;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return 0;
  auto model = report_from_json(doc);
  if (!model) {
    check(!model.error.empty());
    return 0;
  }
  std::ostringstream html, md, csv, term;
  render_html(html, *model);
  render_markdown(md, *model);
  render_csv(csv, *model);
  render_terminal_report(term, *model, TextOptions{.colour = true});
  render_terminal_report(term, *model, TextOptions{.details = true, .show_down = true, .width = 40});
  for (const auto& h : model->hosts) render_terminal_matrix(term, h, false, 60);
  // The renderer writes no script element of its own, so one in the output came from the input.
  check(html.str().find("<script") == std::string::npos);
  check(html.str().find("<img") == std::string::npos);
  return 0;
}
