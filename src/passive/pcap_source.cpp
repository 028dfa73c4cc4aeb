// SPDX-License-Identifier: Apache-2.0
// Packet input through libpcap: pcap and pcapng files (and standard input), memory buffers, and
// live capture. libpcap is used rather than a hand-written reader because it handles both file
// formats, their byte orders and timestamp resolutions, and live capture with BPF filters.
#include <pcap/pcap.h>

#include <poll.h>

#include <cstdio>
#include <memory>

#include "src/passive/passive.hpp"

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
    char err[PCAP_ERRBUF_SIZE] = {0};
    // Microsecond or nanosecond files alike: ask for nanoseconds and convert.
    PcapPtr p(pcap_open_offline_with_tstamp_precision(file.c_str(), PCAP_TSTAMP_PRECISION_NANO, err));
    if (!p) return (file == "-" ? std::string("standard input") : file) + ": " + err;
    if (auto e = drain(p.get(), file, analyzer, stop); !e.empty()) return e;
  }
  return {};
}

std::string read_capture_buffer(ByteView data, Analyzer& analyzer) {
  if (data.empty()) return "empty capture";
  // fmemopen needs a non-const buffer pointer; it only reads ("rb").
  FILE* f = fmemopen(const_cast<std::uint8_t*>(data.data()), data.size(), "rb");
  if (!f) return "fmemopen failed";
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
