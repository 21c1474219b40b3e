/* claroctl: the claro command-line client. SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>

#include "log.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_setup("claroctl", CLARO_LOG_INFO);
	puts(PACKAGE_STRING);
	return 0;
}
