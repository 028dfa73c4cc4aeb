// SPDX-License-Identifier: Apache-2.0
// A JSSE client that sends one client profile's TLS offer: its versions, its cipher suites in its order
// and its named groups, with every algorithm the JDK disables by default enabled again (the test gives
// a java.security override), so that old stacks (TLS 1.0 only, 3DES) can be played against the lab.
// Certificates are not checked: only what is negotiated matters.
//   java LegacyTlsClient.java --list                       the suites this JDK can send, one a line
//   java LegacyTlsClient.java HOST PORT VERSIONS SUITES     "OK TLSv1 TLS_RSA_WITH_3DES_EDE_CBC_SHA" or "FAIL why"
// VERSIONS and SUITES are comma-separated JSSE names; groups come from -Djdk.tls.namedGroups.
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

public class LegacyTlsClient {
  public static void main(String[] args) throws Exception {
    TrustManager[] any = {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}
      public void checkServerTrusted(X509Certificate[] c, String a) {}
      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }};
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, any, new SecureRandom());
    if (args.length == 1 && args[0].equals("--list")) {
      for (String s : ctx.getSupportedSSLParameters().getCipherSuites()) System.out.println(s);
      return;
    }
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 10000);
      s.setSoTimeout(10000);
      s.setEnabledProtocols(args[2].split(","));
      s.setEnabledCipherSuites(args[3].split(","));
      s.getSSLParameters().setUseCipherSuitesOrder(false);
      s.startHandshake();
      System.out.println("OK " + s.getSession().getProtocol() + " " + s.getSession().getCipherSuite());
    } catch (Exception e) {
      System.out.println("FAIL " + e);
    }
  }
}
