// SPDX-License-Identifier: Apache-2.0
// Authentication paths in the matrix's cells, over the SMB probe's real sessions of the lab's sessions
// scenario (tests/data/results/smb.json, scanned with the lab-only user): opennas (127.0.0.1) accepts LM,
// NTLMv1 and guest, v1ok (127.0.0.2) NTLMv1 but no LM and no guest, strict (127.0.0.3) NTLMv2 only
// (scripts/lab.d/sessions).
#include <gtest/gtest.h>

#include "legacyscan/engine/fields.hpp"
#include "src/compat/matrix_auth.hpp"
#include "src/compat/matrix_cells.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::matrix {
namespace {

// An optional, as auth_facts takes it: AuthFacts points into it, so it must outlive the facts (a plain
// SmbResult would be converted to a temporary that dies at the end of the call).
std::optional<smb::SmbResult> sessions_server(const std::string& address) {
  return fields::read<smb::SmbResult>(test::golden_results("smb").at("sessions/" + address));
}

AuthUse client(std::vector<std::string> ntlm, bool kerberos = false, bool guest = false) {
  AuthUse a;
  a.ntlm = std::move(ntlm);
  a.kerberos = kerberos;
  a.guest = guest;
  return a;
}

// The facts as if the server were a domain member: the lab's sessions servers are standalone, so their
// Kerberos path fails by itself (MatrixSession.KerberosOnlyForADomainMember); these tests are about the
// order of the paths.
AuthFacts member(const std::optional<smb::SmbResult>& smb, const std::optional<Cell>& kerberos) {
  auto f = auth_facts(smb, kerberos);
  f.standalone.clear();
  return f;
}
AuthFacts member(std::optional<smb::SmbResult>&&, const std::optional<Cell>&) = delete;

const Cell kTransport = make_cell(CellVerdict::works, "SMB 2.1; server requires signing, client can sign", "SMB 2.1");

TEST(MatrixAuth, NtlmLevelAgainstWhatTheServerAccepts) {
  const auto xp = client({"lm", "ntlmv1"}), vista = client({"ntlmv2"});
  for (const std::string address : {"127.0.0.1", "127.0.0.2"}) {
    const auto smb = sessions_server(address);
    const auto facts = auth_facts(smb, std::nullopt);
    const auto p = ntlm_path(xp, facts);
    EXPECT_EQ(p.verdict, CellVerdict::degraded) << address;  // NTLMv1 logs on, and is weak
    EXPECT_EQ(p.path, "NTLMv1") << address;                  // the NT response, before the LM one
    EXPECT_EQ(ntlm_path(vista, facts).path, "NTLMv2") << address;
  }
  const auto strict = sessions_server("127.0.0.3");
  const auto facts = auth_facts(strict, std::nullopt);
  const auto p = ntlm_path(xp, facts);
  EXPECT_EQ(p.verdict, CellVerdict::fails);
  EXPECT_NE(p.why.find("NTLMv1 refused"), std::string::npos) << p.why;
  EXPECT_NE(p.why.find("LM refused"), std::string::npos) << p.why;
  EXPECT_EQ(ntlm_path(vista, facts).verdict, CellVerdict::works);
}

// A DC with NTLM disabled answers STATUS_NTLM_BLOCKED (the hardened lab DC's answer); an LM response the
// scan could not try (no LM hash for a long password) is refused with the rest, not unknown.
TEST(MatrixAuth, NtlmBlockedRefusesEveryResponse) {
  smb::Sessions s;
  for (auto* a : {&s.ntlm.v2, &s.ntlm.v1, &s.ntlm.v1_ess}) a->answer = "STATUS_NTLM_BLOCKED (0xc0000418)";
  s.ntlm.lm.outcome = Outcome::failure(Status::skipped, "password over 14 characters (no LM hash)");
  AuthFacts facts;
  facts.sessions = &s;
  const auto p = ntlm_path(client({"lm", "ntlmv1"}), facts);
  EXPECT_EQ(p.verdict, CellVerdict::fails) << p.why;
  s.ntlm.v1.answer = s.ntlm.v1_ess.answer = "STATUS_LOGON_FAILURE (0xc000006d)";
  EXPECT_EQ(ntlm_path(client({"lm", "ntlmv1"}), facts).verdict, CellVerdict::unknown) << "LM might still log on";
}

TEST(MatrixAuth, GuestOnlyWhereTheServerMapsToGuest) {
  const auto opennas = sessions_server("127.0.0.1");
  const auto v1ok = sessions_server("127.0.0.2");
  EXPECT_EQ(guest_path(auth_facts(opennas, std::nullopt)).path, "guest");
  EXPECT_EQ(guest_path(auth_facts(v1ok, std::nullopt)).verdict, CellVerdict::fails);
}

TEST(MatrixAuth, KerberosFirstThenNtlmInTheClientsOrder) {
  const auto strict = sessions_server("127.0.0.3");
  const auto xp = client({"lm", "ntlmv1"}, true);
  // Kerberos RC4 works: the session takes it, NTLM is not needed.
  auto rc4 = make_cell(CellVerdict::works, "KDC answers with rc4-hmac (over UDP)", "rc4-hmac");
  auto c = with_auth(kTransport, xp, member(strict, rc4), "session");
  EXPECT_EQ(c.verdict, CellVerdict::works);
  EXPECT_EQ(c.auth, "Kerberos RC4");
  // No key for its etypes and NTLMv1 refused: the session fails, naming both.
  auto nosupp =
      make_cell(CellVerdict::fails, "KDC accepts none of the client's etypes (rc4-hmac): KDC_ERR_ETYPE_NOSUPP");
  c = with_auth(kTransport, xp, member(strict, nosupp), "session");
  EXPECT_EQ(c.verdict, CellVerdict::fails);
  EXPECT_TRUE(c.auth.empty());
  EXPECT_NE(c.reason.find("KDC_ERR_ETYPE_NOSUPP"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("NTLMv1 refused"), std::string::npos) << c.reason;
  // Kerberos fails, NTLMv1 logs on (v1ok): the session works through NTLMv1, weakly, and says why not Kerberos.
  const auto v1ok = sessions_server("127.0.0.2");
  c = with_auth(kTransport, xp, member(v1ok, nosupp), "bind");
  EXPECT_EQ(c.verdict, CellVerdict::degraded);
  EXPECT_EQ(c.auth, "NTLMv1");
  EXPECT_NE(c.reason.find("bind with NTLMv1 (Kerberos: KDC accepts none"), std::string::npos) << c.reason;
}

TEST(MatrixAuth, UnknownWithoutTheServersNtlmFactsNeverWorks) {
  auto nosupp = make_cell(CellVerdict::fails, "KDC_ERR_ETYPE_NOSUPP");
  const auto c = with_auth(kTransport, client({"ntlmv2"}, true), auth_facts(std::nullopt, nosupp), "session");
  EXPECT_EQ(c.verdict, CellVerdict::unknown);
  EXPECT_NE(c.reason.find("smb probe not run"), std::string::npos) << c.reason;
  // A transport that fails keeps its own reason: authentication never starts.
  const auto refused = make_cell(CellVerdict::fails, "server refuses every offered dialect");
  EXPECT_EQ(with_auth(refused, client({"ntlmv2"}), auth_facts(std::nullopt, std::nullopt), "session").reason,
            refused.reason);
}

}  // namespace
}  // namespace legacyscan::matrix
