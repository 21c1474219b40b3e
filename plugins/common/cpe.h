/* CPE names (NIST IR 7695): unbinding a CPE 2.2 URI ("cpe:/o:redhat:
 * enterprise_linux:8::baseos") or a CPE 2.3 formatted string
 * ("cpe:2.3:o:redhat:...") into a well-formed name (WFN), and binding a WFN
 * as a 2.3 formatted string, which is how Clair serialises every CPE on the
 * wire (reference §2; claircore:toolkit/types/cpe). Shared by the plugins
 * that read CPEs from images and vendor data (rhel, suse, ...); depends only
 * on libc.
 *
 * Rules, as claircore applies them:
 *   - URI: components after "cpe:/" are part, vendor, product, version,
 *     update, edition, language; more is an error. An empty component is ANY,
 *     "-" is NA. Values are lower-cased and percent-decoded (%21 -> "\!",
 *     %01 -> "?", %02 -> "*"); '.', '-' and '~' become "\." "\-" "\~".
 *     An edition starting with '~' packs edition, sw_edition, target_sw,
 *     target_hw and other. The four 2.3-only attributes stay unset.
 *     Beyond claircore's unbinder: a raw '*' or '?' in a URI is an error
 *     (NIST: they exist in a URI only as %02 / %01; claircore's newer code
 *     rejects "cpe:/a:redhat:openshift:4.*" too).
 *   - Formatted string: "cpe:2.3:" then up to 11 attributes split on
 *     unescaped ':'; "" is unset, "*" ANY, "-" NA. Reserved characters that
 *     are not escaped get a backslash (except the wildcards '*' and '?').
 *   - Every set value must be ASCII without blanks, not "*" alone or "\-"
 *     alone, with unescaped '*' only first or last, '?' runs only at either
 *     end, and every other character outside [A-Za-z0-9_] escaped; a set part
 *     is "a", "o" or "h".
 *   - Binding: "cpe:2.3" then ":" and each of the 11 attributes; unset and
 *     ANY bind as "*", NA as "-", values with "\." "\-" "\_" unescaped.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_PLUGINS_CPE_H
#define CLARO_PLUGINS_CPE_H

#include <claro/status.h>

/* The attributes of a WFN, in 2.3 binding order. */
enum cpe_attr {
	CPE_PART,
	CPE_VENDOR,
	CPE_PRODUCT,
	CPE_VERSION,
	CPE_UPDATE,
	CPE_EDITION,
	CPE_LANGUAGE,
	CPE_SW_EDITION,
	CPE_TARGET_SW,
	CPE_TARGET_HW,
	CPE_OTHER,
	CPE_NATTR
};

enum cpe_value_kind { CPE_UNSET = 0, CPE_ANY, CPE_NA, CPE_SET };

/* One attribute: for CPE_SET, v is the WFN value (reserved characters
 * backslash-escaped), owned by the struct cpe. */
struct cpe_value {
	enum cpe_value_kind kind;
	char *v;
};

struct cpe {
	struct cpe_value attr[CPE_NATTR];
};

/* Unbind s (URI or formatted string). CLARO_OK fills *out (release with
 * cpe_free); CLARO_ERR_INVALID sets *why to a static reason (lower case, no
 * period) and leaves *out empty; CLARO_ERR_NOMEM. */
enum claro_status cpe_unbind(const char *s, struct cpe *out, const char **why);

/* The WFN bound as a CPE 2.3 formatted string (malloc'd), or NULL when out
 * of memory. */
char *cpe_bind_fs(const struct cpe *c);

/* Attribute a's value with its escapes removed ("15\.2" -> "15.2"),
 * malloc'd; NULL when the attribute is not set (or out of memory). */
char *cpe_value_text(const struct cpe *c, enum cpe_attr a);

/* Release what cpe_unbind allocated; leaves *c empty. */
void cpe_free(struct cpe *c);

/* Unbind s and bind it again as a 2.3 formatted string: the canonical form
 * Clair stores. Same statuses as cpe_unbind; *out is malloc'd. */
enum claro_status cpe_to_fs(const char *s, char **out, const char **why);

#endif /* CLARO_PLUGINS_CPE_H */
