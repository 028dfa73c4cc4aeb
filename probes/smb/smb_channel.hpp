// SPDX-License-Identifier: Apache-2.0
// One TCP connection that carries SMB messages: on 139 it first opens a NetBIOS session (RFC 1002
// 4.3.2), then frames each message as a session message; on other ports it uses the direct TCP
// header. Every operation has the scan's deadline.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/net.hpp"
#include "legacyscan/engine/probe.hpp"
#include "src/proto/nbss/nbss.hpp"
#include "src/proto/smb2/smb2_security.hpp"

namespace legacyscan::smb {

class SmbChannel {
 public:
  // Connects and, for the NetBIOS transport, runs the session request with `called_name`.
  // A NEGATIVE SESSION RESPONSE is status refused with the RFC 1002 error name as reason.
  static boost::asio::awaitable<Outcome> open(ProbeContext& ctx, std::uint16_t port, Transport transport,
                                              const std::string& called_name, std::unique_ptr<SmbChannel>& out);

  // Sends one SMB message and returns the next whole SMB message from the server. Keep-alives are
  // skipped; anything that is not a session message is a protocol error that says what arrived.
  boost::asio::awaitable<Outcome> request(ByteView smb_message, Bytes& reply);
  // The next whole SMB message without sending anything: the final answer that follows an interim
  // STATUS_PENDING one ([MS-SMB2] 3.3.4.2).
  boost::asio::awaitable<Outcome> read_reply(Bytes& reply);

  // The messages so far, requests as written and answers as read, until the channel is secured (at
  // most kTranscriptMessages): the 3.1.1 preauth integrity hash is computed over them ([MS-SMB2]
  // 3.2.5.3.1).
  static constexpr std::size_t kTranscriptMessages = 8;
  [[nodiscard]] const std::vector<Bytes>& transcript() const { return transcript_; }

  // From now on SMB2 requests are signed with the session's keys ([MS-SMB2] 3.2.4.1.1), or encrypted
  // in a TRANSFORM_HEADER when `encrypt` (3.1.4.3); answers in a TRANSFORM_HEADER are decrypted and
  // the signature of the others is checked (3.2.5.1.3).
  void secure(Smb2SessionKeys keys, std::uint64_t session_id, bool encrypt);
  void encrypt(bool on) { encrypt_ = on; }
  // From now on SMB1 requests are signed with `signing_key` and the signatures of the answers are
  // checked ([MS-SMB] 3.2.4.1.1, 3.2.5.1.2): the SESSION_SETUP that gave the key was the last
  // message unsigned.
  void secure_smb1(Bytes signing_key);
  [[nodiscard]] bool secured() const { return keys_.has_value() || !smb1_key_.empty(); }
  [[nodiscard]] bool encrypting() const { return encrypt_; }
  // How the last answer on a secured channel came: "encrypted" (decrypted and authenticated), or its
  // signature "valid", "bad" or "unsigned".
  [[nodiscard]] const std::string& last_answer_protection() const { return answer_protection_; }

  SmbChannel(std::unique_ptr<TcpConnection> c, Transport t) : conn_(std::move(c)), transport_(t) {}
  ~SmbChannel() {
    if (conn_) conn_->close();
  }

 private:
  boost::asio::awaitable<Outcome> read_frame(FrameCheck& frame, Bytes& buf);
  // The request as it goes on the wire: signed or encrypted on a secured channel.
  Decoded<Bytes> protect(ByteView smb_message);
  // The answer as read: decrypted when it came in a TRANSFORM_HEADER, its protection noted.
  Outcome unprotect(Bytes& reply);
  std::unique_ptr<TcpConnection> conn_;
  Transport transport_;
  std::vector<Bytes> transcript_;
  std::optional<Smb2SessionKeys> keys_;
  std::uint64_t session_id_ = 0;
  bool encrypt_ = false;
  std::uint64_t nonce_counter_ = 0;
  std::uint32_t nonce_salt_ = 0;
  std::string answer_protection_;
  Bytes smb1_key_;
  std::uint32_t smb1_sequence_ = 2;  // the next request's; its answer takes the number after it
};

// A short printable rendering of bytes that were not what we expected ("HTTP/1.0 400 Bad" or hex).
std::string describe_unexpected(ByteView bytes);

}  // namespace legacyscan::smb
