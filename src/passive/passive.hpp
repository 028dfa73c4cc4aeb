// SPDX-License-Identifier: Apache-2.0
// Passive mode: who still uses SMB1, NTLMv1, TLS < 1.2, RC4/DES, cleartext LDAP binds or the NetBIOS
// SAM LOGON, read from packet captures (libpcap) or exported Windows audit events. The result is
// one typed report per input, keyed by client; JSON, table and CSV are renderings of it.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::passive {

// How often something was seen and when (microseconds since 1970-01-01 UTC; 0 = unknown time).
struct Seen {
  std::uint64_t count = 0;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  void hit(std::int64_t ts_us, std::uint64_t n = 1);
  void merge(const Seen& o);
};

// Distinct values with their counts. At most kMaxTallyKeys values are kept; the rest count under
// "(other)" so that hostile input cannot grow memory without bound.
inline constexpr std::size_t kMaxTallyKeys = 256;
struct Tally {
  std::map<std::string, Seen> values;
  void hit(const std::string& value, std::int64_t ts_us, std::uint64_t n = 1);
  [[nodiscard]] bool has(const std::string& value) const { return values.count(value) != 0; }
  [[nodiscard]] std::uint64_t count(const std::string& value) const;
  [[nodiscard]] bool empty() const { return values.empty(); }
};

// One SMB session (SMB2 SessionId, SMB1 UID) as judged at its LOGOFF or the end of its connection:
// the requests after its SESSION_SETUP that were signed (or encrypted) and those that were not. The
// requests every SMB 3.x client signs whatever the session does (TREE_CONNECT, [MS-SMB2] 3.2.4.1.1;
// FSCTL_VALIDATE_NEGOTIATE_INFO, 3.2.5.14.12) are not counted.
struct SmbSession {
  std::string server;  // "10.0.0.1:445"
  std::string id;      // "0x000000004f16ba81"
  std::string auth;    // as in SmbFacts::auth ("" when the SESSION_SETUP was not seen)
  std::uint64_t signed_requests = 0;
  std::uint64_t unsigned_requests = 0;
};
inline constexpr std::size_t kMaxSessionList = 64;  // per client; the counts below include the rest

struct SmbFacts {
  Seen connections;        // TCP connections that carried an SMB NEGOTIATE
  Tally dialects_offered;  // "NT LM 0.12", "SMB 2.002", "2.0.2" ... "3.1.1"
  Tally negotiated;        // the dialect each connection settled on
  Seen smb1_sessions;      // connections that negotiated SMB1
  Tally ports;             // "445", "139"
  Seen sessions;           // sessions established (every SessionId/UID of a connection)
  Seen signed_sessions;    // sessions whose counted requests were all signed (or encrypted)
  Seen unsigned_sessions;  // sessions with at least one unsigned counted request
  Seen signed_requests;    // the counted requests of all sessions (SmbSession)
  Seen unsigned_requests;
  std::vector<SmbSession> session_list;
  Tally auth;           // "NTLMv2", "NTLMv1", "LM", "kerberos", "anonymous", "plaintext"
  Tally session_flags;  // sessions the server granted as "null", "guest", "encrypted" (SessionFlags)
  Tally servers;        // "10.0.0.1:445"
  // Servers whose insecure guest logon this client refused (SMBClient/Security event 31017): the
  // server offered nothing but guest access.
  Tally guest_rejected;
};

struct TlsPortFacts {
  Seen handshakes;
  Tally versions_offered;  // every version the ClientHello offered
  Tally max_version_offered;
  Tally negotiated;     // "TLS 1.0"
  Tally cipher_suites;  // chosen suite
  Tally sni;
  // Per negotiated version, the suites chosen on the connections that negotiated it: "TLS 1.0" ->
  // {TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA}, never the TLS 1.3 suites of the client's other connections.
  std::map<std::string, Tally> negotiated_suites;
};
struct TlsFacts {
  Seen handshakes;
  Tally versions_offered;
  Tally max_version_offered;
  Tally negotiated;
  Tally cipher_suites;
  Tally sni;
  Tally servers;
  std::map<std::string, Tally> negotiated_suites;  // as in TlsPortFacts
  std::map<std::uint16_t, TlsPortFacts> ports;     // per server port (636 LDAPS, 443 HTTPS ...)
};

