/* METADATA / PKG-INFO header reader; see pkginfo.h for the rules and why
 * they are Python's (email.feedparser with policy compat32).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "pkginfo.h"

enum field { F_NONE, F_NAME, F_VERSION, F_METADATA_VERSION, F_OTHER };

/* One line of the input: [start, start+len) without its line break. */
struct line {
	const char *start;
	size_t len;
	size_t next; /* offset of the following line */
};

static int next_line(const char *data, size_t len, size_t off, struct line *l)
{
	size_t i = off;

	if (off >= len)
		return 0;
	while (i < len && data[i] != '\n' && data[i] != '\r')
		i++;
	l->start = data + off;
	l->len = i - off;
	if (i < len && data[i] == '\r')
		i++;
	if (i < len && data[i] == '\n' && (i == off + l->len || data[i - 1] == '\r'))
		i++;
	l->next = i;
	return 1;
}

/* Python's email.feedparser headerRE key class: printable ASCII but ":". */
static int is_key_char(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != ':';
}

static int key_is(const char *key, size_t n, const char *want)
{
	size_t m = strlen(want);

	if (n != m)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)key[i], b = (unsigned char)want[i];

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

static struct pkginfo_value *slot(struct pkginfo *out, enum field f)
{
	switch (f) {
	case F_NAME: return &out->name;
	case F_VERSION: return &out->version;
	case F_METADATA_VERSION: return &out->metadata_version;
	default: return NULL;
	}
}

void pkginfo_parse(const char *data, size_t len, struct pkginfo *out)
{
	enum field current = F_NONE;
	struct line l;
	size_t off = 0, lineno = 0;

	memset(out, 0, sizeof(*out));
	if (data == NULL)
		return;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	while (next_line(data, len, off, &l)) {
		size_t k = 0;
		struct pkginfo_value *v;

		off = l.next;
		lineno++;
		if (l.len == 0)
			break; /* the blank line that ends the headers */
		if (l.start[0] == ' ' || l.start[0] == '\t') {
			/* A continuation: the value runs on to the end of this line
			 * (Python keeps the line break in between). Without a header
			 * to continue, Python ignores the line. */
			if ((v = slot(out, current)) != NULL && v->ptr != NULL)
				v->len = (size_t)(l.start + l.len - v->ptr);
			out->header_lines++;
			continue;
		}
		current = F_NONE;
		if (l.len >= 5 && memcmp(l.start, "From ", 5) == 0) {
			out->header_lines++; /* an mbox envelope line: ignored */
			continue;
		}
		while (k < l.len && is_key_char((unsigned char)l.start[k]))
			k++;
		if (k == l.len || l.start[k] != ':') {
			out->bad_line = lineno;
			out->bad_what =
			    k < l.len && (l.start[k] == ' ' || l.start[k] == '\t')
				? "a header name contains a blank"
				: "the line is neither a \"Key: value\" header nor a continuation";
			break;
		}
		out->header_lines++;
		if (k == 0)
			continue; /* ": value" - Python drops the line */
		if (key_is(l.start, k, "Name"))
			current = F_NAME;
		else if (key_is(l.start, k, "Version"))
			current = F_VERSION;
		else if (key_is(l.start, k, "Metadata-Version"))
			current = F_METADATA_VERSION;
		else
			current = F_OTHER;
		v = slot(out, current);
		if (v == NULL)
			continue;
		if (v->ptr != NULL) {
			current = F_OTHER; /* a repeated key: the first one counts */
			continue;
		}
		k++;
		while (k < l.len && (l.start[k] == ' ' || l.start[k] == '\t'))
			k++;
		v->ptr = l.start + k;
		v->len = l.len - k;
	}
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

struct pkginfo_value pkginfo_trim(struct pkginfo_value v)
{
	if (v.ptr == NULL)
		return v;
	while (v.len > 0 && is_blank(v.ptr[0])) {
		v.ptr++;
		v.len--;
	}
	while (v.len > 0 && is_blank(v.ptr[v.len - 1]))
		v.len--;
	return v;
}

int pkginfo_is_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t need;
		unsigned long cp;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i <= need)
			return 0;
		for (size_t j = 1; j <= need; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + j] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += need + 1;
	}
	return 1;
}
