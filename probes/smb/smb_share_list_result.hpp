// SPDX-License-Identifier: Apache-2.0
// The shares a server lists to a session (NetrShareEnum, [MS-SRVS] 3.1.4.8; RAP NetShareEnum,
// [MS-RAP] 2.5.6). JSON key names are a
// contract (docs/schema); each struct lists them once in fields().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/status.hpp"

namespace legacyscan::smb {

struct ListedShare {
  std::string name;  // UTF-16 that is not valid (an unpaired surrogate) is shown as "\uD800"
  std::string type;  // level 1: "disk", "ipc, special", ...
  std::string comment;
  std::optional<bool> invalid_utf16;  // true when the name or comment was not valid UTF-16

  template <class V>
  void fields(V& v) {
    v("name", name);
    v.optional("type", type);
    v.optional("comment", comment);
    v.optional("invalid_utf16", invalid_utf16);
  }
};

// One enumeration, in the session it ran in. Outcome ok when the server answered the call (a
// refusal, WERROR or DCE-RPC fault, is in `answer`).
struct ShareList {
  Outcome outcome;
  std::string session;  // "anonymous", "guest", "user"
  std::string via;      // "smb2 3.1.1"
  // "srvsvc" (NetrShareEnum over DCE/RPC) or "rap" (RAP NetShareEnum over \PIPE\LANMAN, SMB1 only,
  // when srvsvc was refused or missing; `srvsvc_answer` says what srvsvc answered).
  std::string method = "srvsvc";
  std::string srvsvc_answer;
  std::string answer;  // "WERR_OK", "WERR_ACCESS_DENIED (0x00000005)", "DCE-RPC fault ...", RAP: "NERR_Success"
  std::optional<std::uint32_t> level;
  std::optional<std::uint32_t> total_entries;  // what the server says it has
  std::vector<ListedShare> shares;
  std::string note;  // a cap that applied

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("session", session);
    v.optional("via", via);
    v("method", method);
    v.optional("srvsvc_answer", srvsvc_answer);
    if (!v.when(outcome.ok())) return;
    v("answer", answer);
    v.optional("level", level);
    v.optional("total_entries", total_entries);
    v("shares", shares);
    v.optional("note", note);
  }
};

}  // namespace legacyscan::smb
