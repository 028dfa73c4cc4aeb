// SPDX-License-Identifier: Apache-2.0
#include "probes/netbios/netbios_mailslot.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "probes/netbios/netbios_common.hpp"
#include "src/proto/netlogon/netlogon_mailslot.hpp"

namespace legacyscan::netbios {

namespace asio = boost::asio;

namespace {

struct MailslotRequest {
  MailslotRoute route;
  NetbiosName destination;
  DatagramType type = DatagramType::DIRECT_GROUP;
  std::string reply_mailslot = netbios::reply_mailslot();
  std::vector<std::uint16_t> reply_opcodes;
};

std::array<std::uint8_t, 4> ipv4_bytes(const asio::ip::address& a) {
  if (!a.is_v4()) return {};
  return a.to_v4().to_bytes();
}

// One mailslot request on a socket of its own: bound to the local port asked for when possible
// (Windows replies to 138 only; root or CAP_NET_BIND_SERVICE), else an ephemeral port. Each attempt
// waits longer than a name service request does.
asio::awaitable<void> mailslot_exchange(ProbeContext& ctx, const MailslotRequest& req, const Decoded<Bytes>& message,
                                        MailslotInfo& info) {
  info.destination = display(req.destination);
  auto smb = netlogon_mailslot_write(message);
  if (!smb) {
    info.outcome = Outcome::failure(Status::error, smb.error);
    co_return;
  }
  std::string malformed;
  std::optional<std::string> datagram_error;
  UdpExchange how;
  how.port = req.route.remote_port;
  if (req.route.local_port != 0) how.local_port = req.route.local_port;
  how.retries = req.route.retries;
  how.waits = UdpWaits::from_timeout;
  // Which datagrams are the answer: a direct datagram to our reply mailslot with a reply opcode.
  how.accept = [&](ByteView d) -> bool {
    auto dgram = decode_datagram(d);
    if (!dgram) {
      malformed = dgram.error;
      return false;
    }
    if (dgram->ERROR_CODE) {
      datagram_error = "DATAGRAM ERROR " + std::to_string(*dgram->ERROR_CODE) + " (" +
                       std::string(datagram_error_name(*dgram->ERROR_CODE)) + ")";
      return false;
    }
    if (!dgram->direct) return false;
    if (dgram->fragment()) {
      malformed = "a fragmented datagram (FLAGS " + std::to_string(dgram->FLAGS) + "): NETLOGON replies fit one";
      return false;
    }
    auto ms = decode_mailslot_write(dgram->direct->USER_DATA);
    if (!ms) {
      malformed = ms.error;
      return false;
    }
    if (upper(ms->mailslot_name) != upper(req.reply_mailslot)) return false;  // another conversation
    auto reply = netlogon::decode_netlogon_reply(ms->data);
    if (!reply) {
      malformed = reply.error;
      return false;
    }
    if (std::find(req.reply_opcodes.begin(), req.reply_opcodes.end(), reply->Opcode) == req.reply_opcodes.end()) {
      malformed = "reply opcode " + std::to_string(reply->Opcode) + " (" + reply->opcode_name + ") does not answer " +
                  info.request;
      return false;
    }
    info.reply = std::move(*reply.value);
    return true;
  };
  const UdpRequestBuilder build =
      direct_datagram(req.type, NetbiosName{req.route.client, 0x00}, req.destination, std::move(*smb.value));
  const UdpReply reply = co_await udp_exchange(ctx, build, how);
  info.attempts = reply.attempts;
  info.local_port = reply.local.port();
  info.local_port_138 = info.local_port == kDatagramPort;
  info.local_port_note = source_port_note(reply, req.route.local_port, reply.bind_error);
  const std::string port = std::to_string(req.route.remote_port);
  if (reply.outcome.ok()) {
    info.reply_from = ctx.address.to_string() + ":" + port;
    info.outcome = Outcome::success();
  } else if (reply.port_unreachable) {
    info.outcome = Outcome::failure(Status::refused, "udp " + port + ": ICMP port unreachable (no datagram service)");
  } else if (reply.outcome.status != Status::timeout) {
    info.outcome = reply.outcome;
  } else if (datagram_error) {
    info.outcome = Outcome::failure(Status::refused, *datagram_error);
  } else if (!malformed.empty()) {
    info.outcome = settle(reply.outcome, malformed);
  } else {
    info.outcome = Outcome::failure(Status::timeout, "udp " + port + ": no " + info.request + " reply after " +
                                                         std::to_string(info.attempts) +
                                                         (info.attempts == 1 ? " attempt" : " attempts"));
  }
}

}  // namespace

std::string reply_mailslot() { return "\\MAILSLOT\\NET\\GETDC" + std::to_string(100 + random_u16() % 900); }

Decoded<Bytes> netlogon_mailslot_write(const Decoded<Bytes>& message) {
  if (!message) return Decoded<Bytes>::fail(message.error);
  MailslotWrite mw;
  mw.mailslot_name = std::string(kNetlogonMailslot);
  mw.data = *message;
  return encode_mailslot_write(mw);
}

UdpRequestBuilder direct_datagram(DatagramType type, NetbiosName source, NetbiosName destination, Bytes user_data) {
  return [=](const asio::ip::udp::endpoint& local) {
    DirectDatagram dg;
    dg.MSG_TYPE = type;
    dg.DGM_ID = random_u16();
    dg.SOURCE_IP = ipv4_bytes(local.address());
    dg.SOURCE_PORT = local.port();
    dg.SOURCE_NAME = source;
    dg.DESTINATION_NAME = destination;
    dg.USER_DATA = user_data;
    return encode_direct_datagram(dg);
  };
}

asio::awaitable<MailslotInfo> sam_logon(ProbeContext& ctx, MailslotRoute route, std::string user,
                                        std::uint32_t account_control, std::uint32_t nt_version) {
  MailslotInfo info;
  info.request = "LOGON_SAM_LOGON_REQUEST";
  info.nt_version_sent = nt_version;
  info.user_sent = user;
  info.account_control_sent = account_control;
  MailslotRequest req;
  req.destination = NetbiosName{route.domain, 0x1C};
  req.type = DatagramType::DIRECT_GROUP;
  req.reply_opcodes = {netlogon::LOGON_SAM_LOGON_RESPONSE,    netlogon::LOGON_SAM_PAUSE_RESPONSE,
                       netlogon::LOGON_SAM_USER_UNKNOWN,      netlogon::LOGON_SAM_LOGON_RESPONSE_EX,
                       netlogon::LOGON_SAM_PAUSE_RESPONSE_EX, netlogon::LOGON_SAM_USER_UNKNOWN_EX};
  netlogon::LogonSamLogonRequest q;
  q.UnicodeComputerName = route.client;
  q.UnicodeUserName = user;
  q.MailslotName = req.reply_mailslot;
  q.AllowableAccountControlBits = account_control;
  q.NtVersion = nt_version;
  req.route = std::move(route);
  const auto message = netlogon::encode_logon_sam_logon_request(q);
  co_await mailslot_exchange(ctx, req, message, info);
  co_return info;
}

asio::awaitable<MailslotInfo> primary_query(ProbeContext& ctx, MailslotRoute route) {
  MailslotInfo info;
  info.request = "LOGON_PRIMARY_QUERY";
  info.nt_version_sent = netlogon::NETLOGON_NT_VERSION_1;
  MailslotRequest req;
  req.destination = NetbiosName{route.domain, 0x1B};  // the PDC's name
  req.type = DatagramType::DIRECT_UNIQUE;
  req.reply_opcodes = {netlogon::LOGON_PRIMARY_RESPONSE};
  netlogon::LogonPrimaryQuery q;
  q.ComputerName = route.client;
  q.MailslotName = req.reply_mailslot;
  q.UnicodeComputerName = route.client;
  q.NtVersion = netlogon::NETLOGON_NT_VERSION_1;
  req.route = std::move(route);
  const auto message = netlogon::encode_logon_primary_query(q);
  co_await mailslot_exchange(ctx, req, message, info);
  co_return info;
}

MailslotInfo not_run(const char* request, Status s, std::string why) {
  MailslotInfo m;
  m.request = request;
  m.outcome = Outcome::failure(s, std::move(why));
  return m;
}

}  // namespace legacyscan::netbios
