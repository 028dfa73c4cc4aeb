// SPDX-License-Identifier: Apache-2.0
// DCE-RPC over TCP (the endpoint mapper on 135 and the dynamic ports a client is sent to, told by the
// first PDU): the NTLM or SPNEGO token of each bind, alter_context and rpc_auth_3 a client sends
// ([MS-RPCE] 2.2.2.11). The same PDUs inside SMB named pipes come through dcerpc_auth from the SMB
// handler.
#include <algorithm>

#include "src/passive/handler.hpp"
#include "src/proto/dcerpc/dcerpc_pdu.hpp"

namespace legacyscan::passive {

namespace {

class DceRpcHandler : public Handler {
 public:
  explicit DceRpcHandler(ConnInfo ci) : ci_(std::move(ci)) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    // The server's answers carry nothing the client used.
    if (dir == 1) return Consume{.stop = true};
    Consume c;
    if (data.size() < 10) return c.need_more = true, c;
    const std::size_t frag = dcerpc::dcerpc_frag_length(data);
    if (frag < dcerpc::kHeaderSize) return c.stop = true, c;  // not DCE-RPC framing
    if (is_auth_pdu(data)) {
      if (data.size() < frag) return c.need_more = true, c;
      dcerpc_auth(ci_, data.first(frag), ts);
      c.consumed = frag;
      return c;
    }
    // Requests and responses carry no authentication of interest here (only bind, alter-context and
    // AUTH3 do): their stub data is skipped without being read.
    c.consumed = std::min(frag, data.size());
    c.skip = frag - c.consumed;
    return c;
  }

 private:
  ConnInfo ci_;
};

}  // namespace

bool is_auth_pdu(ByteView pdu) {
  return pdu.size() >= 3 && pdu[0] == 5 &&
         (pdu[2] == dcerpc::kPtypeBind || pdu[2] == dcerpc::kPtypeAlterContext || pdu[2] == dcerpc::kPtypeAuth3);
}

void dcerpc_auth(ConnInfo& ci, ByteView pdu, std::int64_t ts) {
  auto p = dcerpc::decode_dcerpc_pdu(pdu);
  if (!p) return void(++ci.stats->decode_errors);
  if (p->auth_length == 0) return;
  if (p->auth_type == dcerpc::kAuthnWinnt || p->auth_type == dcerpc::kAuthnGssNegotiate)
    (void)auth_from_blob(ci, p->auth_value, "dcerpc", ts);
  else if (p->auth_type == dcerpc::kAuthnGssKerberos)
    record_ap_req(ci, p->auth_value, "dcerpc", ts);
}

std::unique_ptr<Handler> make_dcerpc_handler(ConnInfo ci) { return std::make_unique<DceRpcHandler>(std::move(ci)); }

}  // namespace legacyscan::passive
