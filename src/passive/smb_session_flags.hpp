// SPDX-License-Identifier: Apache-2.0
// What a server's successful SESSION_SETUP answer says about the session it granted: SMB2
// SessionFlags IS_NULL, IS_GUEST and ENCRYPT_DATA ([MS-SMB2] 2.2.6), SMB1 Action SMB_SETUP_GUEST
// ([MS-SMB] 2.2.4.6.2). Counted per client as "null", "guest" and "encrypted" sessions: a guest
// session is the insecure guest logon Windows 10/11 Enterprise and Windows 11 24H2 refuse.
#pragma once

#include <cstdint>

#include "legacyscan/bytes.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::passive {

// `response`: a whole SMB2 SESSION_SETUP response with Status STATUS_SUCCESS.
void note_smb2_session_flags(SmbFacts& f, ByteView response, std::int64_t ts);
// `response`: a whole SMB1 SESSION_SETUP_ANDX response with Status STATUS_SUCCESS.
void note_smb1_setup_action(SmbFacts& f, ByteView response, std::int64_t ts);

}  // namespace legacyscan::passive
