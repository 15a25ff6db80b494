#!/bin/sh
# Generates configure and Makefile.in. automake does not copy its TAP driver on its
# own, so take it from the installed automake.
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
