// SPDX-License-Identifier: Apache-2.0
// The compatibility matrix of one host: one row per client profile, one cell per protocol the client
// uses, each cell the outcome of simulating that client against the server. JSON: hosts[].matrix.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/probe.hpp"

namespace legacyscan::matrix {

enum class CellVerdict { works, degraded, fails, unknown };
std::string_view to_string(CellVerdict v);
bool from_string(std::string_view s, CellVerdict& out);

struct Cell {
  CellVerdict verdict = CellVerdict::unknown;
  std::string reason;
  std::string negotiated;    // "SMB 2.1", "rc4-hmac", "TLS 1.0 TLS_RSA_WITH_RC4_128_SHA"
  std::string stack;         // TLS: the client stack this outcome belongs to ("SChannel (XP)")
  std::vector<Cell> stacks;  // TLS port cell of a multi-stack client: every stack's own outcome
  std::string auth;          // SMB, LDAP: the client's authentication path that works ("Kerberos RC4")

  template <class V>
  void fields(V& v) {
    v("verdict", verdict);
    v("reason", reason);
    v.optional("negotiated", negotiated);
    v.optional("auth", auth);
    v.optional("stack", stack);
    v.optional("stacks", stacks);
  }
};

// Fails over degraded over works over unknown: the order the row verdict uses.
int severity(CellVerdict v);
// The cell of a TLS port for a client with several stacks: the worst stack's outcome, its reason
// prefixed with the stack's name, and every stack's cell under `stacks`.
Cell worst_of_stacks(std::vector<Cell> per_stack);
// The cell a client gets from a server it can reach several ways (the VPN protocols): works over
// degraded over fails over unknown; nullptr when there is none.
const Cell* best_of(const std::map<std::string, Cell>& cells);

struct Row {
  std::string profile;
  std::string name;
  CellVerdict verdict = CellVerdict::unknown;
  std::optional<Cell> smb;
  std::optional<Cell> kerberos;
  std::map<std::uint16_t, Cell> tls;  // per TLS port
  std::optional<Cell> tls_unknown;    // when no TLS port could be tried
  std::optional<Cell> ldap;
  std::optional<Cell> netbios;
  std::map<std::uint16_t, Cell> rdp;  // per RDP port that answered
  // Per VPN protocol the server speaks and the client has: "pptp", "ikev1" (L2TP/IPsec), "ikev2"; or
  // "any" when the server speaks none of the client's. A client connects with any one of them: the
  // row counts the best.
  std::map<std::string, Cell> vpn;

  // "protocols": {"smb": cell, "tls": {"636": cell, "any": cell}, ...}, only the protocols the client uses.
  [[nodiscard]] nlohmann::json protocols_to_json() const;
  void protocols_from_json(const nlohmann::json& j);

  template <class V>
  void fields(V& v) {
    v("profile", profile);
    v("name", name);
    v("verdict", verdict);
    v.custom(
        "protocols", [&] { return protocols_to_json(); }, [&](const nlohmann::json& j) { protocols_from_json(j); });
  }
};

// The overall verdict of a row: fails if any known cell fails, else degraded if any is degraded,
// else works if any works, else unknown. The VPN cells count as one, their best.
CellVerdict overall(const Row& row);

struct MatrixResult final : ProbeResult {
  std::vector<Row> rows;
  [[nodiscard]] nlohmann::json to_json() const override;  // {"status", "rows": [...]}
  void findings(std::vector<Finding>& out) const override;

  template <class V>
  void fields(V& v) {
    v.outcome(status, reason);
    v("rows", rows);
  }
};

nlohmann::json row_to_json(const Row& row);
// "PPTP", "L2TP/IPsec", "IKEv2" for a row's VPN key ("pptp", "ikev1", "ikev2"); "VPN" for "any".
std::string vpn_label(const std::string& method);

}  // namespace legacyscan::matrix
