// SPDX-License-Identifier: Apache-2.0
// The TLS probe against real servers in the ls-legacy namespace: the lab DCs' LDAPS (636) and LDAP
// StartTLS (389), and openssl s_server / gnutls-serv instances this test starts on 127.0.0.1:4433-4438
// with a throwaway key. Expected suite lists are derived from each server's own configuration
// (`openssl ciphers -s -V` / `gnutls-cli -l` with the same string), never typed in by hand.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "lab_support.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "tests/integration/tls_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

struct Server {
  std::uint16_t port;
  std::string command;  // run inside ls-legacy
};

const std::string kRsaOnly = "aRSA:@SECLEVEL=0";
const std::string kPfsOnly = "ECDHE+aRSA:DHE+aRSA";
const std::string kRsaKex = "kRSA:!PSK";
const std::string kPfsGroups = "x25519:secp384r1";
// OpenJDK's JSSE serves SSL 3.0, export, DES and NULL suites once the disabled-algorithm lists are
// emptied (docs/lab.md): the only Debian server for those. Written to the temp dir at test time.
const char* kJsseServer = R"(import javax.net.ssl.*;
import java.io.*;
import java.net.*;
import java.security.*;

public class LegacyTlsServer {
  public static void main(String[] a) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(a[1])) { ks.load(in, "changeit".toCharArray()); }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(
        Integer.parseInt(a[0]), 50, InetAddress.getByName("127.0.0.1"));
    ss.setEnabledProtocols(a[2].split(","));
    ss.setEnabledCipherSuites(ss.getSupportedCipherSuites());
    System.out.println("suites " + String.join(",", ss.getEnabledCipherSuites()));
    System.out.flush();
    while (true) {
      final SSLSocket s = (SSLSocket) ss.accept();
      new Thread(() -> {
        try { s.setSoTimeout(5000); s.startHandshake(); } catch (Exception e) { }
        try { s.close(); } catch (Exception e) { }
      }).start();
    }
  }
}
)";
const char* kJsseSecurity =
    "jdk.tls.disabledAlgorithms=\njdk.tls.legacyAlgorithms=\njdk.certpath.disabledAlgorithms=\n";

// Fake STARTTLS services (SMTP, IMAP, POP3, FTP, PostgreSQL SSLRequest, RDP X.224 negotiation, and an
// SMTP server without STARTTLS and a PostgreSQL without SSL) that write every
// multi-line reply in 7-byte pieces with pauses, then hand the socket to Python's ssl module.
const char* kStartTlsServer =
    R"PY(# Fake STARTTLS servers for the TLS probe's tests: every multi-line reply is written in pieces with a
# pause in between (even inside a line), then the socket is wrapped in TLS with Python's ssl module.
import socket, socketserver, ssl, sys, time

proto, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if len(sys.argv) > 5:
    ctx.set_ciphers(sys.argv[5])

def send_split(sock, text):
    data = text.encode()
    for i in range(0, len(data), 7):
        sock.sendall(data[i:i + 7])
        time.sleep(0.01)

def read_line(f):
    return f.readline(1024).decode(errors="replace").strip()