struct KerberosFacts {
  Tally requests;            // "AS-REQ", "TGS-REQ"
  Tally etypes_offered;      // each etype in a request's list
  Tally offers;              // the whole list as sent: "aes256-cts-hmac-sha1-96,rc4-hmac"
  Tally ticket_etypes;       // Ticket.enc-part.etype of AS-REP/TGS-REP (the service key)
  Tally session_key_etypes;  // TGS-REP enc-part.etype (the TGT session key)
  Tally reply_key_etypes;    // AS-REP enc-part.etype (the client's long-term key)
  Tally transports;          // "udp", "tcp"
  Seen response_too_big;     // KRB_ERR_RESPONSE_TOO_BIG (52): the client must retry over TCP
  Tally errors;              // KRB-ERROR codes by name
  Tally principals;          // cname@realm of AS-REQs
  Tally services;            // sname of TGS-REQs
  // AP-REQs inside application protocols (SMB SESSION_SETUP, LDAP SASL binds, DCE-RPC binds): the
  // service ticket's etype per service ("cifs/dc1.example.test: rc4-hmac"), the authenticator's
  // etype (the ticket's session key), and the protocol that carried it. Seen even when port 88 was not.
  Tally ap_req_ticket_etypes;
  Tally ap_req_authenticator_etypes;
  Tally ap_req_via;
  Tally servers;
};

struct LdapFacts {
  Seen binds;
  Tally simple_binds_cleartext;  // DN of each simple bind with a password on a connection without TLS
  Seen anonymous_binds;          // simple binds with an empty password
  Tally sasl_binds;              // mechanism
  Tally sasl_signed;             // mechanism, when the traffic after the bind was SASL-wrapped
  Tally sasl_unsigned;           // mechanism, when the traffic after the bind stayed plain LDAP
  Tally bind_results;            // "success", "strongerAuthRequired" ...
  Seen starttls;
  Seen cldap_pings;  // LDAP pings over UDP ([MS-ADTS] 6.3.3)
  Seen tcp_pings;    // LDAP pings over TCP
  Tally ntver;       // NtVer of the pings: "V5EX|V5EP"
  Tally servers;
};

struct NetbiosFacts {
  Seen sam_logon_requests;  // netlogon::LOGON_SAM_LOGON_REQUEST to \MAILSLOT\NET\NETLOGON
  Seen primary_queries;     // netlogon::LOGON_PRIMARY_QUERY
  Tally mailslot_ntver;     // NtVersion of those requests
  Tally name_queries;       // "DC1<20>"
  Seen node_status_queries;
  Tally registrations;  // names the client registered ("HOST<00>")
  Tally servers;
};

struct NtlmFacts {
  Tally versions;  // "NTLMv2", "NTLMv1", "LM", "anonymous"
  Tally users;     // "DOMAIN\user"
  Tally workstations;
  Tally via;      // "smb", "ldap", "dcerpc", "event"
  Tally servers;  // the server the client authenticated to (when known)
};

// Netlogon secure channel audits (System 5827-5831, 5838-5841): events only.
struct NetlogonFacts {
  Tally events;    // "5829 vulnerable Netlogon secure channel allowed"
  Tally accounts;  // machine/trust account names
};

struct Finding {
  std::string id;        // "smb1", "ntlmv1", "lm", "tls1.0", "tls1.1", "ssl3", "ssl2", "rc4", "des",
                         // "ldap-cleartext-bind", "ldap-unsigned-sasl", "smb-unsigned", "sam-logon",
                         // "netbios-name-query", "cldap", "netlogon-unsealed"
  std::string protocol;  // "smb", "tls", "kerberos", "ldap", "netbios", "ntlm", "netlogon"
  std::string evidence;  // human-readable, e.g. "negotiated NT LM 0.12 with 10.0.0.1:445 (2 connections)"
  std::uint64_t count = 0;
};

