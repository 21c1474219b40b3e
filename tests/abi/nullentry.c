/* tests/abi: its entry point returns NULL.
 * SPDX-License-Identifier: Apache-2.0 */
#include "broken.h"

BROKEN_ENTRY(nullentry, NULL)