SCRIPTS = {
    "smtp": [(None, "220-mail.lab.test ESMTP\r\n220 ready\r\n"),
             ("EHLO", "250-mail.lab.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n"),
             ("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")],
    "smtp-notls": [(None, "220 mail.lab.test ESMTP\r\n"), ("EHLO", "250-mail.lab.test\r\n250 8BITMIME\r\n")],
    "imap": [(None, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"), ("a1 STARTTLS", "a1 OK Begin TLS negotiation now\r\n")],
    "pop3": [(None, "+OK POP3 ready\r\n"), ("STLS", "+OK Begin TLS negotiation\r\n")],
    "ftp": [(None, "220-Welcome\r\n220 FTP ready\r\n"), ("AUTH TLS", "234 AUTH TLS OK.\r\n")],
}

def read_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError()
        data += chunk
    return data

class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        s.settimeout(5)
        f = s.makefile("rb")
        try:
            if proto == "silent":  # accepts, reads, never answers
                time.sleep(8)
                return
            if proto.startswith("postgres"):
                if read_exact(s, 8) != bytes.fromhex("0000000804d2162f"):
                    return
                s.sendall(b"N" if proto.endswith("nossl") else b"S")
                if proto.endswith("nossl"):
                    return
                ctx.wrap_socket(s, server_side=True).close()
                return
            if proto == "rdp":
                header = read_exact(s, 4)
                read_exact(s, int.from_bytes(header[2:4], "big") - 4)
                for piece in (bytes.fromhex("030000130ed000"), bytes.fromhex("001234000200080001000000")):
                    s.sendall(piece)
                    time.sleep(0.01)
                ctx.wrap_socket(s, server_side=True).close()
                return
            if proto.startswith("tds"):  # SQL Server PRELOGIN, then TLS inside PRELOGIN packets
                hdr = read_exact(s, 8)
                read_exact(s, int.from_bytes(hdr[2:4], "big") - 8)
                if hdr[0] != 0x12:
                    return
                enc = 2 if proto.endswith("nossl") else 1  # ENCRYPT_NOT_SUP / ENCRYPT_ON
                opts = bytes.fromhex("00000b000601001100 01ff".replace(" ", "")) + bytes.fromhex("0f0007d00000") + bytes([enc])
                resp = bytes([0x04, 0x01]) + (8 + len(opts)).to_bytes(2, "big") + b"\0\0\1\0" + opts
                for i in range(0, len(resp), 7):
                    s.sendall(resp[i:i + 7])
                    time.sleep(0.01)
                if enc == 2:
                    return
                inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
                tls = ctx.wrap_bio(inc, out, server_side=True)
                while True:
                    done, failed = False, False
                    try:
                        tls.do_handshake()
                        done = True
                    except ssl.SSLWantReadError:
                        pass
                    except ssl.SSLError:
                        failed = True
                    data = out.read()
                    if data:
                        s.sendall(bytes([0x12, 0x01]) + (8 + len(data)).to_bytes(2, "big") + b"\0\0\1\0" + data)
                    if done or failed:
                        return
                    h = read_exact(s, 8)
                    inc.write(read_exact(s, int.from_bytes(h[2:4], "big") - 8))
            for expect, reply in SCRIPTS[proto]:
                if expect is not None:
                    line = read_line(f)
                    if not line.upper().startswith(expect.upper()):
                        s.sendall(b"500 what?\r\n")
                        return
                send_split(s, reply)
            if proto.endswith("notls"):
                read_line(f)
                return
            tls = ctx.wrap_socket(s, server_side=True)
            tls.close()
        except Exception:
            pass

class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

Server(("127.0.0.1", port), Handler).serve_forever()
)PY";

// A middlebox that drops ClientHellos of 256 bytes or more, as some F5 BIG-IP versions did (RFC 7685
// 1): it reads the first TLS record, closes the connection when the record is that large, and
// otherwise relays it and everything after it to a real openssl s_server.
const char* kSizeDropProxy = R"PY(import socket, sys, threading

port, backend = int(sys.argv[1]), int(sys.argv[2])

def pipe(src, dst):
    try:
        while True:
            data = src.recv(16384)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

def handle(c):
    c.settimeout(5)
    try:
        head = b""
        while len(head) < 5:
            chunk = c.recv(5 - len(head))
            if not chunk:
                raise EOFError()
            head += chunk
        need = int.from_bytes(head[3:5], "big")
        if 5 + need >= 256:
            c.close()
            return
        body = b""
        while len(body) < need:
            chunk = c.recv(need - len(body))
            if not chunk:
                raise EOFError()
            body += chunk
        b = socket.create_connection(("127.0.0.1", backend), timeout=5)
        b.sendall(head + body)
        c.settimeout(None)
        threading.Thread(target=pipe, args=(b, c), daemon=True).start()
        pipe(c, b)
    except Exception:
        c.close()

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(50)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
)PY";

// The TDS fixture's OpenSSL cipher string (Python's ssl, TLS 1.2 minimum).
const std::string kTdsCiphers = "ECDHE+aRSA+AESGCM:AES256-GCM-SHA384";
const std::string kGnutlsPriority = "NORMAL:+ARCFOUR-128:+3DES-CBC:+VERS-TLS1.0:+VERS-TLS1.1:-VERS-TLS1.3";

class IntegrationTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = ::testing::TempDir() + "/legacyscan-tls-" + std::to_string(::getpid());
    auto r = run_command("mkdir -p " + dir_ + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir_ +
                         "/key.pem -out " + dir_ + "/cert.pem -days 30 -subj /CN=tls.lab.test -addext " +
                         "subjectAltName=DNS:tls.lab.test,IP:127.0.0.1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    {
      std::ofstream(dir_ + "/LegacyTlsServer.java") << kJsseServer;
      std::ofstream(dir_ + "/legacy.security") << kJsseSecurity;
      std::ofstream(dir_ + "/starttls_server.py") << kStartTlsServer;
      std::ofstream(dir_ + "/size_drop_proxy.py") << kSizeDropProxy;
      // ffdhe3072 (RFC 7919): DHE at the BSI TR-02102-2 minimum of 3000 bits for the PFS-only server.
      r = run_command("openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe3072 -out " + dir_ + "/dh.pem");
      ASSERT_EQ(r.exit_code, 0) << r.err;
      r = run_command("openssl pkcs12 -export -in " + dir_ + "/cert.pem -inkey " + dir_ + "/key.pem -out " + dir_ +
                      "/ks.p12 -passout pass:changeit -name srv");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const std::string kc = " -cert " + dir_ + "/cert.pem -key " + dir_ + "/key.pem -quiet";
    std::vector<Server> servers{
        {4433, "openssl s_server -accept 127.0.0.1:4433 -tls1 -cipher '" + kRsaOnly + "'" + kc},
        {4434, "openssl s_server -accept 127.0.0.1:4434 -no_tls1_3 -cipher '" + kRsaOnly + "'" + kc},
        {4435, "openssl s_server -accept 127.0.0.1:4435 -tls1_2 -serverpref -dhparam " + dir_ + "/dh.pem -groups " +
                   kPfsGroups + " -cipher '" + kPfsOnly + "'" + kc},
        {4436, "openssl s_server -accept 127.0.0.1:4436 -tls1_2 -cipher '" + kRsaKex + "'" + kc},
        {4437,
         "openssl s_server -accept 127.0.0.1:4437 -tls1_3 -ciphersuites "
         "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256" +
             kc},
        {4438, "gnutls-serv -p 4438 --echo -q --x509certfile=" + dir_ + "/cert.pem --x509keyfile=" + dir_ +
                   "/key.pem --priority='" + kGnutlsPriority + "'"},
        {4439, "java -Djava.security.properties=" + dir_ + "/legacy.security " + dir_ + "/LegacyTlsServer.java 4439 " +
                   dir_ + "/ks.p12 SSLv3,TLSv1"},
    };
    // Its own s_server behind it (s_server serves one connection at a time), configured as 4434.
    servers.push_back({4459, "openssl s_server -accept 127.0.0.1:4459 -no_tls1_3 -cipher '" + kRsaOnly + "'" + kc});
    servers.push_back({4449, "python3 " + dir_ + "/size_drop_proxy.py 4449 4459"});
    for (const auto& [proto, port] : std::vector<std::pair<std::string, std::uint16_t>>{{"smtp", 4440},
                                                                                        {"imap", 4441},
                                                                                        {"pop3", 4442},
                                                                                        {"ftp", 4443},
                                                                                        {"smtp-notls", 4444},
                                                                                        {"postgres", 4445},
                                                                                        {"postgres-nossl", 4446},
                                                                                        {"rdp", 4447},
                                                                                        {"silent", 4448}})
      servers.push_back({port, "python3 " + dir_ + "/starttls_server.py " + proto + " " + std::to_string(port) + " " +
                                   dir_ + "/cert.pem " + dir_ + "/key.pem"});
    for (std::uint16_t port : {4460, 4461})
      servers.push_back({port, "python3 " + dir_ + "/starttls_server.py " + (port == 4460 ? "tds" : "tds-nossl") + " " +
                                   std::to_string(port) + " " + dir_ + "/cert.pem " + dir_ + "/key.pem " +
                                   shell_quote(kTdsCiphers)});
    for (const auto& s : servers) {
      const std::string pidfile = dir_ + "/" + std::to_string(s.port) + ".pid";
      run_command("ip netns exec ls-legacy sh -c " +
                  shell_quote(s.command + " </dev/null >" + dir_ + "/" + std::to_string(s.port) +
                              ".log 2>&1 & echo $! >" + pidfile));
      pidfiles_.push_back(pidfile);
    }
    // Wait until all listen (openssl at once, gnutls-serv within a second, java compiles first).
    for (int i = 0; i < 300; ++i) {
      auto ss = run_command("ip netns exec ls-legacy ss -Hltn");
      int up = 0;
      for (const auto& s : servers)
        if (ss.out.find(":" + std::to_string(s.port) + " ") != std::string::npos) ++up;
      if (up == static_cast<int>(servers.size())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    doc_ = scan_json(
        "legacy",
        {"127.0.0.1", "--probes", "tls", "--ports",
         "tls:636,tls:389,tls:4433,tls:4434,tls:4435,tls:4436,tls:4437,tls:4438,tls:4439,tls:4448,tls:4449,tls:8080,"
         "tls:4450,tls:4451",
         "--starttls",
         "smtp:4440,imap:4441,pop3:4442,ftp:4443,smtp:4444,postgres:4445,postgres:4446,rdp:4447,tds:4460,tds:4461",
         "--timeout", "1s"});
  }

  static void TearDownTestSuite() {
    for (const auto& p : pidfiles_) {
      const std::string pid = slurp(p);
      const int n = std::atoi(pid.c_str());
      if (n > 1) ::kill(n, SIGTERM);
    }
    run_command("rm -rf " + dir_);
  }

  static const json& endpoint(std::uint16_t port) { return tls_endpoint(doc_, port); }

  static std::string dir_;
  static std::vector<std::string> pidfiles_;
  static json doc_;
};
std::string IntegrationTls::dir_;
std::vector<std::string> IntegrationTls::pidfiles_;
json IntegrationTls::doc_;

// `openssl ciphers -s -V -stdname` for one protocol version, in OpenSSL's preference order; TLS 1.3
// suites (which -s keeps for a TLS 1.3 maximum) are dropped for the older versions.
std::vector<std::string> openssl_suites(const std::string& version_flag, const std::string& cipher_string) {
  auto r = run_command("openssl ciphers -s -V -stdname " + version_flag + " " + shell_quote(cipher_string));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  std::istringstream in(r.out);
  std::string hex, dash, name;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    if (!(ls >> hex >> dash >> name)) continue;
    if (hex.rfind("0x13,", 0) == 0) continue;
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

void expect_versions(const json& e, const std::map<std::string, std::string>& expected) {
  ASSERT_EQ(e["status"], "ok") << e.dump();
  for (const auto& [v, verdict] : expected)
    EXPECT_EQ(e["versions"][v], verdict) << "port " << e["port"] << " " << v << ": " << e["version_answers"][v];
}

TEST_F(IntegrationTls, LegacyDcLdapsAcceptsTls10To12) {
  const auto& e = endpoint(636);
  expect_versions(e, {{"ssl2", "rejected"},
                      {"ssl3", "rejected"},
                      {"tls1.0", "accepted"},
                      {"tls1.1", "accepted"},
                      {"tls1.2", "accepted"},
                      {"tls1.3", "accepted"}});
  EXPECT_EQ(e["service"], "ldaps");
  EXPECT_TRUE(e["starttls"].is_null());
  EXPECT_EQ(e["secure_renegotiation"], true);
  EXPECT_EQ(e["fallback_scsv"], true);
  EXPECT_EQ(e["bsi_minimum"], false);
  ASSERT_TRUE(e["certificate"].is_object());
  EXPECT_NE(e["certificate"]["subject"].get<std::string>().find("CN=DC1.legacy.test"), std::string::npos);
  EXPECT_EQ(e["certificate"]["key_type"], "RSA");
  EXPECT_EQ(e["certificate"]["key_bits"], 4096);
  EXPECT_FALSE(accepted_suite_names(e, "tls1.2").empty());
  EXPECT_FALSE(accepted_suite_names(e, "tls1.3").empty());
}

TEST_F(IntegrationTls, HardenedDcLdapsRejectsTls10And11) {
  auto doc = scan_json("hardened", {"127.0.0.1", "--probes", "tls", "--ports", "tls:636"});
  const auto& e = doc["hosts"][0]["probes"]["tls"]["endpoints"][0];
  expect_versions(e, {{"ssl2", "rejected"},
                      {"ssl3", "rejected"},
                      {"tls1.0", "rejected"},
                      {"tls1.1", "rejected"},
                      {"tls1.2", "accepted"},
                      {"tls1.3", "accepted"}});
  EXPECT_EQ(e["version_answers"]["tls1.0"], "closed");  // Samba closes without an alert
  EXPECT_TRUE(accepted_suite_names(e, "tls1.0").empty());
}

TEST_F(IntegrationTls, LegacyDcLdapStartTls) {
  const auto& e = endpoint(389);
  EXPECT_EQ(e["starttls"], "ldap");
  expect_versions(e, {{"tls1.0", "accepted"}, {"tls1.2", "accepted"}, {"ssl3", "rejected"}});
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.2")), sorted(accepted_suite_names(endpoint(636), "tls1.2")));
}

TEST_F(IntegrationTls, OpensslTls10OnlyAtSeclevel0) {
  const auto& e = endpoint(4433);
  expect_versions(e, {{"ssl2", "rejected"},
                      {"ssl3", "rejected"},
                      {"tls1.0", "accepted"},
                      {"tls1.1", "rejected"},
                      {"tls1.2", "rejected"},
                      {"tls1.3", "rejected"}});
  EXPECT_EQ(e["version_answers"]["tls1.2"], "ServerHello TLS 1.0");
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.0")), sorted(openssl_suites("-tls1", kRsaOnly)));
  EXPECT_TRUE(e["fallback_scsv"].is_null()) << "one version only: nothing to fall back from";
  EXPECT_EQ(e["certificate"]["subject"], "CN=tls.lab.test");
  EXPECT_EQ(e["certificate"]["self_signed"], true);
  EXPECT_EQ(e["certificate"]["san"], json::array({"DNS:tls.lab.test", "IP:127.0.0.1"}));
}

TEST_F(IntegrationTls, OpensslTls10To12SuitesPerVersion) {
  const auto& e = endpoint(4434);
  expect_versions(e, {{"tls1.0", "accepted"}, {"tls1.1", "accepted"}, {"tls1.2", "accepted"}, {"tls1.3", "rejected"}});
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.0")), sorted(openssl_suites("-tls1", kRsaOnly)));
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.1")), sorted(openssl_suites("-tls1_1", kRsaOnly)));
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.2")), sorted(openssl_suites("-tls1_2", kRsaOnly)));
  EXPECT_EQ(e["fallback_scsv"], true);
  EXPECT_EQ(e["pfs_only"], false);
}

// Behind a middlebox that drops hellos of 256 bytes or more: the full-size offers are closed, the
// compact ones are answered, and the versions and suites are those of the server behind it.
TEST_F(IntegrationTls, SmallHelloRetryBehindASizeDroppingMiddlebox) {
  const auto& e = endpoint(4449);
  expect_versions(e, {{"ssl2", "rejected"},
                      {"ssl3", "rejected"},
                      {"tls1.0", "accepted"},
                      {"tls1.1", "accepted"},
                      {"tls1.2", "accepted"},
                      {"tls1.3", "rejected"}});
  EXPECT_EQ(e["small_hello_retry"], true);
  EXPECT_NE(
      e["version_answers"]["tls1.2"].get<std::string>().find("hello under 256 bytes; the full-size hello was closed"),
      std::string::npos)
      << e["version_answers"];
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.0")), sorted(openssl_suites("-tls1", kRsaOnly)));
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.1")), sorted(openssl_suites("-tls1_1", kRsaOnly)));
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.2")), sorted(openssl_suites("-tls1_2", kRsaOnly)));
  EXPECT_FALSE(e.contains("cipher_errors")) << e["cipher_errors"];
  EXPECT_EQ(e["certificate"]["subject"], "CN=tls.lab.test");
  EXPECT_EQ(endpoint(4434)["small_hello_retry"], false) << "the same server without the middlebox";
}

TEST_F(IntegrationTls, OpensslPfsOnlyWithServerOrder) {
  const auto& e = endpoint(4435);
  expect_versions(e, {{"tls1.0", "rejected"}, {"tls1.1", "rejected"}, {"tls1.2", "accepted"}, {"tls1.3", "rejected"}});
  // -serverpref: the enumeration order is the server's order, which is openssl's own listing order.
  EXPECT_EQ(accepted_suite_names(e, "tls1.2"), openssl_suites("-tls1_2", kPfsOnly));
  EXPECT_EQ(e["server_order"], true);
  EXPECT_EQ(e["pfs_only"], true);
  EXPECT_EQ(e["bsi_minimum"], true) << e["bsi_reasons"];
  EXPECT_EQ(e["ecdh_groups"], json::array({"x25519", "secp384r1"})) << "s_server -groups " << kPfsGroups;
  // The DH group size as openssl reads the server's -dhparam file.
  auto r = run_command("openssl pkeyparam -noout -text -in " + dir_ + "/dh.pem");
  int dh_bits = 0;
  ASSERT_EQ(std::sscanf(r.out.c_str(), "DH Parameters: (%d bit)", &dh_bits), 1) << r.out;
  for (const auto& s : e["ciphers"]["tls1.2"]) {
    EXPECT_EQ(s["pfs"], true);
    if (s["kex"] == "ECDH") {
      EXPECT_EQ(s["kex_bits"], 253) << s.dump();  // x25519 first in our groups
    } else {
      EXPECT_EQ(s["kex_bits"], dh_bits) << s.dump();
    }
  }
}

TEST_F(IntegrationTls, OpensslRsaKexOnly) {
  const auto& e = endpoint(4436);
  expect_versions(e, {{"tls1.2", "accepted"}, {"tls1.1", "rejected"}});
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.2")), sorted(openssl_suites("-tls1_2", kRsaKex)));
  EXPECT_EQ(e["pfs_only"], false);
  EXPECT_EQ(e["bsi_minimum"], false);
  ASSERT_FALSE(e["bsi_reasons"].empty());
  EXPECT_NE(e["bsi_reasons"][0].get<std::string>().find(": no forward secrecy"), std::string::npos) << e["bsi_reasons"];
  EXPECT_EQ(e["server_order"], false);
  for (const auto& s : e["ciphers"]["tls1.2"]) {
    EXPECT_EQ(s["kex"], "RSA");
    EXPECT_EQ(s["kex_bits"], 2048);
  }
}

TEST_F(IntegrationTls, OpensslTls13OnlyWithReducedSuites) {
  const auto& e = endpoint(4437);
  expect_versions(e, {{"ssl3", "rejected"},
                      {"tls1.0", "rejected"},
                      {"tls1.1", "rejected"},
                      {"tls1.2", "rejected"},
                      {"tls1.3", "accepted"}});
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.3")),
            sorted(std::vector<std::string>{"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}));
  EXPECT_EQ(e["hello_retry_request"], false);
  const auto groups = e["tls13_groups"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(groups.begin(), groups.end(), "x25519"), groups.end());
  EXPECT_NE(std::find(groups.begin(), groups.end(), "secp384r1"), groups.end());
  EXPECT_EQ(std::find(groups.begin(), groups.end(), "X25519MLKEM768"), groups.end());  // OpenSSL 3.0 lacks it
  ASSERT_TRUE(e["certificate"].is_object()) << e.dump();
  EXPECT_EQ(e["certificate"]["source"], "openssl");
  EXPECT_EQ(e["certificate"]["subject"], "CN=tls.lab.test");
  EXPECT_TRUE(e["secure_renegotiation"].is_null());
  EXPECT_EQ(e["bsi_minimum"], true);
}

TEST_F(IntegrationTls, GnutlsServesRc4And3des) {
  const auto& e = endpoint(4438);
  expect_versions(e, {{"ssl3", "rejected"},
                      {"tls1.0", "accepted"},
                      {"tls1.1", "accepted"},
                      {"tls1.2", "accepted"},
                      {"tls1.3", "rejected"}});
  // gnutls-cli -l lists the priority string's suites with their hex value and minimum version; the
  // server can use those whose authentication fits its RSA certificate.
  auto r = run_command("gnutls-cli -l --priority " + shell_quote(kGnutlsPriority));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::set<std::string>> expected;  // version -> IANA names
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    unsigned a = 0, b = 0;
    char minv[16] = {0};
    const auto pos = line.find("0x");
    if (pos == std::string::npos || std::sscanf(line.c_str() + pos, "0x%x, 0x%x %15s", &a, &b, minv) != 3) continue;
    const auto* s = tls::find_cipher_suite(static_cast<std::uint16_t>(a << 8 | b));
    if (!s || s->tls13 || s->auth != "RSA") continue;
    const std::string min(minv);
    for (const char* v : {"tls1.0", "tls1.1", "tls1.2"}) {
      const bool ok = min == "SSL3.0" || min == "TLS1.0" || (min == "TLS1.1" && std::string(v) != "tls1.0") ||
                      (min == "TLS1.2" && std::string(v) == "tls1.2");
      if (ok) expected[v].insert(std::string(s->iana));
    }
  }
  for (const char* v : {"tls1.0", "tls1.1", "tls1.2"}) {
    const auto got = accepted_suite_names(e, v);
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), expected[v]) << v;
  }
  const auto tls10 = accepted_suite_names(e, "tls1.0");
  EXPECT_NE(std::find(tls10.begin(), tls10.end(), "TLS_RSA_WITH_RC4_128_SHA"), tls10.end());
  EXPECT_NE(std::find(tls10.begin(), tls10.end(), "TLS_RSA_WITH_3DES_EDE_CBC_SHA"), tls10.end());
  bool weak_flagged = false;
  for (const auto& s : e["ciphers"]["tls1.0"])
    if (s["iana"] == "TLS_RSA_WITH_RC4_128_SHA") weak_flagged = s["weak"].get<bool>();
  EXPECT_TRUE(weak_flagged);
}

TEST_F(IntegrationTls, JsseServesSsl3AndExportSuites) {
  const auto& e = endpoint(4439);
  expect_versions(e, {{"ssl2", "rejected"},
                      {"ssl3", "accepted"},
                      {"tls1.0", "accepted"},
                      {"tls1.1", "rejected"},
                      {"tls1.2", "rejected"},
                      {"tls1.3", "rejected"}});
  // Expected: the suites the server printed as enabled (JSSE's SSL_ names are IANA's TLS_ ones), minus
  // those its RSA certificate cannot serve (DSS, ECDSA, fixed ECDH/DH) and those SSL 3.0 / TLS 1.0
  // cannot carry (SHA-256/384 MACs, AEAD, TLS 1.3).
  const std::string log = slurp(dir_ + "/4439.log");
  const auto at = log.find("suites ");
  ASSERT_NE(at, std::string::npos) << log;
  std::set<std::string> expected;
  std::istringstream in(log.substr(at + 7, log.find('\n', at) - at - 7));
  std::string name;
  while (std::getline(in, name, ',')) {
    if (name.rfind("SSL_", 0) == 0) name = "TLS_" + name.substr(4);
    for (const auto& s : tls::cipher_suites()) {
      if (s.iana != name) continue;
      const bool cert_fits = s.auth == "RSA" || s.auth == "anon";
      const bool kex_fits = s.kex == "RSA" || s.kex == "DHE" || s.kex == "ECDHE";
      const bool old_mac = s.mac == "SHA1" || s.mac == "MD5";
      if (cert_fits && kex_fits && old_mac && !s.tls13) expected.insert(name);
    }
  }
  for (const char* v : {"ssl3", "tls1.0"}) {
    const auto got = accepted_suite_names(e, v);
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), expected) << v;
  }
  bool export_rsa_512 = false;
  for (const auto& s : e["ciphers"]["ssl3"])
    if (s["iana"] == "TLS_RSA_EXPORT_WITH_RC4_40_MD5")
      export_rsa_512 = s["export"] == true && s["weak"] == true && s["kex_bits"] == 512;
  EXPECT_TRUE(export_rsa_512) << "export RSA: 512-bit ServerKeyExchange key";
  EXPECT_EQ(e["server_order"], true);
  EXPECT_EQ(e["secure_renegotiation"], true);
}

