#!/bin/sh
# Integration test (TAP): claroctl manifest and index against a real
# registry on loopback. Debian's docker-registry (the CNCF distribution
# registry) runs on 127.0.0.1:<random port> with its storage in a temporary
# directory; skopeo pushes the alpine 3.10 `docker save` archive of the test
# data. Oracles: skopeo inspect (manifest digest, layer digests) and the
# blobs curl downloads with the headers claroctl recorded. A second run puts
# the registry behind htpasswd Basic authentication; a third part checks
# `claroctl index` POSTing to a stand-in API server.
# Needs docker-registry, skopeo (contrib/install-deps.sh), and for the
# authenticated run htpasswd (apache2-utils); skips what is missing.
# SPDX-License-Identifier: Apache-2.0

set -u

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CLARO_TESTDATA:=/work/shared/testdata}"
claroctl=$abs_top_builddir/claroctl
archive=$CLARO_TESTDATA/images/docker-archive/alpine-310.tar.gz

for tool in docker-registry skopeo curl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed (contrib/install-deps.sh installs it)"
		exit 0
	fi
done
if [ ! -x "$claroctl" ] || [ ! -f "$archive" ]; then
	echo "1..0 # SKIP claroctl is not built or the test data is missing"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/claro-registry.XXXXXX") || exit 99
