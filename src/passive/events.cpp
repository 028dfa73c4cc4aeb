// SPDX-License-Identifier: Apache-2.0
// Exported Windows events (Get-WinEvent ... | ConvertTo-Json, or | Export-Csv) into passive facts.
// Each event's rendered Message is parsed for its "Label: value" fields (the only form both export
// formats keep); for JSON exported with -Depth 3 the positional Properties are a fallback. Which
// fields each event carries, and the Microsoft documentation they come from: docs/passive.md.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "legacyscan/engine/input_file.hpp"
#include "legacyscan/json_text.hpp"
#include "src/passive/events_event.hpp"
#include "src/passive/passive.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::passive {

namespace {

using nlohmann::json;

std::string trim(std::string s) {
  const char* ws = " \t\r\n\"";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

// "Account Name:", "Package Name (NTLM only):": text before the first colon made of letters,
// spaces, parentheses, hyphens and slashes, starting with a letter.
bool is_label_line(const std::string& line) {
  const auto colon = line.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 80) return false;
  if (!std::isalpha(static_cast<unsigned char>(line[0]))) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const unsigned char ch = static_cast<unsigned char>(line[i]);
    if (!std::isalpha(ch) && ch != ' ' && ch != '(' && ch != ')' && ch != '-' && ch != '/' && ch != '_') return false;
  }
  return true;
}

// "Label:<tabs>value" lines; a label whose value is empty takes the next non-empty line when that
// line is not itself a label (the Directory Service 2889 layout: "Client IP address:" then
// "10.0.0.5:52340" on its own line).
void parse_fields(Event& e) {
  std::vector<std::string> lines;
  std::stringstream ss(e.message);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  for (std::size_t i = 0; i < lines.size() && e.fields.size() < 256; ++i) {
    const auto colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    std::string key = trim(lines[i].substr(0, colon));
    std::string value = trim(lines[i].substr(colon + 1));
    if (key.empty() || key.size() > 80) continue;
    if (value.empty()) {
      for (std::size_t j = i + 1; j < lines.size(); ++j) {
        const std::string next = trim(lines[j]);
        if (next.empty()) continue;
        if (is_label_line(next)) break;
        value = next;
        i = j;
        break;
      }
    }
    e.fields.emplace_back(key, value);
  }
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "/Date(1700000000000)/" (Windows PowerShell 5.1), ISO 8601 with optional fraction and offset
// (PowerShell 7), or "M/D/YYYY h:mm:ss AM" (Export-Csv, en-US). 0 when unparseable.
bool plausible(int y, int mo, int d, int h, int mi, int se) {
  return y >= 1601 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 &&
         mi <= 59 && se >= 0 && se <= 60;
}

}  // namespace

std::int64_t parse_event_time(const std::string& s) {
  long long ms = 0;
  if (std::sscanf(s.c_str(), "/Date(%lld", &ms) == 1)
    return ms > 0 && ms < 253402300800000LL ? static_cast<std::int64_t>(ms) * 1000 : 0;  // up to year 9999
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  char sep = 0;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &se, &n) == 7) {
    if (!plausible(y, mo, d, h, mi, se)) return 0;
    std::int64_t us =
        (days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se) *
        1000000;
    std::size_t i = static_cast<std::size_t>(n);
    if (i < s.size() && s[i] == '.') {
      std::int64_t frac = 0, scale = 1000000;
      for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i)
        if (scale > 1) frac = frac * 10 + (s[i] - '0'), scale /= 10;
      us += frac * scale;
    }
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      int oh = 0, om = 0;
      if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) >= 1)
        us += (s[i] == '+' ? -1 : 1) * static_cast<std::int64_t>(oh * 3600 + om * 60) * 1000000;
    }
    return us;
  }
  char ampm[3] = {0, 0, 0};
  if (std::sscanf(s.c_str(), "%d/%d/%d %d:%d:%d %2s", &mo, &d, &y, &h, &mi, &se, ampm) >= 6) {
    if (!plausible(y, mo, d, h, mi, se)) return 0;
    if ((ampm[0] == 'P' || ampm[0] == 'p') && h < 12) h += 12;
    if ((ampm[0] == 'A' || ampm[0] == 'a') && h == 12) h = 0;
    return (days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se) *
           1000000;
  }
  return 0;
}

