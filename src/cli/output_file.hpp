// SPDX-License-Identifier: Apache-2.0
// Files legacyscan writes (-o, --junit, --sarif, report -o, merge -o, events -o).
#pragma once

#include <fstream>
#include <ostream>
#include <string>

namespace legacyscan::cli {

// A regular file, or a path that does not exist yet, is written to a temporary file next to it and
// renamed into place by commit(), so an interrupted or crashed run never leaves half a file; a symbolic
// link to a regular file is followed (the file it names is replaced, the link stays). Anything else
// that exists (/dev/null, /dev/stdout, a FIFO, a terminal) is written in place: renaming over it would
// replace the device with a regular file (as root, `-o /dev/null` used to turn /dev/null into one).
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { abandon(); }

  enum class Mode {
    whole,   // a document: temporary file renamed into place by commit() (devices: in place)
    stream,  // a stream (JSONL) read while it grows and after a crash (--resume): in place, truncated
    append,  // a stream being resumed: in place, at its end
  };
  // Opens `path` for writing. False when it cannot be opened.
  bool open(const std::string& path, Mode mode = Mode::whole);
  std::ostream& stream() { return file_; }
  // Flushes and closes; moves the temporary file into place. False when writing or renaming failed
  // (the temporary file is then removed).
  bool commit();
  // Closes and removes the temporary file, if any (nothing is replaced).
  void abandon();
  // Where the data goes before commit(): the temporary file, or the path itself.
  const std::string& writing_to() const { return writing_to_; }

 private:
  std::ofstream file_;
  std::string final_path_;
  std::string writing_to_;
  bool in_place_ = false;
  bool done_ = true;
};

// open + write + commit.
bool write_output_file(const std::string& path, const std::string& text);

}  // namespace legacyscan::cli
