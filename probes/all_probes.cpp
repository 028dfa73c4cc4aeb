// SPDX-License-Identifier: Apache-2.0
// The one explicit list of probes, in the order results are shown. Add a probe here and nowhere else.
// Each entry is guarded by LEGACYSCAN_PROBE_<NAME>, which CMake defines for every probe folder it builds
// (all of them unless -DLEGACYSCAN_PROBES limits the build).
#include "legacyscan/engine/probe.hpp"

#ifdef LEGACYSCAN_PROBE_SMB
#include "probes/smb/smb_probe.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_TLS
#include "probes/tls/tls_probe.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_KERBEROS
#include "probes/kerberos/kerberos_probe.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_LDAP
#include "probes/ldap/ldap_probe.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_NETBIOS
#include "probes/netbios/netbios_probe.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_RDP
#include "probes/rdp/rdp_probe.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_VPN
#include "probes/vpn/vpn_probe.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_MATRIX
#include "probes/matrix/matrix_probe.hpp"
#endif

namespace legacyscan {

const std::vector<std::unique_ptr<Probe>>& all_probes() {
  static const std::vector<std::unique_ptr<Probe>> probes = [] {
    std::vector<std::unique_ptr<Probe>> v;
#ifdef LEGACYSCAN_PROBE_SMB
    v.push_back(make_smb_probe());
#endif
#ifdef LEGACYSCAN_PROBE_TLS
    v.push_back(make_tls_probe());
#endif
#ifdef LEGACYSCAN_PROBE_KERBEROS
    v.push_back(make_kerberos_probe());
#endif
#ifdef LEGACYSCAN_PROBE_LDAP
    v.push_back(make_ldap_probe());
#endif
#ifdef LEGACYSCAN_PROBE_NETBIOS
    v.push_back(make_netbios_probe());
#endif
#ifdef LEGACYSCAN_PROBE_RDP
    v.push_back(make_rdp_probe());
#endif
#ifdef LEGACYSCAN_PROBE_VPN
    v.push_back(make_vpn_probe());
#endif
    // Last: the compatibility matrix reads every protocol probe's result.
#ifdef LEGACYSCAN_PROBE_MATRIX
    v.push_back(make_matrix_probe());
#endif
    return v;
  }();
  return probes;
}

const Probe* find_probe(std::string_view name) {
  for (const auto& p : all_probes())
    if (p->name() == name) return p.get();
  return nullptr;
}

}  // namespace legacyscan
