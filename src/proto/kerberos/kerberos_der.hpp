// SPDX-License-Identifier: Apache-2.0
// DER writing helpers shared by the Kerberos encoders (kerberos_codec.cpp, kerberos_tgs.cpp): the
// context-tagged fields RFC 4120's ASN.1 module uses everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/proto/ber/ber.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

namespace legacyscan::kerberos::der {

inline constexpr ber::Tag kGeneralizedTime = ber::universal_tag(ber::universal::GeneralizedTime);

inline void put_int(ber::Writer& w, std::uint32_t ctx, std::int64_t v) {
  w.context(ctx, [&](ber::Writer& c) { c.integer(v); });
}

inline void put_string(ber::Writer& w, std::uint32_t ctx, std::string_view s) {
  w.context(ctx, [&](ber::Writer& c) { c.general_string(s); });
}

// RFC 4120 5.2.2 PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
inline void put_principal(ber::Writer& w, std::uint32_t ctx, const PrincipalName& p) {
  w.context(ctx, [&](ber::Writer& c) {
    c.sequence([&](ber::Writer& s) {
      put_int(s, 0, p.name_type);
      s.context(1, [&](ber::Writer& n) {
        n.sequence([&](ber::Writer& q) {
          for (const auto& part : p.name_string) q.general_string(part);
        });
      });
    });
  });
}

// RFC 4120 5.2.7 PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING }
inline void put_padata(ber::Writer& w, const PaData& pa) {
  w.sequence([&](ber::Writer& s) {
    put_int(s, 1, pa.padata_type);
    s.context(2, [&](ber::Writer& c) { c.octet_string(pa.padata_value); });
  });
}

// KerberosFlags (RFC 4120 5.2.8): a BIT STRING of 32 bits, bit 0 the most significant.
inline void put_flags(ber::Writer& w, std::uint32_t ctx, std::uint32_t flags) {
  const std::uint8_t b[4] = {static_cast<std::uint8_t>(flags >> 24), static_cast<std::uint8_t>(flags >> 16),
                             static_cast<std::uint8_t>(flags >> 8), static_cast<std::uint8_t>(flags)};
  w.context(ctx, [&](ber::Writer& c) { c.bit_string(ByteView(b, 4), 0); });
}

// RFC 4120 5.5.1 Authenticator ::= [APPLICATION 2] SEQUENCE: vno 5, crealm, cname, cksum, cusec,
// ctime, and the seq-number when given.
inline Bytes authenticator(std::string_view crealm, const PrincipalName& cname, std::int32_t cksumtype, ByteView cksum,
                           std::uint32_t cusec, std::string_view ctime, std::optional<std::uint32_t> seq_number,
                           std::string& error) {
  ber::Writer auth;
  auth.application(2, [&](ber::Writer& app) {
    app.sequence([&](ber::Writer& a) {
      put_int(a, 0, 5);
      put_string(a, 1, crealm);
      put_principal(a, 2, cname);
      a.context(3, [&](ber::Writer& c) {
        c.sequence([&](ber::Writer& ck) {
          put_int(ck, 0, cksumtype);
          ck.context(1, [&](ber::Writer& v) { v.octet_string(cksum); });
        });
      });
      put_int(a, 4, cusec);
      a.context(5, [&](ber::Writer& t) { t.string(ctime, kGeneralizedTime); });
      if (seq_number) put_int(a, 7, *seq_number);
    });
  });
  error = auth.ok() ? "" : "Authenticator: " + auth.error();
  return auth.take();
}

// RFC 4120 5.5.1 AP-REQ ::= [APPLICATION 14] SEQUENCE: the ticket as given and the sealed Authenticator.
inline void put_ap_req(ber::Writer& w, std::uint32_t ap_options, ByteView ticket, std::int32_t etype, ByteView sealed) {
  w.application(14, [&](ber::Writer& app) {
    app.sequence([&](ber::Writer& a) {
      put_int(a, 0, 5);
      put_int(a, 1, 14);
      put_flags(a, 2, ap_options);
      a.context(3, [&](ber::Writer& t) { t.raw(ticket); });
      a.context(4, [&](ber::Writer& e) {
        e.sequence([&](ber::Writer& ed) {
          put_int(ed, 0, etype);
          ed.context(2, [&](ber::Writer& c) { c.octet_string(sealed); });
        });
      });
    });
  });
}

}  // namespace legacyscan::kerberos::der
