// SPDX-License-Identifier: Apache-2.0
// The SMB cells after the negotiate, over the SMB probe's real sessions of the lab's sessions scenario
// (tests/data/results/smb.json, scanned with the lab-only user): opennas (127.0.0.1) maps unknown users
// to guest and has SMB1 signing disabled, strict (127.0.0.3) requires encryption (scripts/lab.d/sessions).
// The client side is the embedded profiles' own facts (encryption, signing, insecure guest logons).
#include <gtest/gtest.h>

#include <algorithm>

#include "legacyscan/engine/fields.hpp"
#include "src/compat/matrix_cells.hpp"
#include "src/compat/matrix_session.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::matrix {
namespace {

std::optional<smb::SmbResult> server(const std::string& key) {
  return fields::read<smb::SmbResult>(test::golden_results("smb").at(key));
}

// The same server scanned with a user it does not know: every NTLM logon it accepts is granted as
// guest (IS_GUEST), as `map to guest = bad user` does (IntegrationMatrixSessions checks it on the lab).
std::optional<smb::SmbResult> with_unknown_user(std::optional<smb::SmbResult> r) {
  for (auto& port : r->ports)
    if (port.sessions)
      for (auto* a : {&port.sessions->user, &port.sessions->ntlm.v2, &port.sessions->ntlm.v1,
                      &port.sessions->ntlm.v1_ess, &port.sessions->ntlm.lm})
        if (a->accepted) {
          a->granted = "guest";
          a->session_flags = {"IS_GUEST"};
        }
  return r;
}

// Without credentials the probe tries no NTLM logon.
std::optional<smb::SmbResult> without_credentials(std::optional<smb::SmbResult> r) {
  for (auto& port : r->ports)
    if (port.sessions)
      for (auto* a : {&port.sessions->user, &port.sessions->ntlm.v2, &port.sessions->ntlm.v1,
                      &port.sessions->ntlm.v1_ess, &port.sessions->ntlm.lm}) {
        *a = smb::SessionAttempt{};
        a->outcome = Outcome::failure(Status::skipped, "no --user given");
      }
  return r;
}

const ClientProfile& profile(const char* id) {
  const auto* p = find_profile(id);
  EXPECT_NE(p, nullptr) << id;
  return *p;
}

Cell session(const char* id, const std::optional<smb::SmbResult>& smb, const std::string& negotiated) {
  const auto& p = profile(id);
  const auto transport =
      make_cell(CellVerdict::works, negotiated + "; server requires signing, client can sign", negotiated);
  return smb_session_cell(transport, *p.smb, *p.auth, auth_facts(smb, std::nullopt));
}

TEST(MatrixSession, TheProfilesSayWhatTheyDoAtSessionLevel) {
  EXPECT_FALSE(profile("windows-xp-sp3").smb->encryption);
  EXPECT_EQ(profile("windows-xp-sp3").auth->insecure_guest, "allowed");
  EXPECT_FALSE(profile("windows-7").smb->encryption);
  EXPECT_TRUE(profile("windows-10").smb->encryption);
  const auto& w11 = profile("windows-11-24h2");
  EXPECT_TRUE(w11.smb->encryption);
  EXPECT_EQ(w11.auth->insecure_guest, "refused");
  EXPECT_TRUE(w11.auth->requires_signing);
  EXPECT_EQ(w11.auth->ntlm, std::vector<std::string>{"ntlmv2"});
  for (const char* appliance : {"smb1-appliance", "scan-to-smb-printer"}) {
    EXPECT_EQ(profile(appliance).auth->insecure_guest, "allowed") << appliance;
    EXPECT_EQ(profile(appliance).auth->ntlm, std::vector<std::string>{"ntlmv1"}) << appliance;
  }
  // Every SMB client says both, with a source; only SMB 3.x clients can encrypt.
  for (const auto& p : all_profiles()) {
    if (!p.smb) continue;
    EXPECT_FALSE(p.smb->encryption_source.empty()) << p.id;
    EXPECT_FALSE(p.auth->insecure_guest_source.empty()) << p.id;
    const bool smb3 = std::any_of(p.smb->smb2_dialects.begin(), p.smb->smb2_dialects.end(),
                                  [](const std::string& d) { return d.starts_with("3."); });
    if (p.smb->encryption) {
      EXPECT_TRUE(smb3) << p.id;
    }
  }
}

TEST(MatrixSession, EncryptionRequiredLocksOutClientsThatCannotEncrypt) {
  const auto strict = server("sessions/127.0.0.3");
  auto c = session("windows-7", strict, "SMB 2.1");
  EXPECT_EQ(c.verdict, CellVerdict::fails);
  EXPECT_NE(c.reason.find("the server requires encryption, the client speaks SMB 2.1"), std::string::npos) << c.reason;
  c = session("smb1-appliance", strict, "NT LM 0.12");
  EXPECT_NE(c.reason.find("the client speaks SMB1 (NT LM 0.12)"), std::string::npos) << c.reason;
  // An SMB 3 client encrypts and logs on with NTLMv2 (Kerberos: strict is no domain member).
  c = session("windows-10", strict, "SMB 3.1.1");
  EXPECT_EQ(c.verdict, CellVerdict::works) << c.reason;
  EXPECT_EQ(c.auth, "NTLMv2");
  EXPECT_NE(c.reason.find("not a domain member"), std::string::npos) << c.reason;
  // v1ok only asks for encryption (desired): an SMB 2.1 client still logs on.
  EXPECT_EQ(session("windows-7", server("sessions/127.0.0.2"), "SMB 2.1").auth, "NTLMv2");
}

TEST(MatrixSession, GuestOnlyServerAndTheClientsThatRefuseInsecureGuestLogons) {
  const auto nas = with_unknown_user(server("sessions/127.0.0.1"));
  auto c = session("windows-11-24h2", nas, "SMB 3.1.1");
  EXPECT_EQ(c.verdict, CellVerdict::fails);
  EXPECT_TRUE(c.auth.empty());
  EXPECT_NE(c.reason.find("server offers only guest access"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("Windows 11 24H2 / Server 2025 refuses insecure guest logons"), std::string::npos)
      << c.reason;
  EXPECT_NE(c.reason.find("requires signing, which a guest session cannot do"), std::string::npos) << c.reason;
  // Windows 7 keeps the guest session the server maps its user to, and XP its SMB1 one.
  c = session("windows-7", nas, "SMB 2.1");
  EXPECT_EQ(c.verdict, CellVerdict::degraded);
  EXPECT_EQ(c.auth, "guest");
  EXPECT_EQ(session("windows-xp-sp3", nas, "NT LM 0.12").auth, "guest");
  // With the lab user, whom opennas knows, Windows 11 logs on as that user.
  EXPECT_EQ(session("windows-11-24h2", server("sessions/127.0.0.1"), "SMB 3.1.1").auth, "NTLMv2");
}

TEST(MatrixSession, WithoutCredentialsTheGuestMappingDecidesOnlyForClientsThatKeepIt) {
  const auto nas = without_credentials(server("sessions/127.0.0.1"));
  auto c = session("windows-7", nas, "SMB 2.1");
  EXPECT_EQ(c.verdict, CellVerdict::degraded);
  EXPECT_EQ(c.auth, "guest");
  EXPECT_NE(c.reason.find("for an account the server does not know"), std::string::npos) << c.reason;
  c = session("windows-11-24h2", nas, "SMB 3.1.1");
  EXPECT_EQ(c.verdict, CellVerdict::unknown) << "its NTLMv2 logon may work with an account there";
  EXPECT_NE(c.reason.find("refuses insecure guest logons"), std::string::npos) << c.reason;
  // A server without the mapping leaves the unknown NTLM path unknown, and says nothing of guest.
  c = session("windows-7", without_credentials(server("sessions/127.0.0.2")), "SMB 2.1");
  EXPECT_EQ(c.verdict, CellVerdict::unknown);
  EXPECT_EQ(c.reason.find("guest"), std::string::npos) << c.reason;
}

TEST(MatrixSession, AGuestSessionCannotSatisfyAClientThatRequiresSigning) {
  auto smb = *profile("nas-guest").smb;
  auto auth = *profile("nas-guest").auth;
  smb.signing = "required";
  const auto transport = make_cell(CellVerdict::works, "SMB 3.0; client requires signing, server signs", "SMB 3.0");
  const auto nas = server("sessions/127.0.0.1");
  const auto c = smb_session_cell(transport, smb, auth, auth_facts(nas, std::nullopt));
  EXPECT_EQ(c.verdict, CellVerdict::fails);
  EXPECT_NE(c.reason.find("a guest session cannot sign"), std::string::npos) << c.reason;
  smb.signing = "disabled";
  EXPECT_EQ(smb_session_cell(transport, smb, auth, auth_facts(nas, std::nullopt)).verdict, CellVerdict::degraded);
}

TEST(MatrixSession, SigningRequiredAgainstAServerWithSigningDisabled) {
  auto smb = *profile("smb1-appliance").smb;
  smb.signing = "required";
  const auto c = smb_signing_cell(smb, false, false, "NT LM 0.12", true);
  EXPECT_EQ(c.verdict, CellVerdict::fails);
  EXPECT_EQ(c.reason, "the client requires signing, the server has signing disabled");
}

TEST(MatrixSession, KerberosOnlyForADomainMember) {
  const auto opennas = server("sessions/127.0.0.1");
  const auto dc = server("legacy/127.0.0.1");
  const auto strict = server("sessions/127.0.0.3");
  EXPECT_FALSE(auth_facts(opennas, std::nullopt).standalone.empty());
  EXPECT_TRUE(auth_facts(dc, std::nullopt).standalone.empty());
  const auto k = kerberos_path(auth_facts(strict, std::nullopt));
  EXPECT_EQ(k.verdict, CellVerdict::fails);
  EXPECT_NE(k.why.find("STRICT"), std::string::npos) << k.why;
}

TEST(MatrixSession, BadSessionFactsInAProfileNameTheField) {
  auto doc = profile("windows-7").raw;
  doc["smb"]["encryption"] = true;
  auto r = parse_profile(doc);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("smb.encryption"), std::string::npos) << r.error;
  doc = profile("windows-7").raw;
  doc["smb"].erase("encryption_source");
  EXPECT_FALSE(parse_profile(doc));
  doc = profile("windows-7").raw;
  doc["auth"].erase("insecure_guest");
  r = parse_profile(doc);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("insecure_guest"), std::string::npos) << r.error;
  doc = profile("nas-guest").raw;
  doc["auth"]["insecure_guest"] = "refused";
  EXPECT_FALSE(parse_profile(doc));
}

}  // namespace
}  // namespace legacyscan::matrix
