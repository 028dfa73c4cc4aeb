// SPDX-License-Identifier: Apache-2.0
#include "src/cli/output_file.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

namespace legacyscan::cli {

namespace fs = std::filesystem;

bool OutputFile::open(const std::string& path, Mode mode) {
  abandon();
  std::error_code ec;
  const auto st = fs::status(path, ec);  // follows symbolic links
  const bool exists = !ec && fs::exists(st);
  final_path_ = path;
  if (exists && fs::is_symlink(fs::symlink_status(path, ec)) && fs::is_regular_file(st)) {
    const auto target = fs::canonical(path, ec);
    if (!ec) final_path_ = target.string();
  }
  in_place_ = mode != Mode::whole || (exists && !fs::is_regular_file(st));
  writing_to_ = in_place_ ? final_path_ : final_path_ + ".tmp." + std::to_string(::getpid());
  file_.open(writing_to_, std::ios::out | std::ios::binary | (mode == Mode::append ? std::ios::app : std::ios::trunc));
  done_ = false;
  if (!file_) {
    abandon();
    return false;
  }
  return true;
}

bool OutputFile::commit() {
  if (done_) return false;
  file_.close();  // flushes; a failed write or flush leaves failbit set
  if (file_.fail()) {
    abandon();
    return false;
  }
  done_ = true;
  if (in_place_) return true;
  if (std::rename(writing_to_.c_str(), final_path_.c_str()) != 0) {
    std::remove(writing_to_.c_str());
    return false;
  }
  return true;
}

void OutputFile::abandon() {
  if (done_) return;
  done_ = true;
  if (file_.is_open()) file_.close();
  if (!in_place_) std::remove(writing_to_.c_str());
}

bool write_output_file(const std::string& path, const std::string& text) {
  OutputFile out;
  if (!out.open(path)) return false;
  out.stream() << text;
  return out.commit();
}

}  // namespace legacyscan::cli
