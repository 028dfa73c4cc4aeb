// SPDX-License-Identifier: Apache-2.0
// One exported Windows event as the event readers see it (events.cpp reads the exports; the KDC's
// events are handled in events_kdc.cpp). Internal to the passive floor.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/passive/passive.hpp"

namespace legacyscan::passive {

struct Event {
  std::int64_t id = 0;
  std::string provider;
  std::string log;
  std::string machine;
  std::int64_t ts = 0;
  std::string message;
  std::vector<std::string> properties;
  // "Label: value" pairs of the message, in order (labels repeat, e.g. Account Name in 4624).
  std::vector<std::pair<std::string, std::string>> fields;

  [[nodiscard]] std::string first(std::string_view label) const {
    for (const auto& [k, v] : fields)
      if (k == label) return v;
    return "";
  }
  [[nodiscard]] std::string last(std::string_view label) const {
    std::string out;
    for (const auto& [k, v] : fields)
      if (k == label) out = v;
    return out;
  }
  [[nodiscard]] std::string prop(std::size_t i) const { return i < properties.size() ? properties[i] : ""; }
  // The n-th (0-based) value of a label that repeats (4769's "MSDS-SupportedEncryptionTypes" of the
  // account, then the service, then the DC).
  [[nodiscard]] std::string nth(std::string_view label, std::size_t n) const {
    for (const auto& [k, v] : fields)
      if (k == label && n-- == 0) return v;
    return "";
  }
  // EventData by name, when the export kept it (JSON with an EventData object): "TicketEncryptionType".
  std::map<std::string, std::string> data;
  [[nodiscard]] std::string named(const std::string& name) const {
    const auto it = data.find(name);
    return it == data.end() ? "" : it->second;
  }
};

// Counts the event, parses its message's labels and hands it to the handlers (events.cpp).
void use_event(Report& r, Event& e);
// "2017-12-13T14:48:13.3196436Z", "/Date(1700000000000)/", "12/13/2017 2:48:13 PM" -> microseconds.
std::int64_t parse_event_time(const std::string& s);

// Event XML (<Event><System>...</System><EventData>...</EventData></Event>, as wevtutil, Event
// Viewer's "Save as XML" and libevtx write it) into an Event: the System fields, the EventData by
// name and in order, and for the events legacyscan reads the message labels their handlers use.
// False (with why) when the text is not one event.
bool event_from_xml(std::string_view xml, Event& e, std::string& why);
// A file of such events (one or more <Event> elements, within <Events> or not).
std::string read_events_xml(const std::string& text, const std::string& name, Report& report);
// Native .evtx files (events_evtx.cpp, libevtx): true when the file starts with the EVTX signature
// or is named *.evtx (then a wrong signature is the error).
bool is_evtx_file(const std::string& path);
std::string read_evtx_file(const std::string& path, Report& report);

// The client an event names: by address when it has one, else by host name, else nullptr (events.cpp).
Client* client_for(Report& r, const std::string& address, const std::string& name, std::int64_t ts);

// The session-level audits (events_session.cpp): NTLM/Operational 4020-4025 (NTLM use and NTLMv1-derived
// credentials on Windows 11 24H2 and Server 2025) and SMBClient/Security 31017 (an insecure guest logon
// the client rejected). True when the event gave a fact.
bool handle_session_audit_event(Report& r, const Event& e);

// The Kerberos events' per-account facts (events_kdc.cpp): 4768/4769 (the fields Windows added in
// 2025) and the KDCSVC System events 201-209 of the 2026 RC4 audit. True when the event gave a fact.
// `address` is the event's client address, cleaned ("" when none).
bool handle_kdc_account_event(Report& r, const Event& e, const std::string& address = {});

}  // namespace legacyscan::passive