TEST_F(IntegrationTls, StartTlsTextProtocolsWithSplitReplies) {
  for (const auto& [port, proto] : std::vector<std::pair<std::uint16_t, std::string>>{
           {4440, "smtp"}, {4441, "imap"}, {4442, "pop3"}, {4443, "ftp"}, {4445, "postgres"}, {4447, "rdp"}}) {
    const auto& e = endpoint(port);
    EXPECT_EQ(e["starttls"], proto);
    // Python's ssl on Debian: TLS 1.2 minimum.
    expect_versions(e, {{"ssl3", "rejected"},
                        {"tls1.0", "rejected"},
                        {"tls1.1", "rejected"},
                        {"tls1.2", "accepted"},
                        {"tls1.3", "accepted"}});
    EXPECT_FALSE(accepted_suite_names(e, "tls1.2").empty()) << port;
    EXPECT_EQ(e["certificate"]["subject"], "CN=tls.lab.test") << port;
  }
  const auto& notls = endpoint(4444);
  EXPECT_EQ(notls["status"], "protocol-error");
  EXPECT_EQ(notls["reason"], "STARTTLS (smtp): STARTTLS not offered in the EHLO reply");
  const auto& nossl = endpoint(4446);
  EXPECT_EQ(nossl["status"], "protocol-error");
  EXPECT_EQ(nossl["reason"], "STARTTLS (postgres): the server answered 'N': SSL is off");
}

