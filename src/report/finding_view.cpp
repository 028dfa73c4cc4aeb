// SPDX-License-Identifier: Apache-2.0
#include "src/report/finding_view.hpp"

#include <algorithm>
#include <tuple>

namespace legacyscan::report {

namespace {

bool same_block(const std::vector<const FindingRow*>& a, const std::vector<const FindingRow*>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const FindingRow* x, const FindingRow* y) {
    return std::tie(x->check, x->verdict, x->value, x->evidence) ==
           std::tie(y->check, y->verdict, y->value, y->evidence);
  });
}

// The part of a check id before its first part that starts with a digit: "smb.signing." of
// "smb.signing.3.1.1", "tls.version." of "tls.version.1.0"; "" when there is none.
std::string stem(const std::string& check) {
  for (std::size_t i = 0; i + 1 < check.size(); ++i)
    if (check[i] == '.' && check[i + 1] >= '0' && check[i + 1] <= '9') return check.substr(0, i + 1);
  return {};
}

}  // namespace

FindingView fold_ports(const Host& h) {
  struct Block {
    std::string probe, port;
    std::vector<const FindingRow*> rows;
    const Block* same_as = nullptr;
  };
  std::vector<Block> blocks;
  for (const auto& f : h.findings) {
    if (blocks.empty() || blocks.back().probe != f.probe || blocks.back().port != f.port)
      blocks.push_back({f.probe, f.port, {}, nullptr});
    blocks.back().rows.push_back(&f);
  }
  FindingView v;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    auto& b = blocks[i];
    for (std::size_t k = 0; k < i && !b.port.empty(); ++k)
      if (!blocks[k].same_as && blocks[k].probe == b.probe && !blocks[k].port.empty() && blocks[k].port != b.port &&
          same_block(blocks[k].rows, b.rows)) {
        b.same_as = &blocks[k];
        break;
      }
    if (b.same_as)
      v.folded.push_back({b.probe, b.port, b.same_as->port});
    else
      v.rows.insert(v.rows.end(), b.rows.begin(), b.rows.end());
  }
  return v;
}

std::vector<std::string> fold_notes(const FindingView& v, const std::vector<const FindingRow*>& shown) {
  std::vector<std::pair<std::string, std::string>> notes;  // (same_as, ports)
  for (const auto& f : v.folded) {
    const bool has_rows = std::any_of(shown.begin(), shown.end(),
                                      [&](const FindingRow* r) { return r->probe == f.probe && r->port == f.same_as; });
    if (!has_rows) continue;
    auto it = std::find_if(notes.begin(), notes.end(), [&](const auto& n) { return n.first == f.same_as; });
    if (it == notes.end())
      notes.emplace_back(f.same_as, f.port);
    else
      it->second += ", " + f.port;
  }
  std::vector<std::string> lines;
  for (const auto& [same_as, ports] : notes) lines.push_back(ports + ": same as " + same_as);
  return lines;
}

std::vector<const FindingRow*> to_fix(const FindingView& v) {
  std::vector<const FindingRow*> out;
  for (const char* verdict : {"bad", "warn"})
    for (const auto* r : v.rows)
      if (r->verdict == verdict) out.push_back(r);
  return out;
}

std::vector<FindingLine> merge_lines(const std::vector<const FindingRow*>& rows) {
  std::vector<FindingLine> lines;
  std::vector<std::string> tails;  // of the last line, when it merges
  auto close = [&] {
    if (lines.empty() || tails.size() < 2) return;
    std::string joined;
    for (const auto& t : tails) joined += (joined.empty() ? "" : ",") + t;
    lines.back().check = stem(lines.back().first->check) + "{" + joined + "}";
  };
  for (const auto* r : rows) {
    const auto s = stem(r->check);
    if (!lines.empty() && !s.empty()) {
      const auto* p = lines.back().first;
      if (stem(p->check) == s &&
          std::tie(p->probe, p->port, p->verdict, p->value) == std::tie(r->probe, r->port, r->verdict, r->value)) {
        tails.push_back(r->check.substr(s.size()));
        ++lines.back().count;
        continue;
      }
    }
    close();
    tails = {s.empty() ? r->check : r->check.substr(s.size())};
    lines.push_back({r, r->check, 1});
  }
  close();
  return lines;
}

std::size_t count_verdict(const Host& h, const std::string& verdict) {
  return static_cast<std::size_t>(
      std::count_if(h.findings.begin(), h.findings.end(), [&](const FindingRow& f) { return f.verdict == verdict; }));
}

std::string summarise(const std::string& value) {
  std::string out;
  std::vector<std::string> seen;
  std::size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (c == '"') {
      const auto end = value.find('"', i + 1);
      if (end != std::string::npos) {
        const std::string quoted = value.substr(i, end - i + 1);
        if (quoted.size() > 24 && std::find(seen.begin(), seen.end(), quoted) != seen.end()) {
          out += "(same message)";
        } else {
          seen.push_back(quoted);
          out += quoted;
        }
        i = end + 1;
        continue;
      }
    }
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!space || (!out.empty() && out.back() != ' ')) out += space ? ' ' : c;
    ++i;
  }
  return out;
}

}  // namespace legacyscan::report
