/* claroctl vercmp: compare two versions, or a stream of pairs, under one of
 * the version schemes the plugins provide (the same compare the matchers
 * use through host->version_scheme()).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <config.h> /* autoconf's */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_vercmp.h"
#include "registry.h"
#include "strutil.h"

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

static int print_error(struct error *err, const char *prog, int rc)
{
	error_print(err, stderr, prog);
	error_clear(err);
	return rc;
}

static int usage(const char *prog, const char *message, const char *detail)
{
	struct error err = ERROR_INIT;

	error_set(&err, CLARO_ERR_INVALID, "%s", message);
	error_detail(&err, "%s", detail);
	error_hint(&err, "Run claroctl vercmp --help for the forms of the command.");
	return print_error(&err, prog, EXIT_USAGE);
}

/* "dpkg, rpm, ..." of the loaded schemes (caller frees), or NULL. */
static char *scheme_names(const struct registry *reg)
{
	size_t n = registry_count(reg, CLARO_KIND_VERSION_SCHEME), len = 1;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(registry_at(reg, CLARO_KIND_VERSION_SCHEME, i)->component->name) + 2;
	if (!(s = malloc(len)))
		return NULL;
	p = s;
	*p = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *name = registry_at(reg, CLARO_KIND_VERSION_SCHEME, i)->component->name;
		size_t l = strlen(name);

		if (i > 0) {
			memcpy(p, ", ", 2);
			p += 2;
		}
		memcpy(p, name, l + 1);
		p += l;
	}
	return s;
}

static const char *verdict(int cmp)
{
	return cmp < 0 ? "<" : cmp > 0 ? ">" : "=";
}

static int compare_one(const struct component_ref *ref, const char *a, const char *b, const char *prog)
{
	const struct claro_version_scheme_ops *ops = ref->component->ops;
	const char *scheme = ref->component->name;
	struct error err = ERROR_INIT;
	int cmp = 0, ca = 0, cb = 0, bad_a, bad_b;

	if (ops->compare(a, b, &cmp) == CLARO_OK) {
		printf("%s\n", verdict(cmp));
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
	}
	/* Which one? A version that compares with itself parses. */
	bad_a = ops->compare(a, a, &ca) != CLARO_OK;
	bad_b = ops->compare(b, b, &cb) != CLARO_OK;
	if (bad_a && bad_b) {
		error_set(&err, CLARO_ERR_INVALID, "invalid %s versions \"%s\" and \"%s\"", scheme, a, b);
		error_detail(&err, "Neither A nor B is a version in the %s scheme's syntax.", scheme);
	} else {
		error_set(&err, CLARO_ERR_INVALID, "invalid %s version \"%s\"", scheme, bad_b ? b : a);
		error_detail(&err, "%s is not a version in the %s scheme's syntax (%s \"%s\" is).",
			     bad_b ? "B" : "A", scheme, bad_b ? "A" : "B", bad_b ? a : b);
	}
	error_hint(&err,
		   "See VERSION SCHEMES in claroctl(1) for what %s accepts, or compare under another "
		   "scheme.",
		   scheme);
	return print_error(&err, prog, EXIT_USAGE);
}

/* One line "A<TAB>B" (NUL bytes possible: len is the line's length). */
static const char *batch_line(const struct claro_version_scheme_ops *ops, char *line, size_t len)
{
	char *tab;
	int cmp;

	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (memchr(line, '\0', len) || !(tab = memchr(line, '\t', len)))
		return "invalid";
	*tab = '\0';
	if (strchr(tab + 1, '\t'))
		return "invalid";
	if (ops->compare(line, tab + 1, &cmp) != CLARO_OK)
		return "invalid";
	return verdict(cmp);
}

static int compare_batch(const struct component_ref *ref, const char *prog)
{
	const struct claro_version_scheme_ops *ops = ref->component->ops;
	static char outbuf[1 << 16];
	struct error err = ERROR_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	while ((got = getline(&line, &cap, stdin)) > 0) {
		if (fputs(batch_line(ops, line, (size_t)got), stdout) == EOF || putchar('\n') == EOF)
			break;
	}
	free(line);
	if (ferror(stdin)) {
		error_set(&err, CLARO_ERR_IO, "could not read the version pairs");
		error_detail(&err, "Reading standard input failed.");
		error_hint(&err, "Check the file or pipe given to claroctl vercmp --batch.");
		fflush(stdout);
		return print_error(&err, prog, EXIT_FAILED);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		error_set(&err, CLARO_ERR_IO, "could not write the verdicts");
		error_detail(&err, "Writing standard output failed.");
		error_hint(&err, "Check where the output of claroctl vercmp --batch goes.");
		return print_error(&err, prog, EXIT_FAILED);
	}
	return EXIT_OK;
}

