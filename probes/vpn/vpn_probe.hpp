// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include "legacyscan/engine/probe.hpp"

namespace legacyscan {
std::unique_ptr<Probe> make_vpn_probe();
}
