// SPDX-License-Identifier: Apache-2.0
// Event XML into passive facts: the schema of http://schemas.microsoft.com/win/2004/08/events/event
// as wevtutil qe /f:xml, Event Viewer's "Save as XML" and libevtx (the .evtx reader) write it. The
// XML carries no rendered message, so the EventData names of the events legacyscan reads are given
// the message labels their handlers look for (the labels and names side by side in Microsoft
// Learn's pages for 4624, 4768, 4769 and NTLM/Operational 8004; see docs/passive.md). Only the few
// elements an event has are read: a small scanner, not a general XML parser, bounded in what it keeps.
#include <cstdint>
#include <string>
#include <string_view>

#include "src/passive/events_event.hpp"

namespace legacyscan::passive {

namespace {

constexpr std::size_t kMaxData = 256;  // EventData items kept per event

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The five predefined entities and character references; anything else is kept as written.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i];
      continue;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::uint32_t cp = 0;
      bool ok = ent.size() > (hex ? 2u : 1u);
      for (std::size_t k = hex ? 2 : 1; ok && k < ent.size(); ++k) {
        const char c = ent[k];
        const int d = c >= '0' && c <= '9'          ? c - '0'
                      : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                    : -1;
        ok = d >= 0 && cp < 0x110000;
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d < 0 ? 0 : d);
      }
      if (!ok) {
        out += s[i];
        continue;
      }
      append_utf8(out, cp);
    } else {
      out += s[i];
      continue;
    }
    i = semi;
  }
  return out;
}

// One start tag: its name, attributes text, whether it closes itself, and where it ends.
struct Tag {
  std::string_view name;
  std::string_view attrs;
  bool empty = false;
  std::size_t start = 0;  // the '<'
  std::size_t end = 0;    // just past '>'
};

// The next start tag at or after pos (comments, declarations and end tags are skipped).
bool next_tag(std::string_view x, std::size_t pos, Tag& t) {
  while ((pos = x.find('<', pos)) != std::string_view::npos) {
    const auto close = x.find('>', pos);
    if (close == std::string_view::npos) return false;
    if (pos + 1 < x.size() && (x[pos + 1] == '/' || x[pos + 1] == '?' || x[pos + 1] == '!')) {
      pos = close + 1;
      continue;
    }
    std::string_view body = x.substr(pos + 1, close - pos - 1);
    t.empty = !body.empty() && body.back() == '/';
    if (t.empty) body.remove_suffix(1);
    const auto sp = body.find_first_of(" \t\r\n");
    t.name = body.substr(0, sp);
    t.attrs = sp == std::string_view::npos ? std::string_view() : body.substr(sp);
    t.start = pos;
    t.end = close + 1;
    return true;
  }
  return false;
}

std::string attr(std::string_view attrs, std::string_view name) {
  std::size_t pos = 0;
  while ((pos = attrs.find(name, pos)) != std::string_view::npos) {
    const bool starts =
        pos == 0 || attrs[pos - 1] == ' ' || attrs[pos - 1] == '\t' || attrs[pos - 1] == '\n' || attrs[pos - 1] == '\r';
    std::size_t i = pos + name.size();
    while (i < attrs.size() && attrs[i] == ' ') ++i;
    if (starts && i + 1 < attrs.size() && attrs[i] == '=') {
      ++i;
      while (i < attrs.size() && attrs[i] == ' ') ++i;
      if (i < attrs.size() && (attrs[i] == '"' || attrs[i] == '\'')) {
        const auto q = attrs.find(attrs[i], i + 1);
        if (q != std::string_view::npos) return unescape(attrs.substr(i + 1, q - i - 1));
      }
    }
    pos += name.size();
  }
  return "";
}

// The text of an element whose start tag is t (up to the next '<').
std::string text_of(std::string_view x, const Tag& t) {
  if (t.empty) return "";
  const auto lt = x.find('<', t.end);
  return unescape(x.substr(t.end, (lt == std::string_view::npos ? x.size() : lt) - t.end));
}

struct Label {
  const char* data;
  const char* label;
};

