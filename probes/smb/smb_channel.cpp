// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb_channel.hpp"

#include <cctype>
#include <random>

#include "src/proto/smb1/smb1_signing.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

std::string describe_unexpected(ByteView bytes) {
  const std::size_t n = std::min<std::size_t>(bytes.size(), 24);
  std::size_t printable = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (std::isprint(bytes[i]) || bytes[i] == '\r' || bytes[i] == '\n') ++printable;
  if (n > 0 && printable == n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
      s.push_back(bytes[i] == '\r' || bytes[i] == '\n' ? ' ' : static_cast<char>(bytes[i]));
    return "'" + s + (bytes.size() > n ? "...'" : "'");
  }
  return "0x" + to_hex(bytes.first(n)) + (bytes.size() > n ? "..." : "");
}

asio::awaitable<Outcome> SmbChannel::open(ProbeContext& ctx, std::uint16_t port, Transport transport,
                                          const std::string& called_name, std::unique_ptr<SmbChannel>& out) {
  std::unique_ptr<TcpConnection> conn;
  auto o = co_await TcpConnection::open(ctx, port, conn);
  if (!o.ok()) co_return o;
  auto channel = std::make_unique<SmbChannel>(std::move(conn), transport);
  if (transport == Transport::NetbiosSession139) {
    auto req = encode_session_request(NetbiosName{called_name, 0x20}, NetbiosName{"LEGACYSCAN", 0x00});
    if (!req) co_return Outcome::failure(Status::error, "NetBIOS session request: " + req.error);
    o = co_await channel->conn_->write(*req.value);
    if (!o.ok()) co_return o;
    FrameCheck frame;
    Bytes buf;
    o = co_await channel->read_frame(frame, buf);
    if (!o.ok()) co_return o;
    auto pkt = decode_session_packet(buf);
    if (!pkt) co_return Outcome::failure(Status::protocol_error, "NetBIOS session response: " + pkt.error);
    if (pkt->type == 0x83)
      co_return Outcome::failure(Status::refused,
                                 "NetBIOS session refused for called name '" + called_name + "': " + pkt->error_name);
    if (pkt->type == 0x84)
      co_return Outcome::failure(Status::refused, "NetBIOS session retargeted to " + pkt->retarget_address());
    if (pkt->type != 0x82)
      co_return Outcome::failure(Status::protocol_error,
                                 "unexpected NetBIOS session packet " + std::string(pkt->type_name));
  }
  out = std::move(channel);
  co_return Outcome::success();
}

asio::awaitable<Outcome> SmbChannel::read_frame(FrameCheck& frame, Bytes& buf) {
  buf.clear();
  for (;;) {
    frame = check_frame(buf, transport_);
    if (frame.kind == FrameCheck::Kind::Complete) {
      buf.resize(frame.frame_length);
      co_return Outcome::success();
    }
    if (frame.kind == FrameCheck::Kind::Malformed)
      co_return Outcome::failure(Status::protocol_error, "not an SMB transport frame (" + frame.error + "): received " +
                                                             describe_unexpected(buf));
    const bool before_anything = buf.empty();
    auto o = co_await conn_->read_exact(buf, frame.need);
    if (!o.ok()) {
      if (!before_anything && o.status == Status::reset)
        o.reason += " after " + std::to_string(buf.size()) + " bytes of a frame";
      co_return o;
    }
  }
}

void SmbChannel::secure(Smb2SessionKeys keys, std::uint64_t session_id, bool encrypt) {
  keys_ = std::move(keys);
  session_id_ = session_id;
  encrypt_ = encrypt;
  transcript_.clear();
  transcript_.shrink_to_fit();
  nonce_salt_ = std::random_device{}();
}

void SmbChannel::secure_smb1(Bytes signing_key) {
  smb1_key_ = std::move(signing_key);
  smb1_sequence_ = 2;
  transcript_.clear();
  transcript_.shrink_to_fit();
}

Decoded<Bytes> SmbChannel::protect(ByteView smb_message) {
  Bytes out(smb_message.begin(), smb_message.end());
  if (!smb1_key_.empty() && !out.empty() && out[0] == 0xFF) {
    if (!smb1_sign(out, smb1_key_, smb1_sequence_)) return Decoded<Bytes>::fail("cannot sign the request");
    smb1_sequence_ += 2;
    return Decoded<Bytes>::ok(std::move(out));
  }
  if (!keys_ || out.empty() || out[0] != 0xFE) return Decoded<Bytes>::ok(std::move(out));
  if (encrypt_) {
    // A nonce never used twice in the session: a counter, then a random salt of this channel.
    Writer n;
    n.u64le(++nonce_counter_);
    n.u32le(nonce_salt_);
    Bytes sealed = smb2_encrypt(out, session_id_, n.take(), *keys_);
    if (sealed.empty()) return Decoded<Bytes>::fail("cannot encrypt: the connection negotiated no cipher");
    return Decoded<Bytes>::ok(std::move(sealed));
  }
  if (!smb2_sign(out, *keys_)) return Decoded<Bytes>::fail("cannot sign the request");
  return Decoded<Bytes>::ok(std::move(out));
}

Outcome SmbChannel::unprotect(Bytes& reply) {
  if (!smb1_key_.empty() && !reply.empty() && reply[0] == 0xFF) {
    answer_protection_ = smb1_signature_name(smb1_check_signature(reply, smb1_key_, smb1_sequence_ - 1));
    return Outcome::success();
  }
  if (!keys_) return Outcome::success();
  if (reply.size() >= 4 && reply[0] == 0xFD && reply[1] == 'S' && reply[2] == 'M' && reply[3] == 'B') {
    auto plain = decode_smb2_transform(reply, session_id_, *keys_);
    if (!plain) return Outcome::failure(Status::protocol_error, "encrypted answer not readable: " + plain.error);
    reply = std::move(*plain.value);
    answer_protection_ = "encrypted";
    return Outcome::success();
  }
  answer_protection_ = smb2_signature_name(smb2_check_signature(reply, *keys_));
  return Outcome::success();
}

asio::awaitable<Outcome> SmbChannel::request(ByteView smb_message, Bytes& reply) {
  if (!secured() && transcript_.size() < kTranscriptMessages)
    transcript_.emplace_back(smb_message.begin(), smb_message.end());
  auto wire = protect(smb_message);
  if (!wire) co_return Outcome::failure(Status::error, wire.error);
  answer_protection_.clear();
  auto framed = frame_message(*wire.value, transport_);
  if (!framed) co_return Outcome::failure(Status::error, framed.error);
  auto o = co_await conn_->write(*framed.value);
  if (!o.ok()) co_return o;
  co_return co_await read_reply(reply);
}

asio::awaitable<Outcome> SmbChannel::read_reply(Bytes& reply) {
  Outcome o;
  for (int keepalives = 0; keepalives < 8; ++keepalives) {
    FrameCheck frame;
    Bytes buf;
    o = co_await read_frame(frame, buf);
    if (!o.ok()) co_return o;
    if (frame.type == 0x85) continue;  // session keep-alive
    if (frame.type != 0x00)
      co_return Outcome::failure(Status::protocol_error,
                                 "unexpected NetBIOS session packet type 0x" + to_hex(ByteView(&frame.type, 1)));
    reply.assign(buf.begin() + static_cast<std::ptrdiff_t>(kFrameHeaderLength), buf.end());
    if (!secured() && transcript_.size() < kTranscriptMessages) transcript_.push_back(reply);
    co_return unprotect(reply);
  }
  co_return Outcome::failure(Status::protocol_error, "only keep-alives, no answer");
}

}  // namespace legacyscan::smb