namespace {

std::int64_t parse_time(const std::string& s) { return parse_event_time(s); }

// "::ffff:10.0.0.5" -> "10.0.0.5"; "10.0.0.5:52340" -> "10.0.0.5"; "[fd00::5]:389" -> "fd00::5";
// "-" and "" -> "".
std::string clean_address(std::string a) {
  a = trim(a);
  if (a == "-" || a == "::1" || a.empty()) return a == "::1" ? a : "";
  if (a.rfind("::ffff:", 0) == 0) a = a.substr(7);
  if (!a.empty() && a[0] == '[') {
    const auto close = a.find(']');
    return close == std::string::npos ? a.substr(1) : a.substr(1, close - 1);
  }
  if (std::count(a.begin(), a.end(), ':') == 1) a = a.substr(0, a.find(':'));
  return a;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& hay, std::string_view needle) { return lower(hay).find(needle) != std::string::npos; }

std::string json_scalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  return json_text(v);
}

std::string field(const json& o, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto it = o.find(n); it != o.end()) {
      if (it->is_object()) {  // e.g. TimeCreated as {"value": ..., "DateTime": ...}
        if (auto v = it->find("value"); v != it->end()) return json_scalar(*v);
        if (auto v = it->find("DateTime"); v != it->end()) return json_scalar(*v);
      }
      return json_scalar(*it);
    }
  return "";
}

// EventData by name: {"EventData": {"TicketEncryptionType": "0x17", ...}} or, as XML turned into
// JSON, {"EventData": {"Data": [{"Name": "...", "#text"|"Value": "..."}]}} (also under "Event").
void read_event_data(const json& o, Event& e) {
  const json* d = nullptr;
  if (auto it = o.find("EventData"); it != o.end()) d = &*it;
  if (auto ev = o.find("Event"); !d && ev != o.end() && ev->is_object())
    if (auto it = ev->find("EventData"); it != ev->end()) d = &*it;
  if (!d || !d->is_object()) return;
  if (auto data = d->find("Data"); data != d->end() && data->is_array()) {
    for (const auto& item : *data)
      if (item.is_object() && item.contains("Name") && e.data.size() < 256)
        e.data[json_scalar(item["Name"])] = field(item, {"#text", "Value", "value"});
    return;
  }
  for (const auto& [k, v] : d->items())
    if (!v.is_structured() && e.data.size() < 256) e.data[k] = json_scalar(v);
}

// ---- the event handlers ----

std::int32_t parse_number(const std::string& s) {
  try {
    std::size_t used = 0;
    const long v = std::stol(s, &used, 0);  // "0x17" or "23"
    return static_cast<std::int32_t>(v);
  } catch (...) {
    return -1;
  }
}

std::string strip_dollar(std::string n) {
  if (!n.empty() && n.back() == '$') n.pop_back();
  return n;
}

}  // namespace

Client* client_for(Report& r, const std::string& address, const std::string& name, std::int64_t ts) {
  const std::string a = clean_address(address);
  if (!a.empty()) {
    Client& c = r.client(a, ts);
    if (!name.empty() && name != "-") c.names.hit(name, ts);
    return &c;
  }
  if (!name.empty() && name != "-" && name != "(NULL)") return &r.client_by_name(name, ts);
  return nullptr;
}

