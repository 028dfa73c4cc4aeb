// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb1_checks.hpp"

#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

std::string offered_together(const std::vector<std::string>& offered) {
  return offered.size() > 1 ? " (offered together with " + std::to_string(offered.size() - 1) + " other dialects)" : "";
}

}  // namespace

asio::awaitable<std::vector<Smb1Check>> smb1_dialects(PortScan& ps) {
  std::vector<Smb1Check> out(kSmb1Dialects.size());
  std::vector<std::size_t> remaining(kSmb1Dialects.size());
  for (std::size_t i = 0; i < remaining.size(); ++i) remaining[i] = i;
  while (!remaining.empty()) {
    std::vector<std::string> offered;
    for (auto i : remaining) offered.push_back(kSmb1Dialects[i]);
    const auto together = offered_together(offered);
    auto all_remaining = [&](OfferAnswer a, const std::string& detail, bool smb_answer) {
      for (auto i : remaining) {
        out[i].check = make_check(kSmb1Dialects[i], a, detail + together);
        out[i].smb_answer = smb_answer;
      }
      remaining.clear();
    };
    Bytes reply;
    // Requests are built before co_await: GCC 12 rejects initializer lists inside a co_await expression.
    const Bytes request = smb1_negotiate(offered);
    auto o = co_await exchange(ps, request, reply);
    if (!o.ok()) {
      for (auto i : remaining) {
        out[i].check = refusal_from_outcome(kSmb1Dialects[i], o);
        out[i].check.detail += together;
      }
      break;
    }
    const auto proto = detect_smb_protocol(reply);
    if (proto == SmbProtocol::Smb2) {
      all_remaining(OfferAnswer::answered_smb2, "the server answered an SMB1 offer in SMB2", true);
      break;
    }
    if (proto != SmbProtocol::Smb1) {
      all_remaining(OfferAnswer::failed, "not an SMB reply: " + describe_unexpected(reply), false);
      break;
    }
    auto resp = decode_smb1_negotiate_response(reply);
    if (!resp) {
      all_remaining(OfferAnswer::failed, "malformed SMB1 NEGOTIATE response: " + resp.error, false);
      break;
    }
    using Form = Smb1NegotiateResponse::Form;
    if (resp->form == Form::Error) {
      all_remaining(OfferAnswer::status, "status " + smb1_status_string(resp->header), true);
    } else if (resp->form == Form::NoDialectChosen) {
      all_remaining(OfferAnswer::none_of_offered, "DialectIndex 0xFFFF", true);
    } else if (resp->DialectIndex < remaining.size()) {
      const auto i = remaining[resp->DialectIndex];
      out[i].check =
          make_check(kSmb1Dialects[i], OfferAnswer::accepted,
                     std::string(smb1_negotiate_form_name(resp->form)) +
                         (offered.size() > 1 ? " (chosen from " + std::to_string(offered.size()) + " offered)" : ""));
      out[i].nt_lm = resp->nt_lm;
      out[i].smb_answer = true;
      remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(resp->DialectIndex));
    } else {
      all_remaining(OfferAnswer::answered_other,
                    "DialectIndex " + std::to_string(resp->DialectIndex) + " (out of range)", true);
    }
  }
  co_return out;
}

asio::awaitable<MultiProtocol> multiprotocol(PortScan& ps, bool& smb_answer, std::unique_ptr<SmbChannel>& keep) {
  MultiProtocol m;
  Bytes reply;
  std::unique_ptr<SmbChannel> ch;
  const Bytes request = smb1_negotiate(kMultiProtocolDialects);
  auto o = co_await open_and_request(ps, request, ch, reply);
  if (!o.ok()) {
    m.outcome = o;
    const auto c = refusal_from_outcome("", o);
    m.answer = std::string(to_string(c.answer));
    co_return m;
  }
  const auto proto = detect_smb_protocol(reply);
  if (proto == SmbProtocol::Smb2) {
    auto r = decode_smb2_negotiate_response(reply);
    if (!r) {
      m.outcome = Outcome::failure(Status::protocol_error, "malformed SMB2 NEGOTIATE response: " + r.error);
      co_return m;
    }
    smb_answer = true;
    m.answer = "smb2";
    if (r->response)
      m.dialect = smb2_dialect_name(r->response->DialectRevision);
    else
      m.dialect = r->status_string();
    if (r->response && r->response->DialectRevision == SMB2_DIALECT_WILDCARD) keep = std::move(ch);
    co_return m;
  }
  if (proto == SmbProtocol::Smb1) {
    auto r = decode_smb1_negotiate_response(reply);
    if (!r) {
      m.outcome = Outcome::failure(Status::protocol_error, "malformed SMB1 NEGOTIATE response: " + r.error);
      co_return m;
    }
    smb_answer = true;
    if (r->form != Smb1NegotiateResponse::Form::Error && r->DialectIndex < kMultiProtocolDialects.size()) {
      m.answer = "smb1";
      m.dialect = kMultiProtocolDialects[r->DialectIndex];
    } else {
      m.answer = "none";
    }
    co_return m;
  }
  m.outcome = Outcome::failure(Status::protocol_error, "not an SMB server: it answered " + describe_unexpected(reply));
  co_return m;
}

}  // namespace legacyscan::smb
