// SPDX-License-Identifier: Apache-2.0
// Results declared once. A result struct lists its JSON fields in one member template
//
//   template <class V> void fields(V& v) {
//     v.outcome(outcome);                  // "status", and "reason" unless ok
//     v("dialects", dialects);             // always present (an empty optional is null)
//     v.optional("server_time", server_time);  // left out when empty (""/[]/{}/nullopt/false/0)
//     if (!v.when(outcome.ok())) return;   // the rest only for an answered check
//     v.computed("flags", [&] { return names_of(flags_value); });  // derived: written, never read
//     v.custom("details", [&] { return details_to_json(); }, [&](const nlohmann::json& j) { ... });
//     v.custom_optional(...);              // the same, left out when it writes null, {} or []
//     v.computed_optional(...);            // likewise
//     v.nested("answers", [&](auto& n) { n("udp", udp); });  // an object of this struct's members
//     if (!v.flattened(reply, "reply_opcode")) return;  // an optional part whose keys sit in this
//     v("reply_opcode", reply->opcode);    // object; the marker key tells the reader it is there
//   }
//
// and the visitors below derive from that one list the JSON writer (to_json), the reader (from_json)
// and the key list (keys_of, which the schema test compares with docs/schema). Fields are visited in
// order, so a condition may use any field declared above it: the reader has read it by then.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "legacyscan/engine/status.hpp"

