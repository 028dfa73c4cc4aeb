// SPDX-License-Identifier: Apache-2.0
#include "probes/matrix/matrix_result.hpp"

namespace legacyscan::matrix {

using nlohmann::json;

std::string_view to_string(CellVerdict v) {
  switch (v) {
    case CellVerdict::works: return "works";
    case CellVerdict::degraded: return "degraded";
    case CellVerdict::fails: return "fails";
    case CellVerdict::unknown: return "unknown";
  }
  return "unknown";
}

CellVerdict overall(const Row& row) {
  std::vector<const Cell*> cells;
  for (const auto* c : {&row.smb, &row.kerberos, &row.ldap, &row.netbios, &row.tls_unknown})
    if (*c) cells.push_back(&**c);
  for (const auto& [port, c] : row.tls) cells.push_back(&c);
  bool any_works = false, any_degraded = false;
  for (const auto* c : cells) {
    if (c->verdict == CellVerdict::fails) return CellVerdict::fails;
    any_degraded = any_degraded || c->verdict == CellVerdict::degraded;
    any_works = any_works || c->verdict == CellVerdict::works;
  }
  if (any_degraded) return CellVerdict::degraded;
  return any_works ? CellVerdict::works : CellVerdict::unknown;
}

int severity(CellVerdict v) {
  switch (v) {
    case CellVerdict::fails: return 3;
    case CellVerdict::degraded: return 2;
    case CellVerdict::works: return 1;
    case CellVerdict::unknown: return 0;
  }
  return 0;
}

Cell worst_of_stacks(std::vector<Cell> per_stack) {
  if (per_stack.empty()) return Cell{CellVerdict::unknown, "no TLS stack", "", "", {}};
  std::size_t w = 0;
  for (std::size_t i = 1; i < per_stack.size(); ++i)
    if (severity(per_stack[i].verdict) > severity(per_stack[w].verdict)) w = i;
  Cell out = per_stack[w];
  if (per_stack.size() > 1) {
    out.reason = out.stack + ": " + out.reason;
    out.stacks = std::move(per_stack);
  }
  return out;
}

namespace {
json cell_json(const Cell& c) {
  json j{{"verdict", to_string(c.verdict)}, {"reason", c.reason}};
  if (!c.negotiated.empty()) j["negotiated"] = c.negotiated;
  if (!c.stack.empty()) j["stack"] = c.stack;
  if (!c.stacks.empty()) {
    json list = json::array();
    for (const auto& s : c.stacks) list.push_back(cell_json(s));
    j["stacks"] = std::move(list);
  }
  return j;
}
}  // namespace

json row_to_json(const Row& row) {
  json protocols = json::object();
  if (row.smb) protocols["smb"] = cell_json(*row.smb);
  if (row.kerberos) protocols["kerberos"] = cell_json(*row.kerberos);
  if (!row.tls.empty() || row.tls_unknown) {
    json t = json::object();
    for (const auto& [port, c] : row.tls) t[std::to_string(port)] = cell_json(c);
    if (row.tls_unknown) t["any"] = cell_json(*row.tls_unknown);
    protocols["tls"] = std::move(t);
  }
  if (row.ldap) protocols["ldap"] = cell_json(*row.ldap);
  if (row.netbios) protocols["netbios"] = cell_json(*row.netbios);
  return json{{"profile", row.profile}, {"name", row.name}, {"verdict", to_string(row.verdict)},
              {"protocols", std::move(protocols)}};
}

json MatrixResult::to_json() const {
  json rows_json = json::array();
  for (const auto& r : rows) rows_json.push_back(row_to_json(r));
  json j{{"status", legacyscan::to_string(status)}, {"rows", std::move(rows_json)}};
  if (status != Status::ok) j["reason"] = reason;
  return j;
}

void MatrixResult::table_rows(std::vector<TableRow>& out) const {
  auto short_cell = [](const char* label, const Cell& c) {
    std::string s = std::string(label) + " " + std::string(to_string(c.verdict));
    if (!c.negotiated.empty()) s += " (" + c.negotiated + ")";
    return s;
  };
  for (const auto& r : rows) {
    std::string value;
    auto add = [&value](const std::string& s) { value += (value.empty() ? "" : "; ") + s; };
    if (r.smb) add(short_cell("SMB", *r.smb));
    if (r.kerberos) add(short_cell("Kerberos", *r.kerberos));
    for (const auto& [port, c] : r.tls) add(short_cell(("TLS/" + std::to_string(port)).c_str(), c));
    if (r.tls_unknown) add(short_cell("TLS", *r.tls_unknown));
    if (r.ldap) add(short_cell("LDAP", *r.ldap));
    if (r.netbios) add(short_cell("NetBIOS", *r.netbios));
    Verdict v = Verdict::info;
    if (r.verdict == CellVerdict::works) v = Verdict::good;
    if (r.verdict == CellVerdict::degraded) v = Verdict::warn;
    if (r.verdict == CellVerdict::fails) v = Verdict::bad;
    out.push_back({"", r.name, value, v});
    // The reason of every failing or degraded cell on its own line: that is what the admin acts on.
    auto why = [&](const char* label, const Cell& c) {
      if (c.verdict == CellVerdict::fails || c.verdict == CellVerdict::degraded)
        out.push_back({"", "", std::string("  ") + label + ": " + c.reason, Verdict::info});
    };
    if (r.smb) why("SMB", *r.smb);
    if (r.kerberos) why("Kerberos", *r.kerberos);
    for (const auto& [port, c] : r.tls) why(("TLS/" + std::to_string(port)).c_str(), c);
    if (r.ldap) why("LDAP", *r.ldap);
    if (r.netbios) why("NetBIOS", *r.netbios);
  }
}

}  // namespace legacyscan::matrix
