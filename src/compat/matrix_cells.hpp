// SPDX-License-Identifier: Apache-2.0
// The matrix's cells that need no exchange of their own: what the other probes' results say (the SMB
// port a client would use, the TLS endpoints, the realm), the LDAP and NetBIOS cells (those probes
// already sent what these clients send), why a TLS hello was refused, and a profile's row assembled
// from its replayed offers (the matrix probe replays them) and these cells.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probes/kerberos/kerberos_result.hpp"
#include "probes/ldap/ldap_result.hpp"
#include "probes/matrix/matrix_result.hpp"
#include "probes/netbios/netbios_result.hpp"
#include "probes/smb/smb_result.hpp"
#include "probes/tls/tls_result.hpp"
#include "src/compat/accounts_result.hpp"
#include "src/compat/matrix_remote.hpp"
#include "src/compat/profiles.hpp"

namespace legacyscan::matrix {

Cell make_cell(CellVerdict v, std::string reason, std::string negotiated = {});

// The other probes' results (handed over as JSON by the engine, read back through their fields()) and
// what the matrix reads from them.
struct ScanInputs {
  std::optional<smb::SmbResult> smb;
  std::optional<kerberos::KerberosResult> kerberos;
  std::optional<tls::TlsResult> tls;
  std::optional<ldap::LdapResult> ldap;
  std::optional<netbios::NetbiosResult> netbios;
  std::optional<std::uint16_t> smb_port;  // the SMB port a client would use: 445 when it answers, else 139
  std::vector<std::uint16_t> tls_ports;   // the direct-TLS endpoints that answered
  std::map<std::uint16_t, tls::Endpoint> tls_endpoint;
  std::string realm, principal;  // the kerberos probe's
  std::uint16_t kerberos_port = 88;
  bool kerberos_ready = false;  // a realm and a principal to replay AS-REQs with
  std::optional<rdp::RdpResult> rdp;
  std::optional<vpn::VpnResult> vpn;
  // With --accounts: the account whose service the clients reach (--kerberos-service, else the kerberos
  // probe's principal) and its audited row, when the audit has it (owned by the caller).
  std::string service_name;
  const accounts::AccountResult* service_account = nullptr;
};
ScanInputs read_scan_inputs(const std::optional<nlohmann::json>& smb, const std::optional<nlohmann::json>& kerberos,
                            const std::optional<nlohmann::json>& tls, const std::optional<nlohmann::json>& ldap,
                            const std::optional<nlohmann::json>& netbios);

// The rdp and vpn probes' results, read the same way.
void read_remote_inputs(ScanInputs& in, const std::optional<nlohmann::json>& rdp,
                        const std::optional<nlohmann::json>& vpn);

// The cell of one replayed offer (each distinct offer is replayed once, before the rows are assembled).
struct Replayed {
  std::function<Cell(const SmbOffer&)> smb;
  std::function<Cell(const KerberosOffer&)> kerberos;
  std::function<Cell(const TlsStack&, std::uint16_t port)> tls;
  std::function<Cell(const VpnUse&)> ikev2;  // the client's IKE_SA_INIT, on the vpn probe's IKEv2 port
};

// A profile's row: its replayed cells, the LDAP and NetBIOS cells, and the overall verdict.
Row assemble_row(const ClientProfile& p, const ScanInputs& in, const Replayed& replayed);

// What signing means for a negotiated SMB session, from the client's policy and the server's
// SecurityMode. SMB2+ signs only when one side requires it ([MS-SMB2] 3.2.4.1.1, 3.3.5.2.4); SMB1 signs
// whenever both sides enable it ([MS-CIFS] 3.2.4.2.4: a client with signing enabled signs when the
// server's SecurityMode enables it).
Cell smb_signing_cell(const SmbOffer& client, bool server_enabled, bool server_required, const std::string& negotiated,
                      bool smb1);

std::optional<Cell> ldap_cell(const LdapUse& client, const std::optional<ldap::LdapResult>& ldap);
std::optional<Cell> netbios_cell(const NetbiosUse& client, const std::optional<netbios::NetbiosResult>& nb);

// Why a server refused a client's hello, from what the tls probe measured on that port: no version
// in common, or no suite in common at the versions both speak. Empty when the probe's results say the
// hello should have worked (then the refusal itself is all there is to say).
std::string tls_refusal_explained(const TlsStack& client, const tls::Endpoint& endpoint);

}  // namespace legacyscan::matrix
