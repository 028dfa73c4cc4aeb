// SPDX-License-Identifier: Apache-2.0
// The scan document -> the typed report model every rendering reads.
#include <algorithm>
#include <charconv>

#include "src/report/render.hpp"

namespace legacyscan::report {

using nlohmann::json;

namespace {

struct Bad {
  std::string what;
};

const std::vector<std::string> kVerdicts{"works", "degraded", "fails", "unknown"};
const std::vector<std::string> kFindingVerdicts{"info", "good", "warn", "bad", "failed"};
const std::vector<std::string> kProtocolOrder{"smb", "kerberos", "tls", "ldap", "netbios", "rdp", "vpn"};

std::string text(const json& obj, const char* key, const std::string& at, bool required) {
  if (!obj.contains(key)) {
    if (required) throw Bad{at + ": missing \"" + key + "\""};
    return {};
  }
  const auto& v = obj.at(key);
  if (!v.is_string()) throw Bad{at + "." + key + ": must be a string"};
  return v.get<std::string>();
}

std::string verdict(const json& obj, const std::string& at) {
  auto v = text(obj, "verdict", at, true);
  if (std::find(kVerdicts.begin(), kVerdicts.end(), v) == kVerdicts.end())
    throw Bad{at + ".verdict: \"" + v + "\" is not works, degraded, fails or unknown"};
  return v;
}

Cell cell_of(const json& j, const std::string& at) {
  if (!j.is_object()) throw Bad{at + ": must be an object"};
  Cell c;
  c.verdict = verdict(j, at);
  c.reason = text(j, "reason", at, true);
  c.negotiated = text(j, "negotiated", at, false);
  c.stack = text(j, "stack", at, false);
  if (j.contains("stacks")) {
    if (!j.at("stacks").is_array()) throw Bad{at + ".stacks: must be an array"};
    std::size_t i = 0;
    for (const auto& s : j.at("stacks")) {
      const std::string sat = at + ".stacks[" + std::to_string(i++) + "]";
      auto sc = cell_of(s, sat);
      if (sc.stack.empty()) throw Bad{sat + ": missing \"stack\""};
      c.stacks.push_back(std::move(sc));
    }
  }
  return c;
}

int port_order(const std::string& port) {
  int n = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  return ec == std::errc() && p == port.data() + port.size() ? n : 1 << 20;  // "any" last
}

bool column_less(const Column& a, const Column& b) {
  const auto ia = std::find(kProtocolOrder.begin(), kProtocolOrder.end(), a.protocol) - kProtocolOrder.begin();
  const auto ib = std::find(kProtocolOrder.begin(), kProtocolOrder.end(), b.protocol) - kProtocolOrder.begin();
  if (ia != ib) return ia < ib;
  return port_order(a.port) < port_order(b.port);
}

Host host_of(const json& h, const std::string& at) {
  if (!h.is_object()) throw Bad{at + ": must be an object"};
  Host host;
  host.target = text(h, "target", at, true);
  host.address = text(h, "address", at, false);
  host.host_name = text(h, "host_name", at, false);
  host.started = text(h, "started", at, false);
  host.finished = text(h, "finished", at, false);
  if (h.contains("matrix")) {
    if (!h.at("matrix").is_array()) throw Bad{at + ".matrix: must be an array"};
    std::size_t i = 0;
    for (const auto& r : h.at("matrix")) {
      const std::string rat = at + ".matrix[" + std::to_string(i++) + "]";
      if (!r.is_object()) throw Bad{rat + ": must be an object"};
      ClientRow row;
      row.profile = text(r, "profile", rat, true);
      row.name = text(r, "name", rat, false);
      if (row.name.empty()) row.name = row.profile;
      row.verdict = verdict(r, rat);
      if (!r.contains("protocols") || !r.at("protocols").is_object()) throw Bad{rat + ".protocols: must be an object"};
      for (const auto& [proto, c] : r.at("protocols").items()) {
        const std::string cat = rat + ".protocols." + proto;
        if (std::find(kProtocolOrder.begin(), kProtocolOrder.end(), proto) == kProtocolOrder.end())
          throw Bad{cat + ": unknown protocol"};
        if (proto == "tls" || proto == "rdp" || proto == "vpn") {
          if (!c.is_object()) throw Bad{cat + ": must be an object of " + (proto == "vpn" ? "protocols" : "ports")};
          for (const auto& [port, pc] : c.items())
            row.cells.emplace_back(Column{proto, port}, cell_of(pc, cat + "." + port));
        } else {
          row.cells.emplace_back(Column{proto, ""}, cell_of(c, cat));
        }
      }
      std::stable_sort(row.cells.begin(), row.cells.end(),
                       [](const auto& a, const auto& b) { return column_less(a.first, b.first); });
      for (const auto& [col, c] : row.cells)
        if (std::find(host.columns.begin(), host.columns.end(), col) == host.columns.end()) host.columns.push_back(col);
      host.clients.push_back(std::move(row));
    }
    std::stable_sort(host.columns.begin(), host.columns.end(), column_less);
  }
  if (h.contains("matrix_status")) {
    const auto& ms = h.at("matrix_status");
    if (!ms.is_object()) throw Bad{at + ".matrix_status: must be an object"};
    host.matrix_status =
        text(ms, "status", at + ".matrix_status", true) + ": " + text(ms, "reason", at + ".matrix_status", false);
  }
  if (h.contains("probes")) {
    if (!h.at("probes").is_object()) throw Bad{at + ".probes: must be an object"};
    for (const auto& [name, p] : h.at("probes").items()) {
      const std::string pat = at + ".probes." + name;
      if (!p.is_object()) throw Bad{pat + ": must be an object"};
      Evidence e;
      e.probe = name;
      e.status = text(p, "status", pat, true);
      e.reason = text(p, "reason", pat, false);
      host.evidence.push_back(std::move(e));
    }
  }
  if (h.contains("findings")) {
    if (!h.at("findings").is_array()) throw Bad{at + ".findings: must be an array"};
    std::size_t i = 0;
    for (const auto& f : h.at("findings")) {
      const std::string fat = at + ".findings[" + std::to_string(i++) + "]";
      if (!f.is_object()) throw Bad{fat + ": must be an object"};
      FindingRow row{text(f, "probe", fat, true),   text(f, "port", fat, false),  text(f, "check", fat, true),
                     text(f, "verdict", fat, true), text(f, "value", fat, false), text(f, "evidence", fat, false)};
      if (std::find(kFindingVerdicts.begin(), kFindingVerdicts.end(), row.verdict) == kFindingVerdicts.end())
        throw Bad{fat + ".verdict: \"" + row.verdict + "\" is not info, good, warn, bad or failed"};
      host.findings.push_back(std::move(row));
    }
  }
  return host;
}

PolicyLine policy_line(const json& r, const std::string& at) {
  if (!r.is_object()) throw Bad{at + ": must be an object"};
  if (!r.contains("passed") || !r.at("passed").is_boolean()) throw Bad{at + ".passed: must be true or false"};
  return PolicyLine{text(r, "rule", at, true), text(r, "host", at, true), r.at("passed").get<bool>(),
                    text(r, "evidence", at, false)};
}

}  // namespace

std::string Column::label() const {
  if (protocol == "smb") return "SMB";
  if (protocol == "kerberos") return "Kerberos";
  if (protocol == "ldap") return "LDAP";
  if (protocol == "netbios") return "NetBIOS";
  if (protocol == "rdp") return "RDP " + port;
  if (protocol == "vpn")
    return port == "pptp" ? "PPTP" : port == "ikev1" ? "L2TP/IPsec" : port == "ikev2" ? "IKEv2" : "VPN";
  return port == "any" ? "TLS" : "TLS " + port;
}

std::string Column::short_label() const {
  if (protocol == "kerberos") return "KRB";
  if (protocol == "netbios") return "NBT";
  if (protocol == "tls") return port == "any" ? "TLS" : "TLS" + port;
  if (protocol == "rdp") return "RDP" + port;
  if (protocol == "vpn") return port == "ikev1" ? "L2TP" : label();
  return label();
}

const Cell* ClientRow::cell(const Column& c) const {
  for (const auto& [col, cell] : cells)
    if (col == c) return &cell;
  return nullptr;
}

std::string Host::title() const {
  if (address.empty() || address == target) return target.empty() ? address : target;
  return target + " (" + address + ")";
}

bool Host::down() const {
  return !evidence.empty() &&
         std::none_of(evidence.begin(), evidence.end(), [](const Evidence& e) { return e.status == "ok"; });
}

Tally tally(const Host& h) {
  Tally t;
  for (const auto& c : h.clients) {
    if (c.verdict == "works")
      ++t.works;
    else if (c.verdict == "degraded")
      ++t.degraded;
    else if (c.verdict == "fails")
      ++t.fails;
    else
      ++t.unknown;
  }
  return t;
}

Decoded<Report> report_from_json(const json& doc) {
  Report r;
  try {
    if (!doc.is_object()) throw Bad{"the document is not a JSON object"};
    if (!doc.contains("hosts") || !doc.at("hosts").is_array()) throw Bad{"no \"hosts\" array: not a legacyscan result"};
    if (doc.contains("tool") && doc.at("tool").is_object())
      r.tool_version = text(doc.at("tool"), "version", "tool", false);
    r.started = text(doc, "started", "document", false);
    r.finished = text(doc, "finished", "document", false);
    if (doc.contains("complete")) {
      if (!doc.at("complete").is_boolean()) throw Bad{"complete: must be true or false"};
      r.complete = doc.at("complete").get<bool>();
    }
    std::size_t i = 0;
    for (const auto& h : doc.at("hosts")) {
      const std::string at = "hosts[" + std::to_string(i++) + "]";
      r.hosts.push_back(host_of(h, at));
      // JSON lines carry each host's own policy results.
      if (h.contains("policy")) {
        const auto& p = h.at("policy");
        if (!p.is_object() || !p.contains("rules") || !p.at("rules").is_array())
          throw Bad{at + ".policy: must be an object with \"rules\""};
        std::size_t k = 0;
        for (const auto& rule : p.at("rules"))
          r.hosts.back().policy.push_back(policy_line(rule, at + ".policy.rules[" + std::to_string(k++) + "]"));
        r.has_policy = true;
      }
    }
    if (doc.contains("policy")) {
      const auto& p = doc.at("policy");
      if (!p.is_object() || !p.contains("rules") || !p.at("rules").is_array())
        throw Bad{"policy: must be an object with \"rules\""};
      std::size_t k = 0;
      for (const auto& rule : p.at("rules")) {
        auto line = policy_line(rule, "policy.rules[" + std::to_string(k++) + "]");
        // The document's policy names each rule's host as "target (address)": file it under that host.
        Host* owner = nullptr;
        for (auto& h : r.hosts)
          if (line.host == h.target + " (" + h.address + ")" || line.host == h.target || line.host == h.title())
            owner = &h;
        if (!owner)
          throw Bad{"policy.rules[" + std::to_string(k - 1) + "].host: \"" + line.host + "\" is no scanned host"};
        owner->policy.push_back(std::move(line));
      }
      r.has_policy = true;
    }
    for (const auto& h : r.hosts)
      for (const auto& l : h.policy) r.policy_passed = r.policy_passed && l.passed;
  } catch (const Bad& b) {
    return Decoded<Report>::fail(b.what);
  }
  return Decoded<Report>::ok(std::move(r));
}

}  // namespace legacyscan::report
