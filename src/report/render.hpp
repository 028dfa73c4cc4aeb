// SPDX-License-Identifier: Apache-2.0
// The report model: one typed view of a scan (hosts, their compatibility matrix, the evidence each
// probe measured, the policy results), built from the scan's JSON document. Every rendering beyond
// JSON (terminal matrix, Markdown, CSV, HTML) reads this model, so `scan --format html` and
// `report saved.json --format html` produce the same file.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::report {

// One cell of the matrix: a verdict from the closed set works/degraded/fails/unknown.
struct Cell {
  std::string verdict = "unknown";
  std::string reason;
  std::string negotiated;
  std::string stack;         // TLS: the client stack the verdict belongs to (the worst one)
  std::vector<Cell> stacks;  // TLS: every simulated stack (each with its own stack name)
};

// A matrix column: "smb", "kerberos", "tls" (with a port, or "any"), "ldap", "netbios", "rdp" (with a
// port), "vpn" (with "pptp", "ikev1", "ikev2" or "any").
struct Column {
  std::string protocol;
  std::string port;                               // TLS, RDP: "636", "3389", "any"; VPN: "ikev2"
  [[nodiscard]] std::string label() const;        // "SMB", "Kerberos", "TLS 636"
  [[nodiscard]] std::string short_label() const;  // "SMB", "KRB", "TLS636" (terminal)
  bool operator==(const Column&) const = default;
};

struct ClientRow {
  std::string profile;
  std::string name;
  std::string verdict = "unknown";
  std::vector<std::pair<Column, Cell>> cells;  // in column order
  [[nodiscard]] const Cell* cell(const Column& c) const;
};

// How one probe ended; what it measured is in the host's findings of that probe.
struct Evidence {
  std::string probe;
  std::string status;
  std::string reason;
};

// One finding of a probe, as hosts[].findings[] has it: the check rows of the table and the findings
// every report lists first.
struct FindingRow {
  std::string probe;
  std::string port;  // "445/tcp", "" for a probe-wide finding
  std::string check;
  std::string verdict;  // info, good, warn, bad, failed
  std::string value;
  std::string evidence;
};

struct PolicyLine {
  std::string rule;
  std::string host;
  bool passed = false;
  std::string evidence;
};

struct Host {
  std::string target;
  std::string address;
  std::string host_name;
  std::string started;
  std::string finished;
  std::vector<Column> columns;  // the union of the rows' cells, in a fixed order
  std::vector<ClientRow> clients;
  std::optional<std::string> matrix_status;  // why the matrix could not be computed
  std::vector<Evidence> evidence;
  std::vector<FindingRow> findings;
  std::vector<PolicyLine> policy;
  [[nodiscard]] std::string title() const;  // "dc1.example.test (10.0.0.5)"
  // Down, as nmap says: no probe got an answer (a host without probes counts as up).
  [[nodiscard]] bool down() const;
};

struct Report {
  std::string tool_version;
  std::string started;
  std::string finished;
  bool complete = true;
  std::vector<Host> hosts;
  bool has_policy = false;
  bool policy_passed = true;
};

// From a scan document (`scan --format json`, or `merge` of JSON lines); the error names the first
// key that does not fit the schema.
Decoded<Report> report_from_json(const nlohmann::json& doc);

// Counts per verdict of a host's clients.
struct Tally {
  std::size_t works = 0, degraded = 0, fails = 0, unknown = 0;
};
Tally tally(const Host& h);

// How the terminal report is laid out.
struct TextOptions {
  bool colour = false;
  bool details = false;    // every check row and the whole matrix, not only what to fix
  bool show_down = false;  // list the hosts without an answer (default: counted)
  std::size_t width = 100;
};

// Terminal: the matrix (rows = clients, columns = protocols, a short word per cell and a legend),
// then the host summary. Fits in `width` columns (TLS ports fold into one worst-of column when
// needed). Colour only when asked.
void render_terminal_matrix(std::ostream& out, const Host& host, bool colour, std::size_t width = 100);
// The clients' tally and the reason of each failing client; `brief` keeps each reason to one line and
// leaves out the list of degraded clients.
void render_terminal_summary(std::ostream& out, const Host& host, bool colour, std::size_t width = 100,
                             bool brief = false);
// The table of `scan` and `report` (render_screen.cpp): per host a summary line, the BAD/WARN findings and
// the matrix summary; with details every check row and the whole matrix. The last line counts hosts and
// BAD/WARN findings.
void render_terminal_report(std::ostream& out, const Report& r, const TextOptions& options);

// Per host the BAD then WARN findings ("Fix first"), then the matrix, the reasons, the probes and the policy.
void render_markdown(std::ostream& out, const Report& r);
// One row per host x profile x protocol (x TLS port), RFC 4180 quoting, CRLF line ends.
void render_csv(std::ostream& out, const Report& r);
// Format csv-findings: one row per finding (host, address, probe, port, check, verdict, value, evidence),
// per host the bad ones, then the warn ones, then the rest in table order; every port, none folded.
void render_csv_findings(std::ostream& out, const Report& r);
// One self-contained HTML file: inline CSS, no scripts, a CSP that forbids every fetch. Per host the
// BAD/WARN findings, the matrix, then each probe's findings; `details` adds the checks that mislead
// more than they tell (the NetBIOS Unit ID).
void render_html(std::ostream& out, const Report& r, const TextOptions& options = {});

// RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled).
std::string csv_field(const std::string& s);

}  // namespace legacyscan::report
