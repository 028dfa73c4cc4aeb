// SPDX-License-Identifier: Apache-2.0
// Null, guest and encrypted SMB sessions from the server's SESSION_SETUP answers (see
// smb_session_flags.hpp).
#include "src/passive/smb_session_flags.hpp"

#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::passive {

void note_smb2_session_flags(SmbFacts& f, ByteView response, std::int64_t ts) {
  auto s = smb::decode_smb2_session_setup_response(response);
  if (!s || !s->response) return;
  const std::uint16_t flags = s->response->SessionFlags;
  if (flags & smb::SMB2_SESSION_FLAG_IS_NULL) f.session_flags.hit("null", ts);
  if (flags & smb::SMB2_SESSION_FLAG_IS_GUEST) f.session_flags.hit("guest", ts);
  if (flags & smb::SMB2_SESSION_FLAG_ENCRYPT_DATA) f.session_flags.hit("encrypted", ts);
}

void note_smb1_setup_action(SmbFacts& f, ByteView response, std::int64_t ts) {
  auto s = smb::decode_smb1_session_setup_response(response);
  if (s && !s->is_error() && (s->Action & smb::SMB_SETUP_GUEST)) f.session_flags.hit("guest", ts);
}

}  // namespace legacyscan::passive