// Remote-access protocols (remote_handler.cpp): PPTP, IKE first messages, DTLS hellos, RDP servers
// that chose standard RDP security for this client.
struct RemoteFacts {
  Seen pptp;                       // PPTP Start-Control-Connection-Requests (RFC 2637 2.1)
  Seen ike_v1_main_mode;           // IKEv1 Main Mode first messages
  Seen ike_v1_aggressive;          // IKEv1 Aggressive Mode first messages (PSK hash offline-crackable)
  Tally ike_v1_proposals;          // each transform offered: "3DES-CBC/SHA1/PSK/modp1024"
  Seen ike_v2_sa_init;             // IKEv2 IKE_SA_INIT requests
  Tally ike_v2_transforms;         // their transforms: "ENCR_AES_CBC-256", "modp1024"
  Seen ike_nat_t;                  // IKE first messages on 4500 (behind the non-ESP marker)
  Seen dtls_client_hellos;         // DTLS ClientHellos
  Tally dtls_max_version_offered;  // their client_version: "dtls1.0", "dtls1.2"
  Tally dtls_negotiated;           // the ServerHello's version
  Seen rdp_standard_security;      // connections whose server selected PROTOCOL_RDP (or did not negotiate)
  // The servers of each kind ("addr:port"), so that each finding names its own.
  Tally pptp_servers, ike_servers, dtls_servers, rdp_servers;
};

struct Client {
  std::string address;  // "10.0.0.5" ("" when an event named only a host)
  Tally names;          // NetBIOS/host names seen for it
  Seen seen;
  std::optional<SmbFacts> smb;
  std::optional<TlsFacts> tls;
  std::optional<KerberosFacts> kerberos;
  std::optional<LdapFacts> ldap;
  std::optional<NetbiosFacts> netbios;
  std::optional<NtlmFacts> ntlm;
  std::optional<NetlogonFacts> netlogon;
  std::optional<RemoteFacts> remote;
  RemoteFacts& remote_facts() { return remote ? *remote : remote.emplace(); }
  SmbFacts& smb_facts() { return smb ? *smb : smb.emplace(); }
  TlsFacts& tls_facts() { return tls ? *tls : tls.emplace(); }
  KerberosFacts& kerberos_facts() { return kerberos ? *kerberos : kerberos.emplace(); }
  LdapFacts& ldap_facts() { return ldap ? *ldap : ldap.emplace(); }
  NetbiosFacts& netbios_facts() { return netbios ? *netbios : netbios.emplace(); }
  NtlmFacts& ntlm_facts() { return ntlm ? *ntlm : ntlm.emplace(); }
  NetlogonFacts& netlogon_facts() { return netlogon ? *netlogon : netlogon.emplace(); }
};

// What was read and how well.
struct SourceStats {
  std::string kind;  // "pcap", "events"
  std::vector<std::string> inputs;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t undecodable_packets = 0;  // not IP/TCP/UDP, or malformed headers
  std::uint64_t tso_packets = 0;          // IPv4 total length 0 (segmentation offload): captured length used
  std::uint64_t ip_fragments = 0;         // skipped (not reassembled)
  std::uint64_t tcp_flows = 0;
  std::uint64_t partial_flows = 0;  // gaps, missing segments, or data left undecoded at the end
  std::uint64_t evicted_flows = 0;  // dropped from the flow table to bound memory
  std::uint64_t decode_errors = 0;  // protocol messages that did not decode
  std::uint64_t events = 0;         // events read
  std::uint64_t events_used = 0;    // events that gave a fact
  // The events that gave none, counted by why: "event 4624 without the fields it needs (...)".
  std::map<std::string, std::uint64_t> events_skipped;
  std::uint64_t peak_flows = 0;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::vector<std::string> warnings;  // e.g. a capture file cut short: what was read is still reported
};

// What an event export says about a server rather than a client (Directory Service 2887 summaries,
// Schannel handshakes, NTLM 8002 incoming-traffic audits): counts keyed by fact.
struct ServerSummary {
  std::string name;  // the event's MachineName
  Tally facts;       // "2887 simple binds without SSL/TLS", "Schannel TLS 1.0 handshake" ...
};

// One Kerberos account as the KDC's events name it (4768/4769, KDCSVC 201-209): the etypes of its
// tickets and session keys, its msDS-SupportedEncryptionTypes and keys as the event shows them, and
// the RC4 audit events that named it. Who still gets RC4 is read from here.
struct KerberosAccountFacts {
  std::string name;
  Tally roles;               // "client" (4768, the client of 4769), "service" (the service of 4769)
  Tally ticket_etypes;       // Ticket Encryption Type: the service's key (4769), the TGT's (4768)
  Tally session_key_etypes;  // Session Encryption Type
  Tally supported_etypes;    // msDS-SupportedEncryptionTypes as the event writes it
  Tally available_keys;      // "Available Keys" of the account
  Tally kdcsvc_events;       // "201", "205" ... (System log, KDCSVC)
  // Who used the account: "ADDRESS\tCLIENT\tVIA\tETYPE", VIA "tgs" for a service ticket to it (ETYPE
  // the ticket's, i.e. the service's key), "as" for its own TGT (ETYPE the session key's). Tab-separated
  // keys keep one bounded Tally; to_json splits them into used_by[] objects.
  Tally used_by;
  [[nodiscard]] bool gets_rc4() const;
};

