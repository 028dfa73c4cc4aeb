// SPDX-License-Identifier: Apache-2.0
// The TLS probe's options are checked when the command line is parsed: a bad --starttls, --tls-ports or
// --tls-sni is a usage error (exit 2) before anything is scanned.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "probes/tls/tls_probe.hpp"

namespace legacyscan::tls {
namespace {

ScanSettings with(std::string flag, std::string value) {
  ScanSettings s;
  s.probe_options[std::move(flag)] = std::move(value);
  return s;
}

TEST(TlsOptions, StartTlsList) {
  std::vector<std::pair<StartTlsProto, std::uint16_t>> out;
  std::string err;
  ASSERT_TRUE(parse_starttls("smtp:25,ldap:389,postgres:5432,rdp:3389", out, err)) << err;
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], std::make_pair(StartTlsProto::smtp, std::uint16_t{25}));
  EXPECT_EQ(out[3], std::make_pair(StartTlsProto::rdp, std::uint16_t{3389}));
  for (const char* bad :
       {"smtp", "smtp:", "gopher:70", "smtp:0", "smtp:65536", "smtp:25x", "smtp:25,", ":25", "SMTP:25"}) {
    out.clear();
    EXPECT_FALSE(parse_starttls(bad, out, err)) << bad;
    EXPECT_EQ(err.rfind("--starttls: ", 0), 0u) << err;
  }
  parse_starttls("smtp:25,imap:x", out, err);
  EXPECT_EQ(err, "--starttls: bad port in 'imap:x'");
}

TEST(TlsOptions, PortList) {
  std::vector<std::uint16_t> out;
  std::string err;
  ASSERT_TRUE(parse_port_list("443,8443,1", out, err));
  EXPECT_EQ(out, (std::vector<std::uint16_t>{443, 8443, 1}));
  for (const char* bad : {"443,,636", "0", "65536", "https", "443 ", "-1"})
    EXPECT_FALSE(parse_port_list(bad, out, err)) << bad;
  EXPECT_EQ(err, "--tls-ports: bad port '-1'");
}

TEST(TlsOptions, ValidateNamesTheFirstBadOption) {
  EXPECT_FALSE(validate_options(ScanSettings{}));
  EXPECT_FALSE(validate_options(with("starttls", "imap:143")));
  EXPECT_FALSE(validate_options(with("tls-sni", "dc1.example.test")));
  EXPECT_EQ(validate_options(with("tls-ports", "443,x")).value_or(""), "--tls-ports: bad port 'x'");
  EXPECT_FALSE(validate_options(with("dtls-ports", "443,3391,4433")));
  EXPECT_EQ(validate_options(with("dtls-ports", "4433,0")).value_or(""), "--dtls-ports: bad port '0'");
  EXPECT_NE(validate_options(with("starttls", "ftp")).value_or("").find("is not PROTO:PORT"), std::string::npos);
  EXPECT_NE(validate_options(with("tls-sni", "10.0.0.1")).value_or("").find("not a DNS host name"), std::string::npos);
  EXPECT_TRUE(validate_options(with("tls-sni", "bad name")));
  // The probe contract carries it to the CLI.
  const auto probe = make_tls_probe();
  EXPECT_EQ(probe->check_options(with("tls-ports", "99999")), "--tls-ports: bad port '99999'");
  EXPECT_EQ(probe->check_options(with("starttls", "ldap:389")), "");
}

// The binary: exit 2 with the message, and nothing scanned (the target would time out otherwise).
TEST(TlsOptions, CommandLineExitsTwoBeforeScanning) {
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--starttls smtp:99999", "--starttls: bad port in 'smtp:99999'"},
           {"--starttls pop:110", "--starttls: 'pop:110' is not PROTO:PORT"},
           {"--tls-ports 443,", "--tls-ports: bad port ''"},
           {"--dtls-ports 4433/udp", "--dtls-ports: bad port '4433/udp'"},
           {"--tls-sni 192.0.2.7", "--tls-sni: '192.0.2.7' is not a DNS host name"}}) {
    const std::string cmd =
        std::string(LEGACYSCAN_BINARY) + " scan 127.0.0.1 --probes tls --no-ping " + args + " 2>&1 >/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int rc = ::pclose(p);
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 2) << args << ": " << out;
    EXPECT_NE(out.find(message), std::string::npos) << args << ": " << out;
  }
}

}  // namespace
}  // namespace legacyscan::tls