// EventData names -> the message labels the handlers read, in the order the message shows them
// (4624 names the subject before the new logon: the handler takes the last Account Name).
void add_labels(Event& e) {
  static constexpr Label k4624[] = {{"SubjectUserName", "Account Name"},
                                    {"SubjectDomainName", "Account Domain"},
                                    {"TargetUserName", "Account Name"},
                                    {"TargetDomainName", "Account Domain"},
                                    {"WorkstationName", "Workstation Name"},
                                    {"AuthenticationPackageName", "Authentication Package"},
                                    {"LmPackageName", "Package Name (NTLM only)"},
                                    {"IpAddress", "Source Network Address"}};
  static constexpr Label k4768[] = {{"TargetUserName", "Account Name"},
                                    {"TargetDomainName", "Supplied Realm Name"},
                                    {"ServiceName", "Service Name"},
                                    {"IpAddress", "Client Address"},
                                    {"Status", "Result Code"},
                                    {"TicketEncryptionType", "Ticket Encryption Type"},
                                    {"SessionKeyEncryptionType", "Session Encryption Type"}};
  static constexpr Label k4769[] = {{"TargetUserName", "Account Name"},
                                    {"TargetDomainName", "Account Domain"},
                                    {"ServiceName", "Service Name"},
                                    {"IpAddress", "Client Address"},
                                    {"Status", "Failure Code"},
                                    {"TicketEncryptionType", "Ticket Encryption Type"},
                                    {"SessionKeyEncryptionType", "Session Encryption Type"}};
  static constexpr Label k8004[] = {{"SChannelName", "Secure Channel name"},
                                    {"UserName", "User name"},
                                    {"DomainName", "Domain name"},
                                    {"WorkstationName", "Workstation name"}};
  auto apply = [&e](const auto& table) {
    for (const auto& [data, label] : table)
      if (auto it = e.data.find(data); it != e.data.end()) e.fields.emplace_back(label, it->second);
  };
  switch (e.id) {
    case 4624: apply(k4624); break;
    case 4768: apply(k4768); break;
    case 4769: apply(k4769); break;
    case 8004: apply(k8004); break;
    default: break;
  }
}

}  // namespace

bool event_from_xml(std::string_view x, Event& e, std::string& why) {
  Tag t;
  std::size_t pos = 0;
  bool seen_event = false, seen_id = false;
  while (next_tag(x, pos, t)) {
    pos = t.end;
    if (t.name == "Event") {
      if (seen_event) break;  // the next event: one at a time
      seen_event = true;
    } else if (t.name == "EventID") {
      const std::string v = text_of(x, t);
      try {
        std::size_t used = 0;
        e.id = std::stol(v, &used, 10);
        seen_id = used > 0;
      } catch (...) {
        seen_id = false;
      }
    } else if (t.name == "Provider") {
      e.provider = attr(t.attrs, "Name");
    } else if (t.name == "TimeCreated") {
      e.ts = parse_event_time(attr(t.attrs, "SystemTime"));
    } else if (t.name == "Channel") {
      e.log = text_of(x, t);
    } else if (t.name == "Computer") {
      e.machine = text_of(x, t);
    } else if (t.name == "Data" && e.properties.size() < kMaxData) {
      std::string v = text_of(x, t);
      const std::string name = attr(t.attrs, "Name");
      if (!name.empty()) e.data[name] = v;
      e.properties.push_back(std::move(v));
    }
  }
  if (!seen_event) {
    why = "no <Event> element";
    return false;
  }
  if (!seen_id) {
    why = "an event without a numeric <EventID>";
    return false;
  }
  add_labels(e);
  return true;
}

std::string read_events_xml(const std::string& text, const std::string& name, Report& report) {
  const std::string_view x(text);
  std::size_t pos = 0, count = 0;
  Tag t;
  while (next_tag(x, pos, t)) {
    if (t.name != "Event") {
      pos = t.end;
      continue;
    }
    const auto end = x.find("</Event>", t.end);
    const auto stop = t.empty ? t.end : (end == std::string_view::npos ? x.size() : end + 8);
    Event e;
    std::string why;
    if (!event_from_xml(x.substr(t.start, stop - t.start), e, why))
      return name + ": event " + std::to_string(count + 1) + ": " + why;
    use_event(report, e);
    ++count;
    pos = stop;
  }
  if (count == 0)
    return name + ": XML without <Event> elements (expected wevtutil qe /f:xml or evtxexport -f xml output)";
  return {};
}

}  // namespace legacyscan::passive
