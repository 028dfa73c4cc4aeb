#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reads what Chromium rendered: the DOM it dumped (--dump-dom) and its network log (--log-net-log).

Prints one JSON object:
  matrix:   {host target: {profile: {"smb": verdict text, "tls/636": ..., "overall": ...}}}, the text of each
            verdict cell as Chromium parsed it (the first text of the cell, before its <small>)
  elements: the tag names of every element in the DOM (a report must have no script, img, iframe...)
  texts:    every text node, joined (to find an escaped hostile string as text)
  requests: [{"url", "traffic_annotation"}] of every URL request in the network log
Usage: chromium_dom_matrix.py DOM.html NETLOG.json
"""
import json
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.matrix = {}
        self.elements = set()
        self.texts = []
        self.host = None
        self.in_matrix = False
        self.profile = None
        self.cell = None  # (key, [text parts], depth of <small>)
        self.small = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.add(tag)
        if tag == "section" and "host" in (a.get("class") or "").split():
            self.host = a.get("data-target", "")
            self.matrix.setdefault(self.host, {})
        elif tag == "table" and "matrix" in (a.get("class") or "").split():
            self.in_matrix = True
        elif tag == "tr" and self.in_matrix and "data-profile" in a:
            self.profile = a["data-profile"]
            self.matrix[self.host][self.profile] = {}
        elif tag == "td" and self.in_matrix and self.profile is not None and "data-verdict" in a:
            proto = a.get("data-protocol", "")
            port = a.get("data-port", "")
            self.cell = (proto + ("/" + port if port else ""), [])
        elif tag == "small" and self.cell is not None:
            self.small += 1

    def handle_endtag(self, tag):
        if tag == "table" and self.in_matrix:
            self.in_matrix = False
            self.profile = None
        elif tag == "small" and self.small:
            self.small -= 1
        elif tag == "td" and self.cell is not None:
            key, parts = self.cell
            self.matrix[self.host][self.profile][key] = "".join(parts).strip()
            self.cell = None

    def handle_data(self, data):
        self.texts.append(data)
        if self.cell is not None and not self.small:
            self.cell[1].append(data)


def requests(netlog_path):
    log = json.load(open(netlog_path))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    out = []
    for e in log.get("events", []):
        if names.get(e["type"]) == "REQUEST_ALIVE" and "url" in e.get("params", {}):
            out.append({"url": e["params"]["url"], "traffic_annotation": e["params"].get("traffic_annotation")})
    return out


def main():
    dom = Dom()
    dom.feed(open(sys.argv[1], encoding="utf-8").read())
    print(json.dumps({"matrix": dom.matrix, "elements": sorted(dom.elements), "texts": "".join(dom.texts),
                      "requests": requests(sys.argv[2])}))


if __name__ == "__main__":
    main()
