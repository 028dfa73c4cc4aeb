// SPDX-License-Identifier: Apache-2.0
#include "src/proto/spnego/spnego.hpp"

#include <utility>

#include "src/proto/ber/ber.hpp"

namespace legacyscan::smb {

namespace {

using ber::Class;

// RFC 2743 3.1: [APPLICATION 0] IMPLICIT SEQUENCE { thisMech MechType, innerContextToken ANY }.
constexpr ber::Tag kGssInitialContextToken = ber::application_tag(0);

bool read_mech_list(ber::Reader& list, std::vector<SpnegoMech>& out, std::string& error) {
  while (!list.empty()) {
    if (out.size() >= kMaxMechTypes) {
      error = "mechTypes has more than " + std::to_string(kMaxMechTypes) + " entries";
      return false;
    }
    std::string oid;
    if (!list.read_oid(oid)) {
      error = "mechTypes[" + std::to_string(out.size()) + "]: " + list.error();
      return false;
    }
    SpnegoMech m;
    m.name = std::string(spnego_mech_name(oid));
    m.oid = std::move(oid);
    out.push_back(std::move(m));
  }
  return true;
}

// An optional EXPLICIT [n] OCTET STRING.
bool optional_octets(ber::Reader& seq, std::uint32_t n, std::optional<Bytes>& out, const char* what,
                     std::string& error) {
  if (!seq.next_is(Class::Context, n)) return true;
  ber::Reader field;
  ByteView v;
  if (!seq.enter_context(n, field) || !field.read_octet_string(v)) {
    error = std::string(what) + ": " + (seq.error().empty() ? field.error() : seq.error());
    return false;
  }
  if (!field.empty()) {
    error = std::string(what) + ": trailing bytes inside the field";
    return false;
  }
  out = Bytes(v.begin(), v.end());
  return true;
}

bool decode_init_body(ber::Reader& outer, NegTokenInit& out, std::string& error) {
  ber::Reader wrapper, seq;
  if (!outer.enter_context(0, wrapper) || !wrapper.enter_sequence(seq)) {
    error = "NegTokenInit: " + (outer.error().empty() ? wrapper.error() : outer.error());
    return false;
  }
  // mechTypes [0] MechTypeList (RFC 4178 says OPTIONAL-free; required here too).
  ber::Reader mech_wrapper, mech_list;
  if (!seq.enter_context(0, mech_wrapper) || !mech_wrapper.enter_sequence(mech_list)) {
    error = "NegTokenInit mechTypes: " + (seq.error().empty() ? mech_wrapper.error() : seq.error());
    return false;
  }
  if (!read_mech_list(mech_list, out.mechTypes, error)) {
    error = "NegTokenInit " + error;
    return false;
  }
  if (!mech_wrapper.empty()) {
    error = "NegTokenInit mechTypes: trailing bytes";
    return false;
  }
  // reqFlags [1] ContextFlags (BIT STRING).
  if (seq.next_is(Class::Context, 1)) {
    ber::Reader field;
    ber::BitString bits;
    if (!seq.enter_context(1, field) || !field.read_bit_string(bits)) {
      error = "NegTokenInit reqFlags: " + (seq.error().empty() ? field.error() : seq.error());
      return false;
    }
    if (!field.empty()) {
      error = "NegTokenInit reqFlags: trailing bytes";
      return false;
    }
    out.reqFlags = Bytes(bits.bits.begin(), bits.bits.end());
  }
  if (!optional_octets(seq, 2, out.mechToken, "NegTokenInit mechToken", error)) return false;
  // [3] is negHints (a SEQUENCE, [MS-SPNG] NegTokenInit2) or mechListMIC (an OCTET STRING, RFC 4178).
  if (seq.next_is(Class::Context, 3)) {
    ber::Reader field;
    if (!seq.enter_context(3, field)) {
      error = "NegTokenInit [3]: " + seq.error();
      return false;
    }
    if (field.next_is(Class::Universal, ber::universal::Sequence)) {
      ber::Reader hints;
      if (!field.enter_sequence(hints)) {
        error = "NegTokenInit negHints: " + field.error();
        return false;
      }
      if (hints.next_is(Class::Context, 0)) {
        ber::Reader name_field;
        std::string name;
        if (!hints.enter_context(0, name_field) || !name_field.read_general_string(name)) {
          error = "NegTokenInit negHints.hintName: " + (hints.error().empty() ? name_field.error() : hints.error());
          return false;
        }
        if (!name_field.empty()) {
          error = "NegTokenInit negHints.hintName: trailing bytes";
          return false;
        }
        out.hintName = std::move(name);
      }
      if (!optional_octets(hints, 1, out.hintAddress, "NegTokenInit negHints.hintAddress", error)) return false;
      if (!hints.empty()) {
        error = "NegTokenInit negHints: unexpected trailing element";
        return false;
      }
    } else {
      ByteView v;
      if (!field.read_octet_string(v)) {
        error = "NegTokenInit mechListMIC: " + field.error();
        return false;
      }
      out.mechListMIC = Bytes(v.begin(), v.end());
    }
    if (!field.empty()) {
      error = "NegTokenInit [3]: trailing bytes";
      return false;
    }
  }
  // [4] mechListMIC of NegTokenInit2.
  if (!optional_octets(seq, 4, out.mechListMIC, "NegTokenInit mechListMIC", error)) return false;
  if (!seq.empty()) {
    ber::Tlv t;
    error = "NegTokenInit: unexpected element " + (seq.peek(t) ? ber::describe(t.tag) : std::string("(malformed)"));
    return false;
  }
  if (!wrapper.empty()) {
    error = "NegTokenInit: trailing bytes after the SEQUENCE";
    return false;
  }
  return true;
}

}  // namespace

std::string_view spnego_mech_name(std::string_view oid) {
  if (oid == kOidKerberos5) return "Kerberos 5";
  if (oid == kOidMsKerberos5) return "MS Kerberos 5";
  if (oid == kOidKerberos5UserToUser) return "Kerberos 5 user-to-user";
  if (oid == kOidNtlmssp) return "NTLMSSP";
  if (oid == kOidNegoex) return "NEGOEX";
  if (oid == kOidSpnego) return "SPNEGO";
  return {};
}

std::string_view neg_state_name(std::int64_t state) {
  switch (state) {
    case 0: return "accept-completed";
    case 1: return "accept-incomplete";
    case 2: return "reject";
    case 3: return "request-mic";
    default: return "unknown";
  }
}

Decoded<NegTokenInit> decode_spnego_init(ByteView token) {
  using R = Decoded<NegTokenInit>;
  if (token.empty()) return R::fail("SPNEGO: empty token");
  ber::Reader top(token);
  NegTokenInit out;
  std::string error;
  if (top.next_is(Class::Application, 0)) {
    ber::Reader gss;
    std::string mech;
    if (!top.enter(kGssInitialContextToken, gss)) return R::fail("SPNEGO InitialContextToken: " + top.error());
    if (!gss.read_oid(mech)) return R::fail("SPNEGO InitialContextToken thisMech: " + gss.error());
    if (mech != kOidSpnego) return R::fail("GSS token for mechanism " + mech + ", not SPNEGO (1.3.6.1.5.5.2)");
    if (!gss.next_is(Class::Context, 0)) return R::fail("SPNEGO: innerContextToken is not a NegTokenInit [0]");
    if (!decode_init_body(gss, out, error)) return R::fail("SPNEGO " + error);
    if (!gss.empty()) return R::fail("SPNEGO InitialContextToken: trailing bytes");
  } else {
    if (!top.next_is(Class::Context, 0)) return R::fail("SPNEGO: neither a GSS InitialContextToken nor a NegTokenInit");
    if (!decode_init_body(top, out, error)) return R::fail("SPNEGO " + error);
  }
  if (!top.empty()) return R::fail("SPNEGO: " + std::to_string(top.remaining()) + " trailing bytes after the token");
  return R::ok(std::move(out));
}

Decoded<Bytes> encode_spnego_init(const std::vector<std::string>& mech_oids, std::optional<ByteView> mech_token) {
  using R = Decoded<Bytes>;
  ber::Writer w;
  w.constructed(kGssInitialContextToken, [&](ber::Writer& gss) {
    gss.oid(kOidSpnego);
    gss.context(0, [&](ber::Writer& choice) {
      choice.sequence([&](ber::Writer& init) {
        init.context(0, [&](ber::Writer& types) {
          types.sequence([&](ber::Writer& list) {
            for (const auto& oid : mech_oids) list.oid(oid);
          });
        });
        if (mech_token) init.context(2, [&](ber::Writer& t) { t.octet_string(*mech_token); });
      });
    });
  });
  if (!w.ok()) return R::fail("SPNEGO NegTokenInit: " + w.error());
  return R::ok(w.take());
}

Bytes encode_spnego_init_ntlmssp(ByteView ntlmssp_negotiate) {
  auto encoded = encode_spnego_init({std::string(kOidNtlmssp)}, ntlmssp_negotiate);
  return encoded ? std::move(*encoded) : Bytes{};  // the OID is a valid constant: cannot fail
}

Decoded<NegTokenResp> decode_spnego_resp(ByteView token) {
  using R = Decoded<NegTokenResp>;
  if (token.empty()) return R::fail("SPNEGO: empty token");
  ber::Reader top(token);
  ber::Reader wrapper, seq;
  if (!top.next_is(Class::Context, 1)) return R::fail("SPNEGO: not a NegTokenResp [1]");
  if (!top.enter_context(1, wrapper) || !wrapper.enter_sequence(seq)) {
    return R::fail("SPNEGO NegTokenResp: " + (top.error().empty() ? wrapper.error() : top.error()));
  }
  NegTokenResp out;
  std::string error;
  if (seq.next_is(Class::Context, 0)) {
    ber::Reader field;
    std::int64_t state = 0;
    if (!seq.enter_context(0, field) || !field.read_enumerated(state)) {
      return R::fail("SPNEGO NegTokenResp negState: " + (seq.error().empty() ? field.error() : seq.error()));
    }
    if (!field.empty()) return R::fail("SPNEGO NegTokenResp negState: trailing bytes");
    out.negState = state;
  }
  if (seq.next_is(Class::Context, 1)) {
    ber::Reader field;
    std::string oid;
    if (!seq.enter_context(1, field) || !field.read_oid(oid)) {
      return R::fail("SPNEGO NegTokenResp supportedMech: " + (seq.error().empty() ? field.error() : seq.error()));
    }
    if (!field.empty()) return R::fail("SPNEGO NegTokenResp supportedMech: trailing bytes");
    out.supportedMech = std::move(oid);
  }
  if (!optional_octets(seq, 2, out.responseToken, "SPNEGO NegTokenResp responseToken", error) ||
      !optional_octets(seq, 3, out.mechListMIC, "SPNEGO NegTokenResp mechListMIC", error)) {
    return R::fail(error);
  }
  if (!seq.empty()) {
    ber::Tlv t;
    return R::fail("SPNEGO NegTokenResp: unexpected element " +
                   (seq.peek(t) ? ber::describe(t.tag) : std::string("(malformed)")));
  }
  if (!wrapper.empty() || !top.empty()) return R::fail("SPNEGO NegTokenResp: trailing bytes");
  return R::ok(std::move(out));
}

Decoded<Bytes> encode_spnego_resp(const NegTokenResp& resp) {
  using R = Decoded<Bytes>;
  ber::Writer w;
  w.context(1, [&](ber::Writer& choice) {
    choice.sequence([&](ber::Writer& seq) {
      if (resp.negState) seq.context(0, [&](ber::Writer& f) { f.enumerated(*resp.negState); });
      if (resp.supportedMech) seq.context(1, [&](ber::Writer& f) { f.oid(*resp.supportedMech); });
      if (resp.responseToken) seq.context(2, [&](ber::Writer& f) { f.octet_string(*resp.responseToken); });
      if (resp.mechListMIC) seq.context(3, [&](ber::Writer& f) { f.octet_string(*resp.mechListMIC); });
    });
  });
  if (!w.ok()) return R::fail("SPNEGO NegTokenResp: " + w.error());
  return R::ok(w.take());
}

}  // namespace legacyscan::smb
