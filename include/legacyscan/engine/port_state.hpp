// SPDX-License-Identifier: Apache-2.0
// Closed ports as findings. A port that refuses the connection (TCP RST, ICMP port unreachable) is a
// fact about the host, not a check that failed: its finding reads "closed (...)", as info, or good where
// closing the port is the hardening (the NetBIOS ports). A host on which every probed port is closed
// shows one line instead of one per check.
#pragma once

#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "legacyscan/engine/status.hpp"

namespace legacyscan {

// The answer of a closed port: refused.
[[nodiscard]] inline bool is_closed(const Outcome& o) { return o.status == Status::refused; }

// "closed (connect: connection refused)" for a port whose outcome is_closed().
[[nodiscard]] Finding closed_port(std::string port, std::string check, std::string label, const Outcome& o,
                                  Verdict verdict = Verdict::info);

// A finding made by closed_port() (or one whose value says the port is closed).
[[nodiscard]] bool is_closed_finding(const Finding& f);

// When every finding of a host is a closed port or a check skipped for want of an answer, replaces them
// with one finding (probe "host", check "host.closed") that lists the closed ports.
void collapse_closed_host(std::vector<Finding>& findings);

}  // namespace legacyscan
