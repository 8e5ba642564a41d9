#!/usr/bin/env python3
"""Answers the update monitors' upstream queries from 127.0.0.1 so the catalog check needs no network.

POST /graphql             GitHub GraphQL shape: every aliased repository has releases and tags v99.0.0, 98.0.0
GET  /api/v2/versions/    release-monitoring.org v2 shape: stable_versions ["99.0.0", "98.0.0"]
GET  /git/.../info/refs   git smart-HTTP ref advertisement (what `ls-remote` reads) with the same tags
Usage: update-fixture-server.py PORTFILE   (binds an ephemeral port, writes it to PORTFILE)
"""
import json, re, sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

SHA = "1" * 40
TAGS = ["v99.0.0", "99.0.0", "98.0.0"]


def pkt(line):
    data = line.encode()
    return b"%04x" % (len(data) + 4) + data


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # one segment per response: headers and body written separately meet the client's delayed ACK (~40 ms each)
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def log_message(self, *args):
        pass

    def send(self, body, ctype="application/json"):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["query"]
        data = {}
        for alias, rest in re.findall(r'(r\d+): repository\([^)]*\) \{ (\w+)', query):
            if rest == "refs":
                data[alias] = {"refs": {"nodes": [{"name": t, "target": {"oid": SHA}} for t in TAGS]}}
            else:
                data[alias] = {"releases": {"nodes": [{"tagName": t, "isDraft": False, "isPrerelease": False} for t in TAGS]}}
        self.send(json.dumps({"data": data}).encode())

    def do_GET(self):
        if self.path.startswith("/api/v2/versions/"):
            self.send(json.dumps({"stable_versions": ["99.0.0", "98.0.0"]}).encode())
        elif self.path.endswith("/info/refs?service=git-upload-pack"):
            body = pkt("# service=git-upload-pack\n") + b"0000"
            body += pkt(SHA + " HEAD\0multi_ack side-band-64k ofs-delta symref=HEAD:refs/heads/main\n")
            body += pkt(SHA + " refs/heads/main\n")
            for t in TAGS:
                body += pkt(SHA + " refs/tags/" + t + "\n")
            body += b"0000"
            self.send(body, "application/x-git-upload-pack-advertisement")
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
