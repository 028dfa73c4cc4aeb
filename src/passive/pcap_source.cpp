// SPDX-License-Identifier: Apache-2.0
// Packet input: classic pcap files (and standard input) and memory buffers through libpcap, which
// handles their byte orders and timestamp resolutions, and live capture with BPF filters. pcapng is
// walked block by block here (pcapng.hpp): libpcap refuses a file whose interfaces differ in link
// type or snapshot length, and such files are common (multi-interface hosts, capture appliances).
#include <pcap/pcap.h>

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "src/passive/passive.hpp"
#include "src/passive/pcapng.hpp"

namespace legacyscan::passive {

namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const {
    if (p) pcap_close(p);
  }
};
using PcapPtr = std::unique_ptr<pcap_t, PcapCloser>;

std::int64_t ts_us(const pcap_pkthdr* h, bool nano) {
  const std::int64_t frac = nano ? h->ts.tv_usec / 1000 : h->ts.tv_usec;
  return static_cast<std::int64_t>(h->ts.tv_sec) * 1000000 + frac;
}

std::string drain(pcap_t* p, const std::string& name, Analyzer& analyzer, const std::function<bool()>& stop,
                  std::uint64_t max_packets = 0, bool live = false) {
  const int link = pcap_datalink(p);
  const bool nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  std::uint64_t n = 0;
  for (;;) {
    if (stop && stop()) return {};
    const int rc = pcap_next_ex(p, &h, &data);
    if (rc == 1) {
      analyzer.packet(link, ts_us(h, nano), ByteView(data, h->caplen), h->len);
      ++n;
      if (max_packets && n >= max_packets) return {};
      continue;
    }
    if (rc == 0 && live) {
      // Non-blocking live capture: wait at most 250 ms for packets, then look at stop() again
      // (a blocking read may never return on an idle interface, and Ctrl-C restarts it).
      pollfd pfd{pcap_get_selectable_fd(p), POLLIN, 0};
      if (pfd.fd >= 0) (void)::poll(&pfd, 1, 250);
      continue;
    }
    if (rc == PCAP_ERROR_BREAK) return {};
    if (rc == PCAP_ERROR) {
      // A file cut short (a capture that was still being written, a partial copy): keep what was read.
      if (!live && n > 0) {
        analyzer.warn((name == "-" ? std::string("standard input") : name) + ": " + pcap_geterr(p) + " (after " +
                      std::to_string(n) + " packets; the rest is missing)");
        return {};
      }
      return name + ": " + pcap_geterr(p);
    }
    return {};
  }
}

// A FILE* that yields `prefix` and then the rest of `inner` (closed with it, unless it is stdin):
// the first bytes of a stream, read to tell pcapng from pcap, handed back to libpcap.
struct PrefixCookie {
  FILE* inner = nullptr;
  std::uint8_t prefix[4] = {0, 0, 0, 0};
  std::size_t size = 0, pos = 0;
};

ssize_t prefix_read(void* c, char* buf, std::size_t n) {
  auto* k = static_cast<PrefixCookie*>(c);
  std::size_t done = 0;
  while (done < n && k->pos < k->size) buf[done++] = static_cast<char>(k->prefix[k->pos++]);
  if (done < n) done += std::fread(buf + done, 1, n - done, k->inner);
  return static_cast<ssize_t>(done);
}

int prefix_close(void* c) {
  auto* k = static_cast<PrefixCookie*>(c);
  if (k->inner != stdin) std::fclose(k->inner);
  delete k;
  return 0;
}

FILE* with_prefix(FILE* inner, ByteView prefix) {
  auto* k = new PrefixCookie;
  k->inner = inner;
  k->size = std::min<std::size_t>(prefix.size(), sizeof k->prefix);
  std::copy_n(prefix.begin(), k->size, k->prefix);
  cookie_io_functions_t io{prefix_read, nullptr, nullptr, prefix_close};
  FILE* f = fopencookie(k, "rb", io);
  if (!f) delete k;
  return f;
}

// A pcapng stream: each block read whole (at most kPcapngMaxBlock) and decoded by PcapngSection.
std::string read_pcapng_stream(FILE* f, ByteView head, const std::string& shown, Analyzer& analyzer,
                               const std::function<bool()>& stop) {
  PcapngSection section;
  Bytes block(head.begin(), head.end());
  std::uint64_t packets = 0;
  for (;;) {
    if (stop && stop()) return {};
    if (block.size() < 12) {
      const std::size_t have = block.size();
      block.resize(12);
      const std::size_t got = std::fread(block.data() + have, 1, 12 - have, f);
      block.resize(have + got);
      if (block.empty()) return {};
      if (block.size() < 12) break;
    }
    const std::size_t len = pcapng_block_length(block, section.big_endian());
    if (len == 0) return shown + ": not a valid pcapng block after " + std::to_string(packets) + " packets";
    const std::size_t have = block.size();
    block.resize(len);
    if (std::fread(block.data() + have, 1, len - have, f) != len - have) break;
    auto p = section.decode_pcapng_block(block);
    if (!p) return shown + ": " + p.error;
    if (*p) {
      const PcapngPacket& pk = **p;
      analyzer.packet(pk.link_type, pk.ts_us, pk.data, pk.wire_length);
      ++packets;
    }
    block.clear();
  }
  // A file cut short (as in drain): what was read is reported, with a warning.
  analyzer.warn(shown + ": truncated pcapng block (after " + std::to_string(packets) +
                " packets; the rest is missing)");
  return {};
}

}  // namespace

