// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "src/cli/output_file.hpp"

namespace legacyscan::cli {
namespace {

namespace fs = std::filesystem;

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("legacyscan-output-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
  static std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }
  fs::path dir_;
};

TEST_F(OutputFileTest, ADocumentAppearsWholeAtCommitOnly) {
  const auto path = dir_ / "scan.json";
  write(path, "previous scan\n");
  OutputFile out;
  ASSERT_TRUE(out.open(path.string()));
  EXPECT_NE(out.writing_to(), path.string());
  out.stream() << "{\"complete\": true}\n";
  out.stream().flush();
  EXPECT_EQ(slurp(path), "previous scan\n");  // the old file stays until commit
  ASSERT_TRUE(out.commit());
  EXPECT_EQ(slurp(path), "{\"complete\": true}\n");
  EXPECT_EQ(entries(), 1u);  // no temporary file left
}

TEST_F(OutputFileTest, AnAbandonedDocumentLeavesTheOldFileAndNoTemporaryFile) {
  const auto path = dir_ / "scan.json";
  write(path, "previous scan\n");
  {
    OutputFile out;
    ASSERT_TRUE(out.open(path.string()));
    out.stream() << "half a docu";
  }  // destroyed without commit
  EXPECT_EQ(slurp(path), "previous scan\n");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFileTest, AStreamIsWrittenInPlaceAsItGoes) {
  const auto path = dir_ / "scan.jsonl";
  OutputFile out;
  ASSERT_TRUE(out.open(path.string(), OutputFile::Mode::stream));
  EXPECT_EQ(out.writing_to(), path.string());
  out.stream() << "{\"target\": \"a\"}\n";
  out.stream().flush();
  EXPECT_EQ(slurp(path), "{\"target\": \"a\"}\n");
  ASSERT_TRUE(out.commit());

  OutputFile more;
  ASSERT_TRUE(more.open(path.string(), OutputFile::Mode::append));
  more.stream() << "{\"target\": \"b\"}\n";
  ASSERT_TRUE(more.commit());
  EXPECT_EQ(slurp(path), "{\"target\": \"a\"}\n{\"target\": \"b\"}\n");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFileTest, ASymbolicLinkStaysALinkAndItsFileIsReplaced) {
  const auto file = dir_ / "real.json";
  const auto link = dir_ / "latest.json";
  write(file, "old\n");
  fs::create_symlink(file, link);
  ASSERT_TRUE(write_output_file(link.string(), "new\n"));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(slurp(file), "new\n");
  EXPECT_EQ(entries(), 2u);
}

TEST_F(OutputFileTest, DevNullStaysACharacterDevice) {
  // Renaming a temporary file over /dev/null (which root may do) would make it a regular file for
  // every program on the machine.
  ASSERT_TRUE(write_output_file("/dev/null", "{}\n"));
  EXPECT_TRUE(fs::is_character_file(fs::status("/dev/null")));
  OutputFile out;
  ASSERT_TRUE(out.open("/dev/null"));
  EXPECT_EQ(out.writing_to(), "/dev/null");
  out.stream() << "{}\n";
  ASSERT_TRUE(out.commit());
  EXPECT_TRUE(fs::is_character_file(fs::status("/dev/null")));
}

TEST_F(OutputFileTest, AFifoIsWrittenInPlace) {
  const auto fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  ASSERT_TRUE(write_output_file(fifo.string(), "through the pipe\n"));
  char buf[64] = {};
  const auto n = ::read(reader, buf, sizeof buf);
  ::close(reader);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0), "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(fs::status(fifo)));
  EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFileTest, AnUnwritablePlaceIsAnError) {
  OutputFile out;
  EXPECT_FALSE(out.open((dir_ / "no-such-dir" / "scan.json").string()));
  EXPECT_FALSE(write_output_file((dir_ / "no-such-dir" / "scan.json").string(), "x"));
  EXPECT_EQ(entries(), 0u);
}

}  // namespace
}  // namespace legacyscan::cli
