#!/usr/bin/env bash
# freebsd-root-fetch.sh: prepare a FreeBSD/amd64 root directory for bsdulator.
#
# Downloads a release's base.txz (verified against the release MANIFEST and
# against checksums pinned below), or takes a local tarball or directory, and
# unpacks it into DEST atomically: everything happens in a temporary directory
# beside DEST that is renamed into place only once it is complete and looks
# like a FreeBSD root. A stamp file (DEST/.bsdulator-root) records where the
# root came from, so running again with the same source does nothing.
#
# Run with -h for usage.
set -euo pipefail

prog=freebsd-root-fetch
STAMP_NAME=.bsdulator-root
DEFAULT_RELEASE=14.3-RELEASE
DEFAULT_MIRRORS="https://download.freebsd.org/releases/amd64 https://archive.freebsd.org/old-releases/amd64"

# SHA-256 of the official amd64 base.txz, from each release's MANIFEST as the
# release engineers (re@FreeBSD.org) publish it, also kept in freebsd-ports
# misc/freebsd-release-manifests.
# A downloaded MANIFEST must agree with these before it is trusted.
declare -A PINNED_BASE_SHA256=(
    [15.0-RELEASE]=ac0c933cc02ee8af4da793f551e4a9a15cdcf0e67851290b1e8c19dd6d30bba8
    [14.3-RELEASE]=e38b5cf756d60086a6c2f736eff19cc7685f7e2313e31d14342fc8df57200a92
    [14.2-RELEASE]=e3971a3d4f36ed1ac67d2e7a5501726de79dd3695aa76bfad2a4ebe91a88a134
    [13.5-RELEASE]=5307c7699365834c9dd66216b774197af34c62b68fa9f526651c7081d8e1c5a5
)

