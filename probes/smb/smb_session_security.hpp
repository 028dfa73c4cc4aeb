// SPDX-License-Identifier: Apache-2.0
// The signing and encryption keys of a granted SMB2/3 session ([MS-SMB2] 3.2.5.3.1): from the
// NTLM session key and what the connection negotiated, which the channel's transcript holds (the
// NEGOTIATE response's dialect and 3.1.1 contexts, and the messages the preauth integrity hash is
// computed over).
#pragma once

#include <optional>
#include <string>

#include "probes/smb/smb_channel.hpp"
#include "src/proto/smb2/smb2_security.hpp"

namespace legacyscan::smb {

// The channel must hold the whole exchange: NEGOTIATE request and response, then the SESSION_SETUP
// requests and responses, the last one being the final (successful) response. nullopt with `why`
// when it does not.
std::optional<Smb2SessionKeys> session_keys_from(const SmbChannel& ch, ByteView session_key, std::string& why);

}  // namespace legacyscan::smb
