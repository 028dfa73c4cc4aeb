// SPDX-License-Identifier: Apache-2.0
// One OS line per host, reconciled from the three places a DC tells its Windows version: the NTLM
// CHALLENGE Version field (smb), the rootDSE domainControllerFunctionality and the DS_FLAG bits of
// the LDAP ping (ldap). When they disagree, the line says which source says what and why.
#pragma once

#include <optional>

#include "legacyscan/engine/engine.hpp"

namespace legacyscan {

// The finding {probe "host", check "host.os", label "OS"}, or nullopt when no source named a version.
std::optional<Finding> reconciled_os(const HostResult& host);

}  // namespace legacyscan