usage() {
    cat <<EOF
Usage: freebsd-root-fetch.sh [OPTIONS] [DEST]

Prepare a FreeBSD/amd64 root directory at DEST (default: ./freebsd-root).

By default the official base.txz of a release is downloaded from
  https://download.freebsd.org/releases/amd64/<RELEASE>/
(falling back to https://archive.freebsd.org/old-releases/amd64/<RELEASE>/
for end-of-life releases) and its SHA-256 is checked against the release
MANIFEST; for the releases this script knows (15.0, 14.3, 14.2, 13.5) the
MANIFEST must also agree with the checksum pinned in the script.

Options:
  -r, --release REL   release to download (default: $DEFAULT_RELEASE; "14.3"
                      means 14.3-RELEASE). Known: $(known_releases)
  -f, --from SRC      use a local tarball (any compression tar reads) or copy
                      a directory instead of downloading
  -m, --manifest FILE verify against this local MANIFEST instead of the
                      downloaded one (with --from FILE too: the entry named
                      like the file, else base.txz, must match)
      --sha256 HEX    require the tarball to have this SHA-256
      --mirror URL    base URL holding <RELEASE>/base.txz and <RELEASE>/MANIFEST
                      (repeatable, tried in order; file:// works)
      --force         rebuild DEST even if its stamp says it is up to date
  -h, --help          show this help

With --from FILE, the file is checked against --manifest/--sha256 when given,
and against the pinned checksum when --release is given explicitly; otherwise
it is used unverified (a note says so).

Environment:
  FREEBSD_BASE=SRC       same as --from SRC
  FREEBSD_RELEASE=REL    same as --release REL
  FREEBSD_MANIFEST=FILE  same as --manifest FILE
  FREEBSD_MIRROR="URL…"  space-separated mirror list (default:
                         $DEFAULT_MIRRORS)

DEST is created by renaming a complete temporary directory beside it into
place; an interrupted run never leaves a partial root at DEST. If DEST exists
with a stamp ($STAMP_NAME) from the same source, nothing is done. A DEST that
exists, is not empty and has no stamp is left alone unless --force is given.
Run as root, owners are kept numerically (tar --numeric-owner).

Examples:
  ./freebsd-root-fetch.sh                                  # 14.3-RELEASE
  ./freebsd-root-fetch.sh --release 13.5-RELEASE /srv/fbsd13
  FREEBSD_BASE=~/Downloads/base.txz ./freebsd-root-fetch.sh   # a local tarball or directory
EOF
}

# ---------------------------------------------------------------- helpers --

msg() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { msg "error: $*"; exit 1; }

known_releases() {
    local r out=""
    for r in "${!PINNED_BASE_SHA256[@]}"; do out+="$r "; done
    printf '%s' "$out" | tr ' ' '\n' | sort -rV | tr '\n' ' ' | sed 's/ $//'
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum -- "$1" | awk '{print $1}'
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 -- "$1" | awk '{print $1}'
    elif command -v openssl >/dev/null 2>&1; then
        openssl dgst -sha256 -r -- "$1" | awk '{print $1}'
    else
        die "no sha256sum, shasum or openssl found to compute checksums"
    fi
}

is_sha256() { [[ $1 =~ ^[0-9a-f]{64}$ ]]; }

# Checksum of a directory's listing (name, type, mode, size, mtime, link
# target): cheap, and changes whenever a file is added, removed or rewritten.
dir_digest() {
    (cd -- "$1" && find . -path "./$STAMP_NAME" -prune -o \
        -printf '%P\t%y\t%m\t%s\t%T@\t%l\n' | LC_ALL=C sort | sha256sum | awk '{print $1}')
}

# manifest_sha256 MANIFEST DIST -> prints the SHA-256 the MANIFEST lists for DIST.
manifest_sha256() {
    local manifest=$1 dist=$2 sum
    [[ -r $manifest ]] || die "cannot read MANIFEST $manifest"
    sum=$(awk -F '\t' -v d="$dist" '$1 == d { print $2; exit }' "$manifest" | tr 'A-F' 'a-f')
    [[ -n $sum ]] || die "MANIFEST $manifest has no entry for $dist"
    is_sha256 "$sum" || die "MANIFEST $manifest lists a malformed SHA-256 for $dist: '$sum'"
    printf '%s\n' "$sum"
}

# check_manifest_pinned MANIFEST RELEASE: the MANIFEST's base.txz line must
# match the checksum pinned in this script when RELEASE is known.
check_manifest_pinned() {
    local manifest=$1 rel=$2 listed pinned
    listed=$(manifest_sha256 "$manifest" base.txz)
    pinned=${PINNED_BASE_SHA256[$rel]:-}
    if [[ -z $pinned ]]; then
        msg "note: no pinned checksum for $rel in this script; trusting the MANIFEST alone"
    elif [[ $listed != "$pinned" ]]; then
        die "MANIFEST for $rel lists base.txz sha256 $listed, but the value pinned in this script is $pinned: refusing to trust it"
    fi
}

# verify_file FILE EXPECTED WHAT [DELETE [ACTUAL]]: compare FILE's SHA-256
# (ACTUAL if already known) with EXPECTED; on mismatch delete FILE if
# DELETE=delete (a download of ours, never a user's file), then fail.
verify_file() {
    local file=$1 expected=$2 what=$3 delete=${4:-} actual=${5:-}
    if [[ -z $actual ]]; then
        msg "verifying sha256 of $file"
        actual=$(sha256_of "$file")
    fi
    if [[ $actual != "$expected" ]]; then
        if [[ $delete == delete ]]; then
            rm -f -- "$file"
            msg "deleted the bad download $file"
        fi
        die "checksum mismatch for $file: its sha256 is $actual, but $what says $expected"
    fi
    msg "sha256 OK: $actual matches $what"
}

# fetch_url URL OUT [progress]: download with curl (preferred) or wget.
fetch_url() {
    local url=$1 out=$2 progress=${3:-}
    if command -v curl >/dev/null 2>&1; then
        if [[ $progress == progress ]]; then
            curl --fail --location --progress-bar --retry 2 -o "$out" -- "$url"
        else
            curl --fail --location --silent --show-error --retry 2 -o "$out" -- "$url"
        fi
    elif command -v wget >/dev/null 2>&1; then
        if [[ $progress == progress ]]; then
            wget --progress=bar:force:noscroll -O "$out" -- "$url"
        else
            wget -q -O "$out" -- "$url"
        fi
    else
        die "neither curl nor wget is installed: cannot download $url (use --from FILE)"
    fi
}

# download_release REL WORKDIR LOCAL_MANIFEST: download REL's base.txz into
# WORKDIR, verified against the MANIFEST (downloaded from the same mirror
# unless LOCAL_MANIFEST is given) and the pinned value. Sets dl_tarball,
# dl_url and dl_sha.
download_release() {
    local rel=$1 work=$2 local_manifest=$3
    local mirrors=${FREEBSD_MIRROR:-$DEFAULT_MIRRORS}
    local m base manifest expected
    dl_tarball=$work/base.txz
    for m in $mirrors; do
        base=${m%/}/$rel
        if [[ -n $local_manifest ]]; then
            manifest=$local_manifest
        else
            manifest=$work/MANIFEST
            msg "fetching $base/MANIFEST"
            if ! fetch_url "$base/MANIFEST" "$manifest"; then
                msg "no MANIFEST at $base, trying the next mirror"
                rm -f -- "$manifest"
                continue
            fi
        fi
        check_manifest_pinned "$manifest" "$rel"
        expected=$(manifest_sha256 "$manifest" base.txz)
        msg "downloading $base/base.txz"
        if ! fetch_url "$base/base.txz" "$dl_tarball" progress; then
            msg "download of $base/base.txz failed, trying the next mirror"
            rm -f -- "$dl_tarball"
            continue
        fi
        verify_file "$dl_tarball" "$expected" "the $rel MANIFEST" delete
        dl_url=$base/base.txz
        dl_sha=$expected
        return 0
    done
    die "could not download $rel base.txz from any mirror ($mirrors)"
}

extract_tarball() {
    local tarball=$1 into=$2
    local -a opts=(-x -f "$tarball" -C "$into" --preserve-permissions)
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
        # FreeBSD's bsdtar records file flags and creation times as pax
        # keywords GNU tar does not know; they are meaningless on Linux.
        opts+=(--warning=no-unknown-keyword --delay-directory-restore)
    fi
    if [[ $(id -u) == 0 ]]; then
        opts+=(--numeric-owner --same-owner)
    else
        opts+=(--no-same-owner)
    fi
    msg "extracting $tarball (this takes a while for a full base.txz)"
    tar "${opts[@]}" || die "extracting $tarball failed (corrupt or unreadable archive?)"
}

# looks_like_freebsd_root DIR: the run-time linker and a shell, both FreeBSD ELF.
looks_like_freebsd_root() {
    local dir=$1 f abi
    for f in libexec/ld-elf.so.1 bin/sh; do
        if [[ ! -f $dir/$f ]]; then
            msg "$f is missing"
            return 1
        fi
    done
    # e_ident[EI_OSABI] of the run-time linker is ELFOSABI_FREEBSD (9).
    abi=$(od -An -tu1 -j7 -N1 -- "$dir/libexec/ld-elf.so.1" | tr -d ' ')
    if [[ $abi != 9 ]]; then
        msg "libexec/ld-elf.so.1 is not a FreeBSD ELF object (EI_OSABI=$abi)"
        return 1
    fi
    return 0
}

stamp_get() { # stamp_get FILE KEY
    [[ -f $1 ]] || return 0
    awk -F= -v k="$2" '$1 == k { sub(/^[^=]*=/, ""); print; exit }' "$1"
}

# ------------------------------------------------------------------- main --

release=${FREEBSD_RELEASE:-}
release_explicit=0
[[ -n $release ]] && release_explicit=1
from=${FREEBSD_BASE:-}
manifest=${FREEBSD_MANIFEST:-}
want_sha=""
force=0
dest=""
mirrors_cli=""

need_arg() { [[ $# -ge 2 && -n $2 ]] || die "option $1 needs an argument (see --help)"; }

while [[ $# -gt 0 ]]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        -r|--release) need_arg "$@"; release=$2; release_explicit=1; shift 2 ;;
        --release=*) release=${1#*=}; release_explicit=1; shift ;;
        -f|--from) need_arg "$@"; from=$2; shift 2 ;;
        --from=*) from=${1#*=}; shift ;;
        -m|--manifest) need_arg "$@"; manifest=$2; shift 2 ;;
        --manifest=*) manifest=${1#*=}; shift ;;
        --sha256) need_arg "$@"; want_sha=$2; shift 2 ;;
        --sha256=*) want_sha=${1#*=}; shift ;;
        --mirror) need_arg "$@"; mirrors_cli+="$2 "; shift 2 ;;
        --mirror=*) mirrors_cli+="${1#*=} "; shift ;;
        --force) force=1; shift ;;
        --) shift; break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z $dest ]] || die "more than one DEST given ($dest, $1)"; dest=$1; shift ;;
    esac
