#!/usr/bin/env bash
# Builds the ffmpeg layer's binaries: one FFmpeg release, fully static, for x86_64 and arm64.
#
#   bash layers/ffmpeg/build.sh [--install-deps] [x86_64] [arm64]     (no arch: both)
#
# Each architecture lands in $MEDIA_PIPELINE_FFMPEG_CACHE (default ~/.cache/media-pipeline/ffmpeg)
# under "<first 16 hex of this file's sha256>-<arch>/": bin/ffmpeg, bin/ffprobe, build.json,
# NOTICE.txt and licenses/. The key is this file, so any change to the version or the flags below
# builds anew, and `cdk synth` (lib/FfmpegLayer.ts) finds a finished build without running this.
#
# Why these choices (docs/processing.md says more):
# - FFmpeg from Debian trixie's source package, pinned by version and checksum: a current
#   release from a registry this project can reach, verified before it is built.
# - --disable-everything, then only the demuxers, decoders, encoders, muxers, filters and the
#   protocols the processors use. An upload is hostile: a binary without the hls, dash, concat,
#   image2-pattern, subfile or data demuxers, and without any protocol but file, pipe, http and
#   tcp, cannot be talked into fetching what a file names, whatever options a command forgets.
#   It also builds in minutes instead of the 17 of a full build.
# - No TLS and no name resolution are needed: the process function serves the original to
#   ffmpeg from a loopback proxy (lambdas/process-upload/source/), so ffmpeg only ever opens
#   http://127.0.0.1. Static glibc's resolver and a CA bundle never come into play on Lambda.
# - Static against Debian bookworm's static libraries (x264, libwebp, zlib): one file per tool,
#   nothing to resolve on Amazon Linux. The result is GPL-2.0-or-later (x264).
# --install-deps (root, Debian bookworm): adds trixie's deb-src, the arm64 architecture and the
# build dependencies with apt. CI and the Docker bundling path use it; a developer may too.
set -euo pipefail

FFMPEG_VERSION=7.1.5
DEBIAN_VERSION=7:7.1.5-0+deb13u1
ORIG_TARBALL=ffmpeg_7.1.5.orig.tar.xz
ORIG_SHA256=de668509caf9e35e3cd162473441fdb29538c6d96ed080292b3cf9e6fc5d558f

DEMUXERS=mov,matroska,mp3,aac,wav,flac,ogg,mpegts,gif,image_png_pipe,image_jpeg_pipe,image_webp_pipe
DECODERS=h264,hevc,vp8,vp9,mpeg4,h263,mpeg2video,prores,mjpeg,png,webp,gif,aac,aac_latm,mp3,mp3float,mp2,opus,vorbis,flac,alac,ac3,eac3,amrnb,amrwb,pcm_s16le,pcm_s16be,pcm_s24le,pcm_s24be,pcm_s32le,pcm_f32le,pcm_f64le,pcm_u8,pcm_alaw,pcm_mulaw,adpcm_ima_wav
PARSERS=h264,hevc,vp8,vp9,mpeg4video,h263,mpegvideo,mjpeg,png,webp,gif,aac,aac_latm,mpegaudio,opus,vorbis,flac,ac3
BSFS=h264_mp4toannexb,hevc_mp4toannexb,aac_adtstoasc,extract_extradata,vp9_superframe_split,null
ENCODERS=libx264,aac,mjpeg,libwebp,pcm_s16le,wrapped_avframe
MUXERS=hls,mpegts,image2,webp,pcm_s16le,null
FILTERS=scale,setsar,format,split,fps,tile,hflip,vflip,transpose,aresample,aformat,anull,null,trim,atrim,crop
PROTOCOLS=file,pipe,http,tcp

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
key="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
cache="${MEDIA_PIPELINE_FFMPEG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/media-pipeline/ffmpeg}"

