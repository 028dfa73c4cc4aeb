// SPDX-License-Identifier: Apache-2.0
#include "src/passive/tcp_reassembly.hpp"

#include <algorithm>

namespace legacyscan::passive {

namespace {

std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

void deliver(Flow& f, int dir, ByteView data, std::int64_t ts, const Limits& limits) {
  Direction& D = f.dir[dir];
  D.next_seq += static_cast<std::uint32_t>(data.size());
  if (D.stopped || !f.handler) return;
  if (D.skip) {
    const std::size_t n = std::min(D.skip, data.size());
    D.skip -= n;
    data = data.subspan(n);
    if (data.empty()) return;
  }
  ByteView view = data;
  if (!D.buf.empty()) {
    if (D.buf.size() + data.size() > limits.max_stream_buffer) {
      f.partial = true;
      D.stopped = true;
      D.buf.clear();
      return;
    }
    D.buf.insert(D.buf.end(), data.begin(), data.end());
    view = D.buf;
  }
  std::size_t used = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    if (used >= view.size()) break;
    Consume c = f.handler->consume(dir, view.subspan(used), ts);
    if (auto next = f.handler->replacement()) {
      f.handler = std::move(next);
      f.proto = Proto::tls;
      if (c.need_more && c.consumed == 0) continue;  // re-offer the same bytes to the new handler
    }
    used += c.consumed;
    if (c.skip) {
      const std::size_t left = view.size() - used;
      const std::size_t n = std::min(c.skip, left);
      used += n;
      D.skip = c.skip - n;
    }
    if (c.stop) {
      D.stopped = true;
      break;
    }
    if (c.need_more || (c.consumed == 0 && c.skip == 0)) break;
  }
  if (D.stopped) {
    D.buf.clear();
    return;
  }
  if (used >= view.size()) {
    D.buf.clear();
  } else if (D.buf.empty()) {
    if (view.size() - used > limits.max_stream_buffer) {
      f.partial = true;
      D.stopped = true;
      return;
    }
    D.buf.assign(view.begin() + static_cast<std::ptrdiff_t>(used), view.end());
  } else {
    D.buf.erase(D.buf.begin(), D.buf.begin() + static_cast<std::ptrdiff_t>(used));
  }
}

// Missing bytes that will not come: the flow is partial; the stream restarts at the next held
// segment, where the decoder must find a message boundary again (or stop).
void jump_gap(Flow& f, int dir, std::int64_t ts, const Limits& limits) {
  Direction& D = f.dir[dir];
  f.partial = true;
  D.gap = true;
  D.buf.clear();
  D.skip = 0;
  if (D.ooo.empty()) return;
  D.next_seq = D.ooo.begin()->first;
  Bytes seg = std::move(D.ooo.begin()->second);
  D.ooo_bytes -= seg.size();
  D.ooo.erase(D.ooo.begin());
  deliver(f, dir, seg, ts, limits);
}

}  // namespace

void reassemble(Flow& f, int dir, std::uint32_t seq, ByteView payload, std::int64_t ts, const Limits& limits) {
  Direction& D = f.dir[dir];
  if (f.proto == Proto::ignore || D.stopped) {
    if (D.have_seq) D.next_seq = seq + static_cast<std::uint32_t>(payload.size());
    return;
  }
  if (!D.have_seq) {
    D.have_seq = true;
    D.next_seq = seq;
    f.partial = true;  // the flow began before the capture (no SYN)
  }
  std::int32_t d = seq_diff(seq, D.next_seq);
  if (d < 0) {  // retransmission or overlap: keep only the new tail
    if (static_cast<std::size_t>(-static_cast<std::int64_t>(d)) >= payload.size()) return;
    payload = payload.subspan(static_cast<std::size_t>(-static_cast<std::int64_t>(d)));
    seq = D.next_seq;
    d = 0;
  }
  if (d > 0) {
    // Ahead of a gap: hold it (bounded), or give up on the missing bytes.
    if (D.ooo_bytes + payload.size() <= limits.max_out_of_order && D.ooo.size() < 1024) {
      auto [it, fresh] = D.ooo.try_emplace(seq, payload.begin(), payload.end());
      if (fresh) D.ooo_bytes += payload.size();
      return;
    }
    jump_gap(f, dir, ts, limits);
    // After the jump next_seq is at the first held segment; retry this one.
    d = seq_diff(seq, D.next_seq);
    if (d != 0) {
      if (d > 0 && D.ooo_bytes + payload.size() <= limits.max_out_of_order) {
        auto [it, fresh] = D.ooo.try_emplace(seq, payload.begin(), payload.end());
        if (fresh) D.ooo_bytes += payload.size();
      }
      return;
    }
  }
  deliver(f, dir, payload, ts, limits);
  // Drain what the gap held back.
  while (!D.ooo.empty() && !D.stopped) {
    auto it = D.ooo.begin();
    const std::int32_t od = seq_diff(it->first, D.next_seq);
    if (od > 0) break;
    Bytes seg = std::move(it->second);
    D.ooo_bytes -= seg.size();
    D.ooo.erase(it);
    if (static_cast<std::size_t>(-static_cast<std::int64_t>(od)) >= seg.size()) continue;
    deliver(f, dir, ByteView(seg).subspan(static_cast<std::size_t>(-static_cast<std::int64_t>(od))), ts, limits);
  }
}

}  // namespace legacyscan::passive
