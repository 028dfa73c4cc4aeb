// SPDX-License-Identifier: Apache-2.0
// The one explicit list of probes, in the order results are shown. Add a probe here and nowhere else.
#include "legacyscan/probe.hpp"
#include "probes/smb/smb_probe.hpp"

namespace legacyscan {

const std::vector<std::unique_ptr<Probe>>& all_probes() {
  static const std::vector<std::unique_ptr<Probe>> probes = [] {
    std::vector<std::unique_ptr<Probe>> v;
    v.push_back(make_smb_probe());
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
