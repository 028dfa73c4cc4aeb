// SPDX-License-Identifier: Apache-2.0
// The ClientHellos the matrix sends for each profile's TLS stacks, read back with the ClientHello
// decoders passive mode uses on captures of real clients (tls_client_hello.hpp, written independently
// of the encoder): what the server sees is what the profile says.
#ifdef LEGACYSCAN_PROBE_MATRIX
#include <gtest/gtest.h>

#include "probes/matrix/matrix_hello.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_client_hello.hpp"

namespace legacyscan::matrix {
namespace {

const TlsStack& stack_of(const std::string& profile, std::size_t i) {
  const auto* p = find_profile(profile);
  EXPECT_NE(p, nullptr) << profile;
  EXPECT_GT(p->tls.size(), i) << profile;
  return p->tls.at(i);
}

TEST(MatrixHello, Java6SendsAnSsl2FormatHelloCarryingItsTlsSuites) {
  const auto& java = stack_of("java-6", 0);
  ASSERT_TRUE(java.sslv2_hello);
  auto hello = client_hello_of(java);
  ASSERT_TRUE(hello) << hello.error;
  const Bytes& b = *hello.value;
  // draft-hickman B.1 framing: 2-byte header with the high bit, MSG-CLIENT-HELLO.
  ASSERT_GE(b.size(), 11u);
  EXPECT_EQ(b[0] & 0x80, 0x80);
  EXPECT_EQ(((b[0] & 0x7f) << 8 | b[1]) + 2, static_cast<int>(b.size()));
  EXPECT_EQ(b[2], 1);
  auto decoded = tls::decode_ssl2_client_hello(b);
  ASSERT_TRUE(decoded) << decoded.error;
  EXPECT_TRUE(decoded->ssl2_format);
  EXPECT_EQ(decoded->legacy_version, 0x0301);  // its highest version, TLS 1.0
  EXPECT_EQ(decoded->cipher_suites, java.cipher_suites);
}

TEST(MatrixHello, Ie6OnXpOffersSsl2CipherKindsAfterItsSsl3Suites) {
  const auto& ie6 = stack_of("windows-xp-sp3", 1);
  ASSERT_TRUE(ie6.sslv2_hello);
  ASSERT_FALSE(ie6.ssl2_cipher_kinds.empty());
  auto hello = client_hello_of(ie6);
  ASSERT_TRUE(hello) << hello.error;
  const Bytes& b = *hello.value;
  auto decoded = tls::decode_ssl2_client_hello(b);
  ASSERT_TRUE(decoded) << decoded.error;
  EXPECT_EQ(decoded->legacy_version, 0x0300);  // SSL 2.0 and 3.0: the hello says 3.0
  EXPECT_EQ(decoded->cipher_suites, ie6.cipher_suites);
  // The specs: 5-byte header after the 2-byte record header, then 3 bytes each; the SSL 2.0 kinds last.
  const std::size_t spec_len = static_cast<std::size_t>(b[5] << 8 | b[6]);
  ASSERT_EQ(spec_len, 3 * (ie6.cipher_suites.size() + ie6.ssl2_cipher_kinds.size()));
  const std::size_t first_kind = 11 + 3 * ie6.cipher_suites.size();
  for (std::size_t i = 0; i < ie6.ssl2_cipher_kinds.size(); ++i) {
    const std::size_t at = first_kind + 3 * i;
    EXPECT_EQ(static_cast<std::uint32_t>(b[at] << 16 | b[at + 1] << 8 | b[at + 2]), ie6.ssl2_cipher_kinds[i]);
  }
}

TEST(MatrixHello, TlsStacksSendTheirWindowAndSuitesInOrder) {
  for (const auto& p : all_profiles())
    for (const auto& stack : p.tls) {
      if (stack.sslv2_hello) continue;
      auto hello = client_hello_of(stack);
      ASSERT_TRUE(hello) << p.id << ": " << hello.error;
      const Bytes& b = *hello.value;
      ASSERT_GE(b.size(), 9u);
      EXPECT_EQ(b[0], 22) << p.id;  // handshake record
      EXPECT_EQ(b[5], 1) << p.id;   // ClientHello
      auto decoded = tls::decode_client_hello(ByteView(b).subspan(9));
      ASSERT_TRUE(decoded) << p.id << ": " << decoded.error;
      EXPECT_EQ(decoded->cipher_suites, stack.cipher_suites) << p.id << " " << stack.stack;
      const auto w = tls_window(stack);
      std::vector<std::uint16_t> expected;
      for (auto v = w.max; v >= std::max<std::uint16_t>(w.min, 0x0301) && w.max >= 0x0304; --v) expected.push_back(v);
      if (w.max >= 0x0304) {
        ASSERT_TRUE(decoded->supported_versions) << p.id;
        EXPECT_EQ(*decoded->supported_versions, expected) << p.id;
        EXPECT_EQ(decoded->legacy_version, 0x0303) << p.id;
      } else {
        EXPECT_FALSE(decoded->supported_versions) << p.id;
        EXPECT_EQ(decoded->legacy_version, w.max) << p.id;
      }
      // SSL 3.0 hellos carry no extensions at all.
      if (w.max == 0x0300) {
        EXPECT_TRUE(decoded->extensions.empty()) << p.id;
      }
    }
}

}  // namespace
}  // namespace legacyscan::matrix
#endif
