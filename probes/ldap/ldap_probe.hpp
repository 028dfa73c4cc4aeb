// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include "legacyscan/probe.hpp"

namespace legacyscan {
std::unique_ptr<Probe> make_ldap_probe();
}