pid=
stop_server() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	pid=
}
api_pid=
fake_pid=
cleanup() {
	stop_server
	for p in $api_pid $fake_pid; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check() { # check DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; return 1; fi
}

# Equal and not empty: an empty answer never passes.
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
same_file() { [ -s "$1" ] && cmp -s "$1" "$2"; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_registry [htpasswd-file]: sets $port and $pid; waits for /v2/.
start_registry() {
	port=$(free_port)
	mkdir -p "$tmp/storage"
	{
		echo "version: 0.1"
		echo "log: {level: error, accesslog: {disabled: true}}"
		echo "storage: {filesystem: {rootdirectory: $tmp/storage}, delete: {enabled: true}}"
		echo "http: {addr: 127.0.0.1:$port}"
		if [ -n "${1:-}" ]; then
			echo "auth: {htpasswd: {realm: claro-test, path: $1}}"
		fi
	} >"$tmp/config.yml"
	docker-registry serve "$tmp/config.yml" >"$tmp/registry.log" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 100 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/")
		case $code in 200 | 401) return 0 ;; esac
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	echo "# registry did not start:"
	sed 's/^/# /' "$tmp/registry.log"
	return 1
}

# JSON field by a Python expression over d (the document on stdin).
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# check_manifest FILE REF [CURL-CREDS]: the Clair manifest in FILE against
# skopeo inspect and the blobs themselves.
check_manifest() {
	file=$1 ref=$2 creds=${3:-}
	if [ -n "$creds" ]; then
		skopeo inspect --tls-verify=false --creds "$creds" "docker://$ref" >"$tmp/inspect.json"
	else
		skopeo inspect --tls-verify=false "docker://$ref" >"$tmp/inspect.json"
	fi
	want=$(jget 'd["Digest"]' <"$tmp/inspect.json")
	got=$(jget 'd["hash"]' <"$file")
	check "$ref: manifest hash is skopeo's digest ($want)" same "$got" "$want"
	jget '"\n".join(d["Layers"])' <"$tmp/inspect.json" >"$tmp/want-layers"
	jget '"\n".join(l["hash"] for l in d["layers"])' <"$file" >"$tmp/got-layers"
	check "$ref: layer digests are skopeo's, in order ($(wc -l <"$tmp/want-layers") layers)" \
		same_file "$tmp/want-layers" "$tmp/got-layers"
	count=$(jget 'len(d["layers"])' <"$file")
	check "$ref: the manifest has layers" [ "${count:-0}" -gt 0 ]
	count=${count:-0}
	i=0
	while [ "$i" -lt "$count" ]; do
		hash=$(jget "d['layers'][$i]['hash']" <"$file")
		uri=$(jget "d['layers'][$i]['uri']" <"$file")
		repo=${ref#*/}
		repo=${repo%%[:@]*}
		check "$ref: layer $i URI is /v2/$repo/blobs/<digest>" \
			same "$uri" "http://127.0.0.1:$port/v2/$repo/blobs/$hash"
		# Fetch it as the indexer will: the recorded headers, nothing else.
		jget "'\n'.join(k + ': ' + v for k, vs in d['layers'][$i]['headers'].items() for v in vs)" \
			<"$file" >"$tmp/headers"
		set --
		while IFS= read -r h; do
			[ -n "$h" ] && set -- "$@" -H "$h"
		done <"$tmp/headers"
		curl -sf "$@" -o "$tmp/blob" "$uri"
		sum=$(sha256sum <"$tmp/blob")
		check "$ref: layer $i fetched with the recorded headers hashes to its digest" \
			same "$hash" "sha256:${sum%% *}"
		mt=$(jget "d['layers'][$i]['media_type']" <"$file")
		check "$ref: layer $i media type is a gzip layer type ($mt)" \
			[ "$mt" = "application/vnd.docker.image.rootfs.diff.tar.gzip" -o \
				"$mt" = "application/vnd.oci.image.layer.v1.tar+gzip" ]
		i=$((i + 1))
	done
}

# skopeo before 1.10 reads only uncompressed docker-archive files.
gzip -dc "$archive" >"$tmp/alpine-310.tar" || exit 99
archive=$tmp/alpine-310.tar

# ---- anonymous registry --------------------------------------------------
if ! start_registry; then
	echo "1..0 # SKIP docker-registry does not start here"
	exit 0
fi
ref=127.0.0.1:$port/test/alpine:3.10
check "skopeo pushes the alpine 3.10 docker-archive" \
	skopeo copy -q --dest-tls-verify=false "docker-archive:$archive" "docker://$ref"
check "claroctl manifest $ref succeeds" sh -c "'$claroctl' manifest '$ref' >'$tmp/m.json' 2>'$tmp/err'"
sed 's/^/# /' "$tmp/err"
check_manifest "$tmp/m.json" "$ref"
check "anonymous registry: no Authorization header recorded" \
	same "$(jget 'sum(len(l["headers"]) for l in d["layers"])' <"$tmp/m.json")" 0

digest=$(jget 'd["hash"]' <"$tmp/m.json")
"$claroctl" manifest "127.0.0.1:$port/test/alpine@$digest" >"$tmp/m2.json" 2>"$tmp/err"
check "by digest: the same manifest" same_file "$tmp/m.json" "$tmp/m2.json" ||
	{ sed 's/^/# claroctl: /' "$tmp/err"; diff "$tmp/m.json" "$tmp/m2.json" | head -10 | sed 's/^/# /'; }

"$claroctl" manifest "127.0.0.1:$port/test/alpine:nosuchtag" >/dev/null 2>"$tmp/err"
rc=$?
check "unknown tag: exit status 1" [ "$rc" = 1 ] || sed 's/^/# claroctl: /' "$tmp/err"
check "unknown tag: three-part error naming HTTP 404" \
	sh -c "grep -q 'could not get the manifest' '$tmp/err' && grep -q 'detail: .*404' '$tmp/err' && grep -q 'hint:' '$tmp/err'"

# A multi-platform index: push an OCI layout index (two platforms, made
# here from the pushed image's manifest) and pick with --platform.
skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$tmp/layout:img" >/dev/null 2>&1
python3 - "$tmp/layout" <<'PY'
import hashlib, json, os, sys
lay = sys.argv[1]
idx = json.load(open(os.path.join(lay, "index.json")))
m = idx["manifests"][0]
def blob(doc):
    raw = json.dumps(doc).encode()
    h = hashlib.sha256(raw).hexdigest()
    open(os.path.join(lay, "blobs", "sha256", h), "wb").write(raw)
    return "sha256:" + h, len(raw)
# a second "platform": the same image manifest, re-serialised (other digest)
man = json.load(open(os.path.join(lay, "blobs", "sha256", m["digest"][7:])))
d2, s2 = blob(man)
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    {"mediaType": m["mediaType"], "digest": m["digest"], "size": m["size"],
     "platform": {"os": "linux", "architecture": "amd64"}},
    {"mediaType": m["mediaType"], "digest": d2, "size": s2,
     "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}]}
di, si = blob(index)
idx["manifests"] = [{"mediaType": index["mediaType"], "digest": di, "size": si,
                     "annotations": {"org.opencontainers.image.ref.name": "multi"}}]
json.dump(idx, open(os.path.join(lay, "index.json"), "w"))
print(m["digest"], d2, file=open(os.path.join(lay, "..", "platform-digests"), "w"))
PY
multi=127.0.0.1:$port/test/multi:1
if skopeo copy -q --all --dest-tls-verify=false "oci:$tmp/layout:multi" "docker://$multi" 2>"$tmp/err"; then
	read -r amd64 arm64 <"$tmp/platform-digests"
	"$claroctl" manifest --platform linux/arm64/v8 "$multi" >"$tmp/arm.json" 2>"$tmp/err"
	check "index: --platform linux/arm64/v8 picks the arm64 manifest" \
		same "$(jget 'd["hash"]' <"$tmp/arm.json")" "$arm64"
	"$claroctl" manifest --platform linux/amd64 "$multi" >"$tmp/amd.json" 2>"$tmp/err"
	check "index: --platform linux/amd64 picks the amd64 manifest" \
		same "$(jget 'd["hash"]' <"$tmp/amd.json")" "$amd64"
	"$claroctl" manifest --platform linux/s390x "$multi" >/dev/null 2>"$tmp/err"
	check "index: a platform it lacks fails and lists the platforms" \
		grep -q 'linux/amd64, linux/arm64/v8' "$tmp/err"
else
	not_ok "skopeo pushes a two-platform index"
	sed 's/^/# /' "$tmp/err"
fi

# claroctl index --host: the manifest POSTed to a stand-in clarod.
api_port=$(free_port)
python3 - "$api_port" "$tmp/posted.json" <<'PY' &
import http.server, json, sys
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        open(out, "wb").write(body)
        ok = self.path == "/indexer/api/v1/index_report" and self.headers["Content-Type"] == "application/json"
        doc = json.loads(body)
        reply = json.dumps({"manifest_hash": doc["hash"], "state": "IndexFinished", "success": True}
                           if ok else {"code": "bad-request", "message": "wrong path or type"}).encode()
        self.send_response(201 if ok else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", port), H)
s.timeout = 30
open(out + ".ready", "w").close()
s.handle_request()
PY
api_pid=$!
i=0
until [ -e "$tmp/posted.json.ready" ] || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$claroctl" --host "http://127.0.0.1:$api_port" index "$ref" >"$tmp/report.json" 2>"$tmp/err"
rc=$?
wait "$api_pid" 2>/dev/null
check "index --host: exit status 0" [ "$rc" = 0 ]
sed 's/^/# /' "$tmp/err"
check "index --host: POSTs the Clair manifest" \
	same "$(jget 'd["hash"]' <"$tmp/posted.json" 2>/dev/null)" "$digest"
check "index --host: prints the server's IndexReport" \
	same "$(jget 'd["manifest_hash"]' <"$tmp/report.json" 2>/dev/null)" "$digest"

# claroctl --local index: the in-process indexer with the built alpine and
# linux plugins (copied: the loader takes regular files only), from the
# registry (http layers) and from the docker-archive (extracted file layers).
mkdir -p "$tmp/plugins"
for p in alpine linux; do
	cp "$abs_top_builddir/plugins/$p/.libs/$p.so" "$tmp/plugins/" 2>/dev/null
done
image_id=sha256:$(tar -xOf "$archive" manifest.json | jget 'd[0]["Config"][:64]')
for image in "$ref" "docker-archive:$CLARO_TESTDATA/images/docker-archive/alpine-310.tar.gz"; do
	case $image in docker-archive:*) want=$image_id ;; *) want=$digest ;; esac
	"$claroctl" --local --db "$tmp/local.db" --plugin-dir "$tmp/plugins" index "$image" >"$tmp/local.json" 2>"$tmp/err"
	rc=$?
	sed 's/^/# /' "$tmp/err"
	check "index --local $image: exit status 0" [ "$rc" = 0 ]
	check "index --local $image: IndexFinished on the image's digest" \
		same "$(jget 'd["state"] + " " + d["manifest_hash"]' <"$tmp/local.json" 2>/dev/null)" \
		"IndexFinished $want"
	if [ -e "$tmp/plugins/alpine.so" ]; then
		check "index --local $image: finds Alpine 3.10 and its apk packages" \
			same "$(jget '[x["pretty_name"] for x in d["distributions"].values()] == ["Alpine Linux v3.10"] and len(d["packages"]) > 0' \
				<"$tmp/local.json" 2>/dev/null)" True
	fi
done
stop_server

# ---- htpasswd Basic authentication -----------------------------------------
if command -v htpasswd >/dev/null 2>&1; then
	htpasswd -Bbc "$tmp/htpasswd" claro s3cret >/dev/null 2>&1
	rm -rf "$tmp/storage"
	if start_registry "$tmp/htpasswd"; then
		ref=127.0.0.1:$port/test/alpine:3.10
		check "basic auth: skopeo pushes with credentials" \
			skopeo copy -q --dest-tls-verify=false --dest-creds claro:s3cret "docker-archive:$archive" "docker://$ref"
		HOME=$tmp/nohome REGISTRY_AUTH_FILE= DOCKER_CONFIG= "$claroctl" manifest "$ref" >/dev/null 2>"$tmp/err"
		rc=$?
		check "basic auth: no credentials, exit 1 and 'refused access'" \
			sh -c "[ $rc = 1 ] && grep -q 'refused access' '$tmp/err' && grep -q 'hint:' '$tmp/err'"
		"$claroctl" manifest --username claro --password wrong "$ref" >/dev/null 2>"$tmp/err"
		check "basic auth: a wrong password is refused" grep -q 'refused access' "$tmp/err"
		"$claroctl" manifest --username claro --password s3cret "$ref" >"$tmp/m.json" 2>"$tmp/err"
		check "basic auth: --username/--password work" [ -s "$tmp/m.json" ]
		sed 's/^/# /' "$tmp/err"
		check_manifest "$tmp/m.json" "$ref" claro:s3cret
		uri=$(jget 'd["layers"][0]["uri"]' <"$tmp/m.json")
		code=$(curl -s -o /dev/null -w '%{http_code}' "$uri")
		check "basic auth: the blob without the recorded headers is refused (HTTP $code)" same "$code" 401
		check "basic auth: every layer records an Authorization: Basic header" \
			same "$(jget 'all(l["headers"]["Authorization"][0].startswith("Basic ") for l in d["layers"])' <"$tmp/m.json")" True
		printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$port" "$(printf 'claro:s3cret' | base64)" >"$tmp/auth.json"
		REGISTRY_AUTH_FILE=$tmp/auth.json "$claroctl" manifest "$ref" >"$tmp/m3.json" 2>"$tmp/err"
		check "basic auth: credentials from REGISTRY_AUTH_FILE" same_file "$tmp/m.json" "$tmp/m3.json"
		mkdir -p "$tmp/home/.docker"
		cp "$tmp/auth.json" "$tmp/home/.docker/config.json"
		HOME=$tmp/home REGISTRY_AUTH_FILE= DOCKER_CONFIG= "$claroctl" manifest "$ref" >"$tmp/m4.json" 2>"$tmp/err"
		check "basic auth: credentials from ~/.docker/config.json" same_file "$tmp/m.json" "$tmp/m4.json"
		stop_server
	else
		not_ok "registry with htpasswd starts"
	fi
else
	echo "# htpasswd (apache2-utils) is not installed: Basic authentication not tested"
fi

# ---- Bearer tokens and redirects: a stand-in registry ------------------------
# docker-registry's token auth needs a signing token service; this stand-in
# speaks the protocol instead: /v2/ answers 401 with a Bearer challenge, the
# token service wants Basic credentials and the scope asked for, manifests and
# blobs want the token, and blobs redirect to another host name (localhost vs
# 127.0.0.1) that serves them without it, as registries backed by S3 do.
fake_port=$(free_port)
python3 - "$fake_port" "$tmp/fake" <<'PY' &
import base64, hashlib, http.server, json, os, sys
port, state = int(sys.argv[1]), sys.argv[2]
layer = b"not really a tar, but bytes with a digest" * 10
ld = "sha256:" + hashlib.sha256(layer).hexdigest()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
               "digest": "sha256:" + hashlib.sha256(b"{}").hexdigest()},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": len(layer), "digest": ld}]}).encode()
md = "sha256:" + hashlib.sha256(man).hexdigest()
with open(state + ".expect", "w") as f:
    f.write("%s %s\n" % (md, ld))
token = "tok-" + hashlib.sha256(b"secret").hexdigest()[:16]
class H(http.server.BaseHTTPRequestHandler):
    def reply(self, code, body=b"", ctype="application/json", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
    def challenge(self):
        self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', extra=[("WWW-Authenticate",
            'Bearer realm="http://127.0.0.1:%d/token",service="fake.test",scope="repository:test/app:pull"' % port)])
    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        if self.path.startswith("/token?"):
            want = "Basic " + base64.b64encode(b"tok-user:tok-pass").decode()
            ok = auth == want and "service=fake.test" in self.path and "scope=repository%3Atest%2Fapp%3Apull" in self.path
            if ok:
                open(state + ".token-asked", "w").write(self.path)
                return self.reply(200, json.dumps({"token": token}).encode())
            return self.reply(401, b"{}")
        if self.path.startswith("/storage/"):
            open(state + ".storage-auth", "w").write(auth)
            return self.reply(206 if self.headers.get("Range") else 200, layer, "application/octet-stream")
        if auth != "Bearer " + token:
            return self.challenge()
        if self.path == "/v2/test/app/manifests/1":
            return self.reply(200, man, "application/vnd.oci.image.manifest.v1+json")
        if self.path == "/v2/test/app/blobs/" + ld:
            return self.reply(307, extra=[("Location", "http://localhost:%d/storage/%s?sig=abc" % (port, ld))])
        self.reply(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", port), H)
open(state + ".ready", "w").close()
s.serve_forever()
PY
fake_pid=$!
i=0
until [ -e "$tmp/fake.ready" ] || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$claroctl" manifest --username tok-user --password tok-pass "127.0.0.1:$fake_port/test/app:1" >"$tmp/b.json" 2>"$tmp/err"
rc=$?
sed 's/^/# /' "$tmp/err"
read -r fake_md fake_ld <"$tmp/fake.expect"
check "bearer: exit status 0" [ "$rc" = 0 ]
check "bearer: the token service was asked with the challenge's service and scope" [ -e "$tmp/fake.token-asked" ]
check "bearer: manifest hash is the served manifest's sha256" same "$(jget 'd["hash"]' <"$tmp/b.json")" "$fake_md"
check "bearer: layer digest" same "$(jget 'd["layers"][0]["hash"]' <"$tmp/b.json")" "$fake_ld"
check "bearer: the URI is where the redirect ends" \
	same "$(jget 'd["layers"][0]["uri"]' <"$tmp/b.json")" "http://localhost:$fake_port/storage/$fake_ld?sig=abc"
check "bearer: the token did not follow the redirect to the other host" same "$(cat "$tmp/fake.storage-auth")x" x
check "bearer: so no headers are recorded for that layer" \
	same "$(jget 'len(d["layers"][0]["headers"])' <"$tmp/b.json")" 0
"$claroctl" manifest --username tok-user --password nope "127.0.0.1:$fake_port/test/app:1" >/dev/null 2>"$tmp/err"
check "bearer: the token service refusing the credentials is 'refused access'" grep -q 'refused access' "$tmp/err"
kill "$fake_pid" 2>/dev/null
wait "$fake_pid" 2>/dev/null

echo "1..$n"
exit $failed