namespace {

bool handle(Report& r, const Event& e) {
  const std::int64_t ts = e.ts;
  const std::string provider = lower(e.provider) + " " + lower(e.log);
  switch (e.id) {
    case 3000: {  // Microsoft-Windows-SMBServer/Audit: SMB1 access
      if (!contains(provider, "smb") && !contains(e.message, "smb1")) return false;
      std::string addr = e.first("Client Address");
      if (addr.empty()) addr = e.prop(0);
      Client* c = client_for(r, addr, "", ts);
      if (!c) return false;
      SmbFacts& s = c->smb_facts();
      s.connections.hit(ts);
      s.smb1_sessions.hit(ts);
      s.negotiated.hit("SMB1", ts);
      s.servers.hit(e.machine, ts);
      return true;
    }
    case 4768:
    case 4769: {  // Security: Kerberos TGT / service ticket requested
      const bool per_account = handle_kdc_account_event(r, e, clean_address(e.first("Client Address")));
      Client* c = client_for(r, e.first("Client Address"), "", ts);
      if (!c) return per_account;
      KerberosFacts& k = c->kerberos_facts();
      k.requests.hit(e.id == 4768 ? "AS-REQ" : "TGS-REQ", ts);
      k.servers.hit(e.machine, ts);
      const std::string result = e.first(e.id == 4768 ? "Result Code" : "Failure Code");
      if (!result.empty() && parse_number(result) != 0)
        k.errors.hit("event " + std::to_string(e.id) + " code " + result, ts);
      const std::int32_t etype = parse_number(e.first("Ticket Encryption Type"));
      if (etype > 0) k.ticket_etypes.hit(kerberos::etype_name(etype), ts);
      const std::int32_t session = parse_number(e.first("Session Encryption Type"));
      if (session > 0) k.session_key_etypes.hit(kerberos::etype_name(session), ts);
      const std::string account = e.first("Account Name");
      const std::string realm = e.id == 4768 ? e.first("Supplied Realm Name") : e.first("Account Domain");
      if (!account.empty())
        k.principals.hit(account + (realm.empty() || account.find('@') != std::string::npos ? "" : "@" + realm), ts);
      if (e.id == 4769) {
        const std::string svc = e.first("Service Name");
        if (!svc.empty()) k.services.hit(svc, ts);
      }
      return true;
    }
    case 201:
    case 202:
    case 203:
    case 204:
    case 205:
    case 206:
    case 207:
    case 208:
    case 209:  // System (KDCSVC): the RC4 audit of the 2026 change (KB5073381)
      return handle_kdc_account_event(r, e);
    case 4624: {  // Security: an account was logged on (the NTLM package name)
      const std::string package = e.first("Package Name (NTLM only)");
      const std::string auth = e.first("Authentication Package");
      if (package.empty() || package == "-") return false;
      Client* c = client_for(r, e.first("Source Network Address"), e.first("Workstation Name"), ts);
      if (!c) return false;
      std::string v = package;
      if (v == "NTLM V1")
        v = "NTLMv1";
      else if (v == "NTLM V2")
        v = "NTLMv2";
      NtlmFacts& n = c->ntlm_facts();
      n.versions.hit(v, ts);
      const std::string user = e.last("Account Name"), domain = e.last("Account Domain");
      if (!user.empty() && user != "-") n.users.hit((domain.empty() || domain == "-" ? "" : domain + "\\") + user, ts);
      const std::string ws = e.first("Workstation Name");
      if (!ws.empty() && ws != "-") n.workstations.hit(ws, ts);
      n.via.hit("event 4624 (" + (auth.empty() ? std::string("NTLM") : auth) + ")", ts);
      n.servers.hit(e.machine, ts);
      return true;
    }
    case 2889: {  // Directory Service: unsigned SASL or cleartext simple bind by one client
      std::string addr = e.first("Client IP address");
      std::string identity = e.first("Identity the client attempted to authenticate as");
      std::string binding = e.first("Binding Type");
      if (addr.empty()) addr = e.prop(0);
      if (identity.empty()) identity = e.prop(1);
      if (binding.empty()) binding = e.prop(2);
      Client* c = client_for(r, addr, "", ts);
      if (!c) return false;
      LdapFacts& l = c->ldap_facts();
      l.binds.hit(ts);
      l.servers.hit(e.machine, ts);
      if (binding == "1")
        l.simple_binds_cleartext.hit(identity.empty() ? "(unknown)" : identity, ts);
      else
        l.sasl_unsigned.hit("SASL (event 2889, binding type " + (binding.empty() ? std::string("?") : binding) + ")",
                            ts);
      return true;
    }
    case 2887: {  // Directory Service: 24-hour summary of such binds (no client addresses)
      ServerSummary& s = r.servers[e.machine];
      s.name = e.machine;
      std::int64_t simple = -1, sasl = -1;
      for (const auto& [k, v] : e.fields) {
        if (contains(k, "simple binds"))
          simple = parse_number(v);
        else if (contains(k, "without signing"))
          sasl = parse_number(v);
      }
      if (simple < 0) simple = parse_number(e.prop(0));
      if (sasl < 0) sasl = parse_number(e.prop(1));
      if (simple > 0) s.facts.hit("2887 simple binds without SSL/TLS (24 h)", ts, static_cast<std::uint64_t>(simple));
      if (sasl > 0) s.facts.hit("2887 SASL binds without signing (24 h)", ts, static_cast<std::uint64_t>(sasl));
      return simple >= 0 || sasl >= 0;
    }
    case 8001: {  // NTLM/Operational on a client: outgoing NTLM authentication
      Client* c = client_for(r, "", e.machine, ts);
      if (!c) return false;
      NtlmFacts& n = c->ntlm_facts();
      n.versions.hit("NTLM (version not logged)", ts);
      const std::string target = e.first("Target server");
      if (!target.empty()) n.servers.hit(target, ts);
      const std::string user = e.first("Supplied user"), domain = e.first("Supplied domain");
      if (!user.empty() && user != "(NULL)")
        n.users.hit((domain.empty() || domain == "(NULL)" ? "" : domain + "\\") + user, ts);
      n.via.hit("event 8001", ts);
      return true;
    }
    case 8002: {  // NTLM/Operational on a server: incoming NTLM (no client address in the event)
      ServerSummary& s = r.servers[e.machine];
      s.name = e.machine;
      s.facts.hit("8002 incoming NTLM authentication", ts);
      return true;
    }
    case 8003:
    case 8004: {  // NTLM/Operational on a server (8003) or DC (8004): NTLM authentication with a workstation name
      const std::string ws = e.id == 8004 ? e.first("Workstation name") : e.first("Workstation");
      Client* c = client_for(r, "", ws, ts);
      if (!c) {
        ServerSummary& s = r.servers[e.machine];
        s.name = e.machine;
        s.facts.hit(std::to_string(e.id) + " NTLM authentication without a workstation name", ts);
        return true;
      }
      NtlmFacts& n = c->ntlm_facts();
      n.versions.hit("NTLM (version not logged)", ts);
      const std::string user = e.id == 8004 ? e.first("User name") : e.first("User");
      const std::string domain = e.id == 8004 ? e.first("Domain name") : e.first("Domain");
      if (!user.empty() && user != "(NULL)")
        n.users.hit((domain.empty() || domain == "(NULL)" ? "" : domain + "\\") + user, ts);
      n.workstations.hit(ws, ts);
      const std::string via = e.id == 8004 ? e.first("Secure Channel name") : "";
      n.servers.hit(via.empty() ? e.machine : via, ts);
      n.via.hit("event " + std::to_string(e.id), ts);
      return true;
    }
    case 5827:
    case 5828:
    case 5829:
    case 5830:
    case 5831:
    case 5838:
    case 5839:
    case 5840:
    case 5841: {  // System (NETLOGON): vulnerable secure channel / RPC signing instead of sealing
      std::string account = e.first("Machine SamAccountName");
      if (account.empty()) account = e.first("Trust Name");
      if (account.empty()) account = e.first("Account Name");
      if (account.empty()) account = e.prop(0);
      Client* c = client_for(r, "", strip_dollar(account), ts);
      if (!c) return false;
      NetlogonFacts& n = c->netlogon_facts();
      static const std::map<std::int64_t, std::string> what{
          {5827, "5827 vulnerable secure channel denied (machine)"},
          {5828, "5828 vulnerable secure channel denied (trust)"},
          {5829, "5829 vulnerable secure channel allowed (machine)"},
          {5830, "5830 vulnerable secure channel allowed by policy (machine)"},
          {5831, "5831 vulnerable secure channel allowed by policy (trust)"},
          {5838, "5838 RPC signing instead of sealing (machine)"},
          {5839, "5839 RPC signing instead of sealing (trust)"},
          {5840, "5840 secure channel with RPC signing allowed (machine)"},
          {5841, "5841 secure channel with RPC signing allowed (trust)"}};
      n.events.hit(what.at(e.id), ts);
      const std::string os = e.first("Machine Operating System");
      n.accounts.hit(os.empty() ? account : account + " (" + os + " " + e.first("Machine Operating System Build") + ")",
                     ts);
      return true;
    }
    default:
      if (handle_session_audit_event(r, e)) return true;
      break;
  }
  if (contains(provider, "schannel")) {
    ServerSummary& s = r.servers[e.machine];
    s.name = e.machine;
    std::string version = e.first("Protocol version");
    if (version.empty()) version = e.first("Protocol");
    const std::string suite = e.first("CipherSuite");
    if (e.id == 36880 || e.id == 36881 || !version.empty()) {
      s.facts.hit("Schannel " + std::to_string(e.id) + " handshake " + (version.empty() ? "?" : version) +
                      (suite.empty() ? "" : " suite " + suite),
                  ts);
      return true;
    }
    // 36874 and similar: "A TLS 1.0 connection request was received ... none of the cipher suites".
    for (const char* v : {"SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"})
      if (e.message.find(v) != std::string::npos) {
        s.facts.hit("Schannel " + std::to_string(e.id) + " " + v + " connection refused", ts);
        return true;
      }
    s.facts.hit("Schannel " + std::to_string(e.id), ts);
    return true;
  }
  return false;
}

// Why handle() used nothing of an event: an id it reads but without the fields it needs, or an id it
// does not read at all.
std::string skip_reason(std::int32_t id) {
  static const std::set<std::int32_t> kRead{3000, 4768, 4769, 4624, 2889, 2887, 8001, 8002, 8003, 8004, 5827, 5828,
                                            5829, 5830, 5831, 5838, 5839, 5840, 5841, 201,  202,  203,  204,  205,
                                            206,  207,  208,  209,  4020, 4021, 4022, 4023, 4024, 4025, 31017};
  const std::string event = "event " + std::to_string(id);
  if (kRead.contains(id))
    return event + " without the fields it needs (a client address, an NTLM package name, a known message)";
  return event + " is not one legacyscan reads (see docs/passive.md)";
}

}  // namespace