install_deps=false
arches=()
for arg in "$@"; do
  case "$arg" in
    --install-deps) install_deps=true ;;
    x86_64|arm64) arches+=("$arg") ;;
    *) echo "build.sh: unknown argument '$arg' (expected --install-deps, x86_64 or arm64)" >&2; exit 2 ;;
  esac
done
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)

todo=()
for arch in "${arches[@]}"; do
  if [ -x "$cache/$key-$arch/bin/ffmpeg" ] && [ -x "$cache/$key-$arch/bin/ffprobe" ]; then
    echo "ffmpeg layer $arch: already built in $cache/$key-$arch"
  else
    todo+=("$arch")
  fi
done
[ ${#todo[@]} -gt 0 ] || exit 0

lib_packages() { # the static libraries linked in, per Debian architecture
  echo "libx264-dev:$1 libwebp-dev:$1 zlib1g-dev:$1"
}

if $install_deps; then
  export DEBIAN_FRONTEND=noninteractive
  if ! grep -rqs 'trixie' /etc/apt/sources.list.d/; then
    cat >/etc/apt/sources.list.d/media-pipeline-ffmpeg-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  packages=(ca-certificates xz-utils make gcc nasm pkg-config $(lib_packages amd64))
  for arch in "${todo[@]}"; do
    if [ "$arch" = arm64 ]; then
      dpkg --add-architecture arm64
      packages+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross $(lib_packages arm64))
    fi
  done
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ffmpeg-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

tarball="$cache/source/$ORIG_TARBALL"
if [ ! -f "$tarball" ] || ! echo "$ORIG_SHA256  $tarball" | sha256sum -c --status; then
  mkdir -p "$cache/source"
  (cd "$work" && apt-get source --download-only -qq "ffmpeg=$DEBIAN_VERSION" >/dev/null 2>&1) || {
    echo "build.sh: apt-get source ffmpeg=$DEBIAN_VERSION failed. Run with --install-deps (adds trixie's deb-src), or" >&2
    echo "  if Debian has moved on, pin the version it now offers here: apt-cache showsrc ffmpeg | grep ^Version" >&2
    exit 1
  }
  mv "$work/$ORIG_TARBALL" "$tarball"
fi
echo "$ORIG_SHA256  $tarball" | sha256sum -c --status || { echo "build.sh: $tarball does not match its pinned sha256" >&2; exit 1; }

jobs="$(nproc)"
for arch in "${todo[@]}"; do
  started=$SECONDS
  src="$work/src-$arch"
  mkdir -p "$src"
  tar -xJf "$tarball" -C "$src" --strip-components=1
  case "$arch" in
    x86_64) debarch=amd64; triplet=x86_64-linux-gnu; cross=() ;;
    arm64) debarch=arm64; triplet=aarch64-linux-gnu
      cross=(--enable-cross-compile --arch=aarch64 --target-os=linux --cross-prefix=aarch64-linux-gnu-) ;;
  esac
  strip="strip"; [ "$arch" = arm64 ] && strip="aarch64-linux-gnu-strip"
  flags=(
    --disable-everything --disable-autodetect --disable-doc --disable-debug --disable-ffplay
    --disable-avdevice --disable-postproc --disable-shared --enable-static
    --enable-gpl --enable-libx264 --enable-libwebp --enable-zlib
    "--enable-demuxer=$DEMUXERS" "--enable-decoder=$DECODERS" "--enable-parser=$PARSERS"
    "--enable-bsf=$BSFS" "--enable-encoder=$ENCODERS" "--enable-muxer=$MUXERS"
    "--enable-filter=$FILTERS" "--enable-protocol=$PROTOCOLS"
    --pkg-config=pkg-config --pkg-config-flags=--static --extra-ldflags=-static
    "--extra-version=media-pipeline-$key"
  )
  echo "ffmpeg layer $arch: building FFmpeg $FFMPEG_VERSION ($jobs jobs)"
  (
    cd "$src"
    export PKG_CONFIG_LIBDIR="/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig"
    # configure ignores a component name it does not know (it warns only when none of a list
    # matches): the binary would build without it and fail at run time. Check every name first.
    for kind in demuxer decoder parser bsf encoder muxer filter protocol; do
      list_var="$(echo "${kind}s" | tr '[:lower:]' '[:upper:]')"
      known=" $(./configure "--list-${kind}s" | tr -s ' \t\n' ' ') "
      for name in ${!list_var//,/ }; do
        [[ "$known" == *" $name "* ]] || { echo "build.sh: FFmpeg $FFMPEG_VERSION has no $kind named '$name'" >&2; exit 1; }
      done
    done
    ./configure "${cross[@]}" "${flags[@]}" >"$work/configure-$arch.log" 2>&1 || { tail -30 "$work/configure-$arch.log" ffbuild/config.log >&2; exit 1; }
    make -j"$jobs" ffmpeg ffprobe >"$work/make-$arch.log" 2>&1 || { tail -40 "$work/make-$arch.log" >&2; exit 1; }
  )
  out="$work/out-$arch"
  mkdir -p "$out/bin" "$out/licenses"
  for tool in ffmpeg ffprobe; do
    "$strip" -o "$out/bin/$tool" "$src/$tool"
    chmod 0755 "$out/bin/$tool"
  done
  cp "$src/COPYING.GPLv2" "$out/licenses/FFmpeg-COPYING.GPLv2"
  cp "$src/LICENSE.md" "$out/licenses/FFmpeg-LICENSE.md"
  libs=()
  for package in $(lib_packages "$debarch"); do
    name="${package%%:*}"
    cp "/usr/share/doc/$name/copyright" "$out/licenses/$name.copyright"
    libs+=("$name $(dpkg-query -W -f='${Version}' "$package")")
  done
  {
    echo "This layer holds FFmpeg $FFMPEG_VERSION (https://ffmpeg.org): bin/ffmpeg and bin/ffprobe, built"
    echo "for $arch by the media-pipeline project's layers/ffmpeg/build.sh, linked statically with"
    printf '  %s\n' "${libs[@]}"
    echo "from Debian bookworm. With --enable-gpl and libx264 the binaries are licensed under the"
    echo "GNU General Public License, version 2 or later (licenses/FFmpeg-COPYING.GPLv2); the"
    echo "libraries' own licences are in licenses/."
    echo
    echo "Corresponding source: FFmpeg $FFMPEG_VERSION as Debian ships it ($ORIG_TARBALL,"
    echo "sha256 $ORIG_SHA256, from 'apt-get source ffmpeg=$DEBIAN_VERSION'), the library"
    echo "sources of the Debian versions above ('apt-get source <name>=<version>'), and the"
    echo "build script with its configure flags:"
    echo "  ${flags[*]} ${cross[*]}"
  } >"$out/NOTICE.txt"
  node -e '
    const [out, arch, version, key, libs, flags] = process.argv.slice(1);
    const { statSync, writeFileSync } = require("node:fs");
    const size = (t) => statSync(`${out}/bin/${t}`).size;
    writeFileSync(`${out}/build.json`, JSON.stringify({
      ffmpeg: version, arch, key, libraries: libs.split("\n"), configure: flags,
      bytes: { ffmpeg: size("ffmpeg"), ffprobe: size("ffprobe") },
    }, null, 2) + "\n");
  ' "$out" "$arch" "$FFMPEG_VERSION" "$key" "$(printf '%s\n' "${libs[@]}" | sed '/^$/d')" "${flags[*]} ${cross[*]}"
  rm -rf "${cache:?}/$key-$arch"
  mkdir -p "$cache"
  mv "$out" "$cache/$key-$arch"
  echo "ffmpeg layer $arch: built in $((SECONDS - started)) s ($(du -sh "$cache/$key-$arch/bin" | cut -f1)) -> $cache/$key-$arch"
done