// SQL Server's TDS: PRELOGIN with ENCRYPT_ON, then the handshake inside PRELOGIN packets, against a
// real OpenSSL server (Python's ssl through memory BIOs) behind a PRELOGIN exchange ([MS-TDS] 3.3.5.1).
TEST_F(IntegrationTls, TdsPreloginWithTlsInsidePackets) {
  const auto& e = endpoint(4460);
  EXPECT_EQ(e["starttls"], "tds");
  expect_versions(e, {{"ssl2", "rejected"},
                      {"ssl3", "rejected"},
                      {"tls1.0", "rejected"},
                      {"tls1.1", "rejected"},
                      {"tls1.2", "accepted"},
                      {"tls1.3", "accepted"}});
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.2")), sorted(openssl_suites("-tls1_2", kTdsCiphers)));
  // TLS 1.3: OpenSSL's default suites, which `openssl ciphers -tls1_3` lists with 0x13 codes.
  auto r = run_command("openssl ciphers -s -V -stdname -tls1_3 kRSA");
  std::vector<std::string> tls13;
  std::istringstream in(r.out);
  std::string hex, dash, name;
  while (in >> hex >> dash >> name) {
    std::string rest;
    std::getline(in, rest);
    if (hex.rfind("0x13,", 0) == 0) tls13.push_back(name);
  }
  ASSERT_FALSE(tls13.empty()) << r.out;
  EXPECT_EQ(sorted(accepted_suite_names(e, "tls1.3")), sorted(tls13));
  EXPECT_EQ(e["certificate"]["subject"], "CN=tls.lab.test");
  EXPECT_EQ(e["certificate"]["source"], "handshake");
  const auto& nossl = endpoint(4461);
  EXPECT_EQ(nossl["status"], "protocol-error");
  EXPECT_EQ(nossl["reason"], "STARTTLS (tds): the server answered ENCRYPT_NOT_SUP: no TLS");
}

