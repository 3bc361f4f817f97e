# Shared by the benchmarks: sourced, not run.

# shellcheck source=tests/lib/emulator.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/emulator.sh"

# make_test_photo FILE: a 6000x4000 photo-like JPEG at quality 92 (fractal
# plasma blended with a gradient, plus fine noise as sensor grain), about
# 8.8 MB; kept when it exists. Needs ImageMagick.
make_test_photo() {
    local file=$1
    [ -s "$file" ] && return 0
    echo "generating the 6000x4000 test photo (ImageMagick, about 30 s)" >&2
    mkdir -p "$(dirname "$file")"
    convert -size 6000x4000 -seed 7 plasma:fractal -blur 0x2 \
        \( -size 6000x4000 gradient:'#203060-#f0c080' \) \
        -compose blend -define compose:args=50 -composite \
        -attenuate 0.55 +noise Gaussian \
        -quality 92 -sampling-factor 2x2 "$file"
}

# median: the median of the numbers on standard input, one a line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# build_release_tools: `dkcloud` and the emulator (release) in the same cargo
# invocation as CMake's (cpp/cmake/DkCloudCargo.cmake): cargo unifies
# dependency features per invocation, so another set of packages would
# compile shared dependencies a second time.
build_release_tools() { cargo build --locked --release -q -p dkcloud-ffi -p dkcloud-cli -p dkcloud-emulator; }
