/* Deep copies of the SDK records (include/claro/records.h) that plugins hand
 * to the host. A plugin may have been built against an older 1.x SDK, so a
 * copy takes only the bytes inside the record's struct_size and zeroes the
 * rest; a record smaller than ABI 1.0's is refused. Every string (and nested
 * record) of a copy is owned by it; free with the matching record_free_*.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CLARO_CORE_RECORDCOPY_H
#define CLARO_CORE_RECORDCOPY_H

#include <stddef.h>

#include <claro/plugin.h>

#include "error.h"

/* The size of a record as ABI 1.0 defined it: the end of its last 1.0 field.
 * Stays right when later minors append fields. */
#define RECORD_V10_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* what names the record in error messages ("package", "vulnerability"...).
 * Returns CLARO_ERR_INVALID (message set) for a record that is too small or
 * misses a required field, CLARO_ERR_NOMEM. */
enum claro_status record_copy_package(const struct claro_package *src, struct claro_package **out,
				      struct error *err);
enum claro_status record_copy_distribution(const struct claro_distribution *src,
					   struct claro_distribution **out, struct error *err);
enum claro_status record_copy_repository(const struct claro_repository *src, struct claro_repository **out,
					 struct error *err);
enum claro_status record_copy_file(const struct claro_file_record *src, struct claro_file_record **out,
				   struct error *err);
enum claro_status record_copy_environment(const struct claro_environment *src, struct claro_environment **out,
					  struct error *err);
enum claro_status record_copy_vulnerability(const struct claro_vulnerability *src,
					    struct claro_vulnerability **out, struct error *err);

void record_free_package(struct claro_package *p);
void record_free_distribution(struct claro_distribution *d);
void record_free_repository(struct claro_repository *r);
void record_free_file(struct claro_file_record *f);
void record_free_environment(struct claro_environment *e);
void record_free_vulnerability(struct claro_vulnerability *v);

/* Replace an owned string field of a copy (frees the old value). */
enum claro_status record_set_string(const char **field, const char *value);

#endif /* CLARO_CORE_RECORDCOPY_H */