TEST_F(IntegrationTls, PlainTextSilentAndClosedPorts) {
  const auto& http = endpoint(8080);
  EXPECT_EQ(http["status"], "protocol-error");
  EXPECT_NE(http["reason"].get<std::string>().find("not TLS"), std::string::npos) << http["reason"];
  EXPECT_NE(http["versions"]["tls1.2"], "accepted");
  const auto& silent = endpoint(4448);  // accepts the connection, never answers a hello
  EXPECT_EQ(silent["status"], "timeout");
  EXPECT_EQ(silent["reason"], "read: no answer within 1000 ms");
  EXPECT_EQ(silent["versions"]["tls1.2"], "failed");
  EXPECT_EQ(endpoint(4450)["status"], "timeout");
  EXPECT_EQ(endpoint(4451)["status"], "refused");
}

TEST_F(IntegrationTls, OutputValidatesAgainstTheSchema) {
  const std::string file = dir_ + "/schema-check.json";
  std::ofstream(file) << doc_.dump();
  auto r = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " + file);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
}

TEST_F(IntegrationTls, TableShowsTheVersionGrid) {
  auto r =
      run_in_lab("legacy", {"scan", "127.0.0.1", "--probes", "tls", "--ports", "tls:636", "--no-color", "--details"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("BAD   636/tcp  tls.version.{1.0,1.1}"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OK    636/tcp  tls.version.1.2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tls.bsi_minimum"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace legacyscan::testing
