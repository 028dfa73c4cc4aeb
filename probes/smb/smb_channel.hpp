// SPDX-License-Identifier: Apache-2.0
// One TCP connection that carries SMB messages: on 139 it first opens a NetBIOS session (RFC 1002
// 4.3.2), then frames each message as a session message; on other ports it uses the direct TCP
// header. Every operation has the scan's deadline.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "legacyscan/engine/net.hpp"
#include "legacyscan/engine/probe.hpp"
#include "src/proto/nbss/nbss.hpp"

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

  SmbChannel(std::unique_ptr<TcpConnection> c, Transport t) : conn_(std::move(c)), transport_(t) {}
  ~SmbChannel() {
    if (conn_) conn_->close();
  }

 private:
  boost::asio::awaitable<Outcome> read_frame(FrameCheck& frame, Bytes& buf);
  std::unique_ptr<TcpConnection> conn_;
  Transport transport_;
};

// A short printable rendering of bytes that were not what we expected ("HTTP/1.0 400 Bad" or hex).
std::string describe_unexpected(ByteView bytes);

}  // namespace legacyscan::smb
