// SPDX-License-Identifier: Apache-2.0
#include "src/compat/host_view.hpp"

#include "legacyscan/engine/fields.hpp"

namespace legacyscan {

using nlohmann::json;

namespace {

template <class T>
void read_probe(const json& probes, const char* name, ProbeView<T>& out) {
  if (!probes.is_object() || !probes.contains(name)) return;
  out.ran = true;
  try {
    out.result = fields::read<T>(probes.at(name));
  } catch (const std::exception& e) {
    out.unreadable = e.what();
  }
}

}  // namespace

template <class T>
const T* ProbeView<T>::ok(const char* name, std::string& why) const {
  if (!ran) {
    why = std::string(name) + " probe not run: cannot check";
    return nullptr;
  }
  if (!result) {
    why = std::string(name) + " result unreadable (" + unreadable + "): cannot check";
    return nullptr;
  }
  if (result->status != Status::ok) {
    why = std::string(name) + " probe " + std::string(to_string(result->status)) + ": " + result->reason;
    return nullptr;
  }
  return &*result;
}

template struct ProbeView<smb::SmbResult>;
template struct ProbeView<tls::TlsResult>;
template struct ProbeView<kerberos::KerberosResult>;
template struct ProbeView<ldap::LdapResult>;
template struct ProbeView<netbios::NetbiosResult>;
template struct ProbeView<vpn::VpnResult>;
template struct ProbeView<rdp::RdpResult>;
template struct ProbeView<accounts::AccountsResult>;

std::string HostView::label() const {
  return address.empty() || address == target ? target : target + " (" + address + ")";
}

HostView read_host_view(const json& host) {
  HostView v;
  if (!host.is_object()) return v;
  auto text = [&](const char* key) {
    return host.contains(key) && host.at(key).is_string() ? host.at(key).get<std::string>() : std::string();
  };
  v.target = text("target");
  v.address = text("address");
  const json probes = host.contains("probes") ? host.at("probes") : json::object();
  read_probe(probes, "smb", v.smb);
  read_probe(probes, "tls", v.tls);
  read_probe(probes, "kerberos", v.kerberos);
  read_probe(probes, "ldap", v.ldap);
  read_probe(probes, "netbios", v.netbios);
  read_probe(probes, "vpn", v.vpn);
  read_probe(probes, "rdp", v.rdp);
  read_probe(probes, "accounts", v.accounts);
  if (host.contains("findings") && host.at("findings").is_array())
    for (const auto& f : host.at("findings")) try {
        v.findings.push_back(fields::read<Finding>(f));
      } catch (const std::exception&) {
        // A finding this version cannot read is left out; the rest still renders.
      }
  if (host.contains("matrix") && host.at("matrix").is_array()) {
    v.has_matrix = true;
    for (const auto& r : host.at("matrix")) try {
        v.matrix.push_back(fields::read<matrix::Row>(r));
      } catch (const std::exception&) {
      }
  }
  // A file written before findings were part of the JSON: the same findings, from the typed results.
  if (!host.contains("findings")) {
    auto add = [&](const char* name, const auto& probe) {
      if (!probe.result) return;
      const auto first = v.findings.size();
      probe.result->findings(v.findings);
      for (auto i = first; i < v.findings.size(); ++i) v.findings[i].probe = name;
    };
    add("smb", v.smb);
    add("kerberos", v.kerberos);
    add("tls", v.tls);
    add("ldap", v.ldap);
    add("netbios", v.netbios);
    add("vpn", v.vpn);
    add("rdp", v.rdp);
    add("accounts", v.accounts);
    if (v.has_matrix) {
      matrix::MatrixResult m;
      m.rows = v.matrix;
      const auto first = v.findings.size();
      m.findings(v.findings);
      for (auto i = first; i < v.findings.size(); ++i) v.findings[i].probe = "matrix";
    }
  }
  return v;
}

const smb::PortResult* client_smb_port(const smb::SmbResult& smb) {
  for (const std::uint16_t want : {std::uint16_t{445}, std::uint16_t{139}})
    for (const auto& p : smb.ports)
      if (p.port == want && p.outcome.ok()) return &p;
  for (const auto& p : smb.ports)
    if (p.outcome.ok()) return &p;
  return nullptr;
}

}  // namespace legacyscan