/* Clair's wire form of a normalised version: "<kind>:<v0>.<v1>...<v9>". */
static int normalize_all(const struct component_ref *ref, char **versions, int n, const char *prog)
{
	const struct claro_version_scheme_ops *ops = ref->component->ops;
	const char *scheme = ref->component->name;
	struct error err = ERROR_INIT;

	if (!ops->normalize) {
		error_set(&err, CLARO_ERR_UNSUPPORTED, "version scheme \"%s\" has no normalised form",
			  scheme);
		error_detail(&err, "Its plugin provides compare only.");
		error_hint(&err, "Compare versions with claroctl vercmp %s A B instead.", scheme);
		return print_error(&err, prog, EXIT_FAILED);
	}
	for (int k = 0; k < n; k++) {
		struct claro_normalized_version nv;

		memset(&nv, 0, sizeof(nv));
		if (ops->normalize(versions[k], &nv) != CLARO_OK) {
			fflush(stdout);
			error_set(&err, CLARO_ERR_INVALID, "invalid %s version \"%s\"", scheme, versions[k]);
			error_detail(&err,
				     "The %s scheme cannot normalise it: it is not a version in its syntax.",
				     scheme);
			error_hint(&err, "See VERSION SCHEMES in claroctl(1) for what %s accepts.", scheme);
			return print_error(&err, prog, EXIT_USAGE);
		}
		printf("%s:", nv.kind ? nv.kind : "");
		for (int j = 0; j < CLARO_NORM_VERSION_LEN; j++)
			printf(j ? ".%ld" : "%ld", (long)nv.v[j]);
		putchar('\n');
	}
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}

int vercmp_main(int argc, char **argv, const char *prog, vercmp_config_fn load_config, void *arg)
{
	struct error err = ERROR_INIT;
	struct config cfg;
	struct registry reg;
	const struct component_ref *ref;
	const char *scheme = NULL, *a = NULL, *b = NULL;
	int batch = 0, list = 0, normalize = 0, dashdash = 0, rc, i = 1;

	/* Options only before the operands (versions may start with '-'),
	 * except "SCHEME --batch". */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = 1;
			i++;
			break;
		} else if (strcmp(argv[i], "--batch") == 0) {
			batch = 1;
		} else if (strcmp(argv[i], "--list") == 0) {
			list = 1;
		} else {
			return usage(prog, "unknown option for vercmp",
				     "vercmp takes --batch, --list and --, then SCHEME [A B].");
		}
	}
	if (i < argc)
		scheme = argv[i++];
	if (!batch && !list && !dashdash && i < argc && strcmp(argv[i], "--batch") == 0) {
		batch = 1; /* vercmp SCHEME --batch */
		i++;
	} else if (!batch && !list && !dashdash && i < argc && strcmp(argv[i], "--normalize") == 0) {
		normalize = 1; /* vercmp SCHEME --normalize V... */
		i++;
	}
	if (list) {
		if (scheme)
			return usage(prog, "too many arguments for vercmp --list", "--list takes no SCHEME.");
	} else if (!scheme) {
		return usage(prog, "missing SCHEME", "vercmp needs a version scheme such as dpkg or pep440.");
	} else if (normalize) {
		if (i == argc)
			return usage(prog, "missing versions for vercmp --normalize",
				     "--normalize takes one or more versions.");
	} else if (batch) {
		if (i != argc)
			return usage(prog, "too many arguments for vercmp --batch",
				     "With --batch the versions come from standard input.");
	} else if (argc - i != 2) {
		return usage(prog, argc - i < 2 ? "missing versions" : "too many arguments for vercmp",
			     "vercmp SCHEME compares exactly two versions, A and B.");
	} else {
		a = argv[i];
		b = argv[i + 1];
	}

	if (load_config(arg, &cfg, &err) != CLARO_OK)
		return print_error(&err, prog, EXIT_FAILED);
	memset(&reg, 0, sizeof(reg));
	if (registry_load(&reg, &cfg, 0, &err) != CLARO_OK) {
		rc = print_error(&err, prog, EXIT_FAILED);
		goto out;
	}
	if (list) {
		for (size_t k = 0; k < registry_count(&reg, CLARO_KIND_VERSION_SCHEME); k++)
			printf("%s\n", registry_at(&reg, CLARO_KIND_VERSION_SCHEME, k)->component->name);
		rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
		goto out;
	}
	if (!(ref = registry_find(&reg, CLARO_KIND_VERSION_SCHEME, scheme))) {
		char *names = scheme_names(&reg);

		error_set(&err, CLARO_ERR_NOT_FOUND, "unknown version scheme \"%s\"", scheme);
		error_detail(&err, "No loaded plugin provides a version scheme of that name (loaded: %s).",
			     names && *names ? names : "none");
		error_hint(&err, "Give one of the loaded schemes, or load the plugin that provides it "
				 "(--plugin-dir, [plugins] load).");
		free(names);
		rc = print_error(&err, prog, EXIT_USAGE);
		goto out;
	}
	if (normalize)
		rc = normalize_all(ref, argv + i, argc - i, prog);
	else
		rc = batch ? compare_batch(ref, prog) : compare_one(ref, a, b, prog);
out:
	registry_free(&reg);
	config_free(&cfg);
	return rc;
}
