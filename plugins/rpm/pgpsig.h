/* The signing key of an RPM package: the 64-bit issuer key ID of the
 * OpenPGP signature in its SIGPGP tag (RFC 4880), found the way claircore
 * finds it with Go's x/crypto/openpgp packet reader, so the repository hint
 * is the same:
 *
 *   - packets are read in order; the first malformed or unsupported packet
 *     stops the reading (keys found before it stay);
 *   - a version 3 signature of type 0 (binary document) gives its issuer
 *     key ID; it must have 5 hashed bytes, an RSA or DSA key and a known hash;
 *   - a version 4 signature of type 0 gives the issuer subpacket (type 16)
 *     from its hashed or unhashed area; it must have an RSA, DSA or ECDSA key,
 *     a known hash, a creation time in the hashed area, well-formed
 *     subpackets and no unknown critical one;
 *   - the signature's MPIs must be present;
 *   - the last signature that gives a key wins; other packet types are
 *     skipped.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_RPM_PGPSIG_H
#define CLARO_PLUGINS_RPM_PGPSIG_H

#include <stddef.h>
#include <stdint.h>

/* 1 and *keyid set when the packets in p[0..n) name a signing key, else 0. */
int pgpsig_issuer(const unsigned char *p, size_t n, uint64_t *keyid);

#endif /* CLARO_PLUGINS_RPM_PGPSIG_H */
