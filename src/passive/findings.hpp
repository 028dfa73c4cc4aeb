// SPDX-License-Identifier: Apache-2.0
// Text helpers of the findings (findings.cpp), shared with the table rendering (report.cpp) and the
// capture what-if (capture_whatif.cpp). Internal to passive mode; findings() itself is in passive.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "src/passive/passive.hpp"

namespace legacyscan::passive {

// The first `max` values of a tally, "a, b, c, ..." when there are more.
std::string keys(const Tally& t, std::size_t max = 6);
// "1 handshake", "3 handshakes".
std::string plural(std::uint64_t n, const char* word);
// The rank of a finding id, most serious first (unknown ids last).
std::size_t severity(const std::string& id);
// The remote-access findings of a client (remote_handler.cpp): pptp, ike-aggressive, ike-v1, dtls1.0,
// rdp-standard-security.
void remote_findings(const Client& c, std::vector<Finding>& out);

}  // namespace legacyscan::passive
