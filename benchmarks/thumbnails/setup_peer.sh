#!/usr/bin/env bash
# The thumbnail benchmark's peer: libvips's vipsthumbnail (Debian package libvips-tools).
# Installs it when missing (needs root, as on the project's machines and CI).
set -euo pipefail

if ! command -v vipsthumbnail >/dev/null 2>&1; then
    if [[ "$(id -u)" != 0 ]]; then
        echo "vipsthumbnail is missing: run 'apt-get install -y libvips-tools' as root" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools >/dev/null
fi
vipsthumbnail --vips-version
