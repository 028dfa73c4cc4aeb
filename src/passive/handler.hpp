// SPDX-License-Identifier: Apache-2.0
// The protocol handlers of the passive analyzer: each turns the messages of one protocol into facts
// about the client. A TCP handler is fed the reassembled bytes of one connection, each direction in
// order, from a message boundary (flow_table.hpp, tcp_reassembly.hpp); the datagram handlers take one
// UDP payload. Internal to passive mode: the public interface is passive.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "legacyscan/bytes.hpp"
#include "src/passive/passive.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"

namespace legacyscan::passive {

// What a handler does with buffered bytes of one direction.
struct Consume {
  std::size_t consumed = 0;  // bytes used from the front of the buffer
  std::size_t skip = 0;      // further bytes to drop without buffering (a large message's body)
  bool need_more = false;    // wait for more bytes
  bool stop = false;         // nothing more of interest in this direction
};

class Handler {
 public:
  virtual ~Handler() = default;
  // dir 0: client -> server, 1: server -> client. `data` starts at a message boundary.
  virtual Consume consume(int dir, ByteView data, std::int64_t ts) = 0;
  // A handler that wants to hand the stream over (LDAP StartTLS -> TLS).
  virtual std::unique_ptr<Handler> replacement() { return nullptr; }
  virtual bool complete() const { return true; }  // false: the flow ended before the handler saw what it waited for
  // The flow is closing (FIN/RST, idle, evicted, end of input): report what was kept per connection.
  virtual void finish() {}
};

// Per-connection facts shared by handlers.
struct ConnInfo {
  Report* report = nullptr;
  std::string client;  // address
  std::string server;  // "addr:port"
  std::uint16_t server_port = 0;
  SourceStats* stats = nullptr;
  Client& cl(std::int64_t ts) { return report->client(client, ts); }
};

// ---- TCP connections, one handler per protocol ----

std::unique_ptr<Handler> make_smb_handler(ConnInfo ci);                  // smb_handler.cpp
std::unique_ptr<Handler> make_tls_handler(ConnInfo ci);                  // tls_handler.cpp
std::unique_ptr<Handler> make_starttls_text_handler(ConnInfo ci);        // tls_handler.cpp
std::unique_ptr<Handler> make_rdp_handler(ConnInfo ci);                  // tls_handler.cpp
std::unique_ptr<Handler> make_kerberos_tcp_handler(ConnInfo ci);         // kerberos_handler.cpp
std::unique_ptr<Handler> make_ldap_handler(ConnInfo ci, bool tls_port);  // ldap_handler.cpp
std::unique_ptr<Handler> make_dcerpc_handler(ConnInfo ci);               // dcerpc_handler.cpp
std::unique_ptr<Handler> make_http_handler(ConnInfo ci);                 // http_handler.cpp
std::unique_ptr<Handler> make_pptp_handler(ConnInfo ci);                 // remote_handler.cpp

// ---- datagrams ----

// One Kerberos message (a UDP datagram, or a TCP record without its length).
void kerberos_message(ConnInfo& ci, int dir, ByteView msg, bool tcp, std::int64_t ts);
// A client's CLDAP datagram to port 389: the LDAP ping ([MS-ADTS] 6.3.3).
void cldap_request(ConnInfo& ci, ByteView datagram, std::int64_t ts);
// NetBIOS name service (port 137) and datagram service (port 138) requests.
void netbios_name_service(ConnInfo& ci, ByteView payload, std::int64_t ts);
void netbios_datagram(ConnInfo& ci, ByteView payload, std::int64_t ts);
// A name service response: a node status response names its sender, which is kept when that
// address is a client of the report already (a responder alone does not make a client).
void netbios_name_response(Report& report, const std::string& responder, ByteView payload, std::int64_t ts);

struct Endpoint;  // tcp_reassembly.hpp, which includes this file

// IKE on 500/udp and 4500/udp, DTLS hellos on any port, an RDP Connection Confirm (remote_handler.cpp).
void ike_datagram(ConnInfo& ci, int dir, ByteView payload, std::int64_t ts);
bool is_dtls_datagram(ByteView payload);
void dtls_datagram(Report& report, const Endpoint& from, const Endpoint& to, bool ipv6, ByteView payload,
                   std::int64_t ts);
void rdp_confirm(ConnInfo& ci, ByteView pdu, std::int64_t ts);

// ---- security tokens shared by SMB and LDAP (auth.cpp) ----

void record_ntlm(ConnInfo& ci, const ntlm::NtlmAuthenticateMessage& a, const char* via, std::int64_t ts);
// The service ticket and authenticator etypes of a Kerberos AP-REQ, bare or in a GSS-API token.
void record_ap_req(ConnInfo& ci, ByteView token, const char* via, std::int64_t ts);
// "kerberos", an NTLM version, or "" from a security blob (SPNEGO init/resp or raw NTLMSSP).
std::string auth_from_blob(ConnInfo& ci, ByteView blob, const char* via, std::int64_t ts);

// ---- DCE-RPC authentication (dcerpc_handler.cpp), over TCP and inside SMB named pipes ----

// A bind, alter_context or rpc_auth_3 PDU: the ones that carry the client's security token.
bool is_auth_pdu(ByteView pdu);
// The NTLM (or SPNEGO) token of such a PDU, recorded with via "dcerpc".
void dcerpc_auth(ConnInfo& ci, ByteView pdu, std::int64_t ts);

}  // namespace legacyscan::passive
