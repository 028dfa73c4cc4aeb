// SPDX-License-Identifier: Apache-2.0
// What a port grants after the dialect is agreed: the sessions the SMB probe tried (anonymous, guest,
// the user's, one per NTLM response type) and the trees it connected. JSON key names are a contract
// (docs/schema); each struct lists them once in fields().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/status.hpp"

namespace legacyscan::smb {

// One tree connect ([MS-SMB2] 2.2.9/2.2.10): outcome ok when the server answered it, connected when
// it granted the tree.
struct ShareAccess {
  Outcome outcome;
  std::string name;     // "IPC$"
  std::string session;  // the session it was tried in: "anonymous", "guest", "user"
  std::string via;      // "smb2 3.1.1", "smb1 NT LM 0.12"
  bool connected = false;
  std::string answer;      // the NTSTATUS of the answer: "STATUS_SUCCESS", "STATUS_ACCESS_DENIED (0xc0000022)"
  std::string share_type;  // "disk", "pipe", "print"
  std::vector<std::string> share_flags;  // "ENCRYPT_DATA", "DFS", "CACHING_MANUAL", ...
  std::optional<std::uint32_t> maximal_access;
  std::string access;  // "read, write", "read", "none"
  // In a session that signs: how the TREE_CONNECT went ("signed", "encrypted") and how its answer came
  // ("encrypted", or its signature "valid", "bad", "unsigned"). Empty in null and guest sessions.
  std::string sent;
  std::string answer_protection;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("name", name);
    v("session", session);
    v.optional("via", via);
    v.optional("sent", sent);
    if (!v.when(outcome.ok())) return;
    v("connected", connected);
    v("answer", answer);
    v.optional("answer_protection", answer_protection);
    if (!v.when(connected)) return;
    v("share_type", share_type);
    v("share_flags", share_flags);
    v.optional("maximal_access", maximal_access);
    v("access", access);
  }
};

// One SESSION_SETUP that carried an NTLMSSP AUTHENTICATE. Outcome ok when the server answered the
// AUTHENTICATE (accepted or refused: a refusal is a result); skipped when not tried, reason why.
struct SessionAttempt {
  Outcome outcome;
  std::string via;  // "smb2 3.1.1", "smb1 NT LM 0.12"
  bool accepted = false;
  std::string answer;                      // "STATUS_SUCCESS", "STATUS_LOGON_FAILURE (0xc000006d)"
  std::vector<std::string> session_flags;  // SMB2 SessionFlags: "IS_NULL", "IS_GUEST", "ENCRYPT_DATA"
  std::string granted;                     // when accepted: "null", "guest" or "user"
  // The user's NTLMv2 logon: whether its AUTHENTICATE exchanged a random session key
  // (NTLMSSP_NEGOTIATE_KEY_EXCH, [MS-NLMP] 3.1.5.1.2), the key the session then signs with.
  std::optional<bool> ntlm_key_exch;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v.optional("via", via);
    if (!v.when(outcome.ok())) return;
    v("accepted", accepted);
    v("answer", answer);
    v("session_flags", session_flags);
    v.optional("granted", granted);
    v.optional("ntlm_key_exch", ntlm_key_exch);
  }
};

// The NTLM response types, each in a session of its own ([MS-NLMP] 3.3.1 NTLMv1 with and without
// extended session security and the LM response alone, 3.3.2 NTLMv2).
struct NtlmResponseTypes {
  SessionAttempt v2;
  SessionAttempt v1;
  SessionAttempt v1_ess;
  SessionAttempt lm;

  template <class V>
  void fields(V& v) {
    v("v2", v2);
    v("v1", v1);
    v("v1_ess", v1_ess);
    v("lm", lm);
  }
};

// Whether the server refuses unencrypted requests: from the SessionFlags of a granted session
// (ENCRYPT_DATA: the whole session must be encrypted) or the answer to an unencrypted tree connect.
struct EncryptionRequired {
  Outcome outcome;  // skipped when no session was granted to look at
  bool required = false;
  std::string evidence;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    if (!v.when(outcome.ok())) return;
    v("required", required);
    v("evidence", evidence);
  }
};

// The credential-free sessions over SMB1 NT LM 0.12, when the port speaks SMB1 too.
struct Smb1Sessions {
  SessionAttempt anonymous;
  SessionAttempt guest;
  std::optional<SessionAttempt> user;  // with credentials: the user's NTLMv2 logon over SMB1

  template <class V>
  void fields(V& v) {
    v("anonymous", anonymous);
    v("guest", guest);
    v.optional("user", user);
  }
};

struct Sessions {
  SessionAttempt anonymous;  // anonymous NTLMSSP AUTHENTICATE ([MS-NLMP] 3.2.5.1.2)
  SessionAttempt guest;      // a user name no server has, with a random password
  SessionAttempt user;       // --user with NTLMv2
  NtlmResponseTypes ntlm;
  EncryptionRequired encryption_required;
  std::optional<Smb1Sessions> smb1;

  template <class V>
  void fields(V& v) {
    v("anonymous", anonymous);
    v("guest", guest);
    v("user", user);
    v("ntlm", ntlm);
    v("encryption_required", encryption_required);
    v.optional("smb1", smb1);
  }
};

}  // namespace legacyscan::smb
