// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb_offer.hpp"

#include <algorithm>

#include "src/proto/smb1/smb1_codec.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

constexpr std::uint32_t kClientCapabilities =
    SMB2_GLOBAL_CAP_DFS | SMB2_GLOBAL_CAP_LEASING | SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_MULTI_CHANNEL |
    SMB2_GLOBAL_CAP_PERSISTENT_HANDLES | SMB2_GLOBAL_CAP_DIRECTORY_LEASING | SMB2_GLOBAL_CAP_ENCRYPTION;

// A fixed client GUID and preauth salt: the scan is reproducible, and neither is a secret.
constexpr std::array<std::uint8_t, 16> kClientGuid{0x6c, 0x65, 0x67, 0x61, 0x63, 0x79, 0x73, 0x63,
                                                   0x61, 0x6e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
Bytes preauth_salt() {
  Bytes s(32);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(0x5a ^ (i * 7));
  return s;
}

}  // namespace

asio::awaitable<Outcome> open_and_request(PortScan& ps, ByteView request, std::unique_ptr<SmbChannel>& ch,
                                          Bytes& reply) {
  auto o = co_await SmbChannel::open(ps.ctx, ps.port, ps.transport, ps.called_name, ch);
  if (!o.ok()) co_return o;
  co_return co_await ch->request(request, reply);
}

asio::awaitable<Outcome> exchange(PortScan& ps, ByteView request, Bytes& reply) {
  std::unique_ptr<SmbChannel> ch;
  co_return co_await open_and_request(ps, request, ch, reply);
}

Bytes smb1_negotiate(const std::vector<std::string>& dialects) {
  Smb1NegotiateRequestOptions opt;
  opt.Dialects = dialects;
  auto r = encode_smb1_negotiate_request(opt);
  return r ? std::move(*r.value) : Bytes{};
}

Smb2NegotiateRequestOptions smb2_options(std::vector<std::uint16_t> dialects) {
  Smb2NegotiateRequestOptions o;
  o.Dialects = std::move(dialects);
  o.SecurityMode = SMB2_NEGOTIATE_SIGNING_ENABLED;
  o.Capabilities = kClientCapabilities;
  o.ClientGuid = kClientGuid;
  o.header.CreditRequest = 31;
  if (std::find(o.Dialects.begin(), o.Dialects.end(), SMB2_DIALECT_311) != o.Dialects.end()) {
    o.preauth_integrity =
        Smb2NegotiateRequestOptions::PreauthIntegrity{{SMB2_PREAUTH_INTEGRITY_SHA512}, preauth_salt()};
    o.encryption_ciphers = kCiphers;
    o.signing_algorithms = kSigningAlgorithms;
  }
  return o;
}

Bytes smb2_negotiate(const Smb2NegotiateRequestOptions& o) {
  auto r = encode_smb2_negotiate_request(o);
  return r ? std::move(*r.value) : Bytes{};
}

Signing signing_from_smb2(std::uint16_t mode) {
  return Signing{(mode & SMB2_NEGOTIATE_SIGNING_ENABLED) != 0, (mode & SMB2_NEGOTIATE_SIGNING_REQUIRED) != 0};
}

OfferCheck refusal_from_outcome(std::string offered, const Outcome& o) {
  OfferCheck c{std::move(offered), OfferAnswer::failed, o.reason};
  if (o.status == Status::reset)
    c.answer = o.reason.find("closed by the peer") != std::string::npos ? OfferAnswer::closed : OfferAnswer::reset;
  else if (o.status == Status::timeout)
    c.answer = OfferAnswer::timeout;
  return c;
}

// A plain function rather than brace-initialisation inside coroutines: GCC 12 miscompiles string
// literals in aggregate initialisers in a coroutine body ("array used as initializer").
OfferCheck make_check(std::string offered, OfferAnswer answer, std::string detail) {
  return OfferCheck{std::move(offered), answer, std::move(detail)};
}

}  // namespace legacyscan::smb
