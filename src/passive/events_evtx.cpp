// SPDX-License-Identifier: Apache-2.0
// Native Windows event log files (.evtx) through libevtx: each record's XML rendering goes to the
// Event XML reader, so an .evtx gives the same facts as its export with wevtutil qe /f:xml. libevtx
// rather than our own decoder: records are binary XML whose templates are shared across records and
// chunks ([MS-EVEN6] 3.1.4.7 BinXml), which libevtx already resolves and bounds-checks.
#include <libevtx.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "src/passive/events_event.hpp"

namespace legacyscan::passive {

namespace {

constexpr int kMaxRecords = 2'000'000;                       // a full 4 GB log holds fewer
constexpr std::size_t kMaxRecordXml = std::size_t{1} << 20;  // one event's XML; Windows caps a record at 64 KB binary

// One key for every unreadable record: libevtx's message names the record, which would make a key
// per record.
constexpr const char* kCorrupt = "corrupt EVTX record (libevtx could not decode it)";

// The file header's signature: "ElfFile\0" (the EVTX file header, offset 0).
constexpr std::array<char, 8> kSignature{'E', 'l', 'f', 'F', 'i', 'l', 'e', '\0'};

bool has_signature(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> head{};
  if (!in.read(head.data(), head.size())) return false;
  return head == kSignature;
}

bool named_evtx(const std::string& path) {
  if (path.size() < 5) return false;
  std::string ext = path.substr(path.size() - 5);
  for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext == ".evtx";
}

std::string error_text(libevtx_error_t*& error) {
  std::array<char, 512> buf{};
  std::string out;
  if (error && libevtx_error_sprint(error, buf.data(), buf.size()) > 0) out = buf.data();
  libevtx_error_free(&error);
  // libevtx's message is several lines ("function: what" per layer); the last says the cause.
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (const auto nl = out.rfind('\n'); nl != std::string::npos) out = out.substr(nl + 1);
  return out.empty() ? "unreadable" : out;
}

struct FileCloser {
  void operator()(libevtx_file_t* f) const {
    libevtx_file_close(f, nullptr);
    libevtx_file_free(&f, nullptr);
  }
};
struct RecordFree {
  void operator()(libevtx_record_t* r) const { libevtx_record_free(&r, nullptr); }
};

// One record's XML, or "" with why.
std::string record_xml(libevtx_file_t* file, int index, std::string& why) {
  libevtx_error_t* error = nullptr;
  libevtx_record_t* raw = nullptr;
  if (libevtx_file_get_record_by_index(file, index, &raw, &error) != 1) {
    why = kCorrupt;
    libevtx_error_free(&error);
    return "";
  }
  std::unique_ptr<libevtx_record_t, RecordFree> record(raw);
  std::size_t size = 0;
  if (libevtx_record_get_utf8_xml_string_size(record.get(), &size, &error) != 1 || size == 0) {
    why = kCorrupt;
    libevtx_error_free(&error);
    return "";
  }
  if (size > kMaxRecordXml) {
    why = "EVTX record larger than " + std::to_string(kMaxRecordXml >> 20) + " MiB as XML, not read";
    return "";
  }
  std::string xml(size, '\0');
  if (libevtx_record_get_utf8_xml_string(record.get(), reinterpret_cast<std::uint8_t*>(xml.data()), size, &error) !=
      1) {
    why = kCorrupt;
    libevtx_error_free(&error);
    return "";
  }
  xml.resize(xml.find('\0') == std::string::npos ? xml.size() : xml.find('\0'));
  return xml;
}

}  // namespace

bool is_evtx_file(const std::string& path) { return named_evtx(path) || has_signature(path); }

std::string read_evtx_file(const std::string& path, Report& report) {
  if (!has_signature(path)) {
    if (!std::ifstream(path, std::ios::binary)) return path + ": cannot open";
    return path + ": not an EVTX file (no \"ElfFile\" signature); for exports use JSON, CSV or XML";
  }
  report.source.kind = "events";
  report.source.inputs.push_back(path);
  libevtx_error_t* error = nullptr;
  libevtx_file_t* raw = nullptr;
  if (libevtx_file_initialize(&raw, &error) != 1) return path + ": libevtx: " + error_text(error);
  std::unique_ptr<libevtx_file_t, FileCloser> file(raw);
  if (libevtx_file_open(file.get(), path.c_str(), LIBEVTX_OPEN_READ, &error) != 1) {
    file.release();
    libevtx_file_free(&raw, nullptr);
    libevtx_error_free(&error);
    return path + ": not a readable EVTX file (truncated or damaged file header)";
  }
  int records = 0;
  if (libevtx_file_get_number_of_records(file.get(), &records, &error) != 1)
    return path + ": EVTX: " + error_text(error);
  if (records > kMaxRecords) {
    report.source.events_skipped["EVTX records past the first " + std::to_string(kMaxRecords) + ", not read"] +=
        static_cast<std::uint64_t>(records - kMaxRecords);
    records = kMaxRecords;
  }
  for (int i = 0; i < records; ++i) {
    std::string why;
    const std::string xml = record_xml(file.get(), i, why);
    Event e;
    if (!xml.empty() && event_from_xml(xml, e, why)) {
      use_event(report, e);
      continue;
    }
    ++report.source.events;
    ++report.source.events_skipped[why.empty() ? "empty EVTX record" : why];
  }
  if (libevtx_file_is_corrupted(file.get(), &error) == 1)
    report.source.warnings.push_back(path + ": damaged EVTX file: the events read are a part of it");
  libevtx_error_free(&error);
  return {};
}

}  // namespace legacyscan::passive