void use_event(Report& r, Event& e) {
  ++r.source.events;
  parse_fields(e);
  if (e.ts) {
    if (r.source.first_us == 0 || e.ts < r.source.first_us) r.source.first_us = e.ts;
    r.source.last_us = std::max(r.source.last_us, e.ts);
  }
  if (handle(r, e))
    ++r.source.events_used;
  else
    ++r.source.events_skipped[skip_reason(e.id)];
}

namespace {

// ---- CSV (RFC 4180, fields may span lines) ----

bool csv_rows(const std::string& text, std::vector<std::vector<std::string>>& rows, std::string& err) {
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"')
          cell += '"', ++i;
        else
          quoted = false;
      } else {
        cell += ch;
      }
      continue;
    }
    if (ch == '"') {
      quoted = true;
      any = true;
    } else if (ch == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(cell));
      cell.clear();
      if (!(row.size() == 1 && row[0].empty() && !any)) rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      cell += ch;
      any = true;
    }
  }
  if (quoted) return err = "unterminated quoted field", false;
  if (!cell.empty() || !row.empty()) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return true;
}

}  // namespace

std::string read_events_text(const std::string& input, const std::string& name, Report& report) {
  report.source.kind = "events";
  report.source.inputs.push_back(name);
  std::string text = input;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
      static_cast<unsigned char>(text[2]) == 0xBF)
    text = text.substr(3);
  if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0xFF && static_cast<unsigned char>(text[1]) == 0xFE)
    return name + ": UTF-16 text; re-export with -Encoding utf8 (or convert with iconv -f UTF-16 -t UTF-8)";
  // evtxexport (libevtx-utils) writes its version on the first line, then the events' XML.
  if (text.rfind("evtxexport ", 0) == 0) text = text.substr(std::min(text.size(), text.find('\n')));
  const auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return name + ": empty file";
  if (text[start] == '<') return read_events_xml(text, name, report);
  if (text[start] == '[' || text[start] == '{') {
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) return name + ": not valid JSON (expected the output of Get-WinEvent ... | ConvertTo-Json)";
    if (doc.is_object()) doc = json::array({doc});
    if (!doc.is_array()) return name + ": expected a JSON array of events";
    for (const auto& o : doc) {
      if (!o.is_object()) return name + ": an array element is not an event object";
      Event e;
      const std::string id = field(o, {"Id", "EventID", "EventId"});
      if (id.empty()) return name + ": an event has no Id field";
      e.id = parse_number(id);
      e.provider = field(o, {"ProviderName", "Provider", "Source"});
      e.log = field(o, {"LogName", "Channel"});
      e.machine = field(o, {"MachineName", "Computer"});
      e.ts = parse_time(field(o, {"TimeCreated", "TimeGenerated"}));
      e.message = field(o, {"Message"});
      read_event_data(o, e);
      if (auto p = o.find("Properties"); p != o.end() && p->is_array())
        for (const auto& v : *p)
          e.properties.push_back(v.is_object() && v.contains("Value") ? json_scalar(v["Value"]) : json_scalar(v));
      use_event(report, e);
    }
    return {};
  }
  std::vector<std::vector<std::string>> rows;
  std::string err;
  if (!csv_rows(text, rows, err)) return name + ": CSV: " + err;
  if (!rows.empty() && !rows[0].empty() && rows[0][0].rfind("#TYPE", 0) == 0) rows.erase(rows.begin());
  if (rows.empty()) return name + ": no CSV header";
  const auto& header = rows[0];
  auto col = [&](std::initializer_list<const char*> names) -> int {
    for (const char* n : names)
      for (std::size_t i = 0; i < header.size(); ++i)
        if (lower(trim(header[i])) == lower(n)) return static_cast<int>(i);
    return -1;
  };
  const int c_id = col({"Id", "EventID", "Event ID"}), c_msg = col({"Message"});
  if (c_id < 0 || c_msg < 0)
    return name + ": neither a JSON event export nor a CSV with Id and Message columns (Get-WinEvent ... | Export-Csv)";
  const int c_provider = col({"ProviderName", "Source"}), c_log = col({"LogName"}), c_machine = col({"MachineName"}),
            c_time = col({"TimeCreated", "Date and Time"});
  auto cell = [](const std::vector<std::string>& row, int i) {
    return i >= 0 && static_cast<std::size_t>(i) < row.size() ? row[static_cast<std::size_t>(i)] : std::string();
  };
  for (std::size_t i = 1; i < rows.size(); ++i) {
    Event e;
    e.id = parse_number(cell(rows[i], c_id));
    if (e.id < 0) return name + ":" + std::to_string(i + 1) + ": Id is not a number";
    e.provider = cell(rows[i], c_provider);
    e.log = cell(rows[i], c_log);
    e.machine = cell(rows[i], c_machine);
    e.ts = parse_time(cell(rows[i], c_time));
    e.message = cell(rows[i], c_msg);
    use_event(report, e);
  }
  return {};
}

std::string read_events_file(const std::string& path, Report& report) {
  if (is_evtx_file(path)) return read_evtx_file(path, report);
  std::string error;
  const auto text = read_input_file(path, error);
  if (!text) return error;
  return read_events_text(*text, path, report);
}

}  // namespace legacyscan::passive
