// SPDX-License-Identifier: Apache-2.0
// The replay of a client's IKEv2 IKE_SA_INIT (RFC 7296 1.2): its proposals as it sends them, the KE
// payload for its first group, then, as the client does, once more with the group an
// INVALID_KE_PAYLOAD names when that group is one it proposes, and once more with an echoed COOKIE
// (RFC 7296 2.6). Only the first message is ever sent: no SA is completed.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "legacyscan/engine/probe.hpp"
#include "src/compat/matrix_remote.hpp"

namespace legacyscan::matrix {

boost::asio::awaitable<IkeV2Answer> replay_ikev2(ProbeContext& ctx, const VpnUse& client, std::uint16_t port);

}  // namespace legacyscan::matrix
