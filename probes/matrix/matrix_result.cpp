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

bool from_string(std::string_view s, CellVerdict& out) {
  return enum_from_string(s, out,
                          {CellVerdict::works, CellVerdict::degraded, CellVerdict::fails, CellVerdict::unknown});
}

CellVerdict overall(const Row& row) {
  std::vector<const Cell*> cells;
  for (const auto* c : {&row.smb, &row.kerberos, &row.ldap, &row.netbios, &row.tls_unknown})
    if (*c) cells.push_back(&**c);
  for (const auto& [port, c] : row.tls) cells.push_back(&c);
  for (const auto& [port, c] : row.rdp) cells.push_back(&c);
  if (const auto* vpn = best_of(row.vpn)) cells.push_back(vpn);
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
  if (per_stack.empty()) return Cell{CellVerdict::unknown, "no TLS stack", "", "", {}, {}};
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

const Cell* best_of(const std::map<std::string, Cell>& cells) {
  static const auto rank = [](CellVerdict v) {
    switch (v) {
      case CellVerdict::works: return 3;
      case CellVerdict::degraded: return 2;
      case CellVerdict::fails: return 1;
      case CellVerdict::unknown: return 0;
    }
    return 0;
  };
  const Cell* best = nullptr;
  for (const auto& [key, c] : cells)
    if (!best || rank(c.verdict) > rank(best->verdict)) best = &c;
  return best;
}

json Row::protocols_to_json() const {
  json protocols = json::object();
  if (smb) protocols["smb"] = fields::to_json(*smb);
  if (kerberos) protocols["kerberos"] = fields::to_json(*kerberos);
  if (!tls.empty() || tls_unknown) {
    json t = json::object();
    for (const auto& [port, c] : tls) t[std::to_string(port)] = fields::to_json(c);
    if (tls_unknown) t["any"] = fields::to_json(*tls_unknown);
    protocols["tls"] = std::move(t);
  }
  if (ldap) protocols["ldap"] = fields::to_json(*ldap);
  if (netbios) protocols["netbios"] = fields::to_json(*netbios);
  if (!rdp.empty()) {
    json r = json::object();
    for (const auto& [port, c] : rdp) r[std::to_string(port)] = fields::to_json(c);
    protocols["rdp"] = std::move(r);
  }
  if (!vpn.empty()) {
    json v = json::object();
    for (const auto& [method, c] : vpn) v[method] = fields::to_json(c);
    protocols["vpn"] = std::move(v);
  }
  return protocols;
}

void Row::protocols_from_json(const json& j) {
  const std::pair<const char*, std::optional<Cell>*> cells[] = {
      {"smb", &smb}, {"kerberos", &kerberos}, {"ldap", &ldap}, {"netbios", &netbios}};
  for (const auto& [key, cell] : cells)
    if (j.contains(key)) fields::read_value(j[key], *cell, key);
  if (j.contains("rdp"))
    for (const auto& [port, c] : j["rdp"].items())
      fields::read_value(c, rdp[static_cast<std::uint16_t>(std::stoul(port))], port);
  if (j.contains("vpn"))
    for (const auto& [method, c] : j["vpn"].items()) fields::read_value(c, vpn[method], method);
  if (!j.contains("tls")) return;
  for (const auto& [port, c] : j["tls"].items()) {
    if (port == "any")
      fields::read_value(c, tls_unknown, "any");
    else
      fields::read_value(c, tls[static_cast<std::uint16_t>(std::stoul(port))], port);
  }
}

std::string vpn_label(const std::string& method) {
  if (method == "pptp") return "PPTP";
  if (method == "ikev1") return "L2TP/IPsec";
  if (method == "ikev2") return "IKEv2";
  return "VPN";
}

json row_to_json(const Row& row) { return fields::to_json(row); }

json MatrixResult::to_json() const { return fields::to_json(*this); }

void MatrixResult::findings(std::vector<Finding>& out) const {
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
    for (const auto& [port, c] : r.rdp) add(short_cell(("RDP/" + std::to_string(port)).c_str(), c));
    for (const auto& [method, c] : r.vpn) add(short_cell(vpn_label(method).c_str(), c));
    Verdict v = Verdict::info;
    if (r.verdict == CellVerdict::works) v = Verdict::good;
    if (r.verdict == CellVerdict::degraded) v = Verdict::warn;
    if (r.verdict == CellVerdict::fails) v = Verdict::bad;
    const std::string id = "matrix." + r.profile;
    out.push_back({"", id, r.name, value, v});
    // The reason of every failing or degraded cell on its own line: that is what the admin acts on.
    std::string evidence;
    auto why = [&](const std::string& cell, const std::string& label, const Cell& c) {
      if (c.verdict != CellVerdict::fails && c.verdict != CellVerdict::degraded) return;
      out.push_back({"", id + "." + cell, "", "  " + label + ": " + c.reason, Verdict::info, c.reason});
      evidence += (evidence.empty() ? "" : "; ") + label + ": " + c.reason;
    };
    const std::size_t row = out.size() - 1;
    if (r.smb) why("smb", "SMB", *r.smb);
    if (r.kerberos) why("kerberos", "Kerberos", *r.kerberos);
    for (const auto& [port, c] : r.tls) why("tls." + std::to_string(port), "TLS/" + std::to_string(port), c);
    if (r.ldap) why("ldap", "LDAP", *r.ldap);
    if (r.netbios) why("netbios", "NetBIOS", *r.netbios);
    for (const auto& [port, c] : r.rdp) why("rdp." + std::to_string(port), "RDP/" + std::to_string(port), c);
    for (const auto& [method, c] : r.vpn) why("vpn." + method, vpn_label(method), c);
    out[row].evidence = std::move(evidence);
  }
}

}  // namespace legacyscan::matrix
