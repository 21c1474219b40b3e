# plugins/aws: Clair's Amazon Linux distribution scanner ("aws", version 2),
# and its matcher (the RPM rule of plugins/common/rpmmatch.c).
pkgplugins_LTLIBRARIES += plugins/aws/aws.la
plugins_aws_aws_la_SOURCES = plugins/aws/aws.c plugins/aws/matcher.c \
	plugins/common/rpmmatch.c plugins/common/rpmmatch.h plugins/common/relfile.c plugins/common/relfile.h \
	plugins/common/osrelease.c plugins/common/osrelease.h
plugins_aws_aws_la_CPPFLAGS = $(PLUGIN_COMMON_CPPFLAGS)
plugins_aws_aws_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_aws_aws_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/aws/README.md