namespace legacyscan {

inline bool from_string(std::string_view s, Status& out) {
  auto v = status_from_string(s);
  if (v) out = *v;
  return v.has_value();
}

// For an enum's from_string: the value among `all` whose to_string is s.
template <class E, std::size_t N>
bool enum_from_string(std::string_view s, E& out, const E (&all)[N]) {
  for (E e : all)
    if (to_string(e) == s) {
      out = e;
      return true;
    }
  return false;
}

namespace fields {

// A value a field visitor cannot read.
struct ReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class KeyList;

// A struct declares its fields as a member fields(v), or, when its header is to stay free of JSON, as a
// free function declare_fields(v, t) beside the result that writes it (found by argument-dependent lookup).
template <class T>
concept Declared = requires(T& t, KeyList& v) {
  t.fields(v);
}
|| requires(T& t, KeyList& v) { declare_fields(v, t); };

template <class V, class T>
void visit(V& v, T& t) {
  if constexpr (requires { t.fields(v); })
    t.fields(v);
  else
    declare_fields(v, t);
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
bool is_empty(const T& v) {
  if constexpr (is_optional<T>::value)
    return !v.has_value();
  else if constexpr (requires { v.empty(); })
    return v.empty();
  else
    return v == T{};
}

class Writer;
class Reader;

template <class T>
nlohmann::json write_value(const T& v);
template <class T>
void read_value(const nlohmann::json& j, T& v, std::string_view key);

// Builds the JSON object of one declared struct.
class Writer {
 public:
  explicit Writer(nlohmann::json& j) : j_(j) {}
  template <class T>
  void operator()(const char* key, const T& value) {
    j_[key] = write_value(value);
  }
  template <class T>
  void optional(const char* key, const T& value) {
    if (!is_empty(value)) j_[key] = write_value(value);
  }
  // The one way an outcome is written: "status", and "reason" when the status is not ok.
  void outcome(const Status& status, const std::string& reason) {
    j_["status"] = std::string(to_string(status));
    if (status != Status::ok) j_["reason"] = reason;
  }
  void outcome(const Outcome& o) { outcome(o.status, o.reason); }
  [[nodiscard]] bool when(bool condition) const { return condition; }
  template <class Make>
  void computed(const char* key, Make&& make) {
    j_[key] = make();
  }
  template <class Write, class Read>
  void custom(const char* key, Write&& write, Read&& /*read*/) {
    j_[key] = write();
  }
  template <class Write, class Read>
  void custom_optional(const char* key, Write&& write, Read&& /*read*/) {
    nlohmann::json j = write();
    if (!j.empty()) j_[key] = std::move(j);
  }
  template <class Make>
  void computed_optional(const char* key, Make&& make) {
    nlohmann::json j = make();
    if (!j.empty()) j_[key] = std::move(j);
  }
  template <class Fields>
  void nested(const char* key, Fields&& fields) {
    nlohmann::json j = nlohmann::json::object();
    Writer inner(j);
    fields(inner);
    j_[key] = std::move(j);
  }
  template <class T>
  [[nodiscard]] bool flattened(std::optional<T>& part, const char* /*marker*/) const {
    return part.has_value();
  }

 private:
  nlohmann::json& j_;
};

// Fills one declared struct from its JSON object. A missing key leaves the field as it is (the
// writer leaves out empty optional fields); a value of the wrong type throws ReadError.
class Reader {
 public:
  explicit Reader(const nlohmann::json& j) : j_(j) {}
  template <class T>
  void operator()(const char* key, T& value) {
    if (auto it = j_.find(key); it != j_.end()) read_value(*it, value, key);
  }
  template <class T>
  void optional(const char* key, T& value) {
    (*this)(key, value);
  }
  void outcome(Status& status, std::string& reason) {
    (*this)("status", status);
    (*this)("reason", reason);
  }
  void outcome(Outcome& o) { outcome(o.status, o.reason); }
  [[nodiscard]] bool when(bool condition) const { return condition; }
  template <class Make>
  void computed(const char* /*key*/, Make&& /*make*/) {}
  template <class Write, class Read>
  void custom(const char* key, Write&& /*write*/, Read&& read) {
    if (auto it = j_.find(key); it != j_.end()) {
      try {
        read(*it);
      } catch (const nlohmann::json::exception& e) {
        throw ReadError(std::string(key) + ": " + e.what());
      }
    }
  }
  template <class Write, class Read>
  void custom_optional(const char* key, Write&& write, Read&& read) {
    custom(key, write, read);
  }
  template <class Make>
  void computed_optional(const char* /*key*/, Make&& /*make*/) {}
  template <class Fields>
  void nested(const char* key, Fields&& fields) {
    if (auto it = j_.find(key); it != j_.end()) {
      if (!it->is_object()) throw ReadError(std::string(key) + ": not an object");
      Reader inner(*it);
      fields(inner);
    }
  }
  template <class T>
  [[nodiscard]] bool flattened(std::optional<T>& part, const char* marker) const {
    if (!j_.contains(marker)) return false;
    part.emplace();
    return true;
  }

 private:
  const nlohmann::json& j_;
};

// Every key a struct may write, in declaration order: conditions count as met.
class KeyList {
 public:
  template <class T>
  void operator()(const char* key, const T& /*value*/) {
    keys.emplace_back(key);
  }
  template <class T>
  void optional(const char* key, const T& /*value*/) {
    keys.emplace_back(key);
  }
  void outcome(const Status& /*status*/, const std::string& /*reason*/) {
    keys.emplace_back("status");
    keys.emplace_back("reason");
  }
  void outcome(const Outcome& /*o*/) { outcome(Status::ok, {}); }
  [[nodiscard]] bool when(bool /*condition*/) const { return true; }
  template <class Make>
  void computed(const char* key, Make&& /*make*/) {
    keys.emplace_back(key);
  }
  template <class Write, class Read>
  void custom(const char* key, Write&& /*write*/, Read&& /*read*/) {
    keys.emplace_back(key);
  }
  template <class Write, class Read>
  void custom_optional(const char* key, Write&& /*write*/, Read&& /*read*/) {
    keys.emplace_back(key);
  }
  template <class Make>
  void computed_optional(const char* key, Make&& /*make*/) {
    keys.emplace_back(key);
  }
  template <class Fields>
  void nested(const char* key, Fields&& /*fields*/) {
    keys.emplace_back(key);
  }
  template <class T>
  [[nodiscard]] bool flattened(std::optional<T>& part, const char* /*marker*/) const {
    if (!part) part.emplace();
    return true;
  }

  std::vector<std::string> keys;
};

template <class T>
nlohmann::json write_value(const T& v) {
  if constexpr (Declared<T>) {
    nlohmann::json j = nlohmann::json::object();
    Writer w(j);
    // fields() is one template for reading and writing; the Writer only reads the members.
    visit(w, const_cast<T&>(v));
    return j;
  } else if constexpr (std::is_enum_v<T>) {
    return std::string(to_string(v));
  } else if constexpr (is_optional<T>::value) {
    return v ? write_value(*v) : nlohmann::json(nullptr);
  } else if constexpr (is_vector<T>::value) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& e : v) a.push_back(write_value(e));
    return a;
  } else {
    return nlohmann::json(v);
  }
}

template <class T>
void read_value(const nlohmann::json& j, T& v, std::string_view key) {
  try {
    if constexpr (Declared<T>) {
      if (!j.is_object()) throw ReadError("not an object");
      Reader r(j);
      visit(r, v);
    } else if constexpr (std::is_enum_v<T>) {
      if (!from_string(j.get<std::string>(), v)) throw ReadError("unknown name " + j.dump());
    } else if constexpr (is_optional<T>::value) {
      if (j.is_null()) {
        v.reset();
      } else {
        typename T::value_type inner{};
        read_value(j, inner, {});
        v = std::move(inner);
      }
    } else if constexpr (is_vector<T>::value) {
      if (!j.is_array()) throw ReadError("not an array");
      v.clear();
      for (const auto& e : j) {
        typename T::value_type inner{};
        read_value(e, inner, {});
        v.push_back(std::move(inner));
      }
    } else {
      j.get_to(v);
    }
  } catch (const nlohmann::json::exception& e) {
    throw ReadError(std::string(key) + ": " + e.what());
  } catch (const ReadError& e) {
    if (key.empty()) throw;
    throw ReadError(std::string(key) + ": " + e.what());
  }
}

// The JSON object of a declared struct.
template <Declared T>
nlohmann::json to_json(const T& v) {
  return write_value(v);
}

// A declared struct read back from its JSON object; throws ReadError.
template <Declared T>
void from_json(const nlohmann::json& j, T& v) {
  read_value(j, v, {});
}

// A declared struct read from its JSON object; throws ReadError.
template <Declared T>
T read(const nlohmann::json& j) {
  T t{};
  read_value(j, t, {});
  return t;
}

// A list written as one object keyed by a member of each element ({"445": {...}, "139": {...}}), the
// member itself left out of the element's object; and read back, in the order of the keys.
template <class T, class KeyOf>
nlohmann::json keyed_to_json(const std::vector<T>& list, KeyOf&& key_of) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& e : list) j[key_of(e)] = write_value(e);
  return j;
}
template <class T, class SetKey>
void keyed_from_json(const nlohmann::json& j, std::vector<T>& list, SetKey&& set_key) {
  list.clear();
  for (const auto& [key, ej] : j.items()) {
    T e{};
    read_value(ej, e, key);
    set_key(e, key);
    list.push_back(std::move(e));
  }
}

// The keys a declared struct may write.
template <Declared T>
std::vector<std::string> keys_of() {
  T t{};
  KeyList k;
  visit(k, t);
  return k.keys;
}

}  // namespace fields
}  // namespace legacyscan
