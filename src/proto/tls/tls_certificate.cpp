// SPDX-License-Identifier: Apache-2.0
#include "src/proto/tls/tls_certificate.hpp"

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace legacyscan::tls {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr parse(ByteView der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (x && p != der.data() + der.size()) return nullptr;  // trailing bytes after the certificate
  return x;
}

std::string name_string(const X509_NAME* n) {
  if (!n) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return {};
  X509_NAME_print_ex(bio, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string s(data ? data : "", static_cast<std::size_t>(len > 0 ? len : 0));
  BIO_free(bio);
  return s;
}

std::string time_string(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int public_key_bits(ByteView der) {
  auto x = parse(der);
  if (!x) return 0;
  EVP_PKEY* k = X509_get0_pubkey(x.get());
  return k ? EVP_PKEY_get_bits(k) : 0;
}

Decoded<CertificateFacts> certificate_info(const std::vector<Bytes>& chain, std::time_t now) {
  if (chain.empty()) return Decoded<CertificateFacts>::fail("the server sent no certificate");
  auto leaf = parse(chain[0]);
  if (!leaf) return Decoded<CertificateFacts>::fail("the leaf certificate is not valid DER X.509");
  CertificateFacts c;
  c.subject = name_string(X509_get_subject_name(leaf.get()));
  c.issuer = name_string(X509_get_issuer_name(leaf.get()));
  c.self_signed = X509_NAME_cmp(X509_get_subject_name(leaf.get()), X509_get_issuer_name(leaf.get())) == 0 &&
                  (X509_get_extension_flags(leaf.get()) & EXFLAG_SS) != 0;
  if (EVP_PKEY* k = X509_get0_pubkey(leaf.get())) {
    c.key_bits = EVP_PKEY_get_bits(k);
    switch (EVP_PKEY_get_base_id(k)) {
      case EVP_PKEY_RSA: c.key_type = "RSA"; break;
      case EVP_PKEY_RSA_PSS: c.key_type = "RSA-PSS"; break;
      case EVP_PKEY_EC: c.key_type = "EC"; break;
      case EVP_PKEY_DSA: c.key_type = "DSA"; break;
      case EVP_PKEY_ED25519: c.key_type = "ED25519"; break;
      case EVP_PKEY_ED448: c.key_type = "ED448"; break;
      default: c.key_type = OBJ_nid2sn(EVP_PKEY_get_base_id(k)); break;
    }
  }
  const int sig_nid = X509_get_signature_nid(leaf.get());
  c.signature_algorithm = sig_nid == NID_undef ? "unknown" : OBJ_nid2ln(sig_nid);
  int md_nid = NID_undef;
  if (OBJ_find_sigid_algs(sig_nid, &md_nid, nullptr) == 1)
    c.sha1_signature = md_nid == NID_sha1 || md_nid == NID_md5 || md_nid == NID_md2 || md_nid == NID_md4;
  c.not_before = time_string(X509_get0_notBefore(leaf.get()));
  c.not_after = time_string(X509_get0_notAfter(leaf.get()));
  int days = 0, secs = 0;
  ASN1_TIME* now_t = ASN1_TIME_set(nullptr, now);
  if (now_t && ASN1_TIME_diff(&days, &secs, now_t, X509_get0_notAfter(leaf.get())) == 1) c.days_left = days;
  ASN1_TIME_free(now_t);
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf.get(), NID_subject_alt_name, nullptr, nullptr))) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
      if (g->type == GEN_DNS) {
        const auto* s = g->d.dNSName;
        c.san.emplace_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                static_cast<std::size_t>(ASN1_STRING_length(s))));
      } else if (g->type == GEN_IPADD) {
        const auto* s = g->d.iPAddress;
        const unsigned char* d = ASN1_STRING_get0_data(s);
        std::string ip;
        if (ASN1_STRING_length(s) == 4) {
          for (int b = 0; b < 4; ++b) ip += (b ? "." : "") + std::to_string(d[b]);
          c.san.push_back("IP:" + ip);
        }
      }
    }
    GENERAL_NAMES_free(names);
  }
  for (const auto& der : chain) {
    auto x = parse(der);
    c.chain.push_back(x ? name_string(X509_get_subject_name(x.get())) : std::string("(unparseable)"));
  }
  return Decoded<CertificateFacts>::ok(std::move(c));
}

}  // namespace legacyscan::tls