done
if [[ $# -gt 0 ]]; then
    [[ -z $dest && $# -eq 1 ]] || die "more than one DEST given"
    dest=$1
fi
[[ -n $mirrors_cli ]] && FREEBSD_MIRROR=$mirrors_cli
dest=${dest:-./freebsd-root}

release=${release:-$DEFAULT_RELEASE}
[[ $release =~ ^[0-9]+\.[0-9]+$ ]] && release=$release-RELEASE
[[ $release =~ ^[0-9]+\.[0-9]+-[A-Z0-9.-]+$ ]] \
    || die "bad release name '$release' (expected e.g. $DEFAULT_RELEASE)"
if [[ -n $want_sha ]]; then
    want_sha=$(printf '%s' "$want_sha" | tr 'A-F' 'a-f')
    is_sha256 "$want_sha" || die "--sha256 wants 64 hex digits, got '$want_sha'"
fi
if [[ -n $manifest && ! -r $manifest ]]; then
    die "MANIFEST file $manifest does not exist or is not readable"
fi

# Normalise DEST: its parent must exist; work happens beside it.
dest=${dest%/}
[[ -n $dest ]] || die "DEST must not be /"
parent=$(dirname -- "$dest")
name=$(basename -- "$dest")
[[ -d $parent ]] || die "parent directory of DEST does not exist: $parent"
parent=$(cd -- "$parent" && pwd -P)
dest=$parent/$name
if [[ -e $dest && ! -d $dest ]]; then
    die "$dest exists and is not a directory"
fi

# Serialise concurrent runs on the same parent directory (lock on the
# directory itself, so nothing is left behind).
if command -v flock >/dev/null 2>&1; then
    exec 9<"$parent"
    flock 9
fi

# ---- what is the source, and what would its stamp say?
kind="" source_key="" source_sha="" origin=""
if [[ -n $from ]]; then
    if [[ -d $from ]]; then
        kind=dir
        origin=$(cd -- "$from" && pwd -P)
        [[ $origin != "$dest" ]] || die "--from directory is DEST itself"
        source_key=dir:$origin
        source_sha=$(dir_digest "$origin")
    elif [[ -f $from ]]; then
        kind="file"
        origin=$(cd -- "$(dirname -- "$from")" && pwd -P)/$(basename -- "$from")
        source_key="file"
        msg "computing sha256 of $origin"
        source_sha=$(sha256_of "$origin")
    elif [[ -e $from ]]; then
        die "FREEBSD_BASE/--from $from is neither a regular file nor a directory"
    else
        die "FREEBSD_BASE/--from file $from does not exist (expected a base.txz-style tarball or a FreeBSD root directory)"
    fi
else
    kind=release
    source_key=release:$release
    origin=$release
    if [[ -n $want_sha ]]; then
        source_sha=$want_sha
    elif [[ -n $manifest ]]; then
        check_manifest_pinned "$manifest" "$release"
        source_sha=$(manifest_sha256 "$manifest" base.txz)
    else
        source_sha=${PINNED_BASE_SHA256[$release]:-}
    fi
fi

# ---- idempotency: same source already in place?
stamp=$dest/$STAMP_NAME
if [[ -d $dest && $force == 0 ]]; then
    old_key=$(stamp_get "$stamp" source)
    old_sha=$(stamp_get "$stamp" sha256)
    if [[ -f $stamp ]]; then
        same=0
        if [[ $kind != dir && $old_key != dir:* && -n $source_sha ]]; then
            # A tarball is identified by its content, wherever it came from.
            [[ $old_sha == "$source_sha" ]] && same=1
        elif [[ $old_key == "$source_key" ]]; then
            [[ -z $source_sha || $old_sha == "$source_sha" ]] && same=1
        fi
        if [[ $same == 1 ]] && looks_like_freebsd_root "$dest" 2>/dev/null; then
            msg "$dest already holds this root ($(stamp_get "$stamp" origin), sha256 ${old_sha:-?}): nothing to do"
            exit 0
        fi
        msg "$dest holds a root from another source ($(stamp_get "$stamp" origin)): replacing it"
    elif [[ -n $(ls -A -- "$dest") ]]; then
        die "$dest exists, is not empty and was not made by this script (no $STAMP_NAME): move it away or use --force"
    fi
fi

# ---- build the new root in a temporary directory beside DEST.
work=$(mktemp -d "$parent/.$name.tmp.XXXXXX") || die "cannot create a temporary directory in $parent (is it writable?)"
cleanup() {
    local rc=$?
    if [[ -n ${work:-} && -d $work ]]; then
        chmod -R u+rwx -- "$work" 2>/dev/null || true
        rm -rf -- "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'msg "interrupted: removing the unfinished work in $work"; exit 130' INT
trap 'msg "terminated: removing the unfinished work in $work"; exit 143' TERM
newroot=$work/root
mkdir -m 0755 -- "$newroot"

verified=no
case $kind in
    release)
        download_release "$release" "$work" "$manifest"
        source_sha=$dl_sha
        [[ -z $want_sha ]] || verify_file "$dl_tarball" "$want_sha" "--sha256" delete "$dl_sha"
        verified=manifest
        [[ -n ${PINNED_BASE_SHA256[$release]:-} ]] && verified="manifest+pinned"
        origin=$dl_url
        extract_tarball "$dl_tarball" "$newroot"
        ;;
    file)
        checks=()
        if [[ -n $manifest ]]; then
            dist=base.txz
            if awk -F '\t' -v d="$(basename -- "$origin")" '$1 == d { f = 1 } END { exit !f }' "$manifest"; then
                dist=$(basename -- "$origin")
            fi
            [[ $release_explicit == 1 ]] && check_manifest_pinned "$manifest" "$release"
            verify_file "$origin" "$(manifest_sha256 "$manifest" "$dist")" "MANIFEST $manifest ($dist)" "" "$source_sha"
            checks+=(manifest)
        fi
        if [[ $release_explicit == 1 && -n ${PINNED_BASE_SHA256[$release]:-} ]]; then
            verify_file "$origin" "${PINNED_BASE_SHA256[$release]}" "the pinned $release base.txz checksum" "" "$source_sha"
            checks+=(pinned)
        fi
        if [[ -n $want_sha ]]; then
            verify_file "$origin" "$want_sha" "--sha256" "" "$source_sha"
            checks+=(sha256)
        fi
        if [[ ${#checks[@]} -gt 0 ]]; then
            verified=$(IFS=+; printf '%s' "${checks[*]}")
        else
            msg "note: $origin is used unverified (no --manifest, --sha256 or --release given)"
        fi
        extract_tarball "$origin" "$newroot"
        ;;
    dir)
        msg "copying $origin"
        cp -a -- "$origin/." "$newroot/" || die "copying $origin failed"
        ;;
esac

if ! looks_like_freebsd_root "$newroot"; then
    die "the result does not look like a FreeBSD root (need libexec/ld-elf.so.1 and bin/sh at its top); DEST left unchanged"
fi

{
    printf '# Written by freebsd-root-fetch.sh: where this FreeBSD root came from.\n'
    printf 'source=%s\n' "$source_key"
    printf 'origin=%s\n' "$origin"
    printf 'sha256=%s\n' "$source_sha"
    printf 'verified=%s\n' "$verified"
    printf 'created=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$newroot/$STAMP_NAME"

# ---- put it in place: DEST is either the old root or the new one.
if [[ -d $dest ]]; then
    mv -T -- "$dest" "$work/old"
    if ! mv -T -- "$newroot" "$dest"; then
        mv -T -- "$work/old" "$dest" || true
        die "could not rename the new root into $dest"
    fi
else
    mv -T -- "$newroot" "$dest" || die "could not rename the new root into $dest"
fi

version=""
if [[ -f $dest/bin/freebsd-version ]]; then
    version=$(sed -n 's/^USERLAND_VERSION="\(.*\)"$/\1/p' "$dest/bin/freebsd-version" | head -1)
fi
msg "FreeBSD root ready at $dest${version:+ (userland $version)}"