bool looks_like_capture(ByteView head) {
  if (head.size() < 4) return false;
  const std::uint32_t be = (static_cast<std::uint32_t>(head[0]) << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
  const std::uint32_t le = (static_cast<std::uint32_t>(head[3]) << 24) | (head[2] << 16) | (head[1] << 8) | head[0];
  for (std::uint32_t m : {0xa1b2c3d4u, 0xa1b23c4du, 0x0a0d0d0au})
    if (be == m || le == m) return true;
  return false;
}

std::string read_capture_files(const std::vector<std::string>& files, Analyzer& analyzer,
                               const std::function<bool()>& stop) {
  for (const auto& file : files) {
    const std::string shown = file == "-" ? std::string("standard input") : file;
    // pcapng is read block by block here (libpcap refuses files whose interfaces differ in link type
    // or snapshot length); classic pcap goes to libpcap, with the bytes looked at handed back.
    FILE* f = file == "-" ? stdin : std::fopen(file.c_str(), "rb");
    if (!f) return shown + ": " + std::strerror(errno);
    std::uint8_t head[4] = {0, 0, 0, 0};
    const std::size_t got = std::fread(head, 1, sizeof head, f);
    if (got == 4 && head[0] == 0x0A && head[1] == 0x0D && head[2] == 0x0D && head[3] == 0x0A) {
      auto e = read_pcapng_stream(f, ByteView(head, got), shown, analyzer, stop);
      if (f != stdin) std::fclose(f);
      if (!e.empty()) return e;
      continue;
    }
    // A file that can seek is handed to libpcap rewound; only a pipe goes through the prefix
    // wrapper, whose extra stdio layer costs a copy of every byte (a third of the CPU on 1 GB).
    FILE* replay = f != stdin && std::fseek(f, 0, SEEK_SET) == 0 ? f : with_prefix(f, ByteView(head, got));
    if (!replay) {
      if (f != stdin) std::fclose(f);
      return shown + ": cannot read";
    }
    char err[PCAP_ERRBUF_SIZE] = {0};
    // Microsecond or nanosecond files alike: ask for nanoseconds and convert.
    PcapPtr p(pcap_fopen_offline_with_tstamp_precision(replay, PCAP_TSTAMP_PRECISION_NANO, err));
    if (!p) {
      std::fclose(replay);
      return shown + ": " + err;
    }
    if (auto e = drain(p.get(), file, analyzer, stop); !e.empty()) return e;
  }
  return {};
}

std::string read_capture_buffer(ByteView data, Analyzer& analyzer) {
  if (data.empty()) return "empty capture";
  // fmemopen needs a non-const buffer pointer; it only reads ("rb").
  FILE* f = fmemopen(const_cast<std::uint8_t*>(data.data()), data.size(), "rb");
  if (!f) return "fmemopen failed";
  if (data.size() >= 4 && data[0] == 0x0A && data[1] == 0x0D && data[2] == 0x0D && data[3] == 0x0A) {
    auto e = read_pcapng_stream(f, {}, "buffer", analyzer, {});
    std::fclose(f);
    return e;
  }
  char err[PCAP_ERRBUF_SIZE] = {0};
  PcapPtr p(pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err));
  if (!p) {
    std::fclose(f);
    return err;
  }
  return drain(p.get(), "buffer", analyzer, {});  // pcap_close closes f
}

std::string default_capture_filter() {
  return "port 445 or port 139 or port 88 or port 464 or port 389 or port 3268 or port 636 or port 3269 or "
         "port 443 or port 137 or port 138 or port 465 or port 993 or port 995 or port 5986 or port 8443 or "
         "port 3389 or port 135 or port 5985 or "
         "(tcp[((tcp[12] & 0xf0) >> 2)] = 0x16)";
}

std::string read_live(const std::string& interface, const std::string& bpf_filter, std::uint64_t max_packets,
                      Analyzer& analyzer, const std::function<bool()>& stop) {
  char err[PCAP_ERRBUF_SIZE] = {0};
  PcapPtr p(pcap_create(interface.c_str(), err));
  if (!p) return "cannot open interface " + interface + ": " + err;
  pcap_set_snaplen(p.get(), 65535);
  pcap_set_promisc(p.get(), 0);
  pcap_set_timeout(p.get(), 250);
  const int rc = pcap_activate(p.get());
  if (rc == PCAP_ERROR_PERM_DENIED)
    return "no permission to capture on " + interface +
           ": run as root or give the binary CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip)";
  if (rc == PCAP_ERROR_NO_SUCH_DEVICE) return "no such interface: " + interface;
  if (rc < 0) return "cannot capture on " + interface + ": " + pcap_geterr(p.get());
  bpf_program prog{};
  const std::string filter = bpf_filter.empty() ? default_capture_filter() : bpf_filter;
  if (pcap_compile(p.get(), &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    return "bad capture filter \"" + filter + "\": " + pcap_geterr(p.get());
  const int set = pcap_setfilter(p.get(), &prog);
  pcap_freecode(&prog);
  if (set != 0) return "cannot set the capture filter: " + std::string(pcap_geterr(p.get()));
  if (pcap_setnonblock(p.get(), 1, err) != 0) return "cannot capture on " + interface + ": " + err;
  return drain(p.get(), interface, analyzer, stop, max_packets, true);
}

}  // namespace legacyscan::passive
