// SPDX-License-Identifier: Apache-2.0
// An SMB cell beyond the negotiate: what the session needs after the dialect is agreed. A server that
// requires encryption refuses a client that cannot encrypt (SMB 2.1 and older, [MS-SMB2] 3.3.5.5);
// otherwise one of the client's authentication paths must work (matrix_auth), and a guest session, which
// has no key, cannot satisfy a client that requires signing ([MS-SMB2] 3.2.5.3.1).
#pragma once

#include "probes/matrix/matrix_result.hpp"
#include "src/compat/matrix_auth.hpp"
#include "src/compat/profiles.hpp"

namespace legacyscan::matrix {

// Why the client cannot encrypt the session it negotiated ("the client speaks SMB 2.1"), empty when it can.
std::string cannot_encrypt(const SmbOffer& client, const Cell& transport);

// The SMB cell from the negotiate's cell (`transport`) and the server's sessions in `facts`.
Cell smb_session_cell(Cell transport, const SmbOffer& smb, const AuthUse& auth, AuthFacts facts);

}  // namespace legacyscan::matrix