struct Report {
  SourceStats source;
  std::map<std::string, ServerSummary> servers;
  std::map<std::string, KerberosAccountFacts> kerberos_accounts;  // by lower-case name
  std::map<std::string, Client> clients;  // by address (or "name:HOST" when no address is known)

  Client& client(const std::string& address, std::int64_t ts_us);
  Client& client_by_name(const std::string& name, std::int64_t ts_us);
};

// ---- the analyzer ---------------------------------------------------------------------------------

// Memory bounds of the analyzer (per flow direction and in total).
struct Limits {
  std::size_t max_flows = 65536;               // TCP flows tracked at once
  std::size_t max_stream_buffer = 256 * 1024;  // bytes buffered per direction for one message
  std::size_t max_out_of_order = 256 * 1024;   // bytes held ahead of a gap per direction
  std::int64_t idle_timeout_us = 300'000'000;  // a flow silent this long (capture time) is closed
};

class Analyzer {
 public:
  explicit Analyzer(Limits limits = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // One captured frame of the given libpcap link type.
  void packet(int link_type, std::int64_t ts_us, ByteView frame, std::size_t wire_length);
  // Closes every open flow (end of input) and returns the report.
  Report finish();
  // A problem that does not stop the analysis (a truncated capture file), kept in source.warnings.
  void warn(const std::string& message);
  [[nodiscard]] std::size_t open_flows() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The findings of one client (what is legacy, with evidence), most serious first.
std::vector<Finding> findings(const Client& c);

// ---- inputs ------------------------------------------------------------------------------------

// Reads capture files (pcap or pcapng; "-" is standard input) in order into one analyzer.
// Returns an error message, or empty on success. `stop` is polled between packets.
std::string read_capture_files(const std::vector<std::string>& files, Analyzer& analyzer,
                               const std::function<bool()>& stop = {});
// A capture held in memory (tests, fuzzing).
std::string read_capture_buffer(ByteView data, Analyzer& analyzer);
// Live capture from an interface until stop() returns true or `max_packets` (0: no limit) were read.
std::string read_live(const std::string& interface, const std::string& bpf_filter, std::uint64_t max_packets,
                      Analyzer& analyzer, const std::function<bool()>& stop);
// The BPF filter used for live capture by default: the ports passive mode decodes.
std::string default_capture_filter();
// True when the first bytes look like a pcap or pcapng file.
bool looks_like_capture(ByteView head);

// Windows events exported by Get-WinEvent | ConvertTo-Json, or | Export-Csv. Returns an error
// message (unreadable file, neither format) or empty.
std::string read_events_text(const std::string& text, const std::string& name, Report& report);
std::string read_events_file(const std::string& path, Report& report);

// ---- output ------------------------------------------------------------------------------------

nlohmann::json to_json(const Report& r);
std::string to_table(const Report& r, std::size_t top = 10);
std::string to_csv(const Report& r);

// ---- what if -------------------------------------------------------------------------------------

struct CaptureWhatIfRow {
  std::string address;
  std::vector<std::string> names;
  std::string change;   // "smb1 off", "ldap-signing required"
  std::string verdict;  // "breaks", "at-risk"
  std::string evidence;
};
// Which clients of a report break when the given features are switched off / required (the names of
// `legacyscan whatif --disable/--require`). Unknown names are an error (message in `error`).
std::optional<std::vector<CaptureWhatIfRow>> capture_whatif(const Report& r, const std::vector<std::string>& disable,
                                                            const std::vector<std::string>& require,
                                                            std::string& error);
nlohmann::json capture_whatif_to_json(const std::vector<CaptureWhatIfRow>& rows,
                                      const std::vector<std::string>& disable, const std::vector<std::string>& require);

// "2024-05-01T12:34:56Z" from microseconds since 1970.
std::string rfc3339_from_us(std::int64_t us);

}  // namespace legacyscan::passive
