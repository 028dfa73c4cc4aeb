// SPDX-License-Identifier: Apache-2.0
// One scanned host as the analyses over results (policy, whatif, diff, the matrix's cells) read it:
// each probe's typed result read back from the host's JSON through the probe's own fields(), its
// findings and its matrix rows. The same view serves a live scan and a saved file, so no analysis
// reads a probe's JSON by key strings.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "probes/kerberos/kerberos_result.hpp"
#include "probes/ldap/ldap_result.hpp"
#include "probes/matrix/matrix_result.hpp"
#include "probes/netbios/netbios_result.hpp"
#include "probes/rdp/rdp_result.hpp"
#include "probes/smb/smb_result.hpp"
#include "probes/tls/tls_result.hpp"
#include "probes/vpn/vpn_result.hpp"
#include "src/compat/accounts_result.hpp"

namespace legacyscan {

// A probe's entry in the host: absent (not run), present but unreadable (a file from another
// version), or its typed result.
template <class T>
struct ProbeView {
  bool ran = false;
  std::optional<T> result;  // set when it ran and could be read
  std::string unreadable;   // why it could not be read, when it ran

  // The result when the probe ran with status ok; otherwise nullptr and `why` says why it cannot judge.
  const T* ok(const char* name, std::string& why) const;
};

struct HostView {
  std::string target;
  std::string address;
  ProbeView<smb::SmbResult> smb;
  ProbeView<tls::TlsResult> tls;
  ProbeView<kerberos::KerberosResult> kerberos;
  ProbeView<ldap::LdapResult> ldap;
  ProbeView<netbios::NetbiosResult> netbios;
  ProbeView<vpn::VpnResult> vpn;
  ProbeView<rdp::RdpResult> rdp;
  ProbeView<accounts::AccountsResult> accounts;  // `legacyscan accounts`, under probes.accounts
  std::vector<Finding> findings;                 // hosts[].findings[] (derived from the results for older files)
  bool has_matrix = false;
  std::vector<matrix::Row> matrix;

  // "target (address)", or the target alone when they are the same.
  [[nodiscard]] std::string label() const;
};

// The view of one host object of a scan document (hosts[]). Never throws: a part that cannot be read
// is left out, with the reason in that probe's `unreadable`.
HostView read_host_view(const nlohmann::json& host);

// The SMB port a client would use: 445 when it answered, else 139, else any port that answered.
const smb::PortResult* client_smb_port(const smb::SmbResult& smb);

}  // namespace legacyscan
